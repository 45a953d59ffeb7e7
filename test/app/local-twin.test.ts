import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, Lazy, Testing, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { CloudRunApp, CloudRunAppProps } from "../../src";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { LocalService } from "../../src/local/local-service";
import { warnings } from "../support/annotations";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const NONROOT = path.join(__dirname, "..", "fixtures", "local-nonroot");
const ROOT = path.join(__dirname, "..", "fixtures", "local-root");
const STAGES = path.join(__dirname, "..", "fixtures", "local-stages");

const APP_PROPS: CloudRunAppProps = {
  region: "europe-west1",
  project: "my-project",
  directory: NONROOT,
  port: 9000,
  cpu: "2",
  memory: "1Gi",
  environment: { RUST_LOG: "info", MODE: "cloud" },
  // Cloud Run–only settings, ignored locally
  minInstances: 1,
  maxInstances: 3,
  allowUnauthenticated: true,
  labels: { team: "api" },
};

function localStack(
  props: CloudRunAppProps = APP_PROPS,
  options?: Parameters<typeof CloudRunApp.local>[3],
): { app: App; stack: TerraformStack; service: LocalService; json: Json } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Local");
  const service = CloudRunApp.local(stack, "api", props, options);
  const json = JSON.parse(Testing.synth(stack, true));
  return { app, stack, service, json };
}

function container(json: Json): Json {
  const all = Object.values(json.resource?.docker_container ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

describe("CloudRunApp.local", () => {
  test("runs the app's image locally with the app's service settings", () => {
    const { json, service } = localStack();
    const c = container(json);
    expect(c.name).toBe("api");
    expect(c.env).toEqual([
      "PORT=9000",
      "K_SERVICE=api",
      `K_REVISION=${service.revision}`,
      "K_CONFIGURATION=api",
      "RUST_LOG=info",
      "MODE=cloud",
    ]);
    expect(c.ports).toEqual([{ internal: 9000, external: 9000, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(c.cpu_quota).toBe(200000);
    expect(c.memory).toBe(1024);
    expect(service.url).toBe("http://127.0.0.1:9000");
    expect(service.node.path).toBe("Local/api/Service");
    expect(service.image.node.path).toBe("Local/api/Image");
  });

  test("builds a local-only image named after the service, never pushed", () => {
    const { json, service } = localStack();
    expect(service.image.isPushed).toBe(false);
    const images = Object.values(json.resource.docker_image) as Json[];
    expect(images).toHaveLength(1);
    expect(images[0].name).toBe(`api:${service.image.tag}`);
    expect(images[0].build.platform).toBe("linux/amd64");
    expect(json.resource.docker_registry_image).toBeUndefined();
  });

  test("needs no Google provider and declares nothing of Google", () => {
    const { json } = localStack();
    expect(JSON.stringify(json)).not.toMatch(/google/);
    expect(Object.keys(json.resource).sort()).toEqual(["docker_container", "docker_image"]);
    expect(json.data).toBeUndefined();
    expect(json.provider.docker).toHaveLength(1);
    expect(json.provider.docker[0].registry_auth).toBeUndefined();
  });

  test("options override and add local settings", () => {
    const { json, service } = localStack(APP_PROPS, {
      hostPort: 3000,
      environment: { MODE: "local", DATABASE_URL: "postgres://localhost/api" },
      memory: "2Gi",
    });
    const c = container(json);
    expect(c.env.slice(4)).toEqual([
      "RUST_LOG=info",
      "MODE=local",
      "DATABASE_URL=postgres://localhost/api",
    ]);
    expect(c.ports[0]).toEqual({
      internal: 9000,
      external: 3000,
      ip: "127.0.0.1",
      protocol: "tcp",
    });
    expect(c.memory).toBe(2048);
    expect(service.url).toBe("http://127.0.0.1:3000");
  });

  test("uses the app's serviceName, imageName and build settings", () => {
    const { json, service } = localStack({
      region: "europe-west1",
      directory: STAGES,
      target: "runtime",
      buildArgs: { PROFILE: "release" },
      serviceName: "orders",
      imageName: "team/orders",
    });
    expect(service.serviceName).toBe("orders");
    const image = Object.values(json.resource.docker_image)[0] as Json;
    expect(image.name).toBe(`team/orders:${service.image.tag}`);
    expect(image.build.target).toBe("runtime");
    expect(image.build.build_args).toEqual({ PROFILE: "release" });
    expect(container(json).env[1]).toBe("K_SERVICE=orders");
  });

  test("the image's non-root gate applies: a root Dockerfile or a root target is refused", () => {
    expect(() => localStack({ ...APP_PROPS, directory: ROOT })).toThrow(
      /^ContainerImage 'Local\/api\/Image': .*Dockerfile stage #0 \(line 1\) is not proven to run as a non-root user: /,
    );
    expect(() => localStack({ ...APP_PROPS, directory: STAGES, target: "debug" })).toThrow(
      /^ContainerImage 'Local\/api\/Image': .*Dockerfile stage 'debug' \(line 1\) is not proven to run as a non-root user: /,
    );
  });

  test("a generated Dockerfile works the same way", () => {
    const { json } = localStack({
      ...APP_PROPS,
      generatedDockerfile: Dockerfile.parse(
        'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY server /server\nUSER 65532:65532\nENTRYPOINT ["/server"]\n',
      ),
    });
    expect(container(json).name).toBe("api");
  });

  test("secrets are not available locally: a warning names them unless options set them", () => {
    const props: CloudRunAppProps = {
      ...APP_PROPS,
      secrets: { DB_PASSWORD: { secret: "db-password", version: "1" }, API_KEY: { secret: "k" } },
    };
    const { stack, json } = localStack(props);
    expect(warnings(stack)).toContain(
      "LocalService 'Local/api/Service': DB_PASSWORD, API_KEY are secrets from Secret Manager on Cloud Run and are not set locally; pass local values in the options' environment.",
    );
    expect(JSON.stringify(json)).not.toMatch(/db-password|google/);

    const set = localStack(props, { environment: { DB_PASSWORD: "dev", API_KEY: "dev" } });
    expect(warnings(set.stack)).toEqual([]);
  });

  test("an invalid serviceName in the app props is reported for the app", () => {
    expect(() => localStack({ ...APP_PROPS, serviceName: "Orders" })).toThrow(
      `CloudRunApp 'Local/api': invalid serviceName: must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "Orders"`,
    );
  });

  test("the same props deploy to Cloud Run in one stack and run locally in another", () => {
    const app = Testing.app();
    const cloud = new TerraformStack(app, "Cloud");
    new GoogleProvider(cloud, "google", { project: "my-project" });
    const deployed = new CloudRunApp(cloud, "api", APP_PROPS);
    const local = new TerraformStack(app, "Local");
    const twin = CloudRunApp.local(local, "api", APP_PROPS);

    const cloudJson = JSON.parse(Testing.synth(cloud, true));
    const localJson = JSON.parse(Testing.synth(local, true));
    expect(Object.keys(cloudJson.resource)).toContain("google_cloud_run_v2_service");
    expect(JSON.stringify(localJson)).not.toMatch(/google/);
    // the same build context, Dockerfile and build settings: only the image name differs
    expect(twin.image.dockerfile.render()).toBe(deployed.image.dockerfile.render());
    expect(twin.serviceName).toBe(deployed.service.serviceName);
  });
});

describe("CloudRunApp.local: tokens and null from JavaScript callers", () => {
  /** The image tag of a local twin whose serviceName is a token, after `variables` variables. */
  function tokenNamedTwin(variables: number) {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Local");
    for (let i = 0; i < variables; i++) {
      new TerraformOutput(stack, `out${i}`, {
        value: new TerraformVariable(stack, `var${i}`, { type: "string" }).stringValue,
      });
    }
    const serviceName = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    const service = CloudRunApp.local(stack, "api", { ...APP_PROPS, serviceName });
    const json = JSON.parse(Testing.synth(stack, true));
    return { service, json };
  }

  test("a serviceName token does not name the image: the id does, and the tag is stable", () => {
    const { service, json } = tokenNamedTwin(0);
    expect(service.image.imageName).toBe("api");
    const image = Object.values(json.resource.docker_image)[0] as Json;
    expect(image.name).toBe(`api:${service.image.tag}`);
    expect(tokenNamedTwin(3).service.image.tag).toBe(service.image.tag);
    // The token still names the service.
    expect(container(json).env[1]).toBe("K_SERVICE=${var.name}");
  });

  test("options: null means no options", () => {
    const { service } = localStack(APP_PROPS, null as never);
    expect(service.hostPort).toBe(9000);
  });

  test("environment given as one token is refused with a clear message", () => {
    const environment = Lazy.anyValue({ produce: () => ({ A: "1" }) }) as never;
    const run = () => localStack({ ...APP_PROPS, environment });
    expect(run).toThrow(
      "CloudRunApp 'Local/api': invalid environment: must be a map known at synth (use individual token values instead). Got:",
    );
    expect(() => localStack(APP_PROPS, { environment })).toThrow(
      "CloudRunApp 'Local/api': invalid options.environment: must be a map known at synth",
    );
  });

  test.each([
    ["props undefined", undefined],
    ["props null", null],
  ])("%s is an Error naming the prop, not a TypeError", (_label, props) => {
    const run = () =>
      CloudRunApp.local(new TerraformStack(Testing.app(), "Local"), "api", props as never);
    expect(run).toThrow(
      "CloudRunApp 'Local/api': invalid props: are required: the CloudRunApp's props.",
    );
    expect(run).not.toThrow(TypeError);
  });
});
