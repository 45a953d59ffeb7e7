#!/usr/bin/env node
"use strict";
/**
 * `npm run bench:real`: what the Rust example costs on a real Docker engine (the one
 * `npm run provision` provides; it provisions first). Not part of `npm run bench`, which needs
 * no engine.
 *
 *   node bench/real.js [--runs N]
 *
 * 1. cold build      `docker build --no-cache` of the example's four-stage cargo-chef Dockerfile
 *                    (base images present, no layer of the example cached)
 * 2. rebuild         after a one-line change in src/main.rs: the cooked dependency layer is
 *                    reused (shown by "Using cache" on the `cargo chef cook` step)
 * 3. image size      of the final distroless image
 * 4. start to 200    from `docker run -d` returning to the first 200 on /healthz over loopback
 *
 * Builds run in a copy of examples/rust-service. Writes bench/results-real.json.
 */
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { median } = require("./util");

const ROOT = path.resolve(__dirname, "..");
const PORT = 18391;
const TAG = "cdktf-cloud-run-test/bench";
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

function provisionedEnv() {
  const cache =
    process.env.CDKTF_CLOUD_RUN_CACHE || path.join(os.homedir(), ".cache", "cdktf-cloud-run");
  const provision = spawnSync("node", [path.join(ROOT, "scripts", "provision.js")], {
    stdio: "inherit",
  });
  if (provision.status !== 0) {
    throw new Error("npm run provision failed");
  }
  const { env, pathPrepend } = JSON.parse(fs.readFileSync(path.join(cache, "env.json"), "utf8"));
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

function timedBuild(context, extra = []) {
  const started = process.hrtime.bigint();
  const output = docker(["build", "--platform", "linux/amd64", ...extra, "-t", TAG, context]);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, output };
}

/** True when the build output shows the `cargo chef cook` step answered from the cache. */
function cookCached(output) {
  const step = output.split(/\n(?=Step \d+\/\d+ :)/).find((s) => s.includes("cargo chef cook"));
  return step !== undefined && step.includes("Using cache");
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

async function main() {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), "bench-real-"));
  fs.cpSync(path.join(ROOT, "examples", "rust-service"), context, {
    recursive: true,
    filter: (f) => !f.split(path.sep).includes("target"),
  });
  const main = path.join(context, "src", "main.rs");
  const cold = [];
  const rebuild = [];
  let reused = true;
  for (let run = 0; run < RUNS; run++) {
    cold.push(timedBuild(context, ["--no-cache"]).seconds);
    fs.appendFileSync(main, `\n// bench edit ${run}\n`);
    const again = timedBuild(context);
    rebuild.push(again.seconds);
    reused = reused && cookCached(again.output);
  }
  const size = Number(docker(["image", "inspect", TAG, "--format", "{{.Size}}"]).trim());
  const starts = [];
  for (let run = 0; run < Math.max(RUNS, 5); run++) {
    starts.push(await startTo200());
  }
  spawnSync("docker", ["rmi", "-f", TAG], { env: ENV });
  spawnSync("docker", ["image", "prune", "--force"], { env: ENV });
  spawnSync("docker", ["builder", "prune", "--all", "--force"], { env: ENV });
  fs.rmSync(context, { recursive: true, force: true });

  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    engine: docker(["version", "--format", "{{.Server.Version}}"]).trim(),
    runs: RUNS,
    coldBuildSeconds: Number(median(cold).toFixed(1)),
    rebuildAfterOneLineChangeSeconds: Number(median(rebuild).toFixed(1)),
    cookLayerReused: reused,
    finalImageMiB: Number((size / 2 ** 20).toFixed(1)),
    startToFirst200Ms: Number(median(starts).toFixed(0)),
    raw: { cold, rebuild, starts },
  };
  fs.writeFileSync(
    path.join(__dirname, "results-real.json"),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(
    [
      `| measure (median of ${RUNS}) | value |`,
      "| --- | --- |",
      `| cold build (--no-cache) | ${results.coldBuildSeconds} s |`,
      `| rebuild after a one-line change in src/ | ${results.rebuildAfterOneLineChangeSeconds} s (cook layer reused: ${reused}) |`,
      `| final image size | ${results.finalImageMiB} MiB |`,
      `| container start to first 200 on /healthz | ${results.startToFirst200Ms} ms |`,
    ].join("\n"),
  );
  if (!reused) {
    throw new Error("the rebuild did not reuse the cooked dependency layer");
  }
}

main().catch((error) => {
  console.error(`bench:real: ${error.stack || error}`);
  process.exit(1);
});
