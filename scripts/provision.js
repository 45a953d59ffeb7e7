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
const { log } = require("./toolchain/util");
const { provisionTerraform } = require("./toolchain/terraform");
const { provisionProviders, writeCliConfig } = require("./toolchain/providers");
const { provisionScanners } = require("./toolchain/scanners");
const { writeEnvironment, readManifest, MANIFEST } = require("./toolchain/manifest");

async function main(argv) {
  const cache = cacheDir();
  if (argv.includes("--status")) {
    const manifest = readManifest(cache);
    console.log(manifest ? JSON.stringify(manifest, null, 2) : `nothing provisioned in ${cache}`);
    return 0;
  }
  const unknown = argv.filter((a) => !["--tofu"].includes(a));
  if (unknown.length > 0) {
    console.error(`provision: unknown option ${unknown.join(" ")} (known: --status, --tofu)`);
    return 2;
  }
  const started = Date.now();
  fs.mkdirSync(path.join(cache, "bin"), { recursive: true });
  log(`cache: ${cache}`);

  const terraform = await provisionTerraform(cache, { forceTofu: argv.includes("--tofu") });
  const providers = await provisionProviders(cache);
  writeCliConfig(cache);
  const scanners = await provisionScanners(cache);

  const manifest = { cache, terraform, providers, scanners };
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
