import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { CloudRunV2ServiceTemplateContainers } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunService, CloudRunServiceProps } from "../../src/cloud-run/cloud-run-service";
import { CLIENT_IGNORE_CHANGES } from "../../src/run-contract/ignore-changes";
import { ExecutionEnvironment, Ingress, Probe, VpcEgress } from "../../src";
import { ContainerImage } from "../../src/image/container-image";
import { DockerRepository } from "../../src/image/docker-repository";
import {
  NONROOT_CONTEXT,
  REGION,
  container,
  fixture,
  only,
  resources,
  synth,
  warnings,
} from "./helpers";

const OWNER = "CloudRunService 'Stack/api'";

function service(props: Partial<CloudRunServiceProps> = {}, id = "api") {
  const f = fixture();
  const svc = new CloudRunService(f.stack, id, { image: f.image, region: REGION, ...props });
  return { ...f, svc };
}

function json(props: Partial<CloudRunServiceProps> = {}) {
  const { stack } = service(props);
  return synth(stack);
}

function rejects(props: Partial<CloudRunServiceProps>, message: string) {
  expect(() => service(props)).toThrow(message);
}

describe("defaults", () => {
  const { stack, svc } = service();
  new TerraformOutput(stack, "uri", { value: svc.uri });
  const out = synth(stack);
  const run = only(out, "google_cloud_run_v2_service");
  const c = run.template.containers[0];

  test("service name from the construct id, in the region, project from the provider", () => {
    expect(run.name).toBe("api");
    expect(run.location).toBe(REGION);
    expect(run.project).toBeUndefined();
    expect(svc.serviceName).toBe("api");
    expect(svc.region).toBe(REGION);
  });

  test("runs the pushed image pinned by digest", () => {
    expect(c.image).toMatch(
      /^europe-west1-docker\.pkg\.dev\/.+\/image@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/,
    );
  });

  test("port 8080, 1 CPU, 512Mi, request-based billing, no CPU boost", () => {
    expect(c.ports).toEqual({ container_port: 8080 });
    expect(c.resources).toEqual({ cpu_idle: true, limits: { cpu: "1", memory: "512Mi" } });
    expect(svc.port).toBe(8080);
  });

  test("concurrency 80, timeout 300s, 0 to 100 instances, execution environment left to Cloud Run", () => {
    expect(run.template.max_instance_request_concurrency).toBe(80);
    expect(run.template.timeout).toBe("300s");
    expect(run.template.scaling).toEqual({ min_instance_count: 0, max_instance_count: 100 });
    expect(run.template.execution_environment).toBeUndefined();
  });

  test("no environment, no probes, no VPC access, no labels, no description", () => {
    expect(c.env).toBeUndefined();
    expect(c.startup_probe).toBeUndefined();
    expect(c.liveness_probe).toBeUndefined();
    expect(run.template.vpc_access).toBeUndefined();
    expect(run.labels).toBeUndefined();
    expect(run.description).toBeUndefined();
  });

  test("ingress all, deletion protection on, never invoker_iam_disabled", () => {
    expect(run.ingress).toBe("INGRESS_TRAFFIC_ALL");
    expect(svc.ingress).toBe(Ingress.ALL);
    expect(run.deletion_protection).toBe(true);
    expect(svc.deletionProtection).toBe(true);
    expect(run.invoker_iam_disabled).toBeUndefined();
  });

  test("ignores the fields deploy tools rewrite", () => {
    expect(run.lifecycle.ignore_changes).toEqual([...CLIENT_IGNORE_CHANGES]);
    expect(run.lifecycle.ignore_changes).toEqual(
      expect.arrayContaining([
        "client",
        "client_version",
        'template[0].annotations["client.knative.dev/user-image"]',
      ]),
    );
  });

  test("a dedicated service account, used by the revision", () => {
    const sa = only(out, "google_service_account");
    expect(sa.account_id).toMatch(/^api-[0-9a-f]{8}$/);
    expect(sa.display_name).toBe("Cloud Run service api");
    const [saId] = Object.keys(resources(out, "google_service_account"));
    expect(run.template.service_account).toBe(`\${google_service_account.${saId}.email}`);
    expect(Token.isUnresolved(svc.serviceAccountEmail)).toBe(true);
    expect(svc.serviceAccount).toBeDefined();
    expect(svc.serviceAccountMember).toBe(`serviceAccount:${svc.serviceAccountEmail}`);
  });

  test("least privilege: no project roles, no keys, no public access, no invokers", () => {
    const types = Object.keys(out.resource);
    expect(types.filter((t) => t.startsWith("google_project_iam"))).toEqual([]);
    expect(types).not.toContain("google_service_account_key");
    expect(types).not.toContain("google_cloud_run_v2_service_iam_member");
    expect(types).not.toContain("google_cloud_run_v2_service_iam_binding");
    expect(types).not.toContain("google_cloud_run_v2_service_iam_policy");
    expect(JSON.stringify(out)).not.toContain("allUsers");
    expect(JSON.stringify(out)).not.toContain("-compute@developer.gserviceaccount.com");
    expect(svc.isPublic).toBe(false);
    expect(svc.invokers).toEqual([]);
    expect(svc.secretEnvironment).toEqual([]);
  });

  test("uri is the service's uri attribute", () => {
    const [id] = Object.keys(resources(out, "google_cloud_run_v2_service"));
    expect(out.output.uri.value).toBe(`\${google_cloud_run_v2_service.${id}.uri}`);
  });
});

describe("prop mapping", () => {
  test("project, serviceName, description, labels, ingress, deletionProtection", () => {
    const out = json({
      project: "other-project",
      serviceName: "my-api",
      description: "The API",
      labels: { team: "payments" },
      ingress: Ingress.INTERNAL_AND_CLOUD_LOAD_BALANCING,
      deletionProtection: false,
    });
    const run = only(out, "google_cloud_run_v2_service");
    expect(run).toMatchObject({
      project: "other-project",
      name: "my-api",
      description: "The API",
      labels: { team: "payments" },
      ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      deletion_protection: false,
    });
    expect(only(out, "google_service_account")).toMatchObject({
      project: "other-project",
      account_id: expect.stringMatching(/^my-api-[0-9a-f]{8}$/),
    });
  });

  test("Ingress.INTERNAL_ONLY", () => {
    expect(
      only(json({ ingress: Ingress.INTERNAL_ONLY }), "google_cloud_run_v2_service").ingress,
    ).toBe("INGRESS_TRAFFIC_INTERNAL_ONLY");
  });

  test("port, cpu, memory, concurrency, timeout, instances, cpuIdle, startupCpuBoost, gen2", () => {
    const out = json({
      port: 3000,
      cpu: "2",
      memory: "4Gi",
      concurrency: 250,
      timeoutSeconds: 900,
      minInstances: 1,
      maxInstances: 5,
      cpuIdle: false,
      startupCpuBoost: true,
      executionEnvironment: ExecutionEnvironment.GEN2,
    });
    const run = only(out, "google_cloud_run_v2_service");
    expect(run.template).toMatchObject({
      max_instance_request_concurrency: 250,
      timeout: "900s",
      scaling: { min_instance_count: 1, max_instance_count: 5 },
      execution_environment: "EXECUTION_ENVIRONMENT_GEN2",
    });
    expect(run.template.containers[0]).toMatchObject({
      ports: { container_port: 3000 },
      resources: { cpu_idle: false, startup_cpu_boost: true, limits: { cpu: "2", memory: "4Gi" } },
    });
  });

  test("environment, in the order given", () => {
    const { stack, svc } = service({ environment: { B: "2", A: "1" } });
    svc.addEnvironment("C", "3");
    expect(container(synth(stack)).env).toEqual([
      { name: "B", value: "2" },
      { name: "A", value: "1" },
      { name: "C", value: "3" },
    ]);
    expect(svc.environmentNames).toEqual(["B", "A", "C"]);
  });

  test("the environment renders at synth: none is no env block; before synth it shows as a token", () => {
    const { stack, svc } = service();
    expect(container(synth(stack)).env).toBeUndefined();
    const containers = svc.resource.template.containers
      .internalValue as CloudRunV2ServiceTemplateContainers[];
    const env = containers[0].env;
    expect(JSON.stringify({ env })).toBe('{"env":"<unresolved-lazy>"}');
    expect(Token.isUnresolved(String(env))).toBe(true);
  });

  test("HTTP startup and gRPC liveness probes", () => {
    const c = container(
      json({
        startupProbe: Probe.http({
          path: "/ready",
          periodSeconds: 5,
          failureThreshold: 12,
          timeoutSeconds: 2,
          initialDelaySeconds: 3,
          httpHeaders: { "X-Probe": "1" },
        }),
        livenessProbe: Probe.grpc({ service: "health", port: 9090, periodSeconds: 60 }),
      }),
    );
    expect(c.startup_probe).toEqual({
      failure_threshold: 12,
      initial_delay_seconds: 3,
      period_seconds: 5,
      timeout_seconds: 2,
      http_get: { path: "/ready", http_headers: [{ name: "X-Probe", value: "1" }] },
    });
    expect(c.liveness_probe).toEqual({
      period_seconds: 60,
      grpc: { port: 9090, service: "health" },
    });
  });

  test("TCP startup probe defaults to the container port; HTTP liveness probe defaults to /", () => {
    const c = container(
      json({ port: 9000, startupProbe: Probe.tcp(), livenessProbe: Probe.http() }),
    );
    expect(c.startup_probe).toEqual({ tcp_socket: { port: 9000 } });
    expect(c.liveness_probe).toEqual({ http_get: { path: "/" } });
  });

  test("direct VPC egress", () => {
    const run = only(
      json({
        vpcAccess: {
          network: "default",
          subnetwork: "run-subnet",
          networkTags: ["api"],
          egress: VpcEgress.ALL_TRAFFIC,
        },
      }),
      "google_cloud_run_v2_service",
    );
    expect(run.template.vpc_access).toEqual({
      egress: "ALL_TRAFFIC",
      network_interfaces: [{ network: "default", subnetwork: "run-subnet", tags: ["api"] }],
    });
  });

  test("direct VPC egress defaults to private ranges only", () => {
    const run = only(
      json({ vpcAccess: { subnetwork: "run-subnet" } }),
      "google_cloud_run_v2_service",
    );
    expect(run.template.vpc_access).toEqual({
      egress: "PRIVATE_RANGES_ONLY",
      network_interfaces: [{ subnetwork: "run-subnet" }],
    });
  });

  test("ignoreClientChanges: false leaves lifecycle alone", () => {
    const run = only(json({ ignoreClientChanges: false }), "google_cloud_run_v2_service");
    expect(run.lifecycle).toBeUndefined();
  });

  test("serviceAccountEmail: no account is created", () => {
    const out = json({ serviceAccountEmail: "api@my-project.iam.gserviceaccount.com" });
    expect(resources(out, "google_service_account")).toEqual({});
    expect(only(out, "google_cloud_run_v2_service").template.service_account).toBe(
      "api@my-project.iam.gserviceaccount.com",
    );
  });

  test("tokens pass through unchecked", () => {
    const n = Token.asNumber({ resolve: () => 7 });
    expect(() =>
      service({ port: n, concurrency: n, minInstances: n, maxInstances: n, timeoutSeconds: n }),
    ).not.toThrow();
  });
});

describe("validation", () => {
  test("serviceName", () => {
    rejects(
      { serviceName: "My_Api" },
      `${OWNER}: invalid serviceName: must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "My_Api"`,
    );
    expect(() => service({ serviceName: "my-api" })).not.toThrow();
  });

  test("a construct id with no letter needs an explicit serviceName", () => {
    expect(() => service({}, "123")).toThrow(
      `CloudRunService 'Stack/123': invalid serviceName: cannot be derived from the construct id (it has no letter); set serviceName. Got: "123"`,
    );
    expect(() => service({ serviceName: "svc-123" }, "123")).not.toThrow();
  });

  test("a long construct id is cut to 49 characters", () => {
    const { svc } = service({}, "A".repeat(60));
    expect(svc.serviceName).toBe("a".repeat(49));
  });

  test("region", () => {
    rejects(
      { region: "global" },
      `${OWNER}: invalid region: must be a Google Cloud region such as "europe-west1". Got: "global"`,
    );
  });

  test("port", () => {
    rejects({ port: 0 }, `${OWNER}: invalid port: must be an integer from 1 to 65535. Got: 0`);
    rejects(
      { port: 70000 },
      `${OWNER}: invalid port: must be an integer from 1 to 65535. Got: 70000`,
    );
    expect(() => service({ port: 65535 })).not.toThrow();
  });

  test("cpu", () => {
    rejects(
      { cpu: "3" },
      `${OWNER}: invalid cpu: must be "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1 in steps of 0.001 (e.g. "0.5" or "500m"). Got: "3"`,
    );
    expect(() => service({ cpu: "4", memory: "2Gi" })).not.toThrow();
  });

  test("memory and its CPU rules", () => {
    rejects(
      { memory: "8Gi" },
      `${OWNER}: invalid memory: above 4Gi needs a cpu of at least 2 (cpu is "1"). Got: "8Gi"`,
    );
    rejects(
      { memory: "512MB" },
      `${OWNER}: invalid memory: must be a quantity with a unit of Mi, Gi, M or G (e.g. "512Mi", "2Gi"). Got: "512MB"`,
    );
    rejects(
      { cpu: "4" },
      `${OWNER}: invalid memory: must be at least 2Gi with a cpu of 4. Got: "512Mi"`,
    );
    rejects(
      { memory: "256Mi", executionEnvironment: ExecutionEnvironment.GEN2 },
      `${OWNER}: invalid memory: must be at least 512Mi in the second generation execution environment. Got: "256Mi"`,
    );
    expect(() => service({ memory: "256Mi" })).not.toThrow();
    expect(() => service({ cpu: "2", memory: "8Gi" })).not.toThrow();
  });

  test("concurrency, timeout, instances", () => {
    rejects(
      { concurrency: 1001 },
      `${OWNER}: invalid concurrency: must be an integer from 1 to 1000. Got: 1001`,
    );
    rejects(
      { timeoutSeconds: 3601 },
      `${OWNER}: invalid timeoutSeconds: must be an integer from 1 to 3600. Got: 3601`,
    );
    rejects(
      { minInstances: 3, maxInstances: 2 },
      `${OWNER}: invalid minInstances: must not exceed maxInstances (2). Got: 3`,
    );
    rejects(
      { maxInstances: 0 },
      `${OWNER}: invalid maxInstances: must be an integer at least 1. Got: 0`,
    );
    rejects(
      { minInstances: 101 },
      `${OWNER}: invalid minInstances: must not exceed maxInstances (100). Got: 101`,
    );
    expect(() =>
      service({ concurrency: 1000, timeoutSeconds: 3600, minInstances: 2, maxInstances: 2 }),
    ).not.toThrow();
  });

  test("labels", () => {
    rejects(
      { labels: { "run.googleapis.com/x": "y" } },
      `${OWNER}: invalid labels: keys in the run.googleapis.com, cloud.googleapis.com, serving.knative.dev, autoscaling.knative.dev namespaces are reserved by Cloud Run. Got: "run.googleapis.com/x"`,
    );
    rejects(
      { labels: { Team: "x" } },
      `${OWNER}: invalid labels: keys must be 1 to 63 lowercase letters, digits, underscores or hyphens, starting with a letter. Got: "Team"`,
    );
    rejects(
      { labels: { team: "Payments" } },
      `${OWNER}: invalid labels.team: must be at most 63 lowercase letters, digits, underscores or hyphens. Got: "Payments"`,
    );
  });

  test("environment names and duplicates", () => {
    rejects(
      { environment: { PORT: "8080" } },
      `${OWNER}: invalid environment: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved: Cloud Run sets them (PORT comes from the \`port\` prop). Got: "PORT"`,
    );
    rejects(
      { environment: { "MY-VAR": "x" } },
      `${OWNER}: invalid environment: names must be C identifiers (letters, digits and underscores, not starting with a digit). Got: "MY-VAR"`,
    );
    rejects(
      { environment: { DB: "x" }, secrets: { DB: { secret: "db", version: "1" } } },
      `${OWNER}: invalid secrets: names must be unique: this variable is already set. Got: "DB"`,
    );
    const { svc } = service({ environment: { A: "1" } });
    expect(() => svc.addEnvironment("A", "2")).toThrow(
      `${OWNER}: invalid environment: names must be unique: this variable is already set. Got: "A"`,
    );
    expect(() => svc.addEnvironment("K_SERVICE", "x")).toThrow(
      /K_SERVICE, K_REVISION, K_CONFIGURATION are reserved/,
    );
    expect(() => svc.addSecretEnvironment("A", { secret: "s", version: "1" })).toThrow(
      `${OWNER}: invalid secrets: names must be unique: this variable is already set. Got: "A"`,
    );
    expect(() => svc.addEnvironment("B", "2")).not.toThrow();
  });

  test("description", () => {
    rejects(
      { description: "x".repeat(513) },
      `${OWNER}: invalid description: must be at most 512 characters.`,
    );
    expect(() => service({ description: "x".repeat(512) })).not.toThrow();
  });

  test("probes", () => {
    rejects(
      { livenessProbe: Probe.tcp() },
      `${OWNER}: invalid livenessProbe: must be an HTTP or gRPC probe: Cloud Run supports TCP for startup probes only. Got: "tcp"`,
    );
    rejects(
      { startupProbe: Probe.http({ periodSeconds: 300 }) },
      `${OWNER}: invalid startupProbe.periodSeconds: must be an integer from 1 to 240. Got: 300`,
    );
    rejects(
      { startupProbe: Probe.tcp({ periodSeconds: 30, failureThreshold: 10 }) },
      `${OWNER}: invalid startupProbe.failureThreshold: failureThreshold × periodSeconds (30 s) must be at most 240 seconds. Got: 10`,
    );
    rejects(
      { livenessProbe: Probe.http({ periodSeconds: 5, timeoutSeconds: 10 }) },
      `${OWNER}: invalid livenessProbe.timeoutSeconds: must not exceed periodSeconds (5). Got: 10`,
    );
    rejects(
      { startupProbe: Probe.http({ path: "ready" }) },
      `${OWNER}: invalid startupProbe.path: must be an absolute path such as "/healthz". Got: "ready"`,
    );
    rejects(
      { startupProbe: Probe.grpc({ port: 0 }) },
      `${OWNER}: invalid startupProbe.port: must be an integer from 1 to 65535. Got: 0`,
    );
    expect(() =>
      service({
        startupProbe: Probe.tcp({ periodSeconds: 240, failureThreshold: 1, timeoutSeconds: 240 }),
        livenessProbe: Probe.http({ periodSeconds: 3600, initialDelaySeconds: 3600 }),
      }),
    ).not.toThrow();
  });

  test("vpcAccess", () => {
    rejects(
      { vpcAccess: {} },
      `${OWNER}: invalid vpcAccess: needs a network, a subnetwork or both. Got: {}`,
    );
    rejects(
      { vpcAccess: { network: "default", networkTags: ["Web"] } },
      `${OWNER}: invalid vpcAccess.networkTags: network tags must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "Web"`,
    );
  });

  test("serviceAccountEmail is never a default service account", () => {
    rejects(
      { serviceAccountEmail: "123456789012-compute@developer.gserviceaccount.com" },
      `${OWNER}: invalid serviceAccountEmail: must not be a default service account (Compute Engine or App Engine): they hold the project Editor role; omit the prop to get a dedicated one. Got: "123456789012-compute@developer.gserviceaccount.com"`,
    );
    rejects(
      { serviceAccountEmail: "my-project@appspot.gserviceaccount.com" },
      "must not be a default service account",
    );
  });
});

describe("fractional CPU", () => {
  test("sets concurrency 1, request-based billing and gen1 when not given", () => {
    const run = only(json({ cpu: "0.5" }), "google_cloud_run_v2_service");
    expect(run.template.max_instance_request_concurrency).toBe(1);
    expect(run.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN1");
    expect(run.template.containers[0].resources).toEqual({
      cpu_idle: true,
      limits: { cpu: "0.5", memory: "512Mi" },
    });
  });

  test("accepts the same settings given explicitly", () => {
    expect(() =>
      service({
        cpu: "500m",
        concurrency: 1,
        cpuIdle: true,
        executionEnvironment: ExecutionEnvironment.GEN1,
      }),
    ).not.toThrow();
  });

  test("rejects contradictions", () => {
    rejects(
      { cpu: "0.5", concurrency: 80 },
      `${OWNER}: invalid concurrency: a cpu below 1 needs concurrency 1 (cpu is "0.5"). Got: 80`,
    );
    rejects(
      { cpu: "0.5", cpuIdle: false },
      `${OWNER}: invalid cpuIdle: a cpu below 1 needs request-based billing, cpuIdle true (cpu is "0.5"). Got: false`,
    );
    rejects(
      { cpu: "0.5", executionEnvironment: ExecutionEnvironment.GEN2 },
      `${OWNER}: invalid executionEnvironment: a cpu below 1 needs the first generation execution environment, GEN1 (cpu is "0.5"). Got: "EXECUTION_ENVIRONMENT_GEN2"`,
    );
    rejects(
      { cpu: "0.25", memory: "1Gi" },
      `${OWNER}: invalid memory: above 512Mi needs a cpu of at least 0.5 (cpu is "0.25"). Got: "1Gi"`,
    );
  });
});

describe("secrets", () => {
  test("env from Secret Manager and an accessor grant on exactly that secret", () => {
    const { stack, svc } = service({
      secrets: { DB_PASSWORD: { secret: "db-password", version: "3" } },
    });
    const out = synth(stack);
    expect(container(out).env).toEqual([
      {
        name: "DB_PASSWORD",
        value_source: { secret_key_ref: { secret: "db-password", version: "3" } },
      },
    ]);
    const grants = resources(out, "google_secret_manager_secret_iam_member");
    const [grantId] = Object.keys(grants);
    const [saId] = Object.keys(resources(out, "google_service_account"));
    expect(grants[grantId]).toEqual({
      secret_id: "db-password",
      role: "roles/secretmanager.secretAccessor",
      member: `serviceAccount:\${google_service_account.${saId}.email}`,
    });
    expect(only(out, "google_cloud_run_v2_service").depends_on).toEqual([
      `google_secret_manager_secret_iam_member.${grantId}`,
    ]);
    expect(svc.secretEnvironment).toEqual(["DB_PASSWORD"]);
    expect(warnings(svc)).toEqual([]);
  });

  test("one grant per secret, in the service's project for a short id, none for a full name", () => {
    const { stack, svc } = service({
      project: "app-project",
      secrets: {
        A: { secret: "shared", version: "1" },
        B: { secret: "shared", version: "2" },
      },
    });
    svc.addSecretEnvironment("C", { secret: "projects/other/secrets/key", version: "4" });
    const grants = Object.values(
      resources(synth(stack), "google_secret_manager_secret_iam_member"),
    );
    expect(grants).toHaveLength(2);
    expect(grants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ secret_id: "shared", project: "app-project" }),
        expect.objectContaining({ secret_id: "projects/other/secrets/key" }),
      ]),
    );
    expect(grants.find((g) => g.secret_id.startsWith("projects/")).project).toBeUndefined();
    expect(svc.secretEnvironment).toEqual(["A", "B", "C"]);
  });

  test("version defaults to latest, with a warning to pin it", () => {
    const { stack, svc } = service({ secrets: { API_KEY: { secret: "api-key" } } });
    expect(container(synth(stack)).env[0].value_source.secret_key_ref.version).toBe("latest");
    expect(warnings(svc)).toEqual([
      `${OWNER}: secret environment variable API_KEY reads version "latest" of api-key: pin a version number (e.g. version: "3") so that every instance reads the same value and a rollback rolls the secret back too.`,
    ]);
  });

  test("a secret from a resource (token) is granted too", () => {
    const { stack, svc } = service();
    const id = Token.asString({ resolve: () => "projects/p/secrets/from-resource" });
    svc.addSecretEnvironment("TOKEN_SECRET", { secret: id, version: "1" });
    const grant = only(synth(stack), "google_secret_manager_secret_iam_member");
    expect(grant.secret_id).toBe("projects/p/secrets/from-resource");
  });

  test("the accessor grant goes to a given service account", () => {
    const { stack } = service({
      serviceAccountEmail: "api@my-project.iam.gserviceaccount.com",
      secrets: { A: { secret: "s", version: "1" } },
    });
    expect(only(synth(stack), "google_secret_manager_secret_iam_member").member).toBe(
      "serviceAccount:api@my-project.iam.gserviceaccount.com",
    );
  });

  test("a version alias is accepted and rendered as given", () => {
    const { stack } = service({ secrets: { A: { secret: "s", version: "prod-2026_12" } } });
    expect(container(synth(stack)).env[0].value_source.secret_key_ref.version).toBe("prod-2026_12");
  });

  test("invalid references", () => {
    rejects(
      { secrets: { A: { secret: "bad secret", version: "1" } } },
      `${OWNER}: invalid secrets.A.secret: must be a secret id (1 to 255 letters, digits, "_" or "-") or a full name "projects/<project>/secrets/<id>". Got: "bad secret"`,
    );
    rejects(
      { secrets: { A: { secret: "s", version: "2v" } } },
      `${OWNER}: invalid secrets.A.version: must be "latest", a version number such as "3", or a version alias (1 to 63 letters, digits, "-" or "_", starting with a letter; "new" and other spellings of "latest" are not aliases). Got: "2v"`,
    );
    rejects({ secrets: { A: { secret: "s", version: "New" } } }, `Got: "New"`);
    rejects(
      { secrets: { K_REVISION: { secret: "s", version: "1" } } },
      `${OWNER}: invalid secrets: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved`,
    );
  });
});

describe("access", () => {
  test("allowUnauthenticated grants run.invoker to allUsers on this service only", () => {
    const { stack, svc } = service({ allowUnauthenticated: true });
    const out = synth(stack);
    const [runId] = Object.keys(resources(out, "google_cloud_run_v2_service"));
    expect(only(out, "google_cloud_run_v2_service_iam_member")).toEqual({
      name: `\${google_cloud_run_v2_service.${runId}.name}`,
      location: `\${google_cloud_run_v2_service.${runId}.location}`,
      project: `\${google_cloud_run_v2_service.${runId}.project}`,
      role: "roles/run.invoker",
      member: "allUsers",
    });
    expect(svc.isPublic).toBe(true);
    expect(svc.invokers).toEqual(["allUsers"]);
  });

  test("grantInvoke adds members, idempotently", () => {
    const { stack, svc } = service();
    svc.grantInvoke("serviceAccount:caller@p.iam.gserviceaccount.com");
    svc.grantInvoke("serviceAccount:caller@p.iam.gserviceaccount.com");
    svc.grantInvoke("group:team@example.com");
    const members = Object.values(
      resources(synth(stack), "google_cloud_run_v2_service_iam_member"),
    );
    expect(members.map((m) => m.member).sort()).toEqual([
      "group:team@example.com",
      "serviceAccount:caller@p.iam.gserviceaccount.com",
    ]);
    expect(members.every((m) => m.role === "roles/run.invoker")).toBe(true);
    expect(svc.invokers).toEqual([
      "serviceAccount:caller@p.iam.gserviceaccount.com",
      "group:team@example.com",
    ]);
    expect(svc.isPublic).toBe(false);
  });

  test("grantInvoke of another service's identity (a token)", () => {
    const f = fixture();
    const callee = new CloudRunService(f.stack, "callee", { image: f.image, region: REGION });
    const caller = new CloudRunService(f.stack, "caller", { image: f.image, region: REGION });
    callee.grantInvoke(caller.serviceAccountMember);
    const member = only(synth(f.stack), "google_cloud_run_v2_service_iam_member").member;
    expect(member).toMatch(
      /^serviceAccount:\$\{google_service_account\.caller_ServiceAccount_[^.]+\.email\}$/,
    );
  });

  test("grantInvoke rejects a malformed member", () => {
    const { svc } = service();
    expect(() => svc.grantInvoke("caller@p.iam.gserviceaccount.com")).toThrow(
      `${OWNER}: invalid grantInvoke member: must be "allUsers", "allAuthenticatedUsers" or a principal such as "serviceAccount:<email>", "user:<email>", "group:<email>", "domain:<domain>", "principal://…" or "principalSet://…". Got: "caller@p.iam.gserviceaccount.com"`,
    );
  });

  test("allAuthenticatedUsers makes the service public too", () => {
    const { svc } = service();
    svc.grantInvoke("allAuthenticatedUsers");
    expect(svc.isPublic).toBe(true);
  });
});

describe("image", () => {
  test("a local-only image cannot run on Cloud Run", () => {
    const f = fixture();
    const local = new ContainerImage(f.stack, "Local", { directory: NONROOT_CONTEXT });
    expect(() => new CloudRunService(f.stack, "api", { image: local, region: REGION })).toThrow(
      `${OWNER}: invalid image: must be pushed to a registry (give the ContainerImage a \`repository\`): a local-only image cannot run on Cloud Run. Got: ${JSON.stringify(local.localImageName)}`,
    );
  });

  test("refuses an image not proven non-root (defence in depth)", () => {
    const f = fixture();
    const rootImage = {
      isPushed: true,
      imageRef: "europe-west1-docker.pkg.dev/p/r/i@sha256:00",
      localImageName: "i:1",
      dockerfile: Dockerfile.parse('FROM debian:trixie-slim\nCMD ["/app"]\n', {
        displayName: "app/Dockerfile",
      }),
    } as unknown as ContainerImage;
    expect(() => new CloudRunService(f.stack, "api", { image: rootImage, region: REGION })).toThrow(
      new RegExp(
        `^${OWNER.replace(/[.*+?^${}()|[\]\\/']/g, "\\$&")}: app/Dockerfile stage #0 \\(line 1\\) is not proven to run as a non-root user: .*USER 65532:65532`,
      ),
    );
  });
});

describe("uniqueness at synth", () => {
  test("two services with the same name, region and project", () => {
    const f = fixture();
    new CloudRunService(f.stack, "a", { image: f.image, region: REGION, serviceName: "same" });
    new CloudRunService(f.stack, "b", { image: f.image, region: REGION, serviceName: "same" });
    expect(() => synth(f.stack)).toThrow(
      `CloudRunService 'Stack/a': invalid serviceName: must be unique per project and region, but CloudRunService 'Stack/b' uses it too. Got: "same"`,
    );
  });

  test("the same name in two regions is fine, each with its own account", () => {
    const f = fixture();
    new CloudRunService(f.stack, "a", { image: f.image, region: REGION, serviceName: "same" });
    new CloudRunService(f.stack, "b", {
      image: f.image,
      region: "us-central1",
      serviceName: "same",
    });
    const ids = Object.values(resources(synth(f.stack), "google_service_account")).map(
      (sa) => sa.account_id,
    );
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => /^same-[0-9a-f]{8}$/.test(id))).toBe(true);
  });

  test("long names with the same prefix get distinct account ids", () => {
    const f = fixture();
    const prefix = "payments-ledger-reconciliation-";
    const a = new CloudRunService(f.stack, "a", {
      image: f.image,
      region: REGION,
      serviceName: `${prefix}alpha`,
    });
    const b = new CloudRunService(f.stack, "b", {
      image: f.image,
      region: REGION,
      serviceName: `${prefix}beta`,
    });
    const ids = Object.values(resources(synth(f.stack), "google_service_account")).map(
      (sa) => sa.account_id,
    );
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(30);
      expect(id).toMatch(/^payments-ledger-recon-[0-9a-f]{8}$/);
    }
    expect(a.serviceName).not.toBe(b.serviceName);
  });
});

describe("IAM binding ids do not depend on unrelated tokens", () => {
  /** The logical ids of the IAM members, in a stack where `variables` variables come first. */
  function iamIds(variables: number): string[] {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    for (let i = 0; i < variables; i++) {
      // Reading a variable's value creates a token, shifting the numbers of later tokens.
      new TerraformOutput(stack, `out${i}`, {
        value: new TerraformVariable(stack, `var${i}`, { type: "string" }).stringValue,
      });
    }
    new GoogleProvider(stack, "google", { project: "my-project" });
    const repository = new DockerRepository(stack, "Repo", { location: REGION });
    const image = new ContainerImage(stack, "Image", { repository, directory: NONROOT_CONTEXT });
    const callee = new CloudRunService(stack, "callee", { image, region: REGION });
    const caller = new CloudRunService(stack, "caller", { image, region: REGION });
    const secret = new SecretManagerSecret(stack, "Secret", {
      secretId: "db-password",
      replication: { auto: {} },
    });
    callee.grantInvoke(caller.serviceAccountMember);
    callee.addSecretEnvironment("DB_PASSWORD", { secret: secret.secretId, version: "1" });
    const out = synth(stack);
    return [
      ...Object.keys(resources(out, "google_cloud_run_v2_service_iam_member")),
      ...Object.keys(resources(out, "google_secret_manager_secret_iam_member")),
    ].sort();
  }

  test("0 or 3 variables declared first give the same ids", () => {
    const ids = iamIds(0);
    expect(ids).toHaveLength(2);
    expect(iamIds(3)).toEqual(ids);
  });

  test("the same member as two different tokens is one binding", () => {
    const f = fixture();
    const callee = new CloudRunService(f.stack, "callee", { image: f.image, region: REGION });
    const caller = new CloudRunService(f.stack, "caller", { image: f.image, region: REGION });
    callee.grantInvoke(caller.serviceAccountMember);
    callee.grantInvoke(`serviceAccount:${caller.serviceAccount!.email}`);
    expect(
      Object.keys(resources(synth(f.stack), "google_cloud_run_v2_service_iam_member")),
    ).toHaveLength(1);
  });
});

describe("null and missing props from JavaScript callers", () => {
  // Thunks: the props are made inside each test, so one TypeError fails one test.
  const notSet: Array<[string, () => Partial<CloudRunServiceProps>]> = [
    ["labels: null", () => ({ labels: null as never })],
    ["vpcAccess: null", () => ({ vpcAccess: null as never })],
    [
      "vpcAccess.networkTags: null",
      () => ({ vpcAccess: { network: "default", networkTags: null as never } }),
    ],
    ["environment: null", () => ({ environment: null as never })],
    ["secrets: null", () => ({ secrets: null as never })],
    ["startupProbe: null", () => ({ startupProbe: null as never })],
    ["livenessProbe: null", () => ({ livenessProbe: null as never })],
    ["Probe.http(null)", () => ({ startupProbe: Probe.http(null as never) })],
    ["Probe.tcp(null)", () => ({ startupProbe: Probe.tcp(null as never) })],
    ["Probe.grpc(null)", () => ({ livenessProbe: Probe.grpc(null as never) })],
  ];
  test.each(notSet)("%s means not set", (_label, props) => {
    const { stack } = service(props());
    const run = only(synth(stack), "google_cloud_run_v2_service");
    expect(run.labels).toBeUndefined();
  });

  test("Probe.http(null) is an HTTP probe of / with Cloud Run's defaults", () => {
    const probe = container(json({ startupProbe: Probe.http(null as never) })).startup_probe;
    expect(probe).toEqual({ http_get: { path: "/" } });
  });

  test("null vpcAccess.networkTags renders no tags, and a network still renders", () => {
    const run = only(
      json({ vpcAccess: { network: "default", networkTags: null as never } }),
      "google_cloud_run_v2_service",
    );
    expect(run.template.vpc_access.network_interfaces).toEqual([{ network: "default" }]);
  });

  const invalid: Array<[string, () => unknown, string]> = [
    [
      "props undefined",
      () => new CloudRunService(fixture().stack, "api", undefined as never),
      `${OWNER}: invalid props: are required: { image, region, ... }. Got: undefined`,
    ],
    [
      "props null",
      () => new CloudRunService(fixture().stack, "api", null as never),
      `${OWNER}: invalid props: are required: { image, region, ... }. Got: null`,
    ],
    [
      "vpcAccess.networkTags not a list",
      () => service({ vpcAccess: { network: "default", networkTags: 5 as never } }),
      `${OWNER}: invalid vpcAccess.networkTags: must be a list of network tags. Got: 5`,
    ],
    [
      "vpcAccess not an object",
      () => service({ vpcAccess: "default" as never }),
      `${OWNER}: invalid vpcAccess: must be { network?, subnetwork?, ... }. Got: "default"`,
    ],
  ];
  test.each(invalid)("%s is an Error naming the prop, not a TypeError", (_label, run, message) => {
    expect(run).toThrow(message);
    expect(run).not.toThrow(TypeError);
  });
});

describe("maps given as one token", () => {
  test("environment as a token is refused with a clear message", () => {
    const environment = Lazy.anyValue({ produce: () => ({ A: "1" }) }) as never;
    rejects(
      { environment },
      `${OWNER}: invalid environment: must be a map known at synth (use individual token values instead). Got:`,
    );
    expect(() => service({ environment })).not.toThrow(/postProcessors/);
  });

  test("secrets as a token is refused with a clear message", () => {
    const secrets = Lazy.anyValue({ produce: () => ({}) }) as never;
    rejects(
      { secrets },
      `${OWNER}: invalid secrets: must be a map known at synth (use individual token values instead). Got:`,
    );
  });

  test("token values inside a known map are fine", () => {
    const value = Lazy.stringValue({ produce: () => "v" });
    expect(container(json({ environment: { A: value } })).env).toEqual([{ name: "A", value: "v" }]);
  });
});

describe("at most 1000 environment variables per container", () => {
  const vars = (count: number, prefix = "V") =>
    Object.fromEntries([...Array(count).keys()].map((i) => [`${prefix}${i}`, "x"]));
  const secrets = (count: number) =>
    Object.fromEntries(
      [...Array(count).keys()].map((i) => [`S${i}`, { secret: "s", version: "1" }]),
    );

  test("1000 plain variables, or plain and secret together, are accepted", () => {
    expect(() => service({ environment: vars(1000) })).not.toThrow();
    const { stack } = service({ environment: vars(600), secrets: secrets(400) });
    expect(container(synth(stack)).env).toHaveLength(1000);
  });

  test("the 1001st is refused, naming the property and the variable", () => {
    rejects(
      { environment: vars(1001) },
      `${OWNER}: invalid environment: a container has at most 1000 environment variables, plain and from secrets together (Cloud Run's limit); this one would be number 1001. Got: "V1000"`,
    );
    rejects(
      { environment: vars(600), secrets: secrets(401) },
      `${OWNER}: invalid secrets: a container has at most 1000 environment variables, plain and from secrets together (Cloud Run's limit); this one would be number 1001. Got: "S400"`,
    );
  });

  test("variables added after construction count too", () => {
    const { svc } = service({ environment: vars(999) });
    svc.addSecretEnvironment("LAST", { secret: "s", version: "1" });
    expect(() => svc.addEnvironment("MORE", "x")).toThrow(
      `${OWNER}: invalid environment: a container has at most 1000 environment variables, plain and from secrets together (Cloud Run's limit); this one would be number 1001. Got: "MORE"`,
    );
    expect(() => svc.addSecretEnvironment("MORE", { secret: "s", version: "1" })).toThrow(
      "invalid secrets: a container has at most 1000",
    );
    expect(svc.environmentNames).toHaveLength(1000);
  });
});

describe("regions that are well formed but not known", () => {
  test("a typo is a warning naming the property, the value and the nearest known regions", () => {
    const { svc } = service({ region: "europe-west99" });
    expect(warnings(svc)).toEqual([
      `${OWNER}: region "europe-west99" is not a known Cloud Run region; did you mean "europe-west9", "europe-west1" or "europe-west10"? A mistyped region is otherwise only found at apply. If it was added after 2026-12-06 (the date of the library's list), ignore this warning.`,
    ]);
  });

  test("never an error: the service synthesizes in that region", () => {
    const { stack } = service({ region: "us-centrall1" });
    expect(only(synth(stack), "google_cloud_run_v2_service").location).toBe("us-centrall1");
  });

  test("known regions and tokens are not reported", () => {
    const { svc } = service({ region: "europe-north2" });
    const token = service({ region: Token.asString({ resolve: () => "europe-west99" }) }, "b");
    expect(warnings(svc)).toEqual([]);
    expect(warnings(token.svc)).toEqual([]);
  });
});
