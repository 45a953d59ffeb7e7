import * as fs from "fs";
import * as path from "path";
import { App, Testing } from "cdktf";
import { ComposedStack, UPLOADS_PATH } from "../../examples/composed-stack/main";
import { EXAMPLE_DOCKERFILES } from "../../examples/dockerfiles";
import { RustServiceLocalStack, RustServiceStack } from "../../examples/rust-service/main";
import { PLACEHOLDER_PROJECT, exampleConfig } from "../../examples/config";
import { warnings } from "../support/annotations";

const config = { projectId: "example-project", region: "europe-west1" };

interface TfJson {
  resource: { [type: string]: { [id: string]: { [key: string]: unknown } } };
  data?: { [type: string]: { [id: string]: { [key: string]: unknown } } };
  provider: { [type: string]: { [key: string]: unknown }[] };
  terraform: { backend?: { [type: string]: { [key: string]: unknown } } };
  output: { [name: string]: { value: string } };
}

function resources(json: TfJson, type: string): { [key: string]: unknown }[] {
  return Object.values(json.resource[type] ?? {});
}

describe("example Dockerfiles", () => {
  test.each(
    EXAMPLE_DOCKERFILES.map((e) => [path.relative(process.cwd(), e.path), e.dockerfile] as const),
  )(
    "%s is what its generator renders (regenerate: npx ts-node --swc scripts/generate-dockerfiles.ts)",
    (file, dockerfile) => {
      expect(fs.readFileSync(file, "utf8")).toBe(dockerfile().render());
    },
  );

  test("the Rust example's Dockerfile has the four cargo-chef stages and runs as uid 65532", () => {
    const dockerfile = EXAMPLE_DOCKERFILES[0].dockerfile();
    expect(dockerfile.stages.map((s) => s.name)).toEqual(["planner", "cacher", "builder", "final"]);
    expect(dockerfile.finalStage.baseImage).toBe("gcr.io/distroless/cc-debian13:nonroot");
    expect(dockerfile.runtimeUser).toMatchObject({ isRoot: false, uid: 65532 });
  });
});

describe("examples/config", () => {
  test("placeholders let synth run without an account; the environment overrides them", () => {
    expect(exampleConfig({})).toEqual({ projectId: "my-gcp-project", region: "europe-west1" });
    expect(
      exampleConfig({ GOOGLE_CLOUD_PROJECT: "p-1", GOOGLE_CLOUD_REGION: "us-central1" }),
    ).toEqual({ projectId: "p-1", region: "us-central1" });
  });

  test("a stack that deploys to Google Cloud warns when its project is the placeholder", () => {
    const placeholder = exampleConfig({});
    const expected = (path: string) =>
      `${path}: the project is the placeholder "${PLACEHOLDER_PROJECT}" (GOOGLE_CLOUD_PROJECT is not set): the stack synthesizes but cannot be deployed as is. Set GOOGLE_CLOUD_PROJECT to your project id (and GOOGLE_CLOUD_REGION to your region).`;
    const app = new App({ outdir: fs.mkdtempSync(`${require("os").tmpdir()}/examples-`) });
    const rust = new RustServiceStack(app, "rust-service", placeholder);
    const composed = new ComposedStack(app, "composed-stack", placeholder, {});
    const local = new RustServiceLocalStack(app, "rust-service-local", placeholder);
    expect(warnings(rust)).toEqual([expected("rust-service")]);
    expect(warnings(composed)).toEqual([expected("composed-stack")]);
    // The local stack deploys to this machine's Docker engine: no project needed.
    expect(warnings(local)).toEqual([]);
  });

  test("a real project id gives no warning", () => {
    const app = new App({ outdir: fs.mkdtempSync(`${require("os").tmpdir()}/examples-`) });
    const real = exampleConfig({ GOOGLE_CLOUD_PROJECT: "acme-prod-1" });
    expect(warnings(new RustServiceStack(app, "rust-service", real))).toEqual([]);
    expect(warnings(new ComposedStack(app, "composed-stack", real, {}))).toEqual([]);
  });
});

describe("examples/rust-service", () => {
  // Paths in the JSON are relative to the stack's output directory, as under `cdktf synth`.
  const app = new App({ outdir: "cdktf.out", skipValidation: false });
  const stack = new RustServiceStack(app, "rust-service", config);
  const text = Testing.synth(stack, true);
  const json = JSON.parse(text) as TfJson;

  test("synthesizes without warnings for a real project", () => {
    expect(warnings(stack)).toEqual([]);
  });

  test("deploys one public Cloud Run service with probes on /healthz", () => {
    const [service] = resources(json, "google_cloud_run_v2_service");
    expect(service).toMatchObject({
      name: "cloud-run-app",
      location: "europe-west1",
      deletion_protection: false,
      template: {
        containers: [
          {
            ports: { container_port: 8080 },
            startup_probe: { http_get: { path: "/healthz" } },
            liveness_probe: { http_get: { path: "/healthz" } },
          },
        ],
      },
    });
    const invokers = resources(json, "google_cloud_run_v2_service_iam_member");
    expect(invokers).toEqual([
      expect.objectContaining({ member: "allUsers", role: "roles/run.invoker" }),
    ]);
  });

  test("runs the pushed image pinned by digest, built for linux/amd64", () => {
    const [service] = resources(json, "google_cloud_run_v2_service") as {
      template: { containers: { image: string }[] };
    }[];
    expect(service.template.containers[0].image).toMatch(
      /^europe-west1-docker\.pkg\.dev\/.+\/cloud-run-app@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/,
    );
    const [image] = resources(json, "docker_image");
    expect(image).toMatchObject({ platform: "linux/amd64", build: { platform: "linux/amd64" } });
    expect(resources(json, "docker_registry_image")).toHaveLength(1);
  });

  test("has its own service account and no project-level roles", () => {
    expect(resources(json, "google_service_account")).toHaveLength(1);
    expect(Object.keys(json.resource).filter((t) => t.startsWith("google_project_iam"))).toEqual(
      [],
    );
  });

  test("declares the docker provider with Artifact Registry auth", () => {
    expect(json.provider.docker).toEqual([
      {
        registry_auth: [
          expect.objectContaining({
            address: "europe-west1-docker.pkg.dev",
            username: "oauth2accesstoken",
          }),
        ],
      },
    ]);
  });

  test("outputs the URL and the digest-pinned image", () => {
    expect(Object.keys(json.output).sort()).toEqual(["image", "url"]);
  });

  test("contains no absolute path of this machine", () => {
    expect(text).not.toContain(process.cwd());
    expect(json.resource.docker_image).toEqual({
      [Object.keys(json.resource.docker_image)[0]]: expect.objectContaining({
        build: expect.objectContaining({
          context: "../../../examples/rust-service",
          dockerfile: expect.stringMatching(/^assets\/[^/]+\/[0-9a-f]{32}\/Dockerfile$/),
        }),
      }),
    });
  });
});

describe("examples/rust-service (local stack)", () => {
  const app = new App({ outdir: "cdktf.out" });
  const json = JSON.parse(
    Testing.synth(new RustServiceLocalStack(app, "rust-service-local", config), true),
  ) as TfJson;

  test("runs the service on this machine's Docker engine, on loopback, with Cloud Run's contract", () => {
    const [container] = resources(json, "docker_container");
    expect(container).toMatchObject({
      name: "cloud-run-app",
      init: true,
      read_only: true,
      ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1" }],
      capabilities: { drop: ["ALL"] },
      security_opts: ["no-new-privileges:true"],
      memory: 512,
    });
    expect(container.env).toEqual(
      expect.arrayContaining([
        "PORT=8080",
        "K_SERVICE=cloud-run-app",
        "K_CONFIGURATION=cloud-run-app",
      ]),
    );
    expect(Object.keys(json.output)).toEqual(["url"]);
  });

  test("builds a local-only image and needs nothing from Google Cloud", () => {
    expect(resources(json, "docker_registry_image")).toEqual([]);
    expect(Object.keys(json.resource).filter((t) => t.startsWith("google_"))).toEqual([]);
    expect(Object.keys(json.data ?? {})).toEqual([]);
    expect(Object.keys(json.provider)).toEqual(["docker"]);
    expect(json.provider.docker).toEqual([{}]);
  });
});

describe("examples/composed-stack", () => {
  function synth(env: NodeJS.ProcessEnv = {}): TfJson {
    const app = Testing.app();
    return JSON.parse(Testing.synth(new ComposedStack(app, "composed-stack", config, env), true));
  }
  const json = synth();

  test("two services and two jobs run one image, built and pushed once, each with its own service account", () => {
    expect(resources(json, "google_artifact_registry_repository")).toHaveLength(1);
    const [build] = resources(json, "docker_image") as { name: string }[];
    const [push] = resources(json, "docker_registry_image") as { name: string }[];
    expect(resources(json, "docker_image")).toHaveLength(1);
    expect(resources(json, "docker_registry_image")).toHaveLength(1);
    expect(push.name).toBe(build.name);
    expect(build.name).toMatch(/\/composed-images\/rust-service:[0-9a-f]{64}$/);
    const images = (
      resources(json, "google_cloud_run_v2_service") as {
        template: { containers: { image: string }[] };
      }[]
    ).map((s) => s.template.containers[0].image);
    expect(images).toHaveLength(2);
    expect(images[0]).toBe(images[1]);
    expect(images[0]).toMatch(/@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/);
    expect(
      resources(json, "google_cloud_run_v2_service")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["composed-api", "composed-worker"]);
    const jobs = resources(json, "google_cloud_run_v2_job") as {
      name: string;
      template: { template: { service_account: string; containers: { image: string }[] } };
    }[];
    expect(jobs.map((j) => j.template.template.containers[0].image)).toEqual([
      images[0],
      images[0],
    ]);
    // api, worker, migrate, cleanup, and the nightly schedule's own account.
    const accounts = resources(json, "google_service_account");
    expect(accounts).toHaveLength(5);
    expect(new Set(jobs.map((j) => j.template.template.service_account)).size).toBe(2);
    expect(json.provider.docker).toHaveLength(1);
  });

  test("only the api is public; the api's identity may invoke the worker", () => {
    const members = resources(json, "google_cloud_run_v2_service_iam_member") as {
      member: string;
      name: string;
    }[];
    const publicGrants = members.filter((m) => m.member === "allUsers");
    expect(publicGrants).toHaveLength(1);
    expect(publicGrants[0].name).toContain("google_cloud_run_v2_service.api_");
    const workerGrants = members.filter((m) =>
      m.name.includes("google_cloud_run_v2_service.worker_"),
    );
    expect(workerGrants).toEqual([
      expect.objectContaining({
        role: "roles/run.invoker",
        member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\.api_/),
      }),
    ]);
  });

  test("the worker reads the secret created in the stack, pinned, with an accessor grant", () => {
    const worker = resources(json, "google_cloud_run_v2_service").find(
      (s) => s.name === "composed-worker",
    ) as { template: { containers: { env: { name: string; value_source?: unknown }[] }[] } };
    const env = worker.template.containers[0].env;
    expect(env).toContainEqual({
      name: "WORKER_TOKEN",
      value_source: {
        secret_key_ref: {
          secret: expect.stringContaining("google_secret_manager_secret.worker-token"),
          version: expect.stringContaining("google_secret_manager_secret_version.worker-token-v"),
        },
      },
    });
    const accessors = resources(json, "google_secret_manager_secret_iam_member");
    expect(accessors).toEqual([
      expect.objectContaining({
        role: "roles/secretmanager.secretAccessor",
        member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\.worker_/),
      }),
    ]);
  });

  test("the worker and both jobs mount the hand-written uploads bucket, each granted objectUser on it", () => {
    expect(resources(json, "google_storage_bucket")).toHaveLength(1);
    const mounted = (template: {
      volumes: unknown[];
      containers: { volume_mounts: unknown[] }[];
    }) => ({ volumes: template.volumes, mounts: template.containers[0].volume_mounts });
    const expected = {
      volumes: [
        {
          name: "mnt-uploads",
          gcs: { bucket: "${google_storage_bucket.uploads.name}", read_only: false },
        },
      ],
      mounts: [{ name: "mnt-uploads", mount_path: UPLOADS_PATH }],
    };
    const worker = resources(json, "google_cloud_run_v2_service").find(
      (s) => s.name === "composed-worker",
    ) as { template: Parameters<typeof mounted>[0] & { execution_environment: string } };
    expect(mounted(worker.template)).toEqual(expected);
    // Cloud Storage volumes need the second generation; the library sets it.
    expect(worker.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
    expect(worker.template.containers[0]).toMatchObject({
      env: expect.arrayContaining([{ name: "UPLOAD_DIR", value: UPLOADS_PATH }]),
    });
    for (const job of resources(json, "google_cloud_run_v2_job") as {
      template: { template: Parameters<typeof mounted>[0] };
    }[]) {
      expect(mounted(job.template.template)).toEqual(expected);
    }
    const grants = resources(json, "google_storage_bucket_iam_member") as { member: string }[];
    expect(grants).toHaveLength(3);
    for (const grant of grants) {
      expect(grant).toEqual({
        bucket: "${google_storage_bucket.uploads.name}",
        role: "roles/storage.objectUser",
        member: expect.stringMatching(
          /^serviceAccount:\$\{google_service_account\.(worker|migrate|cleanup)_ServiceAccount_/,
        ),
      });
    }
    expect(new Set(grants.map((g) => g.member)).size).toBe(3);
    // The api does not mount the bucket and holds no role on it.
    const api = resources(json, "google_cloud_run_v2_service").find(
      (s) => s.name === "composed-api",
    ) as { template: { volumes?: unknown } };
    expect(api.template.volumes).toBeUndefined();
  });

  test("the migration job runs the image's migrate subcommand once, with one retry", () => {
    const migrate = resources(json, "google_cloud_run_v2_job").find(
      (j) => j.name === "composed-migrate-uploads",
    );
    expect(migrate).toMatchObject({
      deletion_protection: false,
      template: {
        task_count: 1,
        template: {
          max_retries: 1,
          timeout: "1800s",
          containers: [{ args: ["migrate", "--dir", UPLOADS_PATH] }],
        },
      },
    });
    expect(
      (migrate as { template: { template: { containers: { command?: unknown }[] } } }).template
        .template.containers[0].command,
    ).toBeUndefined();
    expect(json.output.migrate_job.value).toBe("composed-migrate-uploads");
  });

  test("the cleanup job runs every night at 03:00 Brussels time, from its own scheduler account", () => {
    const cleanup = resources(json, "google_cloud_run_v2_job").find(
      (j) => j.name === "composed-cleanup-uploads",
    );
    expect(cleanup).toMatchObject({
      template: {
        task_count: 1,
        template: {
          max_retries: 1,
          containers: [{ args: ["cleanup", "--dir", UPLOADS_PATH, "--older-than-days", "30"] }],
        },
      },
    });
    const [schedule] = resources(json, "google_cloud_scheduler_job") as {
      http_target: { uri: string; oauth_token: { service_account_email: string } };
    }[];
    expect(resources(json, "google_cloud_scheduler_job")).toHaveLength(1);
    expect(schedule).toMatchObject({
      schedule: "0 3 * * *",
      time_zone: "Europe/Brussels",
      http_target: {
        http_method: "POST",
        uri: expect.stringMatching(
          /\/jobs\/\$\{google_cloud_run_v2_job\.cleanup_[^}]+\.name\}:run$/,
        ),
      },
    });
    // The scheduler's account may run the cleanup job and nothing else; nobody may run the
    // migration until granted.
    const runners = resources(json, "google_cloud_run_v2_job_iam_member");
    expect(runners).toEqual([
      expect.objectContaining({
        role: "roles/run.invoker",
        name: expect.stringContaining("google_cloud_run_v2_job.cleanup_"),
        member: `serviceAccount:${schedule.http_target.oauth_token.service_account_email}`,
      }),
    ]);
  });

  test("uses a GCS backend when TF_STATE_BUCKET is set, the local backend otherwise", () => {
    expect(json.terraform.backend?.gcs).toBeUndefined();
    const remote = synth({ TF_STATE_BUCKET: "my-state" });
    expect(remote.terraform.backend).toEqual({
      gcs: { bucket: "my-state", prefix: "cdktf/composed-stack" },
    });
  });

  test("outputs both URLs and the migration job's name", () => {
    expect(Object.keys(json.output).sort()).toEqual(["api_url", "migrate_job", "worker_url"]);
  });

  test("synthesizes without warnings for a real project (no identical builds, known region)", () => {
    const stack = new ComposedStack(Testing.app(), "composed-stack", config, {});
    expect(warnings(stack)).toEqual([]);
  });
});

describe("examples/main.ts (the root app)", () => {
  test("cdktf.json runs it", () => {
    const cdktf = JSON.parse(fs.readFileSync("cdktf.json", "utf8")) as { app: string };
    expect(cdktf.app).toContain("examples/main.ts");
  });

  test("both example stacks synthesize into one app without conflicts", () => {
    const app = new App({ outdir: fs.mkdtempSync(`${require("os").tmpdir()}/examples-`) });
    new RustServiceStack(app, "rust-service", config);
    new RustServiceLocalStack(app, "rust-service-local", config);
    new ComposedStack(app, "composed-stack", config, {});
    expect(() => app.synth()).not.toThrow();
  });
});
