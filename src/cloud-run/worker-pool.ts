import type { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import type { ContainerImage } from "../image/container-image";
import { checkCloudRunImage, checkCommandLine } from "../run-contract/container";
import { DEFAULTS } from "../run-contract/defaults";
import { EXECUTION_ENVIRONMENT_GEN2 } from "../run-contract/execution-environment";
import { CLIENT_FIELDS } from "../run-contract/ignore-changes";
import {
  resolveWorkloadName,
  SERVICE_NAME_MAX_LENGTH,
  validateDescription,
  validateLabels,
  WorkloadNameRule,
} from "../run-contract/metadata";
import { checkRegion } from "../run-contract/region";
import { resolveRuntime } from "../run-contract/resources";
import { SecretReference } from "../run-contract/secrets";
import { SingleContainer } from "../run-contract/single-container";
import { workloadIdentity } from "../run-contract/service-account";
import { requireUniqueNames } from "../run-contract/unique-names";
import { renderVpcAccess, VpcAccess } from "../run-contract/vpc-access";
import { Volume, VolumeMount } from "../run-contract/volumes";
import { SecurityPosture } from "../security/security-posture";
import { checkInteger, checkProps, ownerName } from "../util/check";
import { nonEmptyMap } from "../util/maps";

/**
 * Properties of a {@link WorkerPool}.
 */
export interface WorkerPoolProps {
  /**
   * The image the instances run: a `ContainerImage` pushed to an Artifact Registry repository
   * (it runs pinned by digest), whose final stage is proven to run as a non-root user.
   */
  readonly image: ContainerImage;

  /**
   * The region of the worker pool, e.g. `europe-west1`. A well-formed region that is not in the
   * library's list of Cloud Run regions is a synth warning naming the nearest known ones.
   */
  readonly region: string;

  /**
   * The project of the worker pool, its service account and its IAM bindings.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The worker pool name: 1 to 49 lowercase letters, digits or hyphens, starting with a letter
   * and not ending with a hyphen. It must be unique per project and region.
   * @default - derived from the construct id: lowercased, other characters turned into `-`,
   * leading characters up to the first letter dropped, cut to 49 characters
   */
  readonly workerPoolName?: string;

  /**
   * A description of the worker pool (at most 512 characters).
   * @default - no description
   */
  readonly description?: string;

  /**
   * The number of instances (manual scaling; worker pools do not autoscale). 0 stops every
   * instance; the upper bound is the region's Cloud Run instance quota.
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The CPU limit of each instance: "1", "2", "4", "6" or "8" (a worker pool takes at least one
   * whole CPU).
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit of each instance, e.g. "512Mi" or "2Gi", from 512Mi to 32Gi. Above 4Gi
   * needs 2 CPU, above 8Gi 4, above 16Gi 6, above 24Gi 8; 4 CPU needs 2Gi, 6 or 8 CPU need 4Gi.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * Environment variables. Names are C identifiers; `PORT`, `K_SERVICE`, `K_REVISION` and
   * `K_CONFIGURATION` are reserved. At most 1000, together with `secrets`. Values are stored in
   * plain text in the Terraform configuration and state: use `secrets` for secrets.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secret Manager, by variable name. The worker pool's
   * identity gets `roles/secretmanager.secretAccessor` on exactly these secrets.
   * @default - none
   */
  readonly secrets?: { [name: string]: SecretReference };

  /**
   * Volumes mounted into the worker pool's container: `{ path, volume }` with a `Volume` (secret,
   * emptyDir, Cloud Storage, NFS, Cloud SQL). Each grants the worker pool's identity exactly what it
   * needs on exactly its resource (see `Volume`); worker pools always run in the second generation
   * execution environment, which every kind of volume works in.
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * The e-mail of an existing service account the instances run as. Never a default compute or
   * App Engine service account (they hold the project Editor role).
   * @default - a dedicated service account is created, with no project-level roles
   */
  readonly serviceAccountEmail?: string;

  /**
   * Labels of the worker pool (the Google Cloud label rules; no keys in the
   * `run.googleapis.com`, `cloud.googleapis.com`, `serving.knative.dev` or
   * `autoscaling.knative.dev` namespaces).
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Direct VPC egress (a worker pool has no inbound endpoint; this is how it reaches private
   * addresses).
   * @default - no VPC access
   */
  readonly vpcAccess?: VpcAccess;

  /**
   * The command of the container, replacing the image's `ENTRYPOINT`: a non-empty list.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * The arguments, replacing the image's `CMD`.
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Whether Terraform refuses to delete the worker pool. While true, `cdktf destroy` (or a
   * change that replaces the worker pool) fails: set it to false and deploy first.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

const WORKER_POOL_MARK = Symbol.for("cdktf-cloud-run.WorkerPool");

/**
 * Worker pool names: "It must begin with letter, and cannot end with hyphen; must contain fewer
 * than 50 characters" (`workerPoolId`,
 * https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.workerPools/create),
 * the rule of service names.
 */
const WORKER_POOL_NAME_RULE: WorkloadNameRule = {
  prop: "workerPoolName",
  maxLength: SERVICE_NAME_MAX_LENGTH,
};

/**
 * The launch stage the worker pool resource is declared with. Cloud Run worker pools are a
 * Preview feature for the pinned provider (google 6.50.0): its documentation's examples declare
 * them with `launch_stage = "BETA"` (terraform-google-modules/docs-examples#1026, "Promote launch
 * stage to BETA", June 2025), and gcloud manages them with `gcloud beta run worker-pools`.
 */
const WORKER_POOL_LAUNCH_STAGE = "BETA";

/**
 * A Cloud Run worker pool (`google_cloud_run_v2_worker_pool`): instances of a pushed
 * `ContainerImage` that run continuously for pull-based background work (queue consumers),
 * with no port, no URL and no autoscaling (a manual instance count), pinned by digest, as a
 * non-root user, under their own service account with no project-level roles.
 *
 * Worker pools are a Preview (beta) feature in the pinned provider: the resource is declared
 * with `launch_stage = "BETA"`, which the Cloud Run Admin API needs to accept it, and
 * `launch_stage` is ignored on later plans (the API reports `GA` once the feature is, which
 * would otherwise show as a change).
 */
export class WorkerPool extends Construct {
  /**
   * True when `x` is a WorkerPool (also across copies of this library).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static isWorkerPool(x: any): x is WorkerPool {
    return typeof x === "object" && x !== null && WORKER_POOL_MARK in x;
  }

  /** The `google_cloud_run_v2_worker_pool` resource (escape hatch). */
  public readonly resource: CloudRunV2WorkerPool;

  /** The worker pool name. */
  public readonly workerPoolName: string;

  /** The region of the worker pool. */
  public readonly region: string;

  /** The number of instances. */
  public readonly instanceCount: number;

  /** The e-mail of the service account the instances run as. */
  public readonly serviceAccountEmail: string;

  /**
   * The dedicated service account (escape hatch).
   * @default - none when `serviceAccountEmail` was given
   */
  public readonly serviceAccount?: ServiceAccount;

  /** The image the instances run. */
  public readonly image: ContainerImage;

  private readonly container: SingleContainer;

  constructor(scope: Construct, id: string, props: WorkerPoolProps) {
    super(scope, id);
    Object.defineProperty(this, WORKER_POOL_MARK, { value: true });
    const owner = ownerName("WorkerPool", this.node.path);
    checkProps(owner, props, "{ image, region, ... }");

    // --- image: pushed to Artifact Registry, non-root
    checkCloudRunImage(owner, "image", props.image);
    this.image = props.image;

    // --- names and placement
    checkRegion(this, owner, props.region);
    const workerPoolName = resolveWorkloadName(
      owner,
      id,
      props.workerPoolName,
      WORKER_POOL_NAME_RULE,
    );
    this.workerPoolName = workerPoolName;
    this.region = props.region;
    validateDescription(owner, props.description);
    validateLabels(owner, "labels", props.labels);

    // --- scaling: a manual instance count; the ceiling is a regional quota
    // (https://cloud.google.com/run/docs/configuring/workerpools/manual-scaling).
    this.instanceCount = props.instanceCount ?? 1;
    checkInteger(owner, "instanceCount", this.instanceCount, {
      min: 0,
      note: "0 stops every instance",
    });

    // --- container
    // Worker pools only use the second generation execution environment
    // (https://cloud.google.com/run/docs/about-execution-environments): memory from 512Mi
    // (https://cloud.google.com/run/docs/configuring/workerpools/memory-limits), and "The
    // minimum vCPU setting is 1 vCPU" (https://cloud.google.com/run/docs/configuring/workerpools/cpu).
    const runtime = resolveRuntime(owner, {
      cpu: props.cpu ?? DEFAULTS.cpu,
      memory: props.memory ?? DEFAULTS.memory,
      executionEnvironment: EXECUTION_ENVIRONMENT_GEN2,
      wholeCpuOnly: "a worker pool takes at least one whole CPU",
    });
    const command = checkCommandLine(owner, "command", props.command);
    const args = checkCommandLine(owner, "args", props.args);
    const vpcAccess = renderVpcAccess(owner, props.vpcAccess);

    // --- environment and volumes (validated before anything is created)
    this.container = new SingleContainer(props, {
      owner,
      scope: this,
      label: "the worker pool's container",
      memory: runtime.memory,
      environment: {
        alreadySet: "this variable is already set",
      },
    });

    // --- identity
    const identity = workloadIdentity(this, {
      owner,
      kind: "Cloud Run worker pool",
      id,
      name: workerPoolName,
      project: props.project,
      serviceAccountEmail: props.serviceAccountEmail,
    });
    this.serviceAccountEmail = identity.email;
    this.serviceAccount = identity.serviceAccount;

    // --- the worker pool (its provider module loads with the first worker pool)
    const { CloudRunV2WorkerPool: PoolResource } = loadWorkerPoolModule();
    this.resource = new PoolResource(this, "Resource", {
      name: workerPoolName,
      location: props.region,
      project: props.project,
      description: props.description,
      labels: nonEmptyMap(props.labels),
      deletionProtection: props.deletionProtection ?? true,
      launchStage: WORKER_POOL_LAUNCH_STAGE,
      scaling: { scalingMode: "MANUAL", manualInstanceCount: this.instanceCount },
      template: {
        serviceAccount: this.serviceAccountEmail,
        vpcAccess,
        volumes: this.container.renderVolumes(),
        containers: [
          this.container.render({ image: props.image.imageRef, runtime, command, args }),
        ],
      },
      lifecycle: { ignoreChanges: [...CLIENT_FIELDS, "launch_stage"] },
    });

    this.container.bind(this.serviceAccountMember, props.project, this.resource);

    requireUniqueNames({
      construct: this,
      kind: "WorkerPool",
      nameProp: "workerPoolName",
      name: workerPoolName,
      region: props.region,
      project: props.project,
      accountId: identity.accountId,
    });
    SecurityPosture.of(this)._addWorkload({
      construct: this,
      kind: "WorkerPool",
      resource: this.resource,
      image: this.image,
      serviceAccountEmail: this.serviceAccountEmail,
      dedicatedServiceAccount: this.serviceAccount !== undefined,
      allowUnauthenticated: false,
    });
  }

  /** The IAM member of the worker pool's identity: `serviceAccount:<email>`. */
  public get serviceAccountMember(): string {
    return `serviceAccount:${this.serviceAccountEmail}`;
  }

  /** The names of the environment variables read from Secret Manager. */
  public get secretEnvironment(): string[] {
    return this.container.environment.container.secretNames;
  }

  /** The names of all environment variables (plain and from secrets). */
  public get environmentNames(): string[] {
    return this.container.environment.container.names;
  }

  /**
   * Adds a plain environment variable. The same rules as `environment` apply, and the name must
   * not be in use.
   */
  public addEnvironment(name: string, value: string): void {
    this.container.environment.addPlain(name, value);
  }

  /**
   * Adds an environment variable read from Secret Manager and grants the worker pool's identity
   * `roles/secretmanager.secretAccessor` on that secret.
   */
  public addSecretEnvironment(name: string, secret: SecretReference): void {
    this.container.environment.addSecret(name, secret);
  }

  /**
   * Mounts `volume` at `path` in the worker pool's container (the rules of `volumes`) and grants the
   * worker pool's identity what the volume needs.
   */
  public addVolume(path: string, volume: Volume): void {
    this.container.addVolume(path, volume);
  }
}

/**
 * The provider module of worker pools, loaded on first use: programs without worker pools never
 * load it, so importing the library costs what it did before worker pools existed.
 */
function loadWorkerPoolModule(): typeof import("@cdktf/provider-google/lib/cloud-run-v2-worker-pool") {
  return require("@cdktf/provider-google/lib/cloud-run-v2-worker-pool");
}
