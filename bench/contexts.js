"use strict";
/**
 * Deterministic build contexts for the benchmark, generated under bench/tmp/ and reused while
 * their manifest matches.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { TMP, MB } = require("./util");

const DOCKERFILE = [
  "FROM gcr.io/distroless/static-debian13:nonroot",
  "COPY server /server",
  "USER 65532:65532",
  "EXPOSE 8080",
  'ENTRYPOINT ["/server"]',
  "",
].join("\n");

/** Small pseudo-random number generator (mulberry32): the same sequence on every machine. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` deterministic pseudo-random bytes for file number `index` (AES-128-CTR keystream). */
function content(index, size) {
  const key = crypto.createHash("sha256").update("cdktf-cloud-run bench").digest().subarray(0, 16);
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 0);
  const cipher = crypto.createCipheriv("aes-128-ctr", key, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** Splits `total` bytes into `count` pseudo-random sizes (each at least 1 KiB). */
function sizes(count, total, seed) {
  const random = prng(seed);
  const weights = Array.from({ length: count }, () => 0.05 + random() * random() * 4);
  const sum = weights.reduce((a, b) => a + b, 0);
  const result = weights.map((w) => Math.max(1024, Math.floor((w / sum) * total)));
  result[count - 1] += total - result.reduce((a, b) => a + b, 0);
  return result;
}

function writeFiles(root, count, total, seed, name) {
  const list = sizes(count, total, seed);
  list.forEach((size, index) => {
    const file = path.join(root, name(index));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content(seed * 100000 + index, size));
  });
}

/**
 * The fingerprint context: `context/` with a Dockerfile, a `.dockerignore` that lists
 * `target`, and `files` files of `megabytes` MiB in total in 20 directories; plus, outside it,
 * `target-store/` (`targetMegabytes` MiB in `targetFiles` files) that the runner moves into the
 * context as `target/` for the "with ignored target/" runs.
 */
function fingerprintContext({
  files = 1000,
  megabytes = 100,
  targetFiles = 400,
  targetMegabytes = 400,
} = {}) {
  const base = path.join(TMP, "fingerprint");
  const context = path.join(base, "context");
  const targetStore = path.join(base, "target-store");
  const manifestFile = path.join(base, "manifest.json");
  const manifest = JSON.stringify({ version: 1, files, megabytes, targetFiles, targetMegabytes });
  let existing;
  try {
    existing = fs.readFileSync(manifestFile, "utf8");
  } catch {
    existing = undefined;
  }
  // A run interrupted between moving target/ in and out leaves it in the context.
  if (fs.existsSync(path.join(context, "target")) && !fs.existsSync(targetStore)) {
    fs.renameSync(path.join(context, "target"), targetStore);
  }
  if (existing !== manifest || !fs.existsSync(targetStore)) {
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(context, { recursive: true });
    fs.writeFileSync(path.join(context, "Dockerfile"), DOCKERFILE);
    fs.writeFileSync(path.join(context, ".dockerignore"), "target\n");
    writeFiles(context, files, megabytes * MB, 1, (i) =>
      path.join(
        "src",
        `dir${String(i % 20).padStart(2, "0")}`,
        `file${String(i).padStart(4, "0")}.bin`,
      ),
    );
    writeFiles(targetStore, targetFiles, targetMegabytes * MB, 2, (i) =>
      path.join("release", "deps", `dep${String(i % 40).padStart(2, "0")}`, `lib${i}.rlib`),
    );
    fs.writeFileSync(manifestFile, manifest);
  }
  return { base, context, targetStore, targetInContext: path.join(context, "target") };
}

/**
 * `count` small service contexts (a Dockerfile and a small file each) for the synth benchmark.
 * By default every context has the same Dockerfile text, as services made from one template do;
 * with `distinctDockerfiles` each one's Dockerfile differs (a `LABEL` naming the service), so no
 * two share an analysis or a staged copy.
 */
function serviceContexts(count, { distinctDockerfiles = false } = {}) {
  const base = path.join(TMP, "synth", distinctDockerfiles ? "contexts-distinct" : "contexts");
  const dirs = [];
  for (let i = 1; i <= count; i++) {
    const dir = path.join(base, `svc-${i}`);
    const dockerfile = distinctDockerfiles
      ? DOCKERFILE.replace("\n", `\nLABEL service="svc-${i}"\n`)
      : DOCKERFILE;
    if (!fs.existsSync(path.join(dir, "server"))) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
      fs.writeFileSync(path.join(dir, "server"), content(900000 + i, 4096));
    }
    dirs.push(dir);
  }
  return dirs;
}

module.exports = { fingerprintContext, serviceContexts };
