import { GcsBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Construct } from "constructs";
import { CloudRunService, ContainerImage, DockerRepository, Probe } from "../../src";
import { ExampleConfig, exampleConfig, warnIfPlaceholderProject } from "../config";
import { RUST_SERVICE_DIR } from "../rust-service/main";

/**
 * The library inside a larger stack: two services run the same code from one image, built
 * and pushed once to one Artifact Registry repository; a public `api` calls a private
 * `worker`, the worker reads a Secret Manager secret and writes to a Cloud Storage bucket
 * declared by hand next to the library's constructs.
 *
 * State is kept in a GCS bucket when `TF_STATE_BUCKET` is set, locally otherwise.
 */
export class ComposedStack extends TerraformStack {
  /** The one image both services run. */
  public readonly image: ContainerImage;
  public readonly api: CloudRunService;
  public readonly worker: CloudRunService;

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

    // Both services run the same code: one image, built and pushed once, run by both (two
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

    // The user's own infrastructure: a private bucket the worker writes to.
    const uploads = new StorageBucket(this, "uploads", {
      name: `${config.projectId}-composed-uploads`,
      location: config.region.toUpperCase(),
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: true,
    });

    const probes = {
      startupProbe: Probe.http({ path: "/healthz", periodSeconds: 2, failureThreshold: 15 }),
      livenessProbe: Probe.http({ path: "/healthz", periodSeconds: 30 }),
    };

    this.worker = new CloudRunService(this, "worker", {
      image: this.image,
      region: config.region,
      serviceName: "composed-worker",
      environment: { UPLOAD_BUCKET: uploads.name },
      // Pinned to the version this stack created, not "latest".
      secrets: { WORKER_TOKEN: { secret: token.secretId, version: tokenVersion.version } },
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

    // A bucket-level grant to the worker's identity, written by hand.
    new StorageBucketIamMember(this, "worker-writes-uploads", {
      bucket: uploads.name,
      role: "roles/storage.objectCreator",
      member: this.worker.serviceAccountMember,
    });

    new TerraformOutput(this, "api_url", { value: this.api.uri });
    new TerraformOutput(this, "worker_url", { value: this.worker.uri });
  }
}
