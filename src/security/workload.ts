/**
 * What the security layer knows of the library's constructs: the interfaces images and
 * workloads implement, so that nothing here imports a construct. This module is not
 * re-exported by `src/index.ts`.
 * @internal
 */
import { IConstruct } from "constructs";
import { RuntimeUser } from "../dockerfile/types";

/**
 * An image built by this library (a `ContainerImage`): what it runs as and how it is named.
 * Recognised by its shape, so the images of other copies of the library count too.
 * @internal
 */
export interface PostureImage extends IConstruct {
  /** What a workload runs: `<uri>@<digest>` (a Terraform reference), or the local name. */
  readonly imageRef: string;
  /** The content tag. */
  readonly tag: string;
  /** The image name inside its repository. */
  readonly imageName: string;
  /** The local name, tag included. */
  readonly localImageName: string;
  /** The user the image runs as, and how the Dockerfile analysis knows. */
  readonly runtimeUser: RuntimeUser;
  /** The repository it is pushed to. */
  readonly repository?: { readonly repositoryId: string };
}

/**
 * A scheduled execution of a job (a `google_cloud_scheduler_job` the job's `schedule` made),
 * and the identity it calls the Cloud Run Admin API with.
 * @internal
 */
export interface PostureSchedule {
  /** The `google_cloud_scheduler_job` resource. */
  readonly construct: IConstruct;
  /** The e-mail of the service account the scheduler calls as. */
  readonly serviceAccountEmail: string;
  /** True when the schedule created a dedicated service account. */
  readonly dedicatedServiceAccount: boolean;
}

/**
 * A workload of this library (a Cloud Run service, job or worker pool) as the posture rules and
 * the report see it: registered by the workload with `SecurityPosture._addWorkload`.
 * @internal
 */
export interface PostureWorkload {
  /** The workload construct: messages name its path, acknowledgements scoped to it cover it. */
  readonly construct: IConstruct;
  /** Its class, for messages, e.g. "CloudRunService", "CloudRunJob" or "WorkerPool". */
  readonly kind: string;
  /**
   * The Cloud Run resource it declares (`google_cloud_run_v2_service`, `google_cloud_run_v2_job`
   * or `google_cloud_run_v2_worker_pool`).
   */
  readonly resource: IConstruct;
  /** The image it runs (its main container's). */
  readonly image: PostureImage;
  /**
   * Its sidecar containers, by name, and the images they run.
   * @default - none
   */
  readonly sidecars?: ReadonlyArray<{ readonly name: string; readonly image: PostureImage }>;
  /** The e-mail of the service account it runs as. */
  readonly serviceAccountEmail: string;
  /** True when the workload created a dedicated service account (false: one was given). */
  readonly dedicatedServiceAccount: boolean;
  /**
   * True when it was created public on purpose (`allowUnauthenticated: true`; services only:
   * a job or a worker pool is never public on purpose).
   */
  readonly allowUnauthenticated: boolean;
  /**
   * The schedules of a job, in the order they were made (the list grows after registration).
   * @default - none
   */
  readonly schedules?: readonly PostureSchedule[];
}

/**
 * `CloudRunService 'Stack/api'`: how messages name a workload.
 * @internal
 */
export function workloadName(workload: PostureWorkload): string {
  return `${workload.kind} '${workload.construct.node.path}'`;
}
