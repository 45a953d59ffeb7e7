/**
 * Cloud Run volumes in Docker's terms, for a `LocalService` and its sidecars: an in-memory
 * emptyDir is a tmpfs-backed Docker volume (shared by the containers that mount it, its pages
 * charged to the container that writes them, as on Cloud Run), a secret is a read-only bind
 * mount of a local file; Cloud Storage, NFS and Cloud SQL volumes are not reproduced (a warning
 * names each mount). This module is not re-exported by `src/index.ts`.
 * @internal
 */
import * as fs from "fs";
import * as path from "path";
import type { ContainerMounts } from "@cdktf/provider-docker/lib/container";
import type { Volume as DockerVolume } from "@cdktf/provider-docker/lib/volume";
import { Annotations, App, Fn, TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { relativePath } from "../image/build-inputs";
import type { MountEntry } from "../run-contract/workload-volumes";
import type { Volume } from "../run-contract/volumes";
import { describeKind } from "../run-contract/volume-spec";
import { describeValue, isUnresolved } from "../util/check";
import { LABEL_PREFIX } from "./labels";

/** What the local volumes of one service need to know. @internal */
export interface LocalVolumesOptions {
  readonly owner: string;
  /** Where Docker volumes are created and warnings reported. */
  readonly scope: Construct;
  readonly provider: TerraformProvider;
  /** The main container's name: Docker volumes are named `<container name>-<volume name>`. */
  readonly containerName: string;
  readonly serviceName: string;
  /** Secret → file on this machine (absolute, or relative to the working directory). */
  readonly secretFiles: { [secret: string]: string };
  /** The image user's uid, when known (the file must be readable by it). */
  readonly uid?: number;
  /** The size of an emptyDir without a size limit: Cloud Run's, half of all containers' memory. */
  readonly defaultSizeBytes: number;
}

/**
 * The Docker mounts of the containers of one local service. Each emptyDir becomes one Docker
 * volume, whichever containers mount it.
 * @internal
 */
export class LocalVolumes {
  private readonly dockerVolumes = new Map<Volume, DockerVolume>();
  private readonly usedSecrets = new Set<string>();

  constructor(private readonly options: LocalVolumesOptions) {}

  /** The Docker mounts for one container's mounts, warning for what cannot be mounted. */
  public mountsFor(entries: readonly MountEntry[], containerLabel: string): ContainerMounts[] {
    const mounts: ContainerMounts[] = [];
    for (const entry of entries) {
      const spec = entry.spec;
      switch (spec.kind) {
        case "emptyDir":
          // No volume_options (nocopy): docker provider 3.6.2 sends a volume subpath with them,
          // which needs Docker API 1.45. Docker copies what the image holds at the path into
          // the empty volume when it is first mounted; at a path the image does not have, the
          // volume starts empty, as on Cloud Run.
          mounts.push({
            type: "volume",
            source: this.dockerVolume(entry).name,
            target: entry.path,
          });
          break;
        case "secret": {
          const mount = this.secretMount(entry, containerLabel);
          if (mount !== undefined) {
            mounts.push(mount);
          }
          break;
        }
        case "cloudStorage":
        case "nfs":
        case "cloudSql":
          this.warn(
            `${this.options.owner}: ${entry.prop}, the ${describeKind(spec)} at ${describeValue(entry.path)} of ${containerLabel}, ` +
              `cannot be reproduced locally and is not mounted: ${LOCAL_ALTERNATIVE[spec.kind]}`,
          );
          break;
      }
    }
    return mounts;
  }

  /** Warns for the entries of `secretFiles` that no secret volume reads. */
  public warnUnusedSecretFiles(): void {
    for (const secret of Object.keys(this.options.secretFiles)) {
      if (!this.usedSecrets.has(secret)) {
        this.warn(
          `${this.options.owner}: secretFiles has ${describeValue(secret)}, but no secret volume reads that secret.`,
        );
      }
    }
  }

  /** The tmpfs-backed Docker volume of an emptyDir, created on first use. */
  private dockerVolume(entry: MountEntry): DockerVolume {
    const existing = this.dockerVolumes.get(entry.volume);
    if (existing !== undefined) {
      return existing;
    }
    const spec = entry.spec;
    const size =
      spec.kind === "emptyDir" && spec.sizeBytes !== undefined
        ? spec.sizeBytes
        : this.options.defaultSizeBytes;
    const { Volume: VolumeResource } = loadVolumeModule();
    const volume = new VolumeResource(this.options.scope, `Volume-${entry.name}`, {
      provider: this.options.provider,
      name: `${this.options.containerName}-${entry.name}`,
      driver: "local",
      // A tmpfs in memory, like Cloud Run's in-memory volumes; mode 1777 (tmpfs's default) lets
      // the image's non-root user write.
      driverOpts: { type: "tmpfs", device: "tmpfs", o: `size=${size},nosuid,nodev` },
      labels: [
        { label: `${LABEL_PREFIX}.service`, value: this.options.serviceName },
        { label: `${LABEL_PREFIX}.volume`, value: entry.name },
      ],
    });
    this.dockerVolumes.set(entry.volume, volume);
    return volume;
  }

  /**
   * A secret as a read-only file at `<path>/<fileName>`: a bind mount of the local file given in
   * `secretFiles`. Its content never enters the Terraform configuration or state (only its
   * path, relative to the stack's directory).
   */
  private secretMount(entry: MountEntry, containerLabel: string): ContainerMounts | undefined {
    const spec = entry.spec;
    if (spec.kind !== "secret") {
      return undefined;
    }
    const where = `${entry.prop} (secret ${spec.secret} at ${describeValue(entry.path)} of ${containerLabel})`;
    const file = isUnresolved(spec.secret) ? undefined : this.options.secretFiles[spec.secret];
    if (file === undefined || isUnresolved(spec.fileName)) {
      this.warn(
        `${this.options.owner}: ${where} is not mounted: there is no Secret Manager locally; ` +
          `give the file that holds its value in secretFiles (e.g. secretFiles: { ${JSON.stringify(
            isUnresolved(spec.secret) ? "<secret id>" : spec.secret,
          )}: "./local-secrets/${isUnresolved(spec.secret) ? "secret" : spec.fileName}" }).`,
      );
      return undefined;
    }
    this.usedSecrets.add(spec.secret);
    const absolute = path.resolve(file);
    this.checkFile(where, file, absolute);
    const stack = TerraformStack.of(this.options.scope);
    const stackDirectory = path.resolve(App.of(stack).outdir, "stacks", stack.node.id);
    return {
      type: "bind",
      // Relative to the stack's directory, where Terraform runs: no absolute path in the JSON.
      source: Fn.abspath(relativePath(this.options.owner, stackDirectory, absolute)),
      target: `${entry.path}/${spec.fileName}`,
      readOnly: true,
    };
  }

  /** The file must exist and be readable by the image's user. */
  private checkFile(where: string, given: string, absolute: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      this.warn(
        `${this.options.owner}: ${where}: secretFiles names ${describeValue(given)}, which does not exist.`,
      );
      return;
    }
    if (!stat.isFile()) {
      this.warn(
        `${this.options.owner}: ${where}: secretFiles names ${describeValue(given)}, which is not a file.`,
      );
      return;
    }
    const uid = this.options.uid;
    const readable =
      (stat.mode & 0o004) !== 0 ||
      (uid !== undefined && stat.uid === uid && (stat.mode & 0o400) !== 0);
    if (!readable) {
      this.warn(
        `${this.options.owner}: ${where}: ${describeValue(given)} is not readable by the image's user ` +
          `(uid ${uid ?? "unknown"}); Cloud Run mounts secrets with mode 0444: chmod 444 ${given}.`,
      );
    }
  }

  private warn(message: string): void {
    Annotations.of(this.options.scope).addWarning(message);
  }
}

const LOCAL_ALTERNATIVE: { [kind: string]: string } = {
  cloudStorage:
    "the local twin has no Cloud Storage FUSE; give the app a local directory or an emulator through its environment.",
  nfs: "the local twin reaches no NFS share through a VPC; give the app a local directory through its environment.",
  cloudSql:
    "the local twin has no Cloud SQL sockets under /cloudsql; run a local database (or the Cloud SQL Auth Proxy) and point the app at it through its environment.",
};

/** The docker provider's `docker_volume` module, loaded with the first emptyDir. */
function loadVolumeModule(): typeof import("@cdktf/provider-docker/lib/volume") {
  return require("@cdktf/provider-docker/lib/volume");
}
