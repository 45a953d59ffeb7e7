"use strict";
/**
 * Terraform providers, built from their Go modules into a filesystem mirror:
 *
 *   <cache>/providers/registry.terraform.io/<namespace>/<type>/<version>/linux_amd64/terraform-provider-<type>_v<version>
 *
 * (registry.opentofu.org links to the same tree). The CLI config <cache>/terraform.rc makes
 * `terraform init` install from that mirror only, with no network.
 *
 * For each provider, in order:
 *  1. the mirror already holds a binary built from the same inputs: nothing to do;
 *  2. `go mod download` of the release's pseudo-version from the Go module proxy, then
 *     `go build` in the module's directory with the version stamped in;
 *  3. when the proxy refuses it: the same version from Terraform's implied local mirror
 *     directories (e.g. ~/.terraform.d/plugins/registry.terraform.io/hashicorp/google/6.50.0/linux_amd64/)
 *     or $TF_PLUGIN_CACHE_DIR, where a user with registry access may already have it. The
 *     binary is copied into the cache (not linked), so the cache alone keeps working when
 *     that directory is gone: step 1 finds the copy next time;
 *  4. for the docker provider only, when both fail: a substitute commit the proxy serves (pinned
 *     in versions.js; else the newest it serves), built under its own version
 *     (`<last release + 1 patch>-dev.<commit>`), so that the tests run against a real docker
 *     provider and say which one.
 * What each step found, refusals word for word, is recorded in the manifest.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { PROVIDERS } = require("./versions");
const { spawnSync } = require("child_process");
const {
  copyAtomic,
  goVersion,
  inputKey,
  log,
  runLong,
  symlinkForce,
  writeAtomic,
} = require("./util");

const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
const KEY_FILE = ".provision-key";

function mirrorDir(cache) {
  return path.join(cache, "providers");
}

function binaryName(type, version) {
  return `terraform-provider-${type}_v${version}`;
}

function targetDir(cache, source, version) {
  return path.join(
    mirrorDir(cache),
    "registry.terraform.io",
    ...source.split("/"),
    version,
    PLATFORM,
  );
}

/** `go mod download -json`: { dir, version } or { error } with the proxy's words. */
function goModDownload(cache, module, version) {
  const work = path.join(cache, "go-work");
  fs.mkdirSync(work, { recursive: true });
  // It prints the JSON (with an "Error" field) and exits 1 when the module is refused.
  const result = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, GO111MODULE: "on", GOFLAGS: "-mod=mod" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const text = (result.stdout || "").trim();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      error: `go mod download ${module}@${version}: ${text || (result.stderr || "").trim() || "no output"}`,
    };
  }
  if (parsed.Error) {
    return { error: `go mod download ${module}@${version}: ${parsed.Error.replace(/\s+/g, " ")}` };
  }
  return { dir: parsed.Dir, version: parsed.Version };
}

/** Builds the provider in its module directory (read-only is fine: go build writes elsewhere). */
async function goBuild(cache, label, moduleDir, versionVar, version, output) {
  const tmp = `${output}.build-${process.pid}`;
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const result = await runLong(
    label,
    "go",
    ["build", "-trimpath", "-ldflags", `-s -w -X ${versionVar}=${version}`, "-o", tmp, "."],
    {
      cwd: moduleDir,
      env: {
        ...process.env,
        GO111MODULE: "on",
        GOFLAGS: "-mod=mod -buildvcs=false",
        CGO_ENABLED: "0",
      },
      logFile: path.join(cache, "logs", `${path.basename(output)}.log`),
    },
  );
  if (result.code !== 0) {
    fs.rmSync(tmp, { force: true });
    return {
      error: `go build failed (exit ${result.code}): ${result.output.trim().split("\n").slice(-5).join(" | ")}`,
    };
  }
  fs.renameSync(tmp, output);
  return {};
}

/** Terraform's implied local mirror directories and the plugin cache, in Terraform's order. */
function localMirrorDirs() {
  const home = os.homedir();
  const dirs = [
    path.join(home, ".terraform.d", "plugins"),
    path.join(
      process.env.XDG_DATA_HOME || path.join(home, ".local", "share"),
      "terraform",
      "plugins",
    ),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  if (process.env.TF_PLUGIN_CACHE_DIR) {
    dirs.push(process.env.TF_PLUGIN_CACHE_DIR);
  }
  return dirs;
}

/** An existing binary of exactly this provider version in a local mirror, if any. */
function findLocalBinary(source, version) {
  const [, type] = source.split("/");
  for (const root of localMirrorDirs()) {
    const dir = path.join(root, "registry.terraform.io", ...source.split("/"), version, PLATFORM);
    let entries = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const binary = entries.find((name) => name.startsWith(`terraform-provider-${type}`));
    if (binary !== undefined) {
      const file = path.join(dir, binary);
      if (fs.statSync(file).isFile() && (fs.statSync(file).mode & 0o111) !== 0) {
        return file;
      }
    }
  }
  return undefined;
}

/** `<last release in CHANGELOG.md + 1 patch>-dev.<commit>` for a commit after that release. */
function versionOfCommit(moduleDir, moduleVersion) {
  const commit = moduleVersion.split("-").pop();
  let release = "0.0.0";
  try {
    const changelog = fs.readFileSync(path.join(moduleDir, "CHANGELOG.md"), "utf8");
    const match = /^## \[?v?(\d+)\.(\d+)\.(\d+)\]?/m.exec(changelog);
    if (match) {
      release = `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
    }
  } catch {
    // no changelog: 0.0.0-dev.<commit>
  }
  return { version: `${release}-dev.${commit}`, commit };
}

function readKey(dir) {
  try {
    return fs.readFileSync(path.join(dir, KEY_FILE), "utf8").trim();
  } catch {
    return undefined;
  }
}

function cachedBinary(dir, type, version, key) {
  const file = path.join(dir, binaryName(type, version));
  return fs.existsSync(file) && readKey(dir) === key ? file : undefined;
}

/** The key of a binary copied from a local mirror: the version it claims, nothing built. */
function localCopyKey(pin) {
  return inputKey({ localCopy: pin.source, version: pin.version });
}

async function provideOne(cache, pin, go) {
  const [, type] = pin.source.split("/");
  const record = {
    source: pin.source,
    version: pin.version,
    pinned: pin.pinned === true,
    status: "unavailable",
    errors: [],
  };
  const dir = targetDir(cache, pin.source, pin.version);
  const key = inputKey({
    module: pin.module,
    moduleVersion: pin.moduleVersion,
    versionVar: pin.versionVar,
    go,
  });

  // 1. built before from the same inputs
  const cached = cachedBinary(dir, type, pin.version, key);
  if (cached !== undefined) {
    log(`provider ${pin.source} ${pin.version}: cached`);
    return { ...record, status: "cached", from: readFrom(dir), binary: cached };
  }
  // 1b. copied before from a local mirror (step 3 of an earlier run)
  const copied = path.join(dir, binaryName(type, pin.version));
  if (readKey(dir) === localCopyKey(pin) && fs.existsSync(copied)) {
    const from = readFrom(dir);
    log(`provider ${pin.source} ${pin.version}: cached (copied earlier from ${from})`);
    return { ...record, status: "local", from, binary: copied };
  }

  // 2. the Go module proxy
  const download = go
    ? goModDownload(cache, pin.module, pin.moduleVersion)
    : { error: "go is not on PATH" };
  if (download.dir) {
    const output = path.join(dir, binaryName(type, pin.version));
    const build = await goBuild(
      cache,
      `building provider ${pin.source} ${pin.version}`,
      download.dir,
      pin.versionVar,
      pin.version,
      output,
    );
    if (!build.error) {
      const from = `${pin.module}@${pin.moduleVersion}`;
      writeAtomic(path.join(dir, KEY_FILE), `${key}\n`);
      writeAtomic(path.join(dir, ".provision-from"), `${from}\n`);
      return { ...record, status: "built", from, binary: output };
    }
    record.errors.push(build.error);
  } else {
    record.errors.push(download.error);
    log(`provider ${pin.source} ${pin.version}: the Go module proxy refuses it: ${download.error}`);
  }

  // 3. a local mirror the user already has
  const local = findLocalBinary(pin.source, pin.version);
  if (local !== undefined) {
    copyAtomic(local, copied, 0o755);
    writeAtomic(path.join(dir, KEY_FILE), `${localCopyKey(pin)}\n`);
    writeAtomic(path.join(dir, ".provision-from"), `${local}\n`);
    log(`provider ${pin.source} ${pin.version}: copied from the local mirror ${local}`);
    return { ...record, status: "local", from: local, binary: copied };
  }
  record.errors.push(`not in a local mirror (${localMirrorDirs().join(", ")})`);

  // 4. a substitute commit the proxy serves (docker only)
  if ((pin.substituteModuleVersion || pin.newestServedFallback) && go) {
    const substitute = await provideNewestServed(cache, pin, type, go);
    if (substitute.error) {
      record.errors.push(substitute.error);
    } else {
      return { ...record, status: "substitute", substitute };
    }
  }
  log(`provider ${pin.source} ${pin.version}: UNAVAILABLE`);
  return record;
}

function readFrom(dir) {
  try {
    return fs.readFileSync(path.join(dir, ".provision-from"), "utf8").trim();
  } catch {
    return undefined;
  }
}

async function provideNewestServed(cache, pin, type, go) {
  let latest = pin.substituteModuleVersion
    ? goModDownload(cache, pin.module, pin.substituteModuleVersion)
    : { error: "no substitute pinned" };
  if (!latest.dir && pin.newestServedFallback) {
    log(
      `provider ${pin.source}: substitute ${pin.substituteModuleVersion} refused (${latest.error}); trying the newest served`,
    );
    latest = goModDownload(cache, pin.module, "latest");
  }
  if (!latest.dir) {
    return { error: latest.error };
  }
  const { version, commit } = versionOfCommit(latest.dir, latest.version);
  const dir = targetDir(cache, pin.source, version);
  const key = inputKey({
    module: pin.module,
    moduleVersion: latest.version,
    versionVar: pin.versionVar,
    go,
  });
  const from = `${pin.module}@${latest.version}`;
  const cached = cachedBinary(dir, type, version, key);
  if (cached !== undefined) {
    log(`provider ${pin.source}: substitute ${version} cached (${from})`);
    return { version, commit, from, binary: cached };
  }
  log(
    `provider ${pin.source}: building the substitute commit the proxy serves instead, as ${version} (${from})`,
  );
  const output = path.join(dir, binaryName(type, version));
  const build = await goBuild(
    cache,
    `building provider ${pin.source} ${version}`,
    latest.dir,
    pin.versionVar,
    version,
    output,
  );
  if (build.error) {
    return { error: build.error };
  }
  writeAtomic(path.join(dir, KEY_FILE), `${key}\n`);
  writeAtomic(path.join(dir, ".provision-from"), `${from}\n`);
  return { version, commit, from, binary: output };
}

async function provisionProviders(cache) {
  const go = goVersion();
  const records = [];
  for (const pin of PROVIDERS) {
    records.push(await provideOne(cache, pin, go));
  }
  // OpenTofu resolves the same source addresses under registry.opentofu.org.
  symlinkForce("registry.terraform.io", path.join(mirrorDir(cache), "registry.opentofu.org"));
  return records;
}

/** The CLI config: install providers from the mirror only (never the network). */
function writeCliConfig(cache) {
  const config = [
    "# Written by npm run provision: providers come from the local filesystem mirror only.",
    "disable_checkpoint = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDir(cache))}`,
    '    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
  writeAtomic(path.join(cache, "terraform.rc"), config);
  return path.join(cache, "terraform.rc");
}

module.exports = { provisionProviders, writeCliConfig, versionOfCommit, localMirrorDirs };
