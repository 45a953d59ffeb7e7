import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import ignore from "@balena/dockerignore";
import type { DockerfileContent } from "../dockerfile/dockerfile";
import { preparePrivateDirectory, userTemporaryDirectory } from "../util/private-directory";

/**
 * What goes into a build-context fingerprint besides the files of the context.
 * @internal
 */
export interface FingerprintOptions {
  /** The build context directory (absolute, or relative to the working directory). */
  readonly directory: string;
  /**
   * The Dockerfile's path inside the context (POSIX, relative), always hashed even when
   * `.dockerignore` excludes it. Omitted for a Dockerfile that does not live in the context.
   */
  readonly dockerfilePath?: string;
  /** The Dockerfile text that is built. */
  readonly dockerfileText: string;
  /**
   * The bytes of the file at `dockerfilePath` as they were read for the analysis: hashed from
   * these instead of reading the file again (the fingerprint then covers exactly the analysed
   * bytes).
   */
  readonly dockerfileContent?: DockerfileContent;
  /** Build arguments. */
  readonly buildArgs?: { [key: string]: string };
  /** Target stage. */
  readonly target?: string;
  /** Build platform, e.g. "linux/amd64". */
  readonly platform: string;
  /** Image name (without registry and tag). */
  readonly imageName: string;
  /** Who is asking, for error messages, e.g. `ContainerImage 'Stack/Image'`. */
  readonly owner: string;
  /** The `directory` value as the user wrote it, for error messages. */
  readonly directoryProp?: string;
  /**
   * Whether to use the persistent content-digest cache (see {@link DigestCache}). It is also
   * off when the environment variable `CDKTF_CLOUD_RUN_FINGERPRINT_CACHE` is `0`, `false`,
   * `off` or `no`.
   * @default true
   */
  readonly cache?: boolean;
  /**
   * Where the digest cache lives.
   * @default - `$CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR`, else
   * `<os.tmpdir()>/cdktf-cloud-run-fingerprints-<uid>`
   */
  readonly cacheDirectory?: string;
  /**
   * A file's digest is only cached when its mtime and ctime are at least this many milliseconds
   * older than the start of the walk. Tests lower it; see {@link DigestCache}.
   * @default 2000
   */
  readonly cacheTrustMarginMs?: number;
}

/**
 * The result of fingerprinting a build context.
 * @internal
 */
export interface FingerprintResult {
  /** The image tag: the 64 lowercase hex digits of the fingerprint. */
  readonly tag: string;
  /**
   * The fingerprint of the build alone: the same inputs as `tag` without the image name (64
   * lowercase hex digits). Two images with equal build digests are identical builds.
   */
  readonly buildDigest: string;
  /** Number of regular files hashed. */
  readonly fileCount: number;
  /** Number of content bytes hashed. */
  readonly byteCount: number;
  /** Number of directories listed (ignored directories that were pruned are not). */
  readonly directoriesRead: number;
  /** Symlinks (relative POSIX path -> link text) whose target lies outside the context. */
  readonly externalSymlinks: string[];
  /** Number of regular files whose digest came from the cache instead of being read. */
  readonly cachedFileCount: number;
}

/** A negated `.dockerignore` pattern, split into path segments. */
interface Reinclude {
  readonly segments: string[];
}

const CHUNK_SIZE = 1024 * 1024;
const FORMAT_VERSION = "cdktf-cloud-run/context-fingerprint/v1";

/** One read buffer for all fingerprints of the process (the walk is synchronous). */
let sharedBuffer: Buffer | undefined;

/**
 * Content fingerprint of a Docker build context.
 *
 * The context is walked in a fixed order (entries sorted by the bytes of their UTF-8 names,
 * not by locale), and for every entry Docker would send, a record
 * `type, relative POSIX path, size, executable bit, sha256 of the content` is fed into one
 * sha256. The Dockerfile text, the sorted build args, the target, the platform and the image
 * name are mixed in at the end. Identical trees give identical fingerprints on every machine.
 *
 * Decisions, each chosen to match what Docker puts into the image:
 * - `.dockerignore` (the one at the context root) is applied with `@balena/dockerignore`,
 *   case-sensitively like Docker on Linux, including `!` re-includes. An ignored directory is
 *   pruned without being read, unless a `!` pattern (or the Dockerfile or `.dockerignore`)
 *   could match something below it; that check errs on the side of descending, so the
 *   fingerprint may react to files Docker would skip, but never misses one Docker sends.
 * - The Dockerfile and `.dockerignore` are always hashed, even when ignored (Docker always
 *   sends them).
 * - Regular files: their size, content and executable bit (any of the three x bits). Docker
 *   COPY preserves the mode, but the other mode bits depend on the umask of the machine that
 *   checked the tree out, so only the executable bit (what git tracks) is hashed. No times,
 *   owners or inode numbers.
 * - Directories: a directory Docker sends is recorded, so an empty directory counts (COPY
 *   creates it in the image). Directories that are ignored are not recorded.
 * - Symlinks are never followed (no loops are possible): a symlink is hashed as its link text,
 *   which is what Docker sends. Links whose target lies outside the context (or is absolute)
 *   are reported in `externalSymlinks` so the caller can warn: the target's content is not
 *   part of the build.
 * - FIFOs and device files are recorded by type and path, never read; sockets are skipped
 *   (Docker cannot archive them).
 * - Names are normalized to Unicode NFC before sorting and hashing, so a tree checked out on
 *   a file system that stores decomposed names hashes the same.
 * - File contents are read in 1 MiB chunks into one reused buffer: memory use does not depend
 *   on file or context size.
 * - A persistent cache ({@link DigestCache}) may supply the content digest of a file whose
 *   identity and times prove it unchanged since it was hashed; the fingerprint is the same with
 *   or without it.
 *
 * @internal
 */
export class ContextFingerprint {
  /**
   * Fingerprints a build context. Throws an Error naming the directory (and the file, relative
   * to the context) when something cannot be read.
   */
  public static compute(options: FingerprintOptions): FingerprintResult {
    return new ContextFingerprint(options).run();
  }

  /**
   * Splits a `.dockerignore` text into its negated (`!`) patterns, cleaned the way Docker
   * cleans them.
   */
  public static reincludePatterns(dockerignoreText: string): string[][] {
    const result: string[][] = [];
    for (const raw of dockerignoreText.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || !line.startsWith("!")) {
        continue;
      }
      let pattern = line.substring(1).trim();
      if (pattern === "") {
        continue;
      }
      pattern = path.posix.normalize(pattern).replace(/(?<=.)\/$/, "");
      if (pattern.length > 1 && pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      result.push(pattern.split("/"));
    }
    return result;
  }

  /**
   * True when a path strictly below the directory `dir` (POSIX segments) could match the
   * pattern `pattern` (POSIX segments). Conservative: `**` anywhere in the part of the
   * pattern that is compared means "could".
   */
  public static couldMatchBelow(pattern: string[], dir: string[]): boolean {
    for (let i = 0; i < dir.length; i++) {
      if (i >= pattern.length) {
        // The pattern ends at or above `dir`: it decides the same for everything below `dir`
        // as for `dir` itself.
        return false;
      }
      const segment = pattern[i];
      if (segment.includes("**")) {
        return true;
      }
      if (!ContextFingerprint.segmentMatches(segment, dir[i])) {
        return false;
      }
    }
    return pattern.length > dir.length;
  }

  private static segmentMatches(segment: string, name: string): boolean {
    let source = "^";
    for (let i = 0; i < segment.length; i++) {
      const ch = segment[i];
      if (ch === "*") {
        source += "[^/]*";
      } else if (ch === "?") {
        source += "[^/]";
      } else if (ch === "." || ch === "$") {
        source += `\\${ch}`;
      } else if (ch === "\\") {
        if (i + 1 < segment.length) {
          source += `\\${segment[i + 1]}`;
          i++;
        } else {
          source += "\\\\";
        }
      } else {
        source += ch;
      }
    }
    source += "$";
    try {
      return new RegExp(source).test(name);
    } catch {
      // A pattern the matcher cannot compile: assume it could match.
      return true;
    }
  }

  private readonly root: string;
  private readonly hash = crypto.createHash("sha256");
  private readonly buffer: Buffer;
  private readonly forced: Set<string>;
  private readonly reincludes: Reinclude[] = [];
  private matcher?: { ignores(pathname: string): boolean };
  private fileCount = 0;
  private byteCount = 0;
  private directoriesRead = 0;
  private cachedFileCount = 0;
  private readonly externalSymlinks: string[] = [];
  /** Whether the digest cache may be used; it is opened on the first file large enough. */
  private readonly cacheWanted: boolean;
  private cache?: DigestCache;
  private cacheOpened = false;
  /** The Dockerfile's path as the walk spells it (raw names, joined with the separator). */
  private readonly dockerfileAbsPath?: string;

  private constructor(private readonly options: FingerprintOptions) {
    this.root = path.resolve(options.directory);
    sharedBuffer ??= Buffer.allocUnsafe(CHUNK_SIZE);
    this.buffer = sharedBuffer;
    this.cacheWanted = DigestCache.enabled(options);
    this.forced = new Set([".dockerignore"]);
    if (options.dockerfilePath !== undefined) {
      this.forced.add(options.dockerfilePath);
      this.dockerfileAbsPath = `${this.root}${path.sep}${options.dockerfilePath.split("/").join(path.sep)}`;
    }
  }

  private run(): FingerprintResult {
    const rootEntries = this.readRoot();
    if (rootEntries.some((dirent) => dirent.name === ".dockerignore")) {
      this.loadDockerignore();
    }
    this.hash.update(`${FORMAT_VERSION}\n`);
    this.walk(this.root, "", [], rootEntries);
    this.cache?.save();

    const buildArgs = Object.keys(this.options.buildArgs ?? {})
      .sort(compareBytes)
      .map((key) => [key, (this.options.buildArgs ?? {})[key]]);
    const buildInputs = {
      dockerfile: this.options.dockerfileText,
      dockerfilePath: this.options.dockerfilePath ?? null,
      buildArgs,
      target: this.options.target ?? null,
      platform: this.options.platform,
    };
    // Everything Docker builds from, without the name the result is given.
    const buildHash = this.hash.copy();
    buildHash.update(`\0build\0${JSON.stringify(buildInputs)}`);
    this.hash.update(
      `\0inputs\0${JSON.stringify({ ...buildInputs, imageName: this.options.imageName })}`,
    );
    return {
      tag: this.hash.digest("hex"),
      buildDigest: buildHash.digest("hex"),
      fileCount: this.fileCount,
      byteCount: this.byteCount,
      directoriesRead: this.directoriesRead,
      externalSymlinks: this.externalSymlinks,
      cachedFileCount: this.cachedFileCount,
    };
  }

  /** Lists the context directory; a missing one, or a file, is an invalid `directory`. */
  private readRoot(): fs.Dirent[] {
    try {
      return fs.readdirSync(this.root, { withFileTypes: true });
    } catch (error) {
      const code = errorCode(error);
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        throw this.readError(".", error);
      }
      throw new Error(
        `${this.options.owner}: invalid directory: must be an existing directory (the Docker build context). Got: ${JSON.stringify(
          this.options.directoryProp ?? this.options.directory,
        )}`,
      );
    }
  }

  private loadDockerignore(): void {
    const file = path.join(this.root, ".dockerignore");
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") {
        return;
      }
      throw this.readError(".dockerignore", error);
    }
    const matcher = ignore({ ignorecase: false }).add(text);
    this.checkPatterns(text);
    this.matcher = matcher;
    for (const segments of ContextFingerprint.reincludePatterns(text)) {
      this.reincludes.push({ segments });
    }
  }

  /**
   * Refuses a pattern Docker would refuse too (e.g. an unterminated `[`): the matcher compiles
   * patterns to regular expressions lazily, so a bad one would otherwise surface as a
   * SyntaxError from deep inside the walk.
   */
  private checkPatterns(text: string): void {
    text.split(/\r?\n/).forEach((line, index) => {
      const pattern = line.trim();
      if (pattern === "" || pattern.startsWith("#")) {
        return;
      }
      try {
        ignore({ ignorecase: false }).add(pattern).ignores("probe");
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${this.options.owner}: invalid pattern ${JSON.stringify(pattern)} at line ${index + 1} of ` +
            `.dockerignore in the build context ${JSON.stringify(
              this.options.directoryProp ?? this.options.directory,
            )} (${reason}); Docker refuses it too.`,
        );
      }
    });
  }

  private isIgnored(relPath: string): boolean {
    return this.matcher !== undefined && this.matcher.ignores(relPath);
  }

  /** True when something below the ignored directory `relPath` could still be sent. */
  private mustDescend(relPath: string, segments: string[]): boolean {
    const prefix = `${relPath}/`;
    for (const forced of this.forced) {
      if (forced.startsWith(prefix)) {
        return true;
      }
    }
    return this.reincludes.some((r) => ContextFingerprint.couldMatchBelow(r.segments, segments));
  }

  private readDirectory(absDir: string, relDir: string): fs.Dirent[] {
    try {
      return fs.readdirSync(absDir, { withFileTypes: true });
    } catch (error) {
      throw this.readError(relDir === "" ? "." : relDir, error);
    }
  }

  private walk(absDir: string, relDir: string, segments: string[], listed?: fs.Dirent[]): void {
    const dirents = listed ?? this.readDirectory(absDir, relDir);
    this.directoriesRead++;
    const entries = dirents.map((dirent) => {
      const name = dirent.name.normalize("NFC");
      return { dirent, name, key: Buffer.from(name, "utf8") };
    });
    entries.sort((a, b) => Buffer.compare(a.key, b.key));

    for (const { dirent, name } of entries) {
      const relPath = relDir === "" ? name : `${relDir}/${name}`;
      const absPath = `${absDir}${path.sep}${dirent.name}`;
      if (dirent.isDirectory()) {
        const childSegments = [...segments, name];
        if (this.isIgnored(relPath)) {
          if (this.mustDescend(relPath, childSegments)) {
            this.walk(absPath, relPath, childSegments);
          }
          continue;
        }
        this.hash.update(`D\0${relPath}\n`);
        this.walk(absPath, relPath, childSegments);
        continue;
      }
      if (this.isIgnored(relPath) && !this.forced.has(relPath)) {
        continue;
      }
      if (dirent.isFile()) {
        this.hashFile(absPath, relPath);
      } else if (dirent.isSymbolicLink()) {
        this.hashSymlink(absPath, relPath);
      } else if (dirent.isFIFO()) {
        this.hash.update(`P\0${relPath}\n`);
      } else if (dirent.isCharacterDevice()) {
        this.hash.update(`C\0${relPath}\n`);
      } else if (dirent.isBlockDevice()) {
        this.hash.update(`B\0${relPath}\n`);
      }
      // Sockets cannot be archived by Docker: skipped.
    }
  }

  private hashFile(absPath: string, relPath: string): void {
    const known = this.options.dockerfileContent;
    // Compared by the raw path: a look-alike name in another Unicode form maps to the same
    // relPath, but is another file.
    if (known !== undefined && absPath === this.dockerfileAbsPath) {
      this.recordFile(relPath, known.size, known.executable, known.sha256);
      return;
    }
    // With the cache on, the file's identity and size come first (one lstat, in place of the
    // fstat below): a file large enough to be cached may be known unchanged without reading it,
    // and a context without such files never touches the cache.
    let before: fs.BigIntStats | undefined;
    if (this.cacheWanted) {
      try {
        before = fs.lstatSync(absPath, { bigint: true, throwIfNoEntry: false });
      } catch {
        before = undefined;
      }
      if (before !== undefined && !before.isFile()) {
        before = undefined;
      }
    }
    const cache =
      before !== undefined && before.size >= MIN_CACHED_SIZE ? this.openCache() : undefined;
    const cached = cache?.lookup(relPath, before!);
    if (cached !== undefined) {
      this.cachedFileCount++;
      this.recordFile(relPath, cached.size, cached.executable, cached.digest);
      return;
    }
    let fd: number;
    try {
      fd = fs.openSync(absPath, "r");
    } catch (error) {
      throw this.readError(relPath, error);
    }
    const digest = crypto.createHash("sha256");
    let size = 0;
    let executable: boolean;
    let stat: fs.BigIntStats | undefined;
    try {
      let expectedSize: number;
      if (cache !== undefined) {
        // Taken from the open file before its content is read: a change during the read makes
        // the recorded digest stale.
        stat = fs.fstatSync(fd, { bigint: true });
        executable = (stat.mode & BigInt(0o111)) !== BigInt(0);
        expectedSize = Number(stat.size);
      } else if (before !== undefined) {
        executable = (before.mode & BigInt(0o111)) !== BigInt(0);
        expectedSize = Number(before.size);
      } else {
        const plain = fs.fstatSync(fd);
        executable = (plain.mode & 0o111) !== 0;
        expectedSize = plain.size;
      }
      for (;;) {
        const read = fs.readSync(fd, this.buffer, 0, CHUNK_SIZE, null);
        if (read === 0) {
          break;
        }
        digest.update(read === CHUNK_SIZE ? this.buffer : this.buffer.subarray(0, read));
        size += read;
        // A short read at or past the size the file had when it was opened is its end: saves
        // the read that would return 0 (one system call per file).
        if (read < CHUNK_SIZE && size >= expectedSize) {
          break;
        }
      }
    } catch (error) {
      throw this.readError(relPath, error);
    } finally {
      fs.closeSync(fd);
    }
    const hex = digest.digest("hex");
    if (stat !== undefined) {
      cache?.store(relPath, stat, size, hex);
    }
    this.recordFile(relPath, size, executable, hex);
  }

  /** The digest cache of this context, opened (and its file read) on first use. */
  private openCache(): DigestCache | undefined {
    if (!this.cacheOpened) {
      this.cacheOpened = true;
      this.cache = DigestCache.open(this.root, this.options);
    }
    return this.cache;
  }

  private recordFile(relPath: string, size: number, executable: boolean, hex: string): void {
    this.fileCount++;
    this.byteCount += size;
    this.hash.update(`F\0${relPath}\0${size}\0${executable ? "x" : "-"}\0${hex}\n`);
  }

  private hashSymlink(absPath: string, relPath: string): void {
    let target: string;
    try {
      target = fs.readlinkSync(absPath);
    } catch (error) {
      throw this.readError(relPath, error);
    }
    const resolved = path.resolve(path.dirname(absPath), target);
    const fromRoot = path.relative(this.root, resolved);
    if (
      path.isAbsolute(target) ||
      fromRoot === ".." ||
      fromRoot.startsWith(`..${path.sep}`) ||
      path.isAbsolute(fromRoot)
    ) {
      this.externalSymlinks.push(`${relPath} -> ${target}`);
    }
    this.hash.update(`L\0${relPath}\0${target}\n`);
  }

  private readError(relPath: string, error: unknown): Error {
    // Node's messages repeat the absolute path; keep only "CODE: description".
    const message =
      typeof error === "object" && error !== null && typeof (error as Error).message === "string"
        ? (error as Error).message
        : String(error);
    const reason = errorCode(error) !== undefined ? message.split(",")[0] : message;
    return new Error(
      `${this.options.owner}: cannot read ${JSON.stringify(relPath)} in the build context ${JSON.stringify(
        this.options.directoryProp ?? this.options.directory,
      )}: ${reason}. Make it readable, or exclude it in .dockerignore.`,
    );
  }
}

const CACHE_ENV = "CDKTF_CLOUD_RUN_FINGERPRINT_CACHE";
const CACHE_DIR_ENV = "CDKTF_CLOUD_RUN_FINGERPRINT_CACHE_DIR";
const CACHE_FORMAT = "cdktf-cloud-run/digest-cache/v1";
const DEFAULT_TRUST_MARGIN_MS = 2000;
/**
 * Smaller files are always read: reading them costs about as much as checking a cache entry,
 * and a context of only small files then never needs a cache file.
 */
const MIN_CACHED_SIZE = 16 * 1024;
/** Cache directories already checked by this process, and whether they can be used. */
const checkedCacheDirectories = new Map<string, boolean>();
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
class DigestCache {
  /** False when the cache is turned off (by the option or the environment). */
  public static enabled(options: FingerprintOptions): boolean {
    const env = (process.env[CACHE_ENV] ?? "").trim().toLowerCase();
    return options.cache !== false && !["0", "false", "off", "no"].includes(env);
  }

  /** The cache for a context, or undefined when it is turned off or cannot be used safely. */
  public static open(root: string, options: FingerprintOptions): DigestCache | undefined {
    if (!DigestCache.enabled(options)) {
      return undefined;
    }
    const directory =
      options.cacheDirectory ?? (process.env[CACHE_DIR_ENV] || defaultCacheDirectory());
    let usable = checkedCacheDirectories.get(directory);
    if (usable === undefined) {
      usable = preparePrivateDirectory(directory);
      checkedCacheDirectories.set(directory, usable);
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

/** Compares two strings by the bytes of their UTF-8 encoding. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
