"use strict";
/**
 * One synth measurement in a fresh process. Argument (JSON):
 * `{ mode: "lib" | "hand", lib, contexts: [dir...], outdir, shape?: boolean,
 *    warmYoungGeneration?: boolean }`.
 * Builds one stack with a GoogleProvider and N services (one per context directory) sharing
 * one repository, either with `CloudRunApp` or written by hand with the raw provider classes,
 * then runs `app.synth()` into `outdir`.
 * Prints `{ importMs, constructMs, synthMs, ms, cpuMs, minorFaults, maxRss, counts, shape? }`;
 * `ms` is construct + synth, `minorFaults` the minor page faults during them (first touches of
 * memory), `maxRss` the peak RSS of the process in bytes.
 */
const fs = require("fs");
const { createRequire } = require("module");
const path = require("path");
const { handWritten, loadProviderClasses } = require("../hand-written");

const args = JSON.parse(process.argv[2]);
const REGION = "europe-west1";
const STACK = "bench";
const requireFromLib = createRequire(path.join(args.lib, "index.js"));

const importStart = process.hrtime.bigint();
const { App, TerraformStack } = requireFromLib("cdktf");
const { GoogleProvider } = requireFromLib("@cdktf/provider-google/lib/provider");
const library = args.mode === "lib" ? require(args.lib) : undefined;
const classes = args.mode === "lib" ? undefined : loadProviderClasses(requireFromLib);
const importMs = Number(process.hrtime.bigint() - importStart) / 1e6;

if (args.warmYoungGeneration) {
  // Untimed: allocate ~150 MB of short-lived objects, so that the young generation's pages are
  // resident, as they are when ts-node has compiled the program before it runs.
  let keep;
  for (let i = 0; i < 2_000_000; i++) {
    keep = { i, list: [i, i] };
  }
  globalThis.warmYoungGenerationLast = keep;
}

const cpuStart = process.cpuUsage();
const faultsStart = process.resourceUsage().minorPageFault;
const start = process.hrtime.bigint();
const app = new App({ outdir: args.outdir });
const stack = new TerraformStack(app, STACK);
new GoogleProvider(stack, "google", { project: "bench-project" });
if (library !== undefined) {
  const repository = new library.DockerRepository(stack, "Repo", { location: REGION });
  args.contexts.forEach((directory, index) => {
    new library.CloudRunApp(stack, `svc-${index + 1}`, {
      region: REGION,
      directory,
      repository,
    });
  });
} else {
  handWritten(stack, {
    region: REGION,
    contexts: args.contexts,
    stackDirectory: path.resolve(args.outdir, "stacks", STACK),
    classes,
  });
}
const constructed = process.hrtime.bigint();
app.synth();
const end = process.hrtime.bigint();
const cpu = process.cpuUsage(cpuStart);
const minorFaults = process.resourceUsage().minorPageFault - faultsStart;
const maxRss = process.resourceUsage().maxRSS * 1024;

// Not timed: what was synthesized, for the runner's equivalence check.
const json = JSON.parse(
  fs.readFileSync(path.join(args.outdir, "stacks", STACK, "cdk.tf.json"), "utf8"),
);
const counts = {};
const shapes = {};
for (const block of ["data", "resource"]) {
  for (const [type, byId] of Object.entries(json[block] ?? {})) {
    counts[`${block}.${type}`] = Object.keys(byId).length;
    shapes[`${block}.${type}`] = Object.values(byId).map(shapeOf).sort();
  }
}
for (const [type, list] of Object.entries(json.provider ?? {})) {
  counts[`provider.${type}`] = list.length;
  shapes[`provider.${type}`] = list.map(shapeOf).sort();
}

console.log(
  JSON.stringify({
    importMs,
    constructMs: Number(constructed - start) / 1e6,
    synthMs: Number(end - constructed) / 1e6,
    ms: Number(end - start) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    minorFaults,
    maxRss,
    counts,
    shapes: args.shape ? shapes : undefined,
  }),
);

/** The structure of a JSON value: keys and array lengths, with leaves reduced to their type. */
function shapeOf(value) {
  if (Array.isArray(value)) {
    return `[${value.map(shapeOf).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${key}:${shapeOf(value[key])}`)
      .join(",")}}`;
  }
  return typeof value;
}
