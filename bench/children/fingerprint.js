"use strict";
/**
 * One fingerprint measurement in a fresh process. Argument (JSON):
 * `{ lib, directory, cacheDirectory?: string }` — without `cacheDirectory` the persistent
 * digest cache is turned off. Prints `{ ms, tag, fileCount, byteCount, cachedFileCount }`.
 */
const fs = require("fs");
const path = require("path");

const args = JSON.parse(process.argv[2]);
const { ContextFingerprint } = require(path.join(args.lib, "image", "fingerprint"));
const dockerfileText = fs.readFileSync(path.join(args.directory, "Dockerfile"), "utf8");

const start = process.hrtime.bigint();
const result = ContextFingerprint.compute({
  directory: args.directory,
  dockerfilePath: "Dockerfile",
  dockerfileText,
  platform: "linux/amd64",
  imageName: "bench",
  owner: "bench",
  cache: args.cacheDirectory !== undefined,
  cacheDirectory: args.cacheDirectory,
});
const ms = Number(process.hrtime.bigint() - start) / 1e6;

console.log(
  JSON.stringify({
    ms,
    tag: result.tag,
    fileCount: result.fileCount,
    byteCount: result.byteCount,
    cachedFileCount: result.cachedFileCount ?? 0,
  }),
);
