/**
 * Volumes of a Cloud Run workload: the `Volume` value class (secret, in-memory emptyDir, Cloud
 * Storage, NFS, Cloud SQL) and the `VolumeMount` prop. Shared by services, jobs and worker pools
 * (their volume blocks have the same fields) and read by the local twin. Beside it: the options of
 * each kind (`volume-options.ts`), their checks (`volume-checks.ts`), mount paths and volume names
 * (`mount-paths.ts`), what a checked volume is and how it renders (`volume-spec.ts`), the volumes
 * of one workload (`workload-volumes.ts`) and their grants (`volume-grants.ts`).
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
import { checkText, invalidProp, isAbsent, isUnresolved } from "../util/check";
import { parseMemory } from "./resources";
import { validateSecretName, validateSecretVersion } from "./secrets";
import {
  checkBoolean,
  requireOptions,
  validateBucketName,
  validateFileName,
  validateNfsServer,
  validateSqlConnectionName,
} from "./volume-checks";
import type {
  CloudSqlVolumeOptions,
  CloudStorageVolumeOptions,
  EmptyDirVolumeOptions,
  NfsVolumeOptions,
  SecretVolumeOptions,
} from "./volume-options";
import type { VolumeSpec } from "./volume-spec";

/**
 * A volume mounted into a container.
 */
/** What a list of `VolumeMount`s is called in messages. @internal */
export const VOLUME_MOUNTS = "volume mounts { path, volume }";

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

const VOLUME_MARK = Symbol.for("cdktf-cloud-run.Volume");
const MAX_MEMORY_BYTES = 32 * 1024 * 1024 * 1024;

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
