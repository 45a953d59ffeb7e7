import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { errorCode } from "../util/error-code";
import type { DigestCache } from "./digest-cache";
import type { Dockerignore } from "./dockerignore";
import {
  digestCacheEnabled,
  FINGERPRINT_CHUNK_SIZE,
  FingerprintOptions,
  FingerprintResult,
  FingerprintSession,
  MIN_CACHED_SIZE,
} from "./fingerprint-options";

const CHUNK_SIZE = FINGERPRINT_CHUNK_SIZE;
const FORMAT_VERSION = "cdktf-cloud-run/context-fingerprint/v1";

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
  public static compute(
    options: FingerprintOptions,
    session: FingerprintSession = new FingerprintSession(),
  ): FingerprintResult {
    return new ContextFingerprint(options, session).run();
  }

  private readonly root: string;
  private readonly hash = crypto.createHash("sha256");
  private readonly buffer: Buffer;
  private readonly forced: Set<string>;
  private dockerignore?: Dockerignore;
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

  private constructor(
    private readonly options: FingerprintOptions,
    private readonly session: FingerprintSession,
  ) {
    this.root = path.resolve(options.directory);
    this.buffer = session.buffer;
    this.cacheWanted = digestCacheEnabled(options);
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
    this.dockerignore = loadDockerignore().Dockerignore.parse(
      text,
      (pattern, line, reason) =>
        new Error(
          `${this.options.owner}: invalid pattern ${JSON.stringify(pattern)} at line ${line} of ` +
            `.dockerignore in the build context ${JSON.stringify(
              this.options.directoryProp ?? this.options.directory,
            )} (${reason}); Docker refuses it too.`,
        ),
    );
  }

  private isIgnored(relPath: string): boolean {
    return this.dockerignore !== undefined && this.dockerignore.ignores(relPath);
  }

  /** True when something below the ignored directory `relPath` could still be sent. */
  private mustDescend(relPath: string, segments: string[]): boolean {
    const prefix = `${relPath}/`;
    for (const forced of this.forced) {
      if (forced.startsWith(prefix)) {
        return true;
      }
    }
    return this.dockerignore?.couldReincludeBelow(segments) ?? false;
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
      this.cache = loadDigestCache().DigestCache.open(
        this.root,
        this.options,
        this.session.checkedCacheDirectories,
      );
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

/** Compares two strings by the bytes of their UTF-8 encoding. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The `.dockerignore` matcher, loaded for the first context that has a `.dockerignore`.
 */
function loadDockerignore(): typeof import("./dockerignore") {
  return require("./dockerignore");
}

/**
 * The digest cache, loaded for the first file large enough to be cached (see `MIN_CACHED_SIZE`):
 * a context of small files never needs it.
 */
function loadDigestCache(): typeof import("./digest-cache") {
  return require("./digest-cache");
}
