"use strict";
/**
 * npm run package: builds the language packages with jsii-pacmak into dist/<language>/:
 * dist/js/*.tgz always, and every target declared in package.json's `jsii.targets`
 * (dist/python/*.whl). Fails unless each declared target produced its package.
 *
 * Java and Go are not declared: their packages depend on the Maven and Go packages of cdktf and
 * the prebuilt providers, which must be served for `mvn`/`go` to build them. For each language
 * that is not declared, this prints that it was NOT built and why, by asking the repository
 * (Maven Central; the Go module proxy, `GOPROXY`) for each artifact the package would depend on,
 * with the URL and the HTTP status. Those checks never fail the command.
 *
 * The compiled assembly (.jsii) is rebuilt first when it is missing or older than its sources.
 * jsii-pacmak builds the wheel in a fresh virtualenv of its own each time (setuptools, build and
 * twine from PyPI), so packaging needs PyPI.
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { stripVTControlCharacters } = require("util");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const MAVEN_REPOSITORY = "https://repo.maven.apache.org/maven2";
const PROBE_TIMEOUT_MS = 10000;

/** What each target writes, checked after jsii-pacmak ran. */
const EXPECTED = {
  js: { dir: "js", suffix: ".tgz" },
  python: { dir: "python", suffix: ".whl" },
  java: { dir: "java", suffix: ".jar" },
  go: { dir: "go", suffix: "go.mod" },
};

function log(message) {
  console.log(`package: ${message}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.error) {
    throw result.error;
  }
  return result.status ?? 1;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Rebuilds lib/ and .jsii when the assembly is missing or older than src/, package.json or the
 * README (which the assembly carries: it is the packages' description).
 */
function ensureAssembly() {
  const assembly = path.join(ROOT, ".jsii");
  const inputs = Math.max(
    newestMtime(path.join(ROOT, "src")),
    ...["package.json", "README.md"].map((file) => fs.statSync(path.join(ROOT, file)).mtimeMs),
  );
  if (fs.existsSync(assembly) && fs.statSync(assembly).mtimeMs >= inputs) {
    return;
  }
  log(".jsii is missing or older than src/: running npm run build");
  if (run("npm", ["run", "build"]) !== 0) {
    throw new Error("npm run build failed");
  }
}

/** The files a target wrote into dist/<dir>/ (recursively, for Go's module directory). */
function outputsOf(target) {
  const { dir, suffix } = EXPECTED[target];
  const base = path.join(DIST, dir);
  if (!fs.existsSync(base)) {
    return [];
  }
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith(suffix)) {
        found.push(path.relative(ROOT, full));
      }
    }
  };
  walk(base);
  return found;
}

async function probe(url) {
  try {
    const response = await fetch(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return { ok: response.ok, status: `HTTP ${response.status}` };
  } catch (error) {
    const cause = error.cause?.message ?? error.message;
    return { ok: false, status: `no answer (${cause})` };
  }
}

/** The Go module proxy to ask: the first URL of GOPROXY, as `go` would. */
function goProxy() {
  const first = (process.env.GOPROXY ?? "")
    .split(/[,|]/)
    .find((entry) => /^https?:\/\//.test(entry));
  return (first ?? "https://proxy.golang.org").replace(/\/$/, "");
}

/** Module paths in proxy URLs spell capitals as `!` + lowercase. */
function escapeModulePath(modulePath) {
  return modulePath.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/**
 * The artifacts a language package would depend on: each jsii dependency's own package for that
 * language at the version installed here (the lower bound of the range pacmak writes), and the
 * jsii runtime at jsii-pacmak's version.
 */
function dependencyArtifacts(language) {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, ".jsii"), "utf8"));
  const runtimeVersion = require("jsii-pacmak/package.json").version;
  const artifacts = [];
  for (const [name, info] of Object.entries(assembly.dependencyClosure ?? {})) {
    const version = require(`${name}/package.json`).version;
    const targets = info.targets ?? {};
    if (language === "java") {
      const maven = targets.java?.maven;
      if (maven) {
        artifacts.push(mavenArtifact(maven.groupId, maven.artifactId, version));
      }
    } else if (language === "go" && targets.go?.moduleName) {
      const packageName =
        targets.go.packageName ??
        name
          .replace(/^@[^/]+\//, "")
          .replace(/[^a-z0-9]/gi, "")
          .toLowerCase();
      const major = Number(version.split(".")[0]);
      const modulePath = `${targets.go.moduleName}/${packageName}${major >= 2 ? `/v${major}` : ""}`;
      artifacts.push(goModule(modulePath, version));
    }
  }
  if (language === "java") {
    artifacts.push(mavenArtifact("software.amazon.jsii", "jsii-runtime", runtimeVersion));
  } else {
    artifacts.push(goModule("github.com/aws/jsii-runtime-go", runtimeVersion));
  }
  return artifacts;
}

function mavenArtifact(groupId, artifactId, version) {
  return {
    name: `${groupId}:${artifactId}:${version}`,
    url: `${MAVEN_REPOSITORY}/${groupId.replace(/\./g, "/")}/${artifactId}/${version}/${artifactId}-${version}.pom`,
  };
}

function goModule(modulePath, version) {
  return {
    name: `${modulePath}@v${version}`,
    url: `${goProxy()}/${escapeModulePath(modulePath)}/@v/v${version}.mod`,
  };
}

function toolchain(language) {
  const [command, args] = language === "java" ? ["mvn", ["-v"]] : ["go", ["version"]];
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? stripVTControlCharacters(result.stdout.split("\n")[0]) : undefined;
}

/** Prints why an undeclared language is not built; never throws. */
async function explainNotBuilt(language) {
  const artifacts = dependencyArtifacts(language);
  const results = await Promise.all(artifacts.map((a) => probe(a.url)));
  const missing = artifacts.filter((_, i) => !results[i].ok);
  const tool = toolchain(language);
  const lines = [`${language}: NOT BUILT (no jsii.targets.${language} in package.json).`];
  lines.push(`  toolchain: ${tool ?? `${language === "java" ? "mvn" : "go"} not found`}`);
  artifacts.forEach((a, i) => {
    lines.push(
      `  ${results[i].ok ? "served " : "MISSING"} ${a.name}: ${results[i].status} ${a.url}`,
    );
  });
  lines.push(
    missing.length > 0
      ? `  The ${language} package cannot build until the MISSING artifacts are served.`
      : `  Every dependency is served now: declare jsii.targets.${language} to build it.`,
  );
  console.log(lines.join("\n"));
}

async function main() {
  const started = Date.now();
  ensureAssembly();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const declared = Object.keys(pkg.jsii?.targets ?? {});
  const targets = ["js", ...declared];
  log(`jsii-pacmak --targets ${targets.join(" ")}`);
  const pacmak = path.join(ROOT, "node_modules", ".bin", "jsii-pacmak");
  // Code samples in the README and the doc comments are TypeScript; rosetta translates them
  // into each language's docs (the wheel's description, the docstrings).
  const status = run(pacmak, [
    "--no-npmignore",
    "--rosetta-unknown-snippets=translate",
    "--targets",
    ...targets,
  ]);
  if (status !== 0) {
    throw new Error(`jsii-pacmak failed (exit ${status})`);
  }
  const failures = [];
  for (const target of targets) {
    const outputs = outputsOf(target);
    if (outputs.length === 0) {
      failures.push(`${target}: no dist/${EXPECTED[target].dir}/*${EXPECTED[target].suffix}`);
    } else {
      log(`${target}: ${outputs.join(", ")}`);
    }
  }
  for (const language of ["java", "go"].filter((l) => !declared.includes(l))) {
    await explainNotBuilt(language);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length > 0) {
    throw new Error(`packages missing after jsii-pacmak:\n  ${failures.join("\n  ")}`);
  }
}

main().catch((error) => {
  console.error(`package: ${error.message}`);
  process.exit(1);
});
