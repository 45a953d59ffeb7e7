import { Ingress } from "../run-contract/ingress";
import { ExecutionEnvironment } from "../run-contract/execution-environment";
import { Probe } from "../run-contract/probe";
import { SecretReference } from "../run-contract/secrets";
import { VpcAccess } from "../run-contract/vpc-access";
import { VolumeMount } from "../run-contract/volumes";
import { SidecarOptions } from "./sidecar-options";

/**
 * The settings of a Cloud Run service, without its image. Shared by {@link CloudRunServiceProps}
 * and `CloudRunAppProps`.
 */
export interface CloudRunServiceOptions {
  /**
   * The region of the service, e.g. `europe-west1`. A well-formed region that is not in the
   * library's list of Cloud Run regions is a synth warning naming the nearest known ones.
   */
  readonly region: string;

  /**
   * The project of the service, its service account and its IAM bindings.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The service name: 1 to 49 lowercase letters, digits or hyphens, starting with a letter and
   * not ending with a hyphen. It must be unique per project and region.
   * @default - derived from the construct id: lowercased, other characters turned into `-`,
   * leading characters up to the first letter dropped, cut to 49 characters
   */
  readonly serviceName?: string;

  /**
   * A description of the service (at most 512 characters).
   * @default - no description
   */
  readonly description?: string;

  /**
   * The port the container listens on (1–65535). Cloud Run passes it in `PORT`; do not set
   * `PORT` yourself.
   * @default 8080
   */
  readonly port?: number;

  /**
   * The CPU limit of each instance: "1", "2", "4", "6" or "8", or a fraction from 0.08 to
   * below 1 (e.g. "0.5" or "500m"). A fraction implies concurrency 1, `cpuIdle: true` and the
   * first generation execution environment; they are set when not given, and contradicting
   * values are an error.
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit of each instance, e.g. "512Mi" or "2Gi" (units Mi, Gi, M, G), from 128Mi
   * (512Mi in the second generation environment) to 32Gi. Above 4Gi needs 2 CPU, above 8Gi 4,
   * above 16Gi 6, above 24Gi 8; 4 CPU needs 2Gi, 6 or 8 CPU need 4Gi.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * The maximum number of concurrent requests per instance (1–1000).
   * @default 80, or 1 when the CPU is below 1
   */
  readonly concurrency?: number;

  /**
   * The request timeout in seconds (1–3600).
   * @default 300
   */
  readonly timeoutSeconds?: number;

  /**
   * The minimum number of instances kept running (at most `maxInstances`).
   * @default 0
   */
  readonly minInstances?: number;

  /**
   * The maximum number of instances (at least 1). A ceiling on cost and on load on
   * downstream systems; the real upper bound is the region's quota.
   * @default 100 (Cloud Run's own default)
   */
  readonly maxInstances?: number;

  /**
   * Environment variables. Names are C identifiers; `PORT`, `K_SERVICE`, `K_REVISION` and
   * `K_CONFIGURATION` are reserved. At most 1000 per container, together with `secrets`. Values
   * are stored in plain text in the Terraform configuration and state: use `secrets` for
   * secrets.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secret Manager, by variable name. The service's identity
   * gets `roles/secretmanager.secretAccessor` on exactly these secrets.
   * @default - none
   */
  readonly secrets?: { [name: string]: SecretReference };

  /**
   * Volumes mounted into the main container (see `Volume`). Each grants the service's identity
   * exactly what it needs on exactly its resource: a secret `roles/secretmanager.secretAccessor`
   * on that secret, a Cloud Storage bucket `roles/storage.objectViewer` (`roles/storage.objectUser`
   * when writable) on that bucket, Cloud SQL `roles/cloudsql.client` on each instance's project;
   * emptyDir and NFS volumes grant nothing. Cloud Storage and NFS volumes need the second
   * generation execution environment (set when `executionEnvironment` is not given). Mount paths
   * are absolute and unique; the size limits of the in-memory volumes a container mounts stay
   * below its memory. More can be added with `addVolume`.
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * Sidecar containers that run next to the main container in every instance, reached on
   * `localhost` (at most 9: 10 containers per instance). The main container, the only one with
   * a port (the ingress container), is named "main" when there are sidecars. Every sidecar image
   * must be proven non-root, like the main image. More can be added with `addSidecar`.
   * @default - none
   */
  readonly sidecars?: SidecarOptions[];

  /**
   * Which network sources may reach the service. IAM still decides who may invoke it.
   * @default Ingress.ALL
   */
  readonly ingress?: Ingress;

  /**
   * Let anyone invoke the service (`roles/run.invoker` for `allUsers`). Private otherwise:
   * callers need `roles/run.invoker`, see `grantInvoke`.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;

  /**
   * The e-mail of an existing service account the service runs as. Never a default compute
   * or App Engine service account (they hold the project Editor role).
   * @default - a dedicated service account is created, with no project-level roles
   */
  readonly serviceAccountEmail?: string;

  /**
   * The startup probe (HTTP, TCP or gRPC).
   * @default - Cloud Run's default TCP startup probe on the container port
   */
  readonly startupProbe?: Probe;

  /**
   * The liveness probe (HTTP or gRPC).
   * @default - no liveness probe
   */
  readonly livenessProbe?: Probe;

  /**
   * Direct VPC egress.
   * @default - no VPC access
   */
  readonly vpcAccess?: VpcAccess;

  /**
   * Labels of the service. Keys 1–63 lowercase letters (international ones included), digits,
   * `_` or `-` starting with a letter; values at most 63 of the same; at most 128 bytes each;
   * no keys in the `run.googleapis.com`,
   * `cloud.googleapis.com`, `serving.knative.dev` or `autoscaling.knative.dev` namespaces.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * The execution environment.
   * @default - Cloud Run's choice; `ExecutionEnvironment.GEN1` when the CPU is below 1;
   * `ExecutionEnvironment.GEN2` with a Cloud Storage or NFS volume
   */
  readonly executionEnvironment?: ExecutionEnvironment;

  /**
   * Give instances more CPU while they start, to shorten cold starts.
   * @default - off (Cloud Run's default when not set)
   */
  readonly startupCpuBoost?: boolean;

  /**
   * Request-based billing: CPU is only allocated while requests are processed
   * (`cpu_idle = true`). `false` is instance-based billing (CPU always allocated), needed for
   * background work between requests. Must be true when the CPU is below 1.
   * @default true
   */
  readonly cpuIdle?: boolean;

  /**
   * Whether Terraform refuses to delete the service. While true, `cdktf destroy` (or a change
   * that replaces the service) fails: set it to false and deploy first.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Ignore the fields that gcloud, the console and CI tools rewrite on every deploy (`client`,
   * `client_version`, the `client.knative.dev/user-image` annotations and the known
   * `run.googleapis.com/*` annotations and labels), so they do not show as perpetual diffs.
   * The container image is always managed by Terraform.
   * @default true
   */
  readonly ignoreClientChanges?: boolean;
}
