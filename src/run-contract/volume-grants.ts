/**
 * What a workload's volumes grant its identity: exactly the resource of each volume, nothing at
 * project level except `roles/cloudsql.client` for a Cloud SQL volume. This module is not
 * re-exported by `src/index.ts`.
 *
 * Sources:
 * - [storage-roles] https://cloud.google.com/storage/docs/access-control/iam-roles
 *                   (`roles/storage.objectViewer`: read objects and list them;
 *                   `roles/storage.objectUser`: read, create, overwrite and delete objects)
 * - [storage]       https://cloud.google.com/run/docs/configuring/services/cloud-storage-volume-mounts
 * - [sql]           https://cloud.google.com/sql/docs/mysql/connect-run (the service account
 *                   needs the Cloud SQL Client role, `roles/cloudsql.client`, in the instance's
 *                   project; it is granted on projects only)
 * @internal
 */
import type { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import type { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Fn, TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import { bindingId } from "../iam/binding-id";
import { isUnresolved } from "../util/check";
import { dependencyOn } from "../util/depends-on";
import { SecretAccessGrants } from "./secrets";
import { sqlInstanceProject } from "./volume-checks";
import type { VolumeSpec } from "./volume-spec";

/** @internal */
export const STORAGE_OBJECT_VIEWER_ROLE = "roles/storage.objectViewer";
/** @internal */
export const STORAGE_OBJECT_USER_ROLE = "roles/storage.objectUser";
/** @internal */
export const CLOUD_SQL_CLIENT_ROLE = "roles/cloudsql.client";

/**
 * The grants of one workload identity for its volumes; each grant is a dependency of the
 * workload's resource (a revision cannot start before it can read what it mounts). Granting the
 * same thing twice declares one binding; secret volumes share the secret grants of the
 * workload's secret environment variables.
 * @internal
 */
export class VolumeGrants {
  private readonly granted = new Set<string>();

  constructor(
    private readonly scope: Construct,
    private readonly member: string,
    private readonly dependent: TerraformResource,
    private readonly secrets: SecretAccessGrants,
  ) {}

  /** Grants what `spec` needs. */
  public grant(spec: VolumeSpec): void {
    switch (spec.kind) {
      case "secret":
        this.secrets.grant(spec.secret);
        return;
      case "cloudStorage":
        this.grantBucket(
          spec.bucket,
          spec.readOnly ? STORAGE_OBJECT_VIEWER_ROLE : STORAGE_OBJECT_USER_ROLE,
        );
        return;
      case "cloudSql":
        for (const instance of spec.instances) {
          this.grantCloudSqlClient(instance);
        }
        return;
      case "emptyDir":
      case "nfs":
        return;
    }
  }

  private grantBucket(bucket: string, role: string): void {
    const prefix = role === STORAGE_OBJECT_USER_ROLE ? "BucketObjectUser" : "BucketObjectViewer";
    const id = bindingId(this.scope, prefix, bucket);
    if (!this.isNew(id)) {
      return;
    }
    const { StorageBucketIamMember: Member } = loadBucketIamMember();
    const grant: StorageBucketIamMember = new Member(this.scope, id, {
      bucket,
      role,
      member: this.member,
    });
    this.dependOn(grant);
  }

  private grantCloudSqlClient(instance: string): void {
    const project = instanceProject(instance);
    const id = bindingId(this.scope, "CloudSqlClient", project);
    if (!this.isNew(id)) {
      return;
    }
    const { ProjectIamMember: Member } = loadProjectIamMember();
    const grant: ProjectIamMember = new Member(this.scope, id, {
      project,
      role: CLOUD_SQL_CLIENT_ROLE,
      member: this.member,
    });
    this.dependOn(grant);
  }

  private isNew(id: string): boolean {
    if (this.granted.has(id) || this.scope.node.tryFindChild(id) !== undefined) {
      return false;
    }
    this.granted.add(id);
    return true;
  }

  private dependOn(grant: TerraformResource): void {
    this.dependent.dependsOn = [...(this.dependent.dependsOn ?? []), dependencyOn(grant)];
  }
}

/**
 * The project of a Cloud SQL instance: parsed from a connection name known at synth, else
 * computed by Terraform from the connection name (everything before `:<region>:<instance>`).
 */
function instanceProject(instance: string): string {
  if (!isUnresolved(instance)) {
    return sqlInstanceProject(instance);
  }
  return Token.asString(Fn.element(Fn.regex("^(.+):[^:]+:[^:]+$", instance), 0));
}

/**
 * `google_storage_bucket_iam_member`, loaded on first use: only workloads with a Cloud Storage
 * volume need it, and importing the library costs no more than before.
 */
function loadBucketIamMember(): typeof import("@cdktf/provider-google/lib/storage-bucket-iam-member") {
  return require("@cdktf/provider-google/lib/storage-bucket-iam-member");
}

/** `google_project_iam_member`, loaded on first use (Cloud SQL volumes only). */
function loadProjectIamMember(): typeof import("@cdktf/provider-google/lib/project-iam-member") {
  return require("@cdktf/provider-google/lib/project-iam-member");
}
