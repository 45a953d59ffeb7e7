#!/usr/bin/env node
"use strict";
/**
 * `npm run bench:real`: what the Rust example's builds cost on a real Docker engine (the one
 * `npm run provision` provides; it provisions first), for its four-stage cargo-chef Dockerfile
 * and, in the same run, a naive two-stage one. Not part of `npm run bench`, which needs no engine.
 *
 *   node bench/real.js [--runs N]
 *
 * For each Dockerfile, in a fresh copy of examples/rust-service, with `--network none` (the
 * stand-in builder carries the crates; nothing is downloaded):
 *
 * 1. cold build        `docker build --no-cache` (base images present, no layer cached)
 * 2. source change     rebuild after a one-line change in src/main.rs: the cargo-chef build must
 *                      answer its `cargo chef cook` step from the cache ("Using cache")
 * 3. dependency change rebuild after a dependency is added to Cargo.toml (one the lock file already
 *                      holds, so the stand-in's registry has it; Cargo.lock updated offline): the
 *                      recipe changes, so the cook step runs again
 *
 * The naive Dockerfile is `COPY . .` and `cargo build --release` in the same builder image, onto
 * the same distroless runtime, as the generated one. Then the cargo-chef image's size and its
 * start to the first 200 on /healthz. Writes bench/results-real.json.
 */
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { median } = require("./util");
const { cargoHomeDir } = require("../scripts/toolchain/images");
const { cacheDir } = require("../scripts/toolchain/versions");

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "rust-service");
const PORT = 18391;
const TAG = "cdktf-cloud-run-test/bench";
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 2;
const CACHE = cacheDir();

/** The one-line source change and the dependency change (a crate the lock file already holds). */
const SOURCE_EDIT = { from: 'info!("stopped");', to: (n) => `info!("stopped (edit ${n})");` };
const ADDED_DEPENDENCY = 'bytes = "1"';

function provisionedEnv() {
  const provision = spawnSync("node", [path.join(ROOT, "scripts", "provision.js")], {
    stdio: "inherit",
  });
  if (provision.status !== 0) {
    throw new Error("npm run provision failed");
  }
  const { env, pathPrepend } = JSON.parse(fs.readFileSync(path.join(CACHE, "env.json"), "utf8"));
  if (!env.DOCKER_HOST) {
    throw new Error("no Docker engine is provisioned: see npm run provision's MISSING list");
  }
  return { ...process.env, ...env, PATH: [...pathPrepend, process.env.PATH].join(path.delimiter) };
}

const ENV = provisionedEnv();

function docker(args) {
  const result = spawnSync("docker", args, {
    env: ENV,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`docker ${args.join(" ")} failed: ${result.stderr}`);
  }
  return result.stdout;
}

/** The generated Dockerfile, and the naive one on the same builder and runtime images. */
function dockerfiles() {
  const chef = fs.readFileSync(path.join(EXAMPLE, "Dockerfile"), "utf8");
  const builder = /^FROM (\S+) AS planner$/m.exec(chef)[1];
  const runtime = /^FROM (\S+) AS final$/m.exec(chef)[1];
  const naive = [
    "# The naive build: the whole context, then one release build. Any change rebuilds every crate.",
    `FROM ${builder} AS builder`,
    "WORKDIR /app",
    "COPY . .",
    "RUN cargo build --release --bin cloud-run-app",
    "",
    `FROM ${runtime} AS final`,
    "WORKDIR /app",
    "COPY --from=builder /app/target/release/cloud-run-app /app/cloud-run-app",
    "USER 65532:65532",
    "EXPOSE 8080",
    'ENTRYPOINT ["/app/cloud-run-app"]',
    "",
  ].join("\n");
  return { cargoChef: chef, naive };
}

/**
 * `docker build`, timed, with the time of each step (from its "Step n/m" line to the next,
 * commit of the layer included) and whether the engine answered it from its cache.
 */
function timedBuild(context, extra = []) {
  const args = ["build", "--platform", "linux/amd64", "--network", "none", ...extra];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("docker", [...args, "-t", TAG, context], { env: ENV });
    const steps = [];
    let output = "";
    let pending = "";
    const onData = (chunk) => {
      const now = Number(process.hrtime.bigint() - started) / 1e9;
      output += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) {
        const step = /^Step \d+\/\d+ : (.*)$/.exec(line);
        if (step) {
          steps.push({ instruction: step[1], start: now, cached: false });
        } else if (/^ ---> Using cache$/.test(line) && steps.length > 0) {
          steps[steps.length - 1].cached = true;
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`docker ${args.join(" ")} failed:\n${output.slice(-3000)}`));
        return;
      }
      const timed = steps.map((s, i) => ({
        instruction: s.instruction,
        seconds: Number(((steps[i + 1]?.start ?? seconds) - s.start).toFixed(1)),
        cached: s.cached,
      }));
      resolve({ seconds, steps: timed, output });
    });
  });
}

function step(build, pattern) {
  const found = build.steps.find((s) => pattern.test(s.instruction));
  if (!found) {
    throw new Error(`no step matching ${pattern} in the build`);
  }
  return found;
}

/** The build output of the step that runs `pattern`, from its "Step" line to the next. */
function stepOutput(build, pattern) {
  return build.output
    .split(/\n(?=Step \d+\/\d+ :)/)
    .find((s) => pattern.test(s.split("\n")[0].replace(/^Step \d+\/\d+ : /, "")))
    .trim();
}

/** A fresh copy of the example with `dockerfile`; the repository's files are never edited. */
function context(dockerfile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-real-"));
  fs.cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (f) => !f.split(path.sep).includes("target"),
  });
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  return dir;
}

function editSource(dir, n) {
  const main = path.join(dir, "src", "main.rs");
  const text = fs.readFileSync(main, "utf8");
  if (!text.includes(SOURCE_EDIT.from)) {
    throw new Error(`src/main.rs no longer contains ${SOURCE_EDIT.from}: update bench/real.js`);
  }
  fs.writeFileSync(main, text.replace(SOURCE_EDIT.from, SOURCE_EDIT.to(n)));
}

/** Adds the dependency and updates Cargo.lock offline, from the stand-in's own registry. */
function addDependency(dir) {
  const manifest = path.join(dir, "Cargo.toml");
  const text = fs.readFileSync(manifest, "utf8");
  fs.writeFileSync(
    manifest,
    text.replace("[dependencies]\n", `[dependencies]\n${ADDED_DEPENDENCY}\n`),
  );
  const result = spawnSync(
    "cargo",
    ["metadata", "--offline", "--format-version", "1", "--manifest-path", manifest],
    {
      env: { ...process.env, CARGO_HOME: cargoHomeDir(CACHE) },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) {
    throw new Error(`cargo metadata --offline failed: ${result.stderr}`);
  }
}

function prune() {
  spawnSync("docker", ["rmi", "-f", TAG], { env: ENV });
  spawnSync("docker", ["image", "prune", "--force"], { env: ENV });
  spawnSync("docker", ["builder", "prune", "--all", "--force"], { env: ENV });
}

const COOK = /cargo chef cook/;
const BUILD = /^RUN cargo build /;

/** The three builds of one Dockerfile in a fresh context. */
async function measure(name, dockerfile, run) {
  const dir = context(dockerfile);
  try {
    const cold = await timedBuild(dir, ["--no-cache"]);
    editSource(dir, run);
    const source = await timedBuild(dir);
    addDependency(dir);
    const dependency = await timedBuild(dir);
    const figures = {
      cold: cold.seconds,
      source: source.seconds,
      dependency: dependency.seconds,
      steps: { cold: cold.steps, source: source.steps, dependency: dependency.steps },
    };
    if (name === "cargoChef") {
      figures.cookReusedAfterSourceChange = step(source, COOK).cached;
      figures.cookRanAgainAfterDependencyChange = !step(dependency, COOK).cached;
      figures.evidence = {
        cookAfterSourceChange: stepOutput(source, COOK),
        buildAfterSourceChange: stepOutput(source, BUILD).split("\n").slice(0, 4).join("\n"),
      };
      // The image stays for the start-up figure.
      return figures;
    }
    figures.buildRanAgainAfterSourceChange = !step(source, BUILD).cached;
    prune();
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startTo200() {
  const name = "cdktf-cloud-run-test-bench";
  spawnSync("docker", ["rm", "-f", name], { env: ENV });
  docker(["run", "-d", "--name", name, "-p", `127.0.0.1:${PORT}:8080`, TAG]);
  const started = process.hrtime.bigint();
  try {
    for (let i = 0; i < 2000; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${PORT}/healthz`, {
          signal: AbortSignal.timeout(500),
        });
        if (response.status === 200) {
          return Number(process.hrtime.bigint() - started) / 1e6;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error("no 200 on /healthz");
  } finally {
    spawnSync("docker", ["rm", "-f", name], { env: ENV });
  }
}

const round = (n, digits = 1) => Number(n.toFixed(digits));

function summary(runs) {
  const figure = (key) => round(median(runs.map((r) => r[key])));
  return {
    coldBuildSeconds: figure("cold"),
    rebuildAfterOneLineChangeSeconds: figure("source"),
    rebuildAfterDependencyChangeSeconds: figure("dependency"),
  };
}

async function main() {
  const files = dockerfiles();
  const runs = { cargoChef: [], naive: [] };
  let size;
  const starts = [];
  prune();
  for (let run = 0; run < RUNS; run++) {
    const chef = await measure("cargoChef", files.cargoChef, run);
    runs.cargoChef.push(chef);
    if (run === 0) {
      size = Number(docker(["image", "inspect", TAG, "--format", "{{.Size}}"]).trim());
      for (let i = 0; i < 5; i++) {
        starts.push(await startTo200());
      }
    }
    prune();
    runs.naive.push(await measure("naive", files.naive, run));
  }
  prune();

  const chef = summary(runs.cargoChef);
  const naive = summary(runs.naive);
  const reused = runs.cargoChef.every((r) => r.cookReusedAfterSourceChange);
  const recooked = runs.cargoChef.every((r) => r.cookRanAgainAfterDependencyChange);
  const ratio = (key) => round(naive[key] / chef[key], 2);
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    engine: docker(["version", "--format", "{{.Server.Version}}"]).trim(),
    storageDriver: docker(["info", "--format", "{{.Driver}}"]).trim(),
    runs: RUNS,
    // The crates.io packages the lock file names: what the naive build compiles every time.
    lockedRegistryCrates: (
      fs.readFileSync(path.join(EXAMPLE, "Cargo.lock"), "utf8").match(/^source = "registry\+/gm) ??
      []
    ).length,
    cargoChef: {
      ...chef,
      cookLayerReusedAfterOneLineChange: reused,
      cookLayerRebuiltAfterDependencyChange: recooked,
    },
    naive,
    naiveOverCargoChef: {
      coldBuild: ratio("coldBuildSeconds"),
      rebuildAfterOneLineChange: ratio("rebuildAfterOneLineChangeSeconds"),
      rebuildAfterDependencyChange: ratio("rebuildAfterDependencyChangeSeconds"),
    },
    cacheEvidence: runs.cargoChef[0].evidence,
    finalImageMiB: round(size / 2 ** 20),
    startToFirst200Ms: round(median(starts), 0),
    raw: {
      cargoChef: runs.cargoChef.map(({ evidence: _evidence, ...r }) => r),
      naive: runs.naive,
      starts,
    },
  };
  fs.writeFileSync(
    path.join(__dirname, "results-real.json"),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(
    [
      `| build (median of ${RUNS}) | cargo-chef, four stages | naive, two stages | naive / cargo-chef |`,
      "| --- | --- | --- | --- |",
      `| cold (--no-cache) | ${chef.coldBuildSeconds} s | ${naive.coldBuildSeconds} s | ${results.naiveOverCargoChef.coldBuild} |`,
      `| after a one-line change in src/ | ${chef.rebuildAfterOneLineChangeSeconds} s | ${naive.rebuildAfterOneLineChangeSeconds} s | ${results.naiveOverCargoChef.rebuildAfterOneLineChange} |`,
      `| after a dependency change | ${chef.rebuildAfterDependencyChangeSeconds} s | ${naive.rebuildAfterDependencyChangeSeconds} s | ${results.naiveOverCargoChef.rebuildAfterDependencyChange} |`,
      "",
      `cook layer reused after the one-line change: ${reused}; cooked again after the dependency change: ${recooked}`,
      results.cacheEvidence.cookAfterSourceChange,
      `final image ${results.finalImageMiB} MiB; container start to first 200 on /healthz ${results.startToFirst200Ms} ms`,
    ].join("\n"),
  );
  if (!reused || !recooked) {
    throw new Error(
      "the cargo-chef build did not reuse (or did not redo) the cooked dependency layer",
    );
  }
}

main().catch((error) => {
  console.error(`bench:real: ${error.stack || error}`);
  process.exit(1);
});
