"use strict";
/**
 * The Terraform CLI: the `terraform` on PATH when it is 1.x, else OpenTofu built from its Go
 * module into <cache>/bin/tofu (then TERRAFORM_BINARY_NAME=tofu). Either way <cache>/bin
 * holds a link to it, so env.sh puts exactly that binary first on PATH.
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { OPENTOFU } = require("./versions");
const { capture, goVersion, inputKey, log, runLong, symlinkForce, writeAtomic } = require("./util");

function which(command, env = process.env) {
  for (const dir of (env.PATH || "").split(path.delimiter)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) {
        return file;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

function versionOf(binary) {
  const json = capture(binary, ["version", "-json"], {
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  try {
    return JSON.parse(json).terraform_version;
  } catch {
    return undefined;
  }
}

/** The PATH without our own bin directory, so an earlier run's link does not find itself. */
function pathWithout(dir) {
  return (process.env.PATH || "")
    .split(path.delimiter)
    .filter((entry) => path.resolve(entry) !== path.resolve(dir))
    .join(path.delimiter);
}

async function buildOpenTofu(cache) {
  const bin = path.join(cache, "bin");
  const output = path.join(cache, "opentofu", OPENTOFU.version, "tofu");
  const keyFile = `${output}.key`;
  const go = goVersion();
  if (!go) {
    return { error: "no Terraform 1.x on PATH, and go is not on PATH to build OpenTofu" };
  }
  const key = inputKey({ ...OPENTOFU, go });
  if (
    fs.existsSync(output) &&
    fs.existsSync(keyFile) &&
    fs.readFileSync(keyFile, "utf8").trim() === key
  ) {
    log(`terraform: OpenTofu ${OPENTOFU.version} cached`);
  } else {
    const work = path.join(cache, "go-work");
    fs.mkdirSync(work, { recursive: true });
    const download = spawnSync(
      "go",
      ["mod", "download", "-json", `${OPENTOFU.module}@${OPENTOFU.version}`],
      {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, GO111MODULE: "on" },
      },
    );
    let dir;
    try {
      const parsed = JSON.parse(download.stdout);
      if (parsed.Error) {
        return { error: `go mod download ${OPENTOFU.module}@${OPENTOFU.version}: ${parsed.Error}` };
      }
      dir = parsed.Dir;
    } catch {
      return {
        error: `go mod download ${OPENTOFU.module}@${OPENTOFU.version}: ${download.stderr}`,
      };
    }
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const result = await runLong(
      `building OpenTofu ${OPENTOFU.version}`,
      "go",
      ["build", "-trimpath", "-o", output, "./cmd/tofu"],
      {
        cwd: dir,
        env: {
          ...process.env,
          GO111MODULE: "on",
          GOFLAGS: "-mod=mod -buildvcs=false",
          CGO_ENABLED: "0",
        },
        logFile: path.join(cache, "logs", "opentofu.log"),
      },
    );
    if (result.code !== 0) {
      return {
        error: `building OpenTofu failed: ${result.output.trim().split("\n").slice(-5).join(" | ")}`,
      };
    }
    writeAtomic(keyFile, `${key}\n`);
  }
  symlinkForce(output, path.join(bin, "tofu"));
  return {
    binaryName: "tofu",
    path: output,
    version: versionOf(output),
    from: `${OPENTOFU.module}@${OPENTOFU.version}`,
  };
}

async function provisionTerraform(cache, { forceTofu = false } = {}) {
  const bin = path.join(cache, "bin");
  if (!forceTofu) {
    const found = which("terraform", { PATH: pathWithout(bin) });
    const version = found ? versionOf(found) : undefined;
    if (found && version && version.startsWith("1.")) {
      symlinkForce(found, path.join(bin, "terraform"));
      fs.rmSync(path.join(bin, "tofu"), { force: true });
      log(`terraform: ${found} (${version})`);
      return { binaryName: "terraform", path: found, version, from: "PATH" };
    }
    log(
      found
        ? `terraform: ${found} is ${version ?? "of unknown version"}, not 1.x: building OpenTofu`
        : "terraform: not on PATH: building OpenTofu",
    );
  }
  const tofu = await buildOpenTofu(cache);
  if (tofu.error) {
    log(`terraform: UNAVAILABLE: ${tofu.error}`);
    return { error: tofu.error };
  }
  fs.rmSync(path.join(bin, "terraform"), { force: true });
  log(`terraform: OpenTofu ${tofu.version} (${tofu.path})`);
  return tofu;
}

module.exports = { provisionTerraform, which };
