import { GcsBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import type { CloudSchedulerJob } from "@cdktf/provider-google/lib/cloud-scheduler-job";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { Construct } from "constructs";
import {
  CloudRunJob,
  CloudRunService,
  ContainerImage,
  DockerRepository,
  Probe,
  Volume,
  VolumeMount,
} from "../../src";
import { ExampleConfig, exampleConfig, warnIfPlaceholderProject } from "../config";
import { RUST_SERVICE_DIR } from "../rust-service/main";

/** Where every workload of the stack mounts the uploads bucket. */
export const UPLOADS_PATH = "/mnt/uploads";

/**
 * The library inside a larger stack: two services and two jobs run the same code from one image,
 * built and pushed once to one Artifact Registry repository; a public `api` calls a private
 * `worker`, which reads a Secret Manager secret and has the uploads bucket, a Cloud Storage bucket
 * declared by hand next to the library's constructs, mounted writable at `UPLOAD_DIR`.
 *
 * The jobs run the image's subcommands on the same bucket: `migrate` moves the uploads into a
 * date-partitioned layout (`YYYY/MM/DD/<name>`), run once per deploy with
 * `gcloud run jobs execute composed-migrate-uploads --wait`; `cleanup` deletes uploads older
 * than 30 days, every night at 03:00 Brussels time.
 *
 * State is kept in a GCS bucket when `TF_STATE_BUCKET` is set, locally otherwise.
 */
export class ComposedStack extends TerraformStack {
  /** The one image both services and both jobs run. */
  public readonly image: ContainerImage;
  public readonly api: CloudRunService;
  public readonly worker: CloudRunService;
  /** Moves the uploads into the date-partitioned layout; run between deploys. */
  public readonly migrate: CloudRunJob;
  /** Deletes uploads older than 30 days. */
  public readonly cleanup: CloudRunJob;
  /** The Cloud Scheduler job that runs `cleanup` every night. */
  public readonly nightlyCleanup: CloudSchedulerJob;

  constructor(
    scope: Construct,
    id: string,
    config: ExampleConfig = exampleConfig(),
    env: NodeJS.ProcessEnv = process.env,
  ) {
    super(scope, id);

    if (env.TF_STATE_BUCKET) {
      new GcsBackend(this, { bucket: env.TF_STATE_BUCKET, prefix: `cdktf/${id}` });
    }

    new GoogleProvider(this, "google", { project: config.projectId, region: config.region });
    warnIfPlaceholderProject(this, config);

    // One repository for every image of the stack.
    const repository = new DockerRepository(this, "images", {
      location: config.region,
      repositoryId: "composed-images",
      description: "Images of the composed example stack",
    });

    // The services and the jobs run the same code: one image, built and pushed once (two
    // images with identical build inputs would be built and pushed twice; the library warns).
    this.image = new ContainerImage(this, "image", {
      repository,
      directory: RUST_SERVICE_DIR,
      imageName: "rust-service",
    });

    // The worker's token, created in this stack; its value comes from TF_VAR_worker_token.
    const tokenValue = new TerraformVariable(this, "worker_token", {
      type: "string",
      sensitive: true,
      description: "Token the worker uses to authenticate its callers",
    });
    const token = new SecretManagerSecret(this, "worker-token", {
      secretId: "composed-worker-token",
      replication: { auto: {} },
    });
    const tokenVersion = new SecretManagerSecretVersion(this, "worker-token-v", {
      secret: token.id,
      secretData: tokenValue.stringValue,
    });

    // The user's own infrastructure: a private bucket for the uploads.
    const uploads = new StorageBucket(this, "uploads", {
      name: `${config.projectId}-composed-uploads`,
      location: config.region.toUpperCase(),
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: true,
    });
    // Mounted writable wherever it is used: each workload's own account gets
    // roles/storage.objectUser on this bucket, and nothing else on it.
    const uploadsMount: VolumeMount = {
      path: UPLOADS_PATH,
      volume: Volume.cloudStorage({ bucket: uploads.name, readOnly: false }),
    };

    const probes = {
      startupProbe: Probe.http({ path: "/healthz", periodSeconds: 2, failureThreshold: 15 }),
      livenessProbe: Probe.http({ path: "/healthz", periodSeconds: 30 }),
    };

    this.worker = new CloudRunService(this, "worker", {
      image: this.image,
      region: config.region,
      serviceName: "composed-worker",
      environment: { UPLOAD_DIR: UPLOADS_PATH },
      // Pinned to the version this stack created, not "latest".
      secrets: { WORKER_TOKEN: { secret: token.secretId, version: tokenVersion.version } },
      volumes: [uploadsMount],
      deletionProtection: false,
      ...probes,
    });

    this.api = new CloudRunService(this, "api", {
      image: this.image,
      region: config.region,
      serviceName: "composed-api",
      allowUnauthenticated: true,
      environment: { WORKER_URL: this.worker.uri },
      deletionProtection: false,
      ...probes,
    });

    // Service-to-service: only the api's identity may call the worker.
    this.worker.grantInvoke(this.api.serviceAccountMember);

    // The data migration of a release, run between deploys (the README's "Deploying"). It is
    // idempotent and resumes where a failed attempt stopped, so one retry covers a transient
    // Cloud Storage error; a conflict it reports needs a person, not more retries.
    this.migrate = new CloudRunJob(this, "migrate", {
      image: this.image,
      region: config.region,
      jobName: "composed-migrate-uploads",
      args: ["migrate", "--dir", UPLOADS_PATH],
      volumes: [uploadsMount],
      taskCount: 1,
      maxRetries: 1,
      taskTimeoutSeconds: 1800,
      deletionProtection: false,
    });

    this.cleanup = new CloudRunJob(this, "cleanup", {
      image: this.image,
      region: config.region,
      jobName: "composed-cleanup-uploads",
      args: ["cleanup", "--dir", UPLOADS_PATH, "--older-than-days", "30"],
      volumes: [uploadsMount],
      taskCount: 1,
      maxRetries: 1,
      deletionProtection: false,
    });
    // Every night at 03:00 in Brussels (where europe-west1 is), summer time included; the
    // scheduler runs under its own account, which may run this job and nothing else.
    this.nightlyCleanup = this.cleanup.schedule("nightly", {
      cron: "0 3 * * *",
      timeZone: "Europe/Brussels",
    });

    new TerraformOutput(this, "api_url", { value: this.api.uri });
    new TerraformOutput(this, "worker_url", { value: this.worker.uri });
    new TerraformOutput(this, "migrate_job", {
      value: this.migrate.jobName,
      description: "The migration job: run it between deploys with gcloud run jobs execute",
    });
  }
}
