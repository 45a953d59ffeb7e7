#!/usr/bin/env node
/**
 * Exits non-zero, naming each missing piece, when the provisioned toolchain lacks something the
 * real-run tests need. Never lets them run half-equipped and pass by skipping.
 */
"use strict";
const { cacheDir } = require("./versions");
const { readManifest } = require("./manifest");
const { missingPieces } = require("../provision");

const manifest = readManifest(cacheDir());
if (manifest === undefined) {
  console.error(`test:real: nothing is provisioned in ${cacheDir()}: run npm run provision`);
  process.exit(1);
}
const missing = missingPieces(manifest);
if (missing.length > 0) {
  console.error("test:real: the real toolchain is incomplete; missing:");
  for (const piece of missing) {
    console.error(`  - ${piece}`);
  }
  process.exit(1);
}
