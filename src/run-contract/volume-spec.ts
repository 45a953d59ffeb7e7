/**
 * What a volume is once checked (`VolumeSpec`, one shape per kind), what each kind needs, how
 * messages name it, and how it renders into the provider's `template.volumes` block. This module
 * is not re-exported by `src/index.ts`.
 *
 * Sources: see `volumes.ts` ([gen2], [provider]).
 * @internal
 */

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
