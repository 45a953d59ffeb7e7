/**
 * The persistent cache of file content digests behind build-context fingerprints.
 * @internal
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { preparePrivateDirectory, userTemporaryDirectory } from "../util/private-directory";
import { errorCode } from "../util/error-code";
import { digestCacheEnabled, FingerprintOptions, MIN_CACHED_SIZE } from "./fingerprint-options";

const CACHE_DIR_ENV = "CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR";
const CACHE_FORMAT = "cdktf-cloud-run/digest-cache/v1";
const DEFAULT_TRUST_MARGIN_MS = 2000;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const NS_PER_MS = BigInt(1000000);

/** A cache entry: the file's identity and times when it was hashed, and its content digest. */
interface CacheEntry {
  readonly key: string;
  readonly digest: string;
}

/**
 * A persistent cache of the content digests of the files of one build context, so that
 * re-synthesizing an unchanged context does not read its files again.
 *
 * - Where: one file per context (named by a hash of the absolute context path) in
 *   `<os.tmpdir()>/cdktf-cloud-run-fingerprints-<uid>`, or `$CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR`.
 *   Never inside the context, and nothing of it reaches the synthesized output. The directory
 *   must be a real directory owned by the current user and not writable by group or others
 *   (so no other user can plant digests); otherwise the cache is not used.
 * - What: the digests of regular files of at least 16 KiB (smaller ones are cheaper to read
 *   than to look up, and a context of small files needs no cache file at all).
 * - When a digest is reused: the file's device, inode, mode, size, mtime and ctime (nanoseconds,
 *   `fs.statSync(..., { bigint: true })`) all equal the ones recorded when it was hashed. Content
 *   cannot change without changing mtime and ctime, and user space cannot set ctime back (short
 *   of setting the system clock back). A file system that does not maintain ctime (some network
 *   or FUSE mounts) defeats this: turn the cache off there.
 * - Racy files (as in git's racy-git problem): a file changed within the same timestamp tick
 *   as the moment it was hashed could keep identical times. So an entry is only recorded when
 *   the file's mtime and ctime are at least `cacheTrustMarginMs` (2 s) older than the start of
 *   the walk that hashed it, which also covers coarse file-system timestamps (1-2 s) and the lag
 *   of the kernel's coarse clock. The stat is taken before the content is read, and a file whose
 *   size changed while it was read is not recorded.
 * - A missing, unreadable, foreign (other format or context) or corrupt file (its checksum does
 *   not match) is ignored as a whole; writes are atomic (temporary file + rename), and failures
 *   to write are ignored: the cache only ever saves work.
 * - Off with `CDKTF_CLOUD_RUN_FINGERPRINT_CACHE=0` (or `false`, `off`, `no`).
 */
export class DigestCache {
  /** The cache for a context, or undefined when it is turned off or cannot be used safely. */
  public static open(
    root: string,
    options: FingerprintOptions,
    checkedDirectories: Map<string, boolean>,
  ): DigestCache | undefined {
    if (!digestCacheEnabled(options)) {
      return undefined;
    }
    const directory =
      options.cacheDirectory ?? (process.env[CACHE_DIR_ENV] || defaultCacheDirectory());
    let usable = checkedDirectories.get(directory);
    if (usable === undefined) {
      usable = preparePrivateDirectory(directory);
      checkedDirectories.set(directory, usable);
    }
    if (!usable) {
      return undefined;
    }
    return new DigestCache(root, directory, options.cacheTrustMarginMs ?? DEFAULT_TRUST_MARGIN_MS);
  }

  private readonly file: string;
  private readonly previous: Map<string, CacheEntry>;
  private readonly next = new Map<string, CacheEntry>();
  /** Files with mtime and ctime before this (ns since the epoch) may be recorded. */
  private readonly trustedBefore: bigint;
  private added = false;

  private constructor(
    private readonly root: string,
    directory: string,
    trustMarginMs: number,
  ) {
    const name = crypto.createHash("sha256").update(`${CACHE_FORMAT}\0${root}`).digest("hex");
    this.file = path.join(directory, `${name.slice(0, 40)}.json`);
    this.trustedBefore = BigInt(Date.now() - Math.round(trustMarginMs)) * NS_PER_MS;
    this.previous = this.load();
  }

  /**
   * The recorded digest of a file, when its current identity and times (`stat`, taken just
   * now) prove it unchanged.
   */
  public lookup(
    relPath: string,
    stat: fs.BigIntStats,
  ): { size: number; executable: boolean; digest: string } | undefined {
    const entry = this.previous.get(relPath);
    if (entry === undefined || statKey(stat) !== entry.key) {
      return undefined;
    }
    this.next.set(relPath, entry);
    return {
      size: Number(stat.size),
      executable: (stat.mode & BigInt(0o111)) !== BigInt(0),
      digest: entry.digest,
    };
  }

  /**
   * Records a digest computed from the content read after `stat` was taken, when the file is
   * old enough to be trusted and did not change size while it was read.
   */
  public store(relPath: string, stat: fs.BigIntStats, size: number, digest: string): void {
    if (
      size < MIN_CACHED_SIZE ||
      stat.size !== BigInt(size) ||
      stat.mtimeNs >= this.trustedBefore ||
      stat.ctimeNs >= this.trustedBefore
    ) {
      return;
    }
    this.next.set(relPath, { key: statKey(stat), digest });
    this.added = true;
  }

  /** Writes the entries of this walk when they differ from the ones loaded. */
  public save(): void {
    if (!this.added && this.next.size === this.previous.size) {
      return;
    }
    try {
      if (this.next.size === 0) {
        fs.rmSync(this.file, { force: true });
        return;
      }
      const body = JSON.stringify([...this.next].map(([rel, e]) => [rel, e.key, e.digest]));
      const header = JSON.stringify({
        format: CACHE_FORMAT,
        root: this.root,
        checksum: crypto.createHash("sha256").update(body).digest("hex"),
      });
      const temporary = `${this.file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
      try {
        try {
          fs.writeFileSync(temporary, `${header}\n${body}`, { mode: 0o600 });
        } catch (error) {
          // The directory was removed since it was checked: check (and create) it again.
          if (errorCode(error) !== "ENOENT" || !preparePrivateDirectory(path.dirname(this.file))) {
            throw error;
          }
          fs.writeFileSync(temporary, `${header}\n${body}`, { mode: 0o600 });
        }
        fs.renameSync(temporary, this.file);
      } finally {
        fs.rmSync(temporary, { force: true });
      }
    } catch {
      // The cache only saves work; a failure to write it changes nothing else.
    }
  }

  /** The entries of the cache file, or none when it is missing, foreign or corrupt. */
  private load(): Map<string, CacheEntry> {
    const entries = new Map<string, CacheEntry>();
    let text: string;
    try {
      if (!fs.existsSync(this.file)) {
        return entries;
      }
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      return entries;
    }
    try {
      const newline = text.indexOf("\n");
      if (newline < 0) {
        return entries;
      }
      const header = JSON.parse(text.slice(0, newline));
      const body = text.slice(newline + 1);
      if (
        typeof header !== "object" ||
        header === null ||
        header.format !== CACHE_FORMAT ||
        header.root !== this.root ||
        header.checksum !== crypto.createHash("sha256").update(body).digest("hex")
      ) {
        return entries;
      }
      const list: unknown = JSON.parse(body);
      if (!Array.isArray(list)) {
        return entries;
      }
      for (const item of list) {
        if (
          !Array.isArray(item) ||
          item.length !== 3 ||
          typeof item[0] !== "string" ||
          typeof item[1] !== "string" ||
          typeof item[2] !== "string" ||
          !HEX_DIGEST.test(item[2])
        ) {
          return new Map();
        }
        entries.set(item[0], { key: item[1], digest: item[2] });
      }
    } catch {
      return new Map();
    }
    return entries;
  }
}

/** What identifies a file's content without reading it. */
function statKey(stat: fs.BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.mode}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

function defaultCacheDirectory(): string {
  return userTemporaryDirectory("cdktf-cloud-run-fingerprints");
}
