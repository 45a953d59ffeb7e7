import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { ContainerImage } from "../../src/image/container-image";
import { ContextFingerprint } from "../../src/image/fingerprint";
import { FingerprintOptions } from "../../src/image/fingerprint-options";
import { tempDir } from "../support/temp";

const DOCKERFILE =
  'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n';
const FIXTURE = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");
/** Files get a fixed, whole-second mtime, so that it can be restored exactly. */
const OLD_MTIME = 1_600_000_000;
/** A trust margin that trusts even files written a moment ago (the default is 2 s). */
const TRUST_ALL = -60_000;

/** Content of at least 16 KiB (smaller files are never cached): `text`, padded. */
function big(text: string): string {
  return text.padEnd(20_000, ".");
}

function write(dir: string, rel: string, content: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.utimesSync(file, OLD_MTIME, OLD_MTIME);
}

function context(): string {
  const dir = tempDir("fingerprint-cache-context-");
  write(dir, "Dockerfile", DOCKERFILE);
  write(dir, ".dockerignore", "target\n");
  write(dir, "app", big("binary v1"));
  write(dir, "src/main.rs", big("fn main() {}\n"));
  write(dir, "target/release/app", "ignored");
  return dir;
}

function compute(directory: string, options: Partial<FingerprintOptions> = {}) {
  return ContextFingerprint.compute({
    directory,
    dockerfilePath: "Dockerfile",
    dockerfileText: DOCKERFILE,
    platform: "linux/amd64",
    imageName: "api",
    owner: "ContainerImage 'Stack/Image'",
    ...options,
  });
}

/** The fingerprint without any cache: the reference every cached result must equal. */
function uncachedTag(directory: string): string {
  return compute(directory, { cache: false }).tag;
}

/** Fingerprints with a cache in `cacheDirectory` that trusts freshly written files. */
function cached(directory: string, cacheDirectory: string) {
  return compute(directory, { cacheDirectory, cacheTrustMarginMs: TRUST_ALL });
}

/** Replaces the first content digest in the entries of a cache file, leaving the checksum. */
function retypeFirstDigestOfBody(text: string): string {
  const newline = text.indexOf("\n");
  const body = text.slice(newline + 1).replace(/"[0-9a-f]{64}"/, `"${"0".repeat(64)}"`);
  return `${text.slice(0, newline)}\n${body}`;
}

function cacheFiles(cacheDirectory: string): string[] {
  return fs.existsSync(cacheDirectory) ? fs.readdirSync(cacheDirectory) : [];
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits until the file system clock has moved past the ctime of `file`. */
function waitForClockTick(file: string, scratchDir: string): void {
  const before = fs.statSync(file, { bigint: true }).ctimeNs;
  const probe = path.join(scratchDir, "clock-probe");
  for (;;) {
    fs.writeFileSync(probe, "x");
    if (fs.statSync(probe, { bigint: true }).ctimeNs > before) {
      fs.rmSync(probe);
      return;
    }
  }
}

describe("fingerprint digest cache", () => {
  test("an unchanged context is served from the cache, with the same tag as without it", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const reference = uncachedTag(dir);

    const first = cached(dir, cacheDir);
    expect(first.tag).toBe(reference);
    expect(first.cachedFileCount).toBe(0);
    expect(cacheFiles(cacheDir)).toHaveLength(1);

    const second = cached(dir, cacheDir);
    expect(second.tag).toBe(reference);
    expect(second.fileCount).toBe(4);
    expect(second.cachedFileCount).toBe(2);
  });

  test("the cache lives outside the context, and the tag does not depend on where it is", () => {
    const dir = context();
    const before = fs.readdirSync(dir).sort();
    const a = cached(dir, tempDir("fingerprint-cache-a-"));
    const b = cached(dir, tempDir("fingerprint-cache-b-"));
    expect(a.tag).toBe(b.tag);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  test("files changed less than the trust margin ago are never cached (racy files)", () => {
    const dir = tempDir("fingerprint-cache-context-");
    fs.writeFileSync(path.join(dir, "Dockerfile"), DOCKERFILE);
    fs.writeFileSync(path.join(dir, "app"), big("binary"));
    const cacheDir = tempDir("fingerprint-cache-");
    // Default margin (2 s): the files were just written, so their ctime is too recent.
    compute(dir, { cacheDirectory: cacheDir });
    const second = compute(dir, { cacheDirectory: cacheDir });
    expect(second.cachedFileCount).toBe(0);
    expect(cacheFiles(cacheDir)).toEqual([]);
  });

  test("files older than the trust margin are cached", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const margin = 200;
    sleep(margin + 100);
    compute(dir, { cacheDirectory: cacheDir, cacheTrustMarginMs: margin });
    const second = compute(dir, { cacheDirectory: cacheDir, cacheTrustMarginMs: margin });
    expect(second.cachedFileCount).toBe(2);
    expect(second.tag).toBe(uncachedTag(dir));
  });

  test("small files are always read, and a context of small files needs no cache file", () => {
    const cacheDir = tempDir("fingerprint-cache-");
    // The fixture holds a Dockerfile and a small file only.
    cached(FIXTURE, cacheDir);
    const second = cached(FIXTURE, cacheDir);
    expect(second.fileCount).toBe(2);
    expect(second.cachedFileCount).toBe(0);
    expect(cacheFiles(cacheDir)).toEqual([]);
    expect(second.tag).toBe(uncachedTag(FIXTURE));
    // The cache is not even opened: its directory is never created.
    const unopened = path.join(tempDir("fingerprint-cache-parent-"), "cache");
    expect(cached(FIXTURE, unopened).tag).toBe(second.tag);
    expect(fs.existsSync(unopened)).toBe(false);
  });

  test("changed content with the same size and a restored mtime is detected through ctime", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const file = path.join(dir, "app");
    const original = cached(dir, cacheDir);
    expect(cached(dir, cacheDir).cachedFileCount).toBe(2);
    const before = fs.statSync(file, { bigint: true });

    waitForClockTick(file, cacheDir);
    fs.writeFileSync(file, big("binary v2")); // same size as before
    fs.utimesSync(file, OLD_MTIME, OLD_MTIME);
    const after = fs.statSync(file, { bigint: true });
    expect(after.size).toBe(before.size);
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.ino).toBe(before.ino);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);

    const changed = cached(dir, cacheDir);
    expect(changed.tag).not.toBe(original.tag);
    expect(changed.tag).toBe(uncachedTag(dir));
    expect(changed.cachedFileCount).toBe(1);
  });

  test("a file replaced by another with the same size and mtime is detected", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const original = cached(dir, cacheDir);
    const replacement = path.join(dir, "app.new");
    fs.writeFileSync(replacement, big("binary v3"));
    fs.utimesSync(replacement, OLD_MTIME, OLD_MTIME);
    fs.renameSync(replacement, path.join(dir, "app"));

    const changed = cached(dir, cacheDir);
    expect(changed.tag).not.toBe(original.tag);
    expect(changed.tag).toBe(uncachedTag(dir));
  });

  test("a change of the executable bit is detected", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const original = cached(dir, cacheDir);
    fs.chmodSync(path.join(dir, "app"), 0o755);
    const changed = cached(dir, cacheDir);
    expect(changed.tag).not.toBe(original.tag);
    expect(changed.tag).toBe(uncachedTag(dir));
  });

  test("deleted and added files change the tag as without the cache", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    cached(dir, cacheDir);
    fs.rmSync(path.join(dir, "src/main.rs"));
    const deleted = cached(dir, cacheDir);
    expect(deleted.tag).toBe(uncachedTag(dir));
    expect(deleted.fileCount).toBe(3);
    write(dir, "src/lib.rs", big("pub fn f() {}\n"));
    const added = cached(dir, cacheDir);
    expect(added.tag).toBe(uncachedTag(dir));
    expect(added.cachedFileCount).toBe(1);
  });

  test("a deleted cache is rebuilt", () => {
    const dir = context();
    const cacheDir = path.join(tempDir("fingerprint-cache-parent-"), "cache");
    const reference = cached(dir, cacheDir).tag;
    fs.rmSync(cacheDir, { recursive: true });
    const rebuilt = cached(dir, cacheDir);
    expect(rebuilt.tag).toBe(reference);
    expect(rebuilt.cachedFileCount).toBe(0);
    expect(cached(dir, cacheDir).cachedFileCount).toBe(2);
  });

  test.each([
    ["garbage", () => "not a cache"],
    ["an empty file", () => ""],
    ["a truncated file", (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ["a tampered digest", (text: string) => retypeFirstDigestOfBody(text)],
    ["a header without entries", (text: string) => text.split("\n")[0]],
    ["a cache of another context", (text: string) => text.replace(/"root":"[^"]*"/, '"root":"/x"')],
  ])("a corrupt cache file (%s) is ignored", (_name, corrupt) => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const reference = cached(dir, cacheDir).tag;
    const [file] = cacheFiles(cacheDir);
    const cacheFile = path.join(cacheDir, file);
    fs.writeFileSync(cacheFile, corrupt(fs.readFileSync(cacheFile, "utf8")));

    const result = cached(dir, cacheDir);
    expect(result.tag).toBe(reference);
    expect(result.cachedFileCount).toBe(0);
    // ...and replaced by a valid one.
    expect(cached(dir, cacheDir).cachedFileCount).toBe(2);
  });

  test("a well-formed entry is only used while the file's stat matches it", () => {
    // The checksum catches corruption, not a writer of the cache directory (the ownership check
    // is for that): a rewritten entry with a valid checksum is believed for an unchanged file,
    // and ignored as soon as the file changes.
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const reference = cached(dir, cacheDir).tag;
    const [file] = cacheFiles(cacheDir);
    const cacheFile = path.join(cacheDir, file);
    const [header, body] = fs.readFileSync(cacheFile, "utf8").split("\n");
    const entries: string[][] = JSON.parse(body);
    const app = entries.find((entry) => entry[0] === "app")!;
    app[2] = "0".repeat(64);
    const forged = JSON.stringify(entries);
    const checksum = crypto.createHash("sha256").update(forged).digest("hex");
    fs.writeFileSync(
      cacheFile,
      `${header.replace(/"checksum":"[0-9a-f]+"/, `"checksum":"${checksum}"`)}\n${forged}`,
    );
    expect(cached(dir, cacheDir).tag).not.toBe(reference);

    fs.writeFileSync(path.join(dir, "app"), big("binary v9"));
    expect(cached(dir, cacheDir).tag).toBe(uncachedTag(dir));
  });

  test("CDKTF_CLOUD_RUN_FINGERPRINT_CACHE=0 and cache: false turn the cache off", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-");
    const previous = process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE;
    try {
      for (const value of ["0", "false", "OFF", "no"]) {
        process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE = value;
        cached(dir, cacheDir);
        expect(cached(dir, cacheDir).cachedFileCount).toBe(0);
        expect(cacheFiles(cacheDir)).toEqual([]);
      }
      process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE = "1";
      cached(dir, cacheDir);
      expect(cached(dir, cacheDir).cachedFileCount).toBe(2);
    } finally {
      if (previous === undefined) {
        delete process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE;
      } else {
        process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE = previous;
      }
    }
    const off = tempDir("fingerprint-cache-off-");
    compute(dir, { cache: false, cacheDirectory: off, cacheTrustMarginMs: TRUST_ALL });
    expect(cacheFiles(off)).toEqual([]);
  });

  test("CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR chooses the directory", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-env-");
    const previous = process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR;
    process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR = cacheDir;
    try {
      compute(dir, { cacheTrustMarginMs: TRUST_ALL });
      expect(cacheFiles(cacheDir)).toHaveLength(1);
    } finally {
      if (previous === undefined) {
        delete process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR;
      } else {
        process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR = previous;
      }
    }
  });

  const posixOwnership = typeof process.getuid === "function" ? test : test.skip;
  posixOwnership("a cache directory that others can write to is not used", () => {
    const dir = context();
    const cacheDir = tempDir("fingerprint-cache-shared-");
    fs.chmodSync(cacheDir, 0o777);
    cached(dir, cacheDir);
    expect(cached(dir, cacheDir).cachedFileCount).toBe(0);
    expect(cacheFiles(cacheDir)).toEqual([]);
  });

  posixOwnership("a cache directory that is a symlink is not used", () => {
    const dir = context();
    const real = tempDir("fingerprint-cache-real-");
    const link = path.join(tempDir("fingerprint-cache-link-"), "cache");
    fs.symlinkSync(real, link);
    cached(dir, link);
    expect(cached(dir, link).cachedFileCount).toBe(0);
    expect(cacheFiles(real)).toEqual([]);
  });

  test("the synthesized JSON never contains the cache location", () => {
    const cacheDir = tempDir("fingerprint-cache-synth-");
    const previous = process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR;
    process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR = cacheDir;
    try {
      const json: string[] = [];
      for (let i = 0; i < 2; i++) {
        const app = Testing.app();
        const stack = new TerraformStack(app, "Stack");
        new ContainerImage(stack, "Image", { directory: FIXTURE });
        json.push(Testing.synth(stack));
      }
      expect(json[1]).toBe(json[0]);
      expect(json[0]).not.toContain(cacheDir);
      expect(json[0]).not.toContain("cdktf-cloud-run-fingerprints");
    } finally {
      if (previous === undefined) {
        delete process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR;
      } else {
        process.env.CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR = previous;
      }
    }
  });
});
