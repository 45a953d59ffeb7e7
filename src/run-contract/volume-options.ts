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
