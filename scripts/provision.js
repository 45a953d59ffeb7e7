#!/usr/bin/env node
/**
 * Makes this machine able to run everything for real, idempotently:
 *
 *   npm run provision              # provide what is missing; a warm run takes seconds
 *   npm run provision -- --status  # print what the cache holds
 *   npm run provision -- --stop    # stop the private Docker engine it started
 *   npm run provision -- --tofu    # use OpenTofu (built from its Go module) even if Terraform is on PATH
 *
 * Everything goes to ${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}, outside the
 * repository. What it provides, and where each piece comes from, is recorded in
 * <cache>/toolchain.json; <cache>/env.sh exports what another program needs to use it
 * (TF_CLI_CONFIG_FILE, TERRAFORM_BINARY_NAME, DOCKER_HOST, PATH).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { cacheDir } = require("./toolchain/versions");
const { capture, log } = require("./toolchain/util");
const { which } = require("./toolchain/terraform");
const { provisionTerraform } = require("./toolchain/terraform");
const { provisionProviders, writeCliConfig } = require("./toolchain/providers");
const { provisionScanners } = require("./toolchain/scanners");
const { writeEnvironment, readManifest, MANIFEST } = require("./toolchain/manifest");
const {
  aptInstall,
  engineDiskMiB,
  provisionDocker,
  stopPrivateEngine,
} = require("./toolchain/docker");
const { provisionImages } = require("./toolchain/images");

/** Debian packages the real toolchain runs, by the command each provides. */
const DEBIAN_PACKAGES = {
  "docker.io": "dockerd",
  debootstrap: "debootstrap",
  "docker-registry": "docker-registry",
};

/** The Cargo manifests whose crates the cargo-chef builder stand-in carries. */
const CARGO_MANIFESTS = [path.join(__dirname, "..", "examples", "rust-service", "Cargo.toml")];

async function main(argv) {
  const cache = cacheDir();
  if (argv.includes("--stop")) {
    return stopPrivateEngine(cache);
  }
  if (argv.includes("--status")) {
    const manifest = readManifest(cache);
    console.log(manifest ? JSON.stringify(manifest, null, 2) : `nothing provisioned in ${cache}`);
    return 0;
  }
  const unknown = argv.filter((a) => !["--tofu", "--stop"].includes(a));
  if (unknown.length > 0) {
    console.error(
      `provision: unknown option ${unknown.join(" ")} (known: --status, --stop, --tofu)`,
    );
    return 2;
  }
  const started = Date.now();
  fs.mkdirSync(path.join(cache, "bin"), { recursive: true });
  log(`cache: ${cache}`);

  const terraform = await provisionTerraform(cache, { forceTofu: argv.includes("--tofu") });
  const providers = await provisionProviders(cache);
  writeCliConfig(cache);
  const scanners = await provisionScanners(cache);
  const packages = await aptInstall(cache, Object.keys(DEBIAN_PACKAGES), DEBIAN_PACKAGES);
  const docker = packages.error ? { error: packages.error } : await provisionDocker(cache);
  let images = { error: docker.error ?? packages.error };
  if (!docker.error) {
    try {
      images = await provisionImages(
        cache,
        { ...process.env, DOCKER_HOST: docker.host },
        CARGO_MANIFESTS,
      );
    } catch (error) {
      images = { error: error.message };
      log(`images: UNAVAILABLE: ${error.message}`);
    }
  }
  const registry = which("docker-registry");
  const buildx = docker.host
    ? capture("docker", ["buildx", "version"], {
        env: { ...process.env, DOCKER_HOST: docker.host },
      })
    : undefined;
  const manifest = {
    cache,
    terraform,
    providers,
    scanners,
    docker: {
      ...docker,
      buildx: buildx !== undefined,
      diskMiB: docker.private ? engineDiskMiB(cache) : undefined,
    },
    images,
    registry: registry
      ? { path: registry }
      : { error: "docker-registry is not installed (Debian package docker-registry)" },
  };
  writeEnvironment(cache, manifest);

  const missing = missingPieces(manifest);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`done in ${seconds}s: ${path.join(cache, "env.sh")} and ${path.join(cache, MANIFEST)}`);
  if (missing.length > 0) {
    log("MISSING (npm run test:real fails until these are provided):");
    for (const piece of missing) {
      log(`  - ${piece}`);
    }
  }
  return 0;
}

/** The pieces the real-toolchain tests need that could not be provided, each with its reason. */
function missingPieces(manifest) {
  const missing = [];
  if (!manifest.terraform || !manifest.terraform.path) {
    missing.push(`a Terraform 1.x or OpenTofu binary: ${manifest.terraform?.error ?? "not found"}`);
  }
  for (const provider of manifest.providers) {
    if (provider.pinned && provider.status === "unavailable") {
      missing.push(
        `provider ${provider.source} ${provider.version}: ${provider.errors.join("; ")}`,
      );
    }
  }
  if (manifest.docker?.error) {
    missing.push(`a Docker engine: ${manifest.docker.error}`);
  }
  if (manifest.images?.error) {
    missing.push(`the base-image stand-ins: ${manifest.images.error}`);
  }
  if (manifest.registry?.error) {
    missing.push(`a local OCI registry: ${manifest.registry.error}`);
  }
  for (const [name, scanner] of Object.entries(manifest.scanners ?? {})) {
    if (!scanner.path) {
      missing.push(`${name}: ${scanner.error ?? "not installed"}`);
    }
  }
  return missing;
}

module.exports = { missingPieces };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`provision: ${error.stack || error}`);
      process.exit(1);
    },
  );
}
