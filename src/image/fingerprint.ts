import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import ignore from "@balena/dockerignore";

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
}

/**
 * The result of fingerprinting a build context.
 * @internal
 */
export interface FingerprintResult {
  /** The image tag: the 64 lowercase hex digits of the fingerprint. */
  readonly tag: string;
  /** Number of regular files hashed. */
  readonly fileCount: number;
  /** Number of content bytes hashed. */
  readonly byteCount: number;
  /** Number of directories listed (ignored directories that were pruned are not). */
  readonly directoriesRead: number;
  /** Symlinks (relative POSIX path -> link text) whose target lies outside the context. */
  readonly externalSymlinks: string[];
}

/** A negated `.dockerignore` pattern, split into path segments. */
interface Reinclude {
  readonly segments: string[];
}

const CHUNK_SIZE = 1024 * 1024;
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
  private readonly buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  private readonly forced: Set<string>;
  private readonly reincludes: Reinclude[] = [];
  private matcher?: { ignores(pathname: string): boolean };
  private fileCount = 0;
  private byteCount = 0;
  private directoriesRead = 0;
  private readonly externalSymlinks: string[] = [];

  private constructor(private readonly options: FingerprintOptions) {
    this.root = path.resolve(options.directory);
    this.forced = new Set([".dockerignore"]);
    if (options.dockerfilePath !== undefined) {
      this.forced.add(options.dockerfilePath);
    }
  }

  private run(): FingerprintResult {
    this.checkRoot();
    this.loadDockerignore();
    this.hash.update(`${FORMAT_VERSION}\n`);
    this.walk(this.root, "", []);

    const buildArgs = Object.keys(this.options.buildArgs ?? {})
      .sort(compareBytes)
      .map((key) => [key, (this.options.buildArgs ?? {})[key]]);
    this.hash.update(
      `\0inputs\0${JSON.stringify({
        dockerfile: this.options.dockerfileText,
        dockerfilePath: this.options.dockerfilePath ?? null,
        buildArgs,
        target: this.options.target ?? null,
        platform: this.options.platform,
        imageName: this.options.imageName,
      })}`,
    );
    return {
      tag: this.hash.digest("hex"),
      fileCount: this.fileCount,
      byteCount: this.byteCount,
      directoriesRead: this.directoriesRead,
      externalSymlinks: this.externalSymlinks,
    };
  }

  private checkRoot(): void {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(this.root);
    } catch {
      stat = undefined;
    }
    if (stat === undefined || !stat.isDirectory()) {
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
    this.matcher = matcher;
    for (const segments of ContextFingerprint.reincludePatterns(text)) {
      this.reincludes.push({ segments });
    }
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

  private walk(absDir: string, relDir: string, segments: string[]): void {
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (error) {
      throw this.readError(relDir === "" ? "." : relDir, error);
    }
    this.directoriesRead++;
    const entries = dirents.map((dirent) => {
      const name = dirent.name.normalize("NFC");
      return { dirent, name, key: Buffer.from(name, "utf8") };
    });
    entries.sort((a, b) => Buffer.compare(a.key, b.key));

    for (const { dirent, name } of entries) {
      const relPath = relDir === "" ? name : `${relDir}/${name}`;
      const absPath = path.join(absDir, dirent.name);
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
    let fd: number;
    try {
      fd = fs.openSync(absPath, "r");
    } catch (error) {
      throw this.readError(relPath, error);
    }
    const digest = crypto.createHash("sha256");
    let size = 0;
    let executable: boolean;
    try {
      executable = (fs.fstatSync(fd).mode & 0o111) !== 0;
      for (;;) {
        const read = fs.readSync(fd, this.buffer, 0, CHUNK_SIZE, null);
        if (read === 0) {
          break;
        }
        digest.update(read === CHUNK_SIZE ? this.buffer : this.buffer.subarray(0, read));
        size += read;
      }
    } catch (error) {
      throw this.readError(relPath, error);
    } finally {
      fs.closeSync(fd);
    }
    this.fileCount++;
    this.byteCount += size;
    this.hash.update(
      `F\0${relPath}\0${size}\0${executable ? "x" : "-"}\0${digest.digest("hex")}\n`,
    );
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

function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
