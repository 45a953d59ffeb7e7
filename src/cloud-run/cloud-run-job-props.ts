import type { ContainerImage } from "../image/container-image";
import { SecretReference } from "../run-contract/secrets";
import { VpcAccess } from "../run-contract/vpc-access";
import { VolumeMount } from "../run-contract/volumes";

/**
 * Properties of a {@link CloudRunJob}.
 */
export interface CloudRunJobProps {
  /**
   * The image every task runs: a `ContainerImage` pushed to an Artifact Registry repository (it
   * runs pinned by digest), whose final stage is proven to run as a non-root user.
   */
  readonly image: ContainerImage;

  /**
   * The region of the job, e.g. `europe-west1`. A well-formed region that is not in the
   * library's list of Cloud Run regions is a synth warning naming the nearest known ones.
   */
  readonly region: string;

  /**
   * The project of the job, its service account and its IAM bindings.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The job name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not
   * ending with a hyphen. It must be unique per project and region.
   * @default - derived from the construct id: lowercased, other characters turned into `-`,
   * leading characters up to the first letter dropped, cut to 63 characters
   */
  readonly jobName?: string;

  /**
   * The CPU limit of each task: "1", "2", "4", "6" or "8" (jobs run in the second generation
   * execution environment, which takes whole CPUs).
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit of each task, e.g. "512Mi" or "2Gi", from 512Mi to 32Gi. Above 4Gi needs
   * 2 CPU, above 8Gi 4, above 16Gi 6, above 24Gi 8; 4 CPU needs 2Gi, 6 or 8 CPU need 4Gi.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * The number of tasks of each execution (1–10000). Each task knows its index from
   * `CLOUD_RUN_TASK_INDEX` and the count from `CLOUD_RUN_TASK_COUNT`.
   * @default 1
   */
  readonly taskCount?: number;

  /**
   * The most tasks that run at the same time, at most `taskCount`; 0 runs as many as Cloud Run
   * allows (the limit is a regional quota).
   * @default - as many as possible (Cloud Run's default)
   */
  readonly parallelism?: number;

  /**
   * How many times a failed task is retried (0–10).
   * @default 3
   */
  readonly maxRetries?: number;

  /**
   * How long one attempt of a task may run, in seconds: 1 to 604800 (168 hours). Each retry
   * gets the full timeout again.
   * @default 600
   */
  readonly taskTimeoutSeconds?: number;

  /**
   * Environment variables. Names are C identifiers; `PORT`, `K_SERVICE`, `K_REVISION`,
   * `K_CONFIGURATION` and the variables Cloud Run sets in tasks (`CLOUD_RUN_JOB`,
   * `CLOUD_RUN_EXECUTION`, `CLOUD_RUN_TASK_INDEX`, `CLOUD_RUN_TASK_ATTEMPT`,
   * `CLOUD_RUN_TASK_COUNT`) are reserved. At most 1000, together with `secrets`. Values are
   * stored in plain text in the Terraform configuration and state: use `secrets` for secrets.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secret Manager, by variable name. The job's identity gets
   * `roles/secretmanager.secretAccessor` on exactly these secrets.
   * @default - none
   */
  readonly secrets?: { [name: string]: SecretReference };

  /**
   * Volumes mounted into the job's container: `{ path, volume }` with a `Volume` (secret,
   * emptyDir, Cloud Storage, NFS, Cloud SQL). Each grants the job's identity exactly what it
   * needs on exactly its resource (see `Volume`); jobs always run in the second generation
   * execution environment, which every kind of volume works in.
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * The e-mail of an existing service account the tasks run as. Never a default compute or App
   * Engine service account (they hold the project Editor role).
   * @default - a dedicated service account is created, with no project-level roles
   */
  readonly serviceAccountEmail?: string;

  /**
   * Labels of the job (the Google Cloud label rules; no keys in the `run.googleapis.com`,
   * `cloud.googleapis.com`, `serving.knative.dev` or `autoscaling.knative.dev` namespaces).
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Direct VPC egress.
   * @default - no VPC access
   */
  readonly vpcAccess?: VpcAccess;

  /**
   * The command each task runs, replacing the image's `ENTRYPOINT`: a non-empty list, e.g.
   * `["/app/migrate"]`.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * The arguments, replacing the image's `CMD`, e.g. `["--to", "latest"]`.
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Whether Terraform refuses to delete the job. While true, `cdktf destroy` (or a change that
   * replaces the job) fails: set it to false and deploy first.
   * @default true
   */
  readonly deletionProtection?: boolean;
}
