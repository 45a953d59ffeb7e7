/**
 * Volumes of a Cloud Run workload: the `Volume` value class (secret, in-memory emptyDir, Cloud
 * Storage, NFS, Cloud SQL), the `VolumeMount` prop, the checks of each kind and of mount paths,
 * and how a volume renders into the provider's `template.volumes` block. Shared by services, jobs
 * and worker pools (their volume blocks have the same fields) and read by the local twin.
 *
 * Sources:
 * - [storage]   https://cloud.google.com/run/docs/configuring/services/cloud-storage-volume-mounts
 *               ("Disallowed paths: Cloud Run does not allow you to mount a volume at /dev,
 *               /proc and /sys, or on their subdirectories.")
 * - [nfs]       https://cloud.google.com/run/docs/configuring/services/nfs-volume-mounts (the
 *               same disallowed paths; "In order to write to an NFS volume, your container must
 *               run as root. If your container only reads from the file system, it can run as
 *               any user."; Filestore grants write access to uid 0 only unless the share's
 *               permissions are changed)
 * - [in-memory] https://cloud.google.com/run/docs/configuring/services/in-memory-volume-mounts
 *               ("your in-memory volume consumes the memory you configured for your containers.
 *               If you deploy multiple containers, the memory used by each write to the volume
 *               counts as memory usage for the container that wrote the data."; "If you don't
 *               specify a size limit, it is automatically set to half of the total size of all
 *               the containers")
 * - [secrets]   https://cloud.google.com/run/docs/configuring/services/secrets (a secret mounted
 *               as a volume is a file in the mount path; default mode 0444, the provider's
 *               `default_mode` documentation)
 * - [gen2]      https://cloud.google.com/run/docs/about-execution-environments (the second
 *               generation provides "Network file system support"; Cloud Storage volumes are
 *               mounted with Cloud Storage FUSE, a network file system; jobs and worker pools
 *               only use the second generation)
 * - [sql]       https://cloud.google.com/sql/docs/mysql/connect-run and the v2 `VolumeMount`
 *               message: a Cloud SQL volume's mount path is `/cloudsql`; each instance is a
 *               socket under `/cloudsql/<instance connection name>`; the connection name is
 *               `<project>:<region>:<instance>` (a domain-scoped project is `<domain>:<project>`).
 *               No limit on the number of instances per volume is documented.
 * - [sql-name]  https://cloud.google.com/sql/docs/mysql/instance-settings (instance ID: lowercase
 *               letters, numbers and hyphens, starting with a letter; project ID and instance ID
 *               together at most 98 characters)
 * - [bucket]    https://cloud.google.com/storage/docs/buckets#naming
 * - [provider]  google provider 6.50 `google_cloud_run_v2_service` (`volume_mounts.mount_path`:
 *               "Must not contain ':'"; `empty_dir.medium`: possible values ["MEMORY"])
 */
import * as net from "net";
import * as posix from "path/posix";
import { checkText, invalidProp, isAbsent, isUnresolved, matches } from "../util/check";
import { validateSecretName, validateSecretVersion } from "./secrets";
import { formatBytes, parseMemory } from "./resources";

/**
 * A secret from Secret Manager mounted as a file.
 */
export interface SecretVolumeOptions {
  /**
   * The secret: its id (`db-password`, a secret in the workload's project) or its full name
   * (`projects/<project>/secrets/<id>`), e.g. `secret.id` of a `SecretManagerSecret`. The
   * workload's identity gets `roles/secretmanager.secretAccessor` on exactly this secret.
   */
  readonly secret: string;

  /**
   * The version: a version number such as "3", "latest", or a version alias. Pin a number: with
   * "latest" every new instance may read a different value.
   * @default "latest" (with a synth warning)
   */
  readonly version?: string;

  /**
   * The name of the file in the mount path: a relative path of letters, digits, `.`, `_` and
   * `-` (`/` separates directories), without `.` or `..` segments.
   * @default - the secret's id (the last part of a full name)
   */
  readonly fileName?: string;
}

/**
 * An empty directory in memory, shared by the containers of an instance that mount it.
 */
export interface EmptyDirVolumeOptions {
  /**
   * The size limit, e.g. "64Mi" or "1Gi" (units Mi, Gi, M, G). Writes beyond it fail instead of
   * the instance running out of memory. The data is memory of the container that writes it: the
   * size limits of the in-memory volumes a container mounts must together stay below that
   * container's memory limit.
   * @default - Cloud Run's: half of the memory of all the instance's containers (a synth warning
   * when that is as much as the memory of a container that mounts it)
   */
  readonly sizeLimit?: string;

  /**
   * Whether the directory is in memory. Cloud Run's emptyDir volumes are in memory only (medium
   * `MEMORY`); `false` is an error.
   * @default true
   */
  readonly inMemory?: boolean;
}

/**
 * A Cloud Storage bucket mounted with Cloud Storage FUSE (needs the second generation execution
 * environment).
 */
export interface CloudStorageVolumeOptions {
  /**
   * The bucket name (not a `gs://` URL), e.g. `bucket.name` of a `StorageBucket`.
   */
  readonly bucket: string;

  /**
   * Mount the bucket read-only: the workload's identity gets `roles/storage.objectViewer` on the
   * bucket; `false` grants `roles/storage.objectUser` (read, create, overwrite and delete
   * objects) instead.
   * @default true
   */
  readonly readOnly?: boolean;
}

/**
 * An NFS share (e.g. a Filestore instance) reached through the workload's VPC access (needs the
 * second generation execution environment). Grants nothing: access is the share's export rules.
 */
export interface NfsVolumeOptions {
  /** The NFS server: a host name or an IP address, e.g. a Filestore instance's IP address. */
  readonly server: string;

  /** The exported path on the server, absolute, e.g. "/share1". */
  readonly path: string;

  /**
   * Mount the share read-only. Cloud Run documents that writing to an NFS volume needs root
   * unless the share's directory is owned by the container's user; the library's images run as
   * a non-root user, so a writable mount is a synth warning.
   * @default true
   */
  readonly readOnly?: boolean;
}

/**
 * Cloud SQL instances reachable as Unix sockets under `/cloudsql/<connection name>` (mount it at
 * `/cloudsql`). The workload's identity gets `roles/cloudsql.client` on the project of each
 * instance, the one project-level role the library grants.
 */
export interface CloudSqlVolumeOptions {
  /**
   * The instance connection names, `<project>:<region>:<instance>`, e.g. `instance.connectionName`
   * of a `SqlDatabaseInstance`. At least one, no duplicates.
   */
  readonly instances: string[];
}

/**
 * A volume mounted into a container.
 */
export interface VolumeMount {
  /**
   * Where the volume appears in the container: an absolute, normalized path (no trailing `/`,
   * no `.` or `..`, no `:`), not `/`, not `/dev`, `/proc`, `/sys` or below them; unique per
   * container. A Cloud SQL volume must be mounted at `/cloudsql`.
   */
  readonly path: string;

  /** The volume, made with `Volume.secret()`, `emptyDir()`, `cloudStorage()`, `nfs()` or `cloudSql()`. */
  readonly volume: Volume;
}

/** The kinds of volume (the values of `Volume.kind`). @internal */
export type VolumeKind = "secret" | "emptyDir" | "cloudStorage" | "nfs" | "cloudSql";

/** What a volume is, checked. @internal */
export type VolumeSpec =
  | {
      readonly kind: "secret";
      readonly secret: string;
      readonly version: string;
      /** Given by the user. */
      readonly versionGiven: boolean;
      readonly fileName: string;
    }
  | { readonly kind: "emptyDir"; readonly sizeLimit?: string; readonly sizeBytes?: number }
  | { readonly kind: "cloudStorage"; readonly bucket: string; readonly readOnly: boolean }
  | {
      readonly kind: "nfs";
      readonly server: string;
      readonly path: string;
      readonly readOnly: boolean;
    }
  | { readonly kind: "cloudSql"; readonly instances: readonly string[] };

const VOLUME_MARK = Symbol.for("cdktf-cloud-run.Volume");

/**
 * A volume for a Cloud Run workload's containers, mounted with a {@link VolumeMount}
 * (`volumes: [{ path: "/cache", volume: Volume.emptyDir({ sizeLimit: "64Mi" }) }]`). Each kind
 * grants the workload's own service account exactly what it needs on exactly its resource:
 *
 * - `Volume.secret`: `roles/secretmanager.secretAccessor` on that secret;
 * - `Volume.cloudStorage`: `roles/storage.objectViewer` on that bucket, or `roles/storage.objectUser`
 *   when writable;
 * - `Volume.cloudSql`: `roles/cloudsql.client` on the project of each instance;
 * - `Volume.emptyDir` and `Volume.nfs`: nothing.
 *
 * Cloud Storage and NFS volumes need the second generation execution environment: it is set
 * when `executionEnvironment` is not given, and an explicit `GEN1` is an error.
 *
 * The options are checked when the volume is made; the mount path, the memory and the execution
 * environment when it is mounted.
 */
export class Volume {
  /**
   * True when `x` is a Volume (also across copies of this library).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static isVolume(x: any): x is Volume {
    return typeof x === "object" && x !== null && VOLUME_MARK in x;
  }

  /**
   * A secret from Secret Manager as a read-only file (mode 0444) named `fileName` in the mount
   * path.
   */
  public static secret(options: SecretVolumeOptions): Volume {
    const owner = "Volume.secret";
    requireOptions(owner, options, "{ secret, version?, fileName? }");
    validateSecretName(owner, "secret", options.secret);
    if (!isAbsent(options.version)) {
      validateSecretVersion(owner, "version", options.version);
    }
    if (!isAbsent(options.fileName)) {
      validateFileName(owner, "fileName", options.fileName);
    }
    return new Volume({
      kind: "secret",
      secret: options.secret,
      version: options.version ?? "latest",
      versionGiven: !isAbsent(options.version),
      fileName: options.fileName ?? defaultSecretFileName(options.secret),
    });
  }

  /**
   * An empty in-memory directory, created with the instance and shared by the containers that
   * mount it.
   */
  public static emptyDir(options?: EmptyDirVolumeOptions): Volume {
    const owner = "Volume.emptyDir";
    const o = options ?? {};
    if (typeof o !== "object") {
      throw invalidProp(owner, "options", "must be { sizeLimit?, inMemory? }", o);
    }
    if (!isAbsent(o.inMemory) && o.inMemory !== true) {
      throw invalidProp(
        owner,
        "inMemory",
        'must be true: Cloud Run\'s emptyDir volumes are in memory only (medium "MEMORY")',
        o.inMemory,
      );
    }
    let sizeBytes: number | undefined;
    if (!isAbsent(o.sizeLimit) && !isUnresolved(o.sizeLimit)) {
      sizeBytes = parseMemory(owner, o.sizeLimit, "sizeLimit");
      if (sizeBytes <= 0 || sizeBytes > MAX_MEMORY_BYTES) {
        throw invalidProp(owner, "sizeLimit", "must be above 0 and at most 32Gi", o.sizeLimit);
      }
    }
    return new Volume({ kind: "emptyDir", sizeLimit: o.sizeLimit ?? undefined, sizeBytes });
  }

  /**
   * A Cloud Storage bucket, read-only unless `readOnly: false`.
   */
  public static cloudStorage(options: CloudStorageVolumeOptions): Volume {
    const owner = "Volume.cloudStorage";
    requireOptions(owner, options, "{ bucket, readOnly? }");
    validateBucketName(owner, "bucket", options.bucket);
    checkBoolean(owner, "readOnly", options.readOnly);
    return new Volume({
      kind: "cloudStorage",
      bucket: options.bucket,
      readOnly: options.readOnly ?? true,
    });
  }

  /**
   * An NFS share, read-only unless `readOnly: false`.
   */
  public static nfs(options: NfsVolumeOptions): Volume {
    const owner = "Volume.nfs";
    requireOptions(owner, options, "{ server, path, readOnly? }");
    validateNfsServer(owner, "server", options.server);
    checkText(
      owner,
      "path",
      options.path,
      'must be the absolute path the server exports, e.g. "/share1"',
      (p) => p.startsWith("/") && !/\s/.test(p),
    );
    checkBoolean(owner, "readOnly", options.readOnly);
    return new Volume({
      kind: "nfs",
      server: options.server,
      path: options.path,
      readOnly: options.readOnly ?? true,
    });
  }

  /**
   * Cloud SQL instances as Unix sockets under `/cloudsql` (mount it at `/cloudsql`).
   */
  public static cloudSql(options: CloudSqlVolumeOptions): Volume {
    const owner = "Volume.cloudSql";
    requireOptions(owner, options, "{ instances }");
    const instances = options.instances;
    if (isUnresolved(instances) || !Array.isArray(instances) || instances.length === 0) {
      throw invalidProp(
        owner,
        "instances",
        'must be a list (known at synth) of at least one instance connection name "<project>:<region>:<instance>"',
        instances,
      );
    }
    instances.forEach((name, index) =>
      validateSqlConnectionName(owner, `instances[${index}]`, name),
    );
    const seen = new Set<string>();
    for (const name of instances) {
      if (!isUnresolved(name) && seen.has(name)) {
        throw invalidProp(owner, "instances", "must not name an instance twice", name);
      }
      seen.add(name);
    }
    return new Volume({ kind: "cloudSql", instances: [...instances] });
  }

  /**
   * The kind of volume: "secret", "emptyDir", "cloudStorage", "nfs" or "cloudSql".
   */
  public readonly kind: string;

  private readonly spec: VolumeSpec;

  private constructor(spec: VolumeSpec) {
    Object.defineProperty(this, VOLUME_MARK, { value: true });
    this.spec = spec;
    this.kind = spec.kind;
  }

  /**
   * What the volume is, checked.
   * @internal
   */
  public _spec(): VolumeSpec {
    return this.spec;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks of the options

const MAX_MEMORY_BYTES = 32 * 1024 * 1024 * 1024;

function requireOptions(owner: string, options: unknown, expected: string): void {
  if (isAbsent(options) || typeof options !== "object" || Array.isArray(options)) {
    throw invalidProp(owner, "options", `are required: ${expected}`, options);
  }
}

function checkBoolean(owner: string, prop: string, value: unknown): void {
  if (!isAbsent(value) && !isUnresolved(value) && typeof value !== "boolean") {
    throw invalidProp(owner, prop, "must be true or false", value);
  }
}

/** The id of a secret given by id or full name; a token's last `/` segment, as Terraform computes it. */
function defaultSecretFileName(secret: string): string {
  if (isUnresolved(secret)) {
    // `element(reverse(split("/", secret)), 0)`: the id of a full name, or the id itself.
    return `\${element(reverse(split("/", ${tokenExpression(secret)})), 0)}`;
  }
  return secret.split("/").pop() ?? secret;
}

/** A string token as a Terraform expression inside `${...}`: `"${a.b}"` gives `a.b`. */
function tokenExpression(value: string): string {
  const single = /^\$\{([^{}]*)\}$/.exec(value);
  return single !== null ? single[1] : JSON.stringify(value);
}

const FILE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * A secret's file name inside its mount path: relative segments of letters, digits, `.`, `_`
 * and `-`, no `.` or `..` segment, at most 255 characters per segment.
 * @internal
 */
export function validateFileName(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be a relative file name of letters, digits, ".", "_" and "-" ("/" separates directories; no "." or ".." segments), e.g. "password"',
    (v) =>
      v.split("/").every((s) => FILE_SEGMENT.test(s) && s !== "." && s !== ".." && s.length <= 255),
  );
}

const BUCKET_CHARS = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
const IPV4_LIKE = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;

/**
 * A Cloud Storage bucket name [bucket]: 3–63 lowercase letters, digits, `-`, `_` and `.`,
 * starting and ending with a letter or digit (up to 222 with dots, each dot-separated part at
 * most 63); not an IP address; not starting with "goog", not containing "google" (or "g00gle").
 * @internal
 */
export function validateBucketName(owner: string, prop: string, value: string): void {
  const hint =
    typeof value === "string" && value.startsWith("gs://")
      ? ` (give the name without "gs://": ${JSON.stringify(value.slice(5))})`
      : "";
  checkText(
    owner,
    prop,
    value,
    'must be a bucket name: 3 to 63 lowercase letters, digits, "-", "_" or ".", starting and ending with a letter or digit (up to 222 with dots, at most 63 between dots), not an IP address, not starting with "goog" and not containing "google"' +
      hint,
    isBucketName,
  );
}

/** @internal */
export function isBucketName(v: string): boolean {
  const max = v.includes(".") ? 222 : 63;
  return (
    v.length >= 3 &&
    v.length <= max &&
    BUCKET_CHARS.test(v) &&
    v.split(".").every((part) => part.length >= 1 && part.length <= 63) &&
    !IPV4_LIKE.test(v) &&
    !v.startsWith("goog") &&
    !/g[o0][o0]gle/.test(v)
  );
}

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An NFS server: an IPv4 or IPv6 address, or a host name (labels of 1 to 63 letters, digits and
 * inner hyphens, at most 253 characters).
 * @internal
 */
export function validateNfsServer(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be a host name or an IP address, e.g. "10.0.0.2" or "nfs.example.internal"',
    (v) =>
      net.isIP(v) !== 0 ||
      (v.length <= 253 && !IPV4_LIKE.test(v) && v.split(".").every((l) => HOST_LABEL.test(l))),
  );
}

const PROJECT_ID = "[a-z][a-z0-9-]{4,28}[a-z0-9]";
const DOMAIN_PROJECT = `(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+:)?${PROJECT_ID}`;
const SQL_CONNECTION_NAME = new RegExp(
  `^(${DOMAIN_PROJECT}):([a-z]+(?:-[a-z]+)+[0-9]{1,2}):([a-z][a-z0-9-]*)$`,
);

/**
 * A Cloud SQL instance connection name `<project>:<region>:<instance>` [sql] [sql-name].
 * @internal
 */
export function validateSqlConnectionName(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be an instance connection name "<project>:<region>:<instance>", e.g. "my-project:europe-west1:db" (project and instance ids together at most 98 characters)',
    (v) => {
      const m = SQL_CONNECTION_NAME.exec(v);
      return m !== null && m[1].length + m[3].length <= 98;
    },
  );
}

/**
 * The project of a Cloud SQL instance connection name known at synth (`example.com:p` for a
 * domain-scoped project).
 * @internal
 */
export function sqlInstanceProject(connectionName: string): string {
  const m = SQL_CONNECTION_NAME.exec(connectionName);
  return m !== null ? m[1] : connectionName.split(":").slice(0, -2).join(":");
}

// ---------------------------------------------------------------------------------------------
// Mount paths

/** Paths where Cloud Run refuses volumes, with everything below them [storage] [nfs]. @internal */
export const DISALLOWED_MOUNT_PATHS: readonly string[] = ["/dev", "/proc", "/sys"];

/** The mount path of a Cloud SQL volume [sql] [provider]. @internal */
export const CLOUD_SQL_MOUNT_PATH = "/cloudsql";

/**
 * A mount path: absolute, normalized (no trailing `/`, no empty, `.` or `..` segment), no `:`,
 * no whitespace or control characters, not `/`, and not `/dev`, `/proc`, `/sys` or below them.
 * Returns nothing; throws `invalidProp` naming `prop`.
 * @internal
 */
export function validateMountPath(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be an absolute path such as "/data" (not "/", no ":")',
    (v) =>
      v.startsWith("/") &&
      v !== "/" &&
      !v.includes(":") &&
      ![...v].some((c) => c.trim() === "" || c.charCodeAt(0) < 0x20),
  );
  if (isUnresolved(value)) {
    return;
  }
  const normalized = posix.normalize(value).replace(/\/+$/, "");
  if (normalized !== value) {
    throw invalidProp(
      owner,
      prop,
      `must be a normalized path (no trailing "/", no empty, "." or ".." segments): ${JSON.stringify(normalized || "/")}`,
      value,
    );
  }
  const disallowed = DISALLOWED_MOUNT_PATHS.find((p) => value === p || value.startsWith(`${p}/`));
  if (disallowed !== undefined) {
    throw invalidProp(
      owner,
      prop,
      `must not be ${disallowed} or below it: Cloud Run does not mount volumes at ${DISALLOWED_MOUNT_PATHS.join(", ")} or their subdirectories`,
      value,
    );
  }
}

/**
 * A volume name derived from its (first) mount path: lowercase letters, digits and single
 * hyphens, starting with a letter, at most 63 characters (a DNS label); "volume" when the path
 * has no letter.
 * @internal
 */
export function volumeNameFromPath(path: string): string {
  const name = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name === "" ? "volume" : name;
}

/**
 * `base`, or `base-2`, `base-3`, ... (cut to 63 characters) when `taken` has it already.
 * @internal
 */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Kinds

/** True for the kinds that need the second generation execution environment [gen2]. @internal */
export function needsGen2(spec: VolumeSpec): boolean {
  return spec.kind === "cloudStorage" || spec.kind === "nfs";
}

/** How messages name a volume kind. @internal */
export function describeKind(spec: VolumeSpec): string {
  switch (spec.kind) {
    case "secret":
      return `secret volume (${spec.secret})`;
    case "emptyDir":
      return "in-memory emptyDir volume";
    case "cloudStorage":
      return `Cloud Storage volume (bucket ${spec.bucket})`;
    case "nfs":
      return `NFS volume (${spec.server}:${spec.path})`;
    case "cloudSql":
      return `Cloud SQL volume (${spec.instances.join(", ")})`;
  }
}

/**
 * The provider's `template.volumes` entry of a volume (Terraform's field names), for services,
 * jobs and worker pools alike.
 * @internal
 */
export function renderVolume(name: string, spec: VolumeSpec): { [key: string]: unknown } {
  switch (spec.kind) {
    case "secret":
      return {
        name,
        secret: { secret: spec.secret, items: [{ path: spec.fileName, version: spec.version }] },
      };
    case "emptyDir":
      return { name, empty_dir: { medium: "MEMORY", size_limit: spec.sizeLimit } };
    case "cloudStorage":
      return { name, gcs: { bucket: spec.bucket, read_only: spec.readOnly } };
    case "nfs":
      return { name, nfs: { server: spec.server, path: spec.path, read_only: spec.readOnly } };
    case "cloudSql":
      return { name, cloud_sql_instance: { instances: [...spec.instances] } };
  }
}

/** @internal */
export function describeBytes(bytes: number): string {
  return formatBytes(bytes);
}

/** Used by `matches` callers that test names. @internal */
export const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** @internal */
export const isDnsLabel = matches(DNS_LABEL);
