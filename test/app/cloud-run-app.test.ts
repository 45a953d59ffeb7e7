import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { CloudRunApp } from "../../src";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { DockerRepository } from "../../src/image/docker-repository";
import {
  NONROOT_CONTEXT,
  REGION,
  ROOT_CONTEXT,
  only,
  resources,
  synth,
} from "../cloud-run/helpers";
import * as path from "path";

const MULTISTAGE_CONTEXT = path.join(__dirname, "..", "fixtures", "cloud-run-multistage");

function googleOnlyStack() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Stack");
  new GoogleProvider(stack, "google", { project: "my-project" });
  return stack;
}

describe("CloudRunApp", () => {
  test("one call: repository in the region, pushed image, private non-root service", () => {
    const stack = googleOnlyStack();
    const app = new CloudRunApp(stack, "api", { region: REGION, directory: NONROOT_CONTEXT });
    new TerraformOutput(stack, "url", { value: app.url });
    const out = synth(stack);

    // Only the GoogleProvider was declared: the docker provider comes with the library.
    expect(out.provider.docker).toHaveLength(1);
    expect(out.provider.docker[0].registry_auth).toEqual([
      expect.objectContaining({
        address: "europe-west1-docker.pkg.dev",
        username: "oauth2accesstoken",
      }),
    ]);
    expect(only(out, "google_artifact_registry_repository")).toMatchObject({
      format: "DOCKER",
      location: REGION,
    });
    const registryImage = only(out, "docker_registry_image");
    expect(registryImage.name).toMatch(/\/api:[0-9a-f]{64}$/);
    const run = only(out, "google_cloud_run_v2_service");
    expect(run.name).toBe("api");
    expect(run.template.containers[0].image).toMatch(
      /\/api@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/,
    );
    expect(resources(out, "google_cloud_run_v2_service_iam_member")).toEqual({});
    expect(only(out, "google_service_account").account_id).toMatch(/^api-[0-9a-f]{8}$/);
    const [runId] = Object.keys(resources(out, "google_cloud_run_v2_service"));
    expect(out.output.url.value).toBe(`\${google_cloud_run_v2_service.${runId}.uri}`);

    expect(app.service.serviceName).toBe("api");
    expect(app.image.isPushed).toBe(true);
    expect(app.image.repository).toBe(app.repository);
    expect(app.repository.location).toBe(REGION);
  });

  test("service settings pass through", () => {
    const stack = googleOnlyStack();
    const app = new CloudRunApp(stack, "Web_App", {
      region: REGION,
      project: "other",
      directory: NONROOT_CONTEXT,
      cpu: "2",
      memory: "2Gi",
      allowUnauthenticated: true,
      environment: { MODE: "prod" },
      deletionProtection: false,
    });
    const out = synth(stack);
    const run = only(out, "google_cloud_run_v2_service");
    expect(run).toMatchObject({ name: "web-app", project: "other", deletion_protection: false });
    expect(run.template.containers[0].resources.limits).toEqual({ cpu: "2", memory: "2Gi" });
    expect(run.template.containers[0].env).toEqual([{ name: "MODE", value: "prod" }]);
    expect(only(out, "google_cloud_run_v2_service_iam_member").member).toBe("allUsers");
    expect(only(out, "google_artifact_registry_repository").project).toBe("other");
    expect(app.service.isPublic).toBe(true);
  });

  test("build settings pass through", () => {
    const stack = googleOnlyStack();
    new CloudRunApp(stack, "api", {
      region: REGION,
      directory: MULTISTAGE_CONTEXT,
      buildArgs: { RUNTIME: "gcr.io/distroless/static-debian13:nonroot" },
      target: "runtime",
      imageName: "team/api",
    });
    const out = synth(stack);
    const image = only(out, "docker_image");
    expect(image.build).toMatchObject({
      build_args: { RUNTIME: "gcr.io/distroless/static-debian13:nonroot" },
      target: "runtime",
      platform: "linux/amd64",
    });
    expect(image.name).toMatch(/\/team\/api:[0-9a-f]{64}$/);
  });

  test("a generated Dockerfile", () => {
    const stack = googleOnlyStack();
    const app = new CloudRunApp(stack, "api", {
      region: REGION,
      directory: NONROOT_CONTEXT,
      generatedDockerfile: Dockerfile.parse(
        'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY server /server\nUSER 65532:65532\nENTRYPOINT ["/server"]\n',
        { displayName: "generated" },
      ),
    });
    expect(app.image.runtimeUser.isRoot).toBe(false);
    expect(() => synth(stack)).not.toThrow();
  });

  test("an image that runs as root is refused", () => {
    const stack = googleOnlyStack();
    expect(
      () => new CloudRunApp(stack, "api", { region: REGION, directory: ROOT_CONTEXT }),
    ).toThrow(/is not proven to run as a non-root user: .*USER 65532:65532/);
  });

  test("an invalid service name is reported by the app", () => {
    const stack = googleOnlyStack();
    expect(
      () =>
        new CloudRunApp(stack, "api", {
          region: REGION,
          directory: NONROOT_CONTEXT,
          serviceName: "API",
        }),
    ).toThrow(
      `CloudRunApp 'Stack/api': invalid serviceName: must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "API"`,
    );
    expect(
      () => new CloudRunApp(stack, "999", { region: REGION, directory: NONROOT_CONTEXT }),
    ).toThrow(
      `CloudRunApp 'Stack/999': invalid serviceName: cannot be derived from the construct id (it has no letter); set serviceName. Got: "999"`,
    );
  });

  test("an invalid region is reported by the app before anything is built", () => {
    const stack = googleOnlyStack();
    expect(
      () => new CloudRunApp(stack, "api", { region: "EU", directory: NONROOT_CONTEXT }),
    ).toThrow(
      `CloudRunApp 'Stack/api': invalid region: must be a Google Cloud region such as "europe-west1". Got: "EU"`,
    );
  });

  test("two apps share one repository and one docker provider, each with its own identity", () => {
    const stack = googleOnlyStack();
    const repository = new DockerRepository(stack, "Shared", { location: REGION });
    const api = new CloudRunApp(stack, "api", {
      region: REGION,
      directory: NONROOT_CONTEXT,
      repository,
    });
    const worker = new CloudRunApp(stack, "worker", {
      region: REGION,
      directory: NONROOT_CONTEXT,
      repository,
    });
    api.service.grantInvoke(worker.service.serviceAccountMember);
    const out = synth(stack);

    expect(out.provider.docker).toHaveLength(1);
    expect(out.provider.docker[0].registry_auth).toHaveLength(1);
    expect(Object.keys(resources(out, "google_artifact_registry_repository"))).toHaveLength(1);
    expect(api.repository).toBe(repository);
    expect(worker.repository).toBe(repository);

    const names = Object.values(resources(out, "docker_registry_image")).map((i) => i.name);
    expect(names).toHaveLength(2);
    expect(names.some((n) => /\/api:/.test(n))).toBe(true);
    expect(names.some((n) => /\/worker:/.test(n))).toBe(true);

    const accounts = Object.values(resources(out, "google_service_account")).map(
      (a) => a.account_id,
    );
    expect(accounts).toHaveLength(2);
    expect(accounts.some((a) => /^api-[0-9a-f]{8}$/.test(a))).toBe(true);
    expect(accounts.some((a) => /^worker-[0-9a-f]{8}$/.test(a))).toBe(true);
    const services = Object.values(resources(out, "google_cloud_run_v2_service"));
    expect(new Set(services.map((s) => s.template.service_account)).size).toBe(2);

    const invoker = only(out, "google_cloud_run_v2_service_iam_member");
    expect(invoker.member).toMatch(
      /^serviceAccount:\$\{google_service_account\.worker_Service_ServiceAccount_[^.]+\.email\}$/,
    );
    expect(Object.keys(out.resource).filter((t) => t.startsWith("google_project_iam"))).toEqual([]);
  });

  test("two apps with their own repositories still share one docker provider", () => {
    const stack = googleOnlyStack();
    new CloudRunApp(stack, "api", { region: REGION, directory: NONROOT_CONTEXT });
    new CloudRunApp(stack, "web", { region: "us-central1", directory: NONROOT_CONTEXT });
    const out = synth(stack);
    expect(out.provider.docker).toHaveLength(1);
    expect(
      out.provider.docker[0].registry_auth.map((a: { address: string }) => a.address).sort(),
    ).toEqual(["europe-west1-docker.pkg.dev", "us-central1-docker.pkg.dev"]);
    const repoIds = Object.values(resources(out, "google_artifact_registry_repository")).map(
      (r) => r.repository_id,
    );
    expect(new Set(repoIds).size).toBe(2);
  });
});

describe("CloudRunApp: a serviceName token", () => {
  /** An app whose serviceName is a variable, after `variables` unrelated variables. */
  function tokenNamedApp(variables: number) {
    const stack = googleOnlyStack();
    for (let i = 0; i < variables; i++) {
      new TerraformOutput(stack, `out${i}`, {
        value: new TerraformVariable(stack, `var${i}`, { type: "string" }).stringValue,
      });
    }
    const serviceName = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    const app = new CloudRunApp(stack, "api", {
      region: REGION,
      directory: NONROOT_CONTEXT,
      serviceName,
    });
    return { app, out: synth(stack) };
  }

  test("names the image after the construct id, so the tag does not depend on token numbering", () => {
    const { app, out } = tokenNamedApp(0);
    expect(app.image.imageName).toBe("api");
    expect(only(out, "docker_registry_image").name).toMatch(/\/api:[0-9a-f]{64}$/);
    expect(only(out, "google_cloud_run_v2_service").name).toBe("${var.name}");
    expect(tokenNamedApp(3).app.image.tag).toBe(app.image.tag);
  });

  test("an imageName token is refused: it is part of the image's fingerprint", () => {
    const stack = googleOnlyStack();
    const imageName = new TerraformVariable(stack, "image", { type: "string" }).stringValue;
    expect(
      () =>
        new CloudRunApp(stack, "api", { region: REGION, directory: NONROOT_CONTEXT, imageName }),
    ).toThrow(
      "ContainerImage 'Stack/api/Image': invalid imageName: must be known at synth (it is part of the image's content fingerprint), not a token. Got:",
    );
  });
});

describe("CloudRunApp: null and missing props from JavaScript callers", () => {
  test.each([
    ["props undefined", undefined],
    ["props null", null],
  ])("%s is an Error naming the prop, not a TypeError", (_label, props) => {
    const run = () => new CloudRunApp(googleOnlyStack(), "api", props as never);
    expect(run).toThrow(
      `CloudRunApp 'Stack/api': invalid props: are required: { directory, region, ... }. Got: ${props}`,
    );
    expect(run).not.toThrow(TypeError);
  });

  test.each([
    ["labels", null],
    ["vpcAccess", null],
    ["environment", null],
    ["secrets", null],
    ["buildArgs", null],
    ["target", null],
    ["repository", null],
    ["serviceName", null],
  ])("%s: %p means not set", (key, value) => {
    const stack = googleOnlyStack();
    const app = new CloudRunApp(stack, "api", {
      region: REGION,
      directory: NONROOT_CONTEXT,
      [key]: value,
    });
    expect(app.service.serviceName).toBe("api");
    expect(only(synth(stack), "google_cloud_run_v2_service").labels).toBeUndefined();
  });
});

describe("CloudRunApp: a region that is well formed but not known", () => {
  test("is reported once, by the app, not again by its repository and service", () => {
    const stack = googleOnlyStack();
    new CloudRunApp(stack, "api", { region: "europe-west99", directory: NONROOT_CONTEXT });
    const found = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data))
      .filter((w) => w.includes("europe-west99"));
    expect(found).toEqual([
      expect.stringMatching(
        /^CloudRunApp 'Stack\/api': region "europe-west99" is not a known Cloud Run region; did you mean "europe-west9", /,
      ),
    ]);
  });

  test("a repository passed in reports its own location", () => {
    const stack = googleOnlyStack();
    const repository = new DockerRepository(stack, "Repo", { location: "europe-wset1" });
    new CloudRunApp(stack, "api", { region: REGION, directory: NONROOT_CONTEXT, repository });
    expect(repository.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(
        /^DockerRepository 'Stack\/Repo': location "europe-wset1" is not a known Artifact Registry location; did you mean "europe-west1", /,
      ),
    ]);
  });
});
