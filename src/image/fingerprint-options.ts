import type { DockerfileContent } from "../dockerfile/dockerfile";

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

const CACHE_ENV = "CDKTF_CLOUD_RUN_FINGERPRINT_CACHE";

/**
 * Smaller files are always read: reading them costs about as much as checking a cache entry,
 * and a context of only small files then never needs a cache file (nor loads the cache).
 * @internal
 */
export const MIN_CACHED_SIZE = 16 * 1024;

/**
 * False when the digest cache is turned off (by the option or the environment).
 * @internal
 */
export function digestCacheEnabled(options: FingerprintOptions): boolean {
  const env = (process.env[CACHE_ENV] ?? "").trim().toLowerCase();
  return options.cache !== false && !["0", "false", "off", "no"].includes(env);
}

/** The size of the read buffer: files are read in chunks of 1 MiB. @internal */
export const FINGERPRINT_CHUNK_SIZE = 1024 * 1024;

/**
 * What the fingerprints of one app share: one read buffer (the walk is synchronous) and the
 * digest-cache directories already checked, with whether they can be used.
 * @internal
 */
export class FingerprintSession {
  public readonly checkedCacheDirectories = new Map<string, boolean>();
  private readBuffer?: Buffer;

  /** The read buffer, allocated on first use. */
  public get buffer(): Buffer {
    this.readBuffer ??= Buffer.allocUnsafe(FINGERPRINT_CHUNK_SIZE);
    return this.readBuffer;
  }
}
