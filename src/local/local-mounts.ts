/**
 * The volumes a `LocalService` mounts: its `secretFiles` prop, checked, and the Docker mounts of
 * each of its containers, made by `local-volumes.ts` (loaded with the first mount), with the
 * warnings about secret files nothing reads. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import type { ContainerMounts } from "@cdktf/provider-docker/lib/container";
import { Annotations, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { ContainerImage } from "../image/container-image";
import type { WorkloadVolumes } from "../run-contract/workload-volumes";
import { checkKnown, invalidProp, knownMap } from "../util/check";
import type { LocalVolumes } from "./local-volumes";

/**
 * The `secretFiles` prop: a map known at synth of secrets to file paths known at synth.
 * @internal
 */
export function checkSecretFiles(
  owner: string,
  value: { [secret: string]: string } | undefined,
): { [secret: string]: string } {
  const secretFiles = knownMap(owner, "secretFiles", value);
  for (const [secret, file] of Object.entries(secretFiles)) {
    checkKnown(
      owner,
      `secretFiles.${secret}`,
      file,
      "must be a file path known at synth, not a token",
    );
    if (typeof file !== "string" || file === "") {
      throw invalidProp(owner, `secretFiles.${secret}`, "must be the path of a file", file);
    }
  }
  return secretFiles;
}

/** What the mounts of one local service need to know. @internal */
export interface LocalMountsOptions {
  readonly owner: string;
  /** The `LocalService`: Docker volumes are created in it and warnings reported on it. */
  readonly scope: Construct;
  readonly provider: TerraformProvider;
  readonly containerName: string;
  readonly serviceName: string;
  /** The checked `secretFiles` (see {@link checkSecretFiles}). */
  readonly secretFiles: { [secret: string]: string };
  /** The main container's image (its user must be able to read the secret files). */
  readonly image: ContainerImage;
  /** The mounts of the service's containers, checked with Cloud Run's rules. */
  readonly volumes: WorkloadVolumes;
}

/**
 * The Docker mounts of the containers of one local service. The Docker volumes are made when the
 * first container that mounts something asks for its mounts ({@link mountsFor}).
 * @internal
 */
export class LocalMounts {
  private localVolumes?: LocalVolumes;

  constructor(private readonly options: LocalMountsOptions) {}

  /**
   * The Docker mounts of the container `key` of the service's volumes (`label` names it in
   * warnings), or undefined when it mounts nothing.
   */
  public mountsFor(key: string, label: string): ContainerMounts[] | undefined {
    const entries = this.options.volumes.mountsOf(key);
    if (entries.length === 0) {
      return undefined;
    }
    const o = this.options;
    this.localVolumes ??= new (loadLocalVolumes().LocalVolumes)({
      owner: o.owner,
      scope: o.scope,
      provider: o.provider,
      containerName: o.containerName,
      serviceName: o.serviceName,
      secretFiles: o.secretFiles,
      uid: o.image.runtimeUser.uid,
      // Cloud Run's size of an emptyDir without a size limit (the memory limits are known here:
      // Docker's limits need them).
      defaultSizeBytes: o.volumes.defaultEmptyDirSizeBytes() ?? 0,
    });
    const mounts = this.localVolumes.mountsFor(entries, label);
    return mounts.length > 0 ? mounts : undefined;
  }

  /** Once every container's mounts are made: warns about secret files no volume reads. */
  public warnUnusedSecretFiles(): void {
    this.localVolumes?.warnUnusedSecretFiles();
    const secrets = Object.keys(this.options.secretFiles);
    if (this.localVolumes === undefined && secrets.length > 0) {
      Annotations.of(this.options.scope).addWarning(
        `${this.options.owner}: secretFiles is given, but no secret volume is mounted: nothing reads ${secrets.join(", ")}.`,
      );
    }
  }
}

/** The local volumes, loaded with the first mount. */
function loadLocalVolumes(): typeof import("./local-volumes") {
  return require("./local-volumes");
}
