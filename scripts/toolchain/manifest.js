"use strict";
/**
 * The provisioned toolchain as data (<cache>/toolchain.json) and as a shell environment
 * (<cache>/env.sh, and the same variables as <cache>/env.json for programs that do not run a
 * shell). Sourcing env.sh is all another program needs to use the same toolchain.
 */
const fs = require("fs");
const path = require("path");
const { writeAtomic } = require("./util");

const MANIFEST = "toolchain.json";

function environment(cache, manifest) {
  const env = {
    CDKTF_CLOUD_RUN_CACHE: cache,
    TF_CLI_CONFIG_FILE: path.join(cache, "terraform.rc"),
    TERRAFORM_BINARY_NAME: manifest.terraform?.binaryName ?? "terraform",
    CHECKPOINT_DISABLE: "1",
  };
  if (manifest.docker?.host) {
    env.DOCKER_HOST = manifest.docker.host;
    if (!manifest.docker.buildx) {
      // No buildx client: the docker provider (4.x defaults to buildx) and the CLI use the
      // engine's classic builder.
      env.DOCKER_BUILDKIT = "0";
    }
  }
  return env;
}

function shellQuote(value) {
  return `'${String(value).replace(/'/g, "'\\''")}'`;
}

function writeEnvironment(cache, manifest) {
  const env = environment(cache, manifest);
  const bin = path.join(cache, "bin");
  const lines = [
    "# Written by npm run provision. Source it to use the provisioned toolchain:",
    `#   . ${shellQuote(path.join(cache, "env.sh"))}`,
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `case ":$PATH:" in *:${shellQuote(bin)}:*) ;; *) export PATH=${shellQuote(bin)}":$PATH" ;; esac`,
    "",
  ];
  writeAtomic(path.join(cache, "env.sh"), lines.join("\n"));
  writeAtomic(
    path.join(cache, "env.json"),
    `${JSON.stringify({ env, pathPrepend: [bin] }, null, 2)}\n`,
  );
  writeAtomic(
    path.join(cache, MANIFEST),
    `${JSON.stringify({ ...manifest, written: new Date().toISOString() }, null, 2)}\n`,
  );
}

function readManifest(cache) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cache, MANIFEST), "utf8"));
  } catch {
    return undefined;
  }
}

module.exports = { writeEnvironment, readManifest, MANIFEST };
