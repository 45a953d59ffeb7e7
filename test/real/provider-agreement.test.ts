/**
 * The library refuses values that Cloud Run, Artifact Registry, IAM or Docker would refuse. For
 * each such rule, this file writes the refused value straight into otherwise valid Terraform
 * JSON (past the library) and asks the real providers: does `terraform validate` or `terraform
 * plan` refuse it too, or does the provider leave it to the API at apply time?
 *
 * The expected answer of each case is part of the test, so a provider release that starts (or
 * stops) checking a rule shows up here. Where the answer is "apply", the library's synth-time
 * check is the only thing between the user and a failed `cdktf deploy`; the table in the
 * README ("What the providers check") is this list.
 */
import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import {
  CloudRunService,
  ContainerImage,
  DockerRepository,
  ExecutionEnvironment,
  LocalService,
  Probe,
  VpcEgress,
} from "../../src";
import { NONROOT_CONTEXT } from "../hardening/arbitraries";
import {
  init,
  prepare,
  refusalStage,
  Stage,
  synthApp,
  TfJson,
  validate,
} from "./support/terraform";

/* eslint-disable @typescript-eslint/no-explicit-any */

interface Case {
  /** The rule, as the library states it. */
  readonly rule: string;
  /** Writes the refused value into the valid JSON. */
  readonly mutate: (json: TfJson) => void;
  /** Where the real toolchain refuses it: at validate, at plan, or not before apply. */
  readonly refusedAt: Stage;
  /**
   * The library refuses the same value (throws at construction or synth), or, for a value the
   * library derives itself, says so: the derivation is property-tested in test/hardening.
   */
  readonly library: (() => unknown) | "derived";
}

const first = (json: TfJson, type: string): any => Object.values<any>(json.resource[type])[0];
const service = (json: TfJson) => first(json, "google_cloud_run_v2_service");
const container = (json: TfJson) => service(json).template.containers[0];
const repository = (json: TfJson) => first(json, "google_artifact_registry_repository");
const local = (json: TfJson) => first(json, "docker_container");

/** A library stack the `library` checks build their one invalid construct in. */
function libraryStack() {
  const stack = new TerraformStack(Testing.app(), "S");
  new GoogleProvider(stack, "google", { project: "p" });
  const repo = new DockerRepository(stack, "Repo", { location: "europe-west1" });
  const image = new ContainerImage(stack, "Image", {
    repository: repo,
    directory: NONROOT_CONTEXT,
  });
  const localImage = new ContainerImage(stack, "LocalImage", { directory: NONROOT_CONTEXT });
  return { stack, image, localImage };
}
const svc = (props: object) => () => {
  const { stack, image } = libraryStack();
  new CloudRunService(stack, "svc", { region: "europe-west1", image, ...props });
  Testing.synth(stack, true);
};
const repo = (props: object) => () => {
  const { stack } = libraryStack();
  new DockerRepository(stack, "Other", { location: "europe-west1", ...props });
};
const loc = (props: object) => () => {
  const { stack, localImage } = libraryStack();
  new LocalService(stack, "Local", { image: localImage, ...props });
};

const CASES: Case[] = [
  // Cloud Run v2 service
  {
    rule: "service name: lowercase letters, digits, hyphens",
    mutate: (j) => (service(j).name = "Bad_Name"),
    refusedAt: "apply",
    library: svc({ serviceName: "Bad_Name" }),
  },
  {
    rule: "service name: at most 49 characters",
    mutate: (j) => (service(j).name = `a${"b".repeat(49)}`),
    refusedAt: "apply",
    library: svc({ serviceName: `a${"b".repeat(49)}` }),
  },
  {
    rule: "container port 1-65535",
    mutate: (j) => (container(j).ports.container_port = 70000),
    refusedAt: "apply",
    library: svc({ port: 70000 }),
  },
  {
    rule: "reserved env name PORT",
    mutate: (j) => (container(j).env = [{ name: "PORT", value: "1" }]),
    refusedAt: "apply",
    library: svc({ environment: { PORT: "1" } }),
  },
  {
    rule: "env names are C identifiers",
    mutate: (j) => (container(j).env = [{ name: "1BAD", value: "1" }]),
    refusedAt: "apply",
    library: svc({ environment: { "1BAD": "1" } }),
  },
  {
    rule: "cpu: 1, 2, 4, 6, 8 or a fraction 0.08-1",
    mutate: (j) => (container(j).resources.limits.cpu = "3"),
    refusedAt: "apply",
    library: svc({ cpu: "3" }),
  },
  {
    rule: "memory: at least 128Mi",
    mutate: (j) => (container(j).resources.limits.memory = "100Mi"),
    refusedAt: "apply",
    library: svc({ memory: "100Mi" }),
  },
  {
    rule: "concurrency 1-1000",
    mutate: (j) => (service(j).template.max_instance_request_concurrency = 1001),
    refusedAt: "apply",
    library: svc({ concurrency: 1001 }),
  },
  {
    rule: "request timeout 1-3600 s",
    mutate: (j) => (service(j).template.timeout = "3601s"),
    refusedAt: "apply",
    library: svc({ timeoutSeconds: 3601 }),
  },
  {
    rule: "min instances <= max instances",
    mutate: (j) => (service(j).template.scaling = { min_instance_count: 5, max_instance_count: 2 }),
    refusedAt: "apply",
    library: svc({ minInstances: 5, maxInstances: 2 }),
  },
  {
    rule: "ingress: one of the three INGRESS_TRAFFIC_* values",
    mutate: (j) => (service(j).ingress = "INGRESS_TRAFFIC_EVERYWHERE"),
    refusedAt: "validate",
    library: svc({ ingress: { value: "INGRESS_TRAFFIC_EVERYWHERE" } }),
  },
  {
    rule: "execution environment: GEN1 or GEN2",
    mutate: (j) => (service(j).template.execution_environment = "EXECUTION_ENVIRONMENT_GEN3"),
    refusedAt: "apply",
    library: svc({
      executionEnvironment: { value: "EXECUTION_ENVIRONMENT_GEN3" } as ExecutionEnvironment,
    }),
  },
  {
    rule: "VPC egress: ALL_TRAFFIC or PRIVATE_RANGES_ONLY",
    mutate: (j) =>
      (service(j).template.vpc_access = {
        network_interfaces: [{ network: "default" }],
        egress: "SOME_TRAFFIC",
      }),
    refusedAt: "apply",
    library: svc({
      vpcAccess: { network: "default", egress: { value: "SOME_TRAFFIC" } as VpcEgress },
    }),
  },
  {
    rule: "label keys: [a-z][a-z0-9_-]{0,62}",
    mutate: (j) => (service(j).labels = { "Bad Key": "v" }),
    refusedAt: "apply",
    library: svc({ labels: { "Bad Key": "v" } }),
  },
  {
    rule: "label keys: not in the run.googleapis.com namespace",
    mutate: (j) => (service(j).labels = { "run.googleapis.com/x": "v" }),
    refusedAt: "apply",
    library: svc({ labels: { "run.googleapis.com/x": "v" } }),
  },
  {
    rule: "startup probe: period at most 240 s",
    mutate: (j) => (container(j).startup_probe = { tcp_socket: {}, period_seconds: 241 }),
    refusedAt: "apply",
    library: svc({ startupProbe: Probe.tcp({ periodSeconds: 241 }) }),
  },
  {
    rule: "probe timeout not above the period",
    mutate: (j) =>
      (container(j).liveness_probe = { http_get: {}, period_seconds: 5, timeout_seconds: 6 }),
    refusedAt: "apply",
    library: svc({ livenessProbe: Probe.http({ periodSeconds: 5, timeoutSeconds: 6 }) }),
  },
  {
    rule: "description at most 512 characters",
    mutate: (j) => (service(j).description = "d".repeat(513)),
    refusedAt: "apply",
    library: svc({ description: "d".repeat(513) }),
  },
  // IAM
  {
    rule: "service account id: 6-30 of [a-z0-9-], starting with a letter",
    mutate: (j) => (first(j, "google_service_account").account_id = "Bad_Account"),
    refusedAt: "validate",
    library: "derived",
  },
  // Artifact Registry
  {
    rule: "repository id: [a-z][a-z0-9-]*, at most 63",
    mutate: (j) => (repository(j).repository_id = "Bad_Repo"),
    refusedAt: "apply",
    library: repo({ repositoryId: "Bad_Repo" }),
  },
  {
    rule: "cleanup policy keep_count at least 1",
    mutate: (j) => (repository(j).cleanup_policies[0].most_recent_versions.keep_count = 0),
    refusedAt: "apply",
    library: repo({ keepRecentVersions: 0 }),
  },
  // Docker (the local twin)
  {
    rule: "published port 1-65535",
    mutate: (j) => (local(j).ports[0].external = 70000),
    refusedAt: "apply",
    library: loc({ hostPort: 70000 }),
  },
  {
    rule: "container memory at least 6 MiB",
    mutate: (j) => (local(j).memory = 1),
    refusedAt: "apply",
    library: loc({ memory: "1Mi" }),
  },
];

const stacks = synthApp((app) => {
  const stack = new TerraformStack(app, "agreement");
  new GoogleProvider(stack, "google", { project: "cdktf-cloud-run-test", region: "europe-west1" });
  const repository = new DockerRepository(stack, "Repo", { location: "europe-west1" });
  const image = new ContainerImage(stack, "Image", { repository, directory: NONROOT_CONTEXT });
  new CloudRunService(stack, "svc", { region: "europe-west1", image });
  new LocalService(stack, "Local", {
    image: new ContainerImage(stack, "LocalImage", { directory: NONROOT_CONTEXT }),
  });
}, "real-agreement-");
const base = stacks[0];

const attempt = (mutate: (json: TfJson) => void) => refusalStage(base, mutate);

beforeAll(() => {
  prepare(base);
  init(base.dir);
  expect(validate(base.dir).valid).toBe(true);
});

afterAll(() => {
  // The record of this run, for the README's table.
  const file = path.join(__dirname, "..", "..", "cdktf.out", "provider-agreement.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
});

const results: { rule: string; refusedAt: Stage; output: string }[] = [];

test("the base configuration is valid and plans", () => {
  expect(attempt(() => undefined).stage).toBe("apply");
});

describe.each(CASES.map((c) => [c.rule, c] as const))("%s", (_rule, c) => {
  test(`the library refuses it; the providers refuse it at: ${c.refusedAt}`, () => {
    if (c.library !== "derived") {
      // An error of the library's own kind, naming a prop, not a failure to set the case up.
      expect(c.library).toThrow(/: invalid [A-Za-z.[\]"]+: /);
    }
    const result = attempt(c.mutate);
    results.push({ rule: c.rule, refusedAt: result.stage, output: result.output.slice(0, 400) });
    expect({ stage: result.stage, output: result.output.slice(0, 400) }).toEqual({
      stage: c.refusedAt,
      output: expect.any(String),
    });
  });
});
