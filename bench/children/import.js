"use strict";
/**
 * One import measurement in a fresh process. Argument (JSON):
 * `{ mode: "bare" | "floor" | "lib", lib: <lib dir>, modules: [<external module ids>] }`.
 * - bare: loads nothing;
 * - floor: requires exactly the external modules the library requires, resolved from `lib/`
 *   the way the library resolves them;
 * - lib: requires the built library.
 * Prints `{ ms, rss, maxRss }`: the time spent in `require`, the RSS after it and the peak RSS
 * of the process, in bytes.
 */
const { createRequire } = require("module");
const path = require("path");

const args = JSON.parse(process.argv[2]);
const requireFromLib = createRequire(path.join(args.lib, "index.js"));

const start = process.hrtime.bigint();
if (args.mode === "floor") {
  for (const id of args.modules) {
    requireFromLib(id);
  }
} else if (args.mode === "lib") {
  require(args.lib);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;

console.log(
  JSON.stringify({
    ms,
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  }),
);
