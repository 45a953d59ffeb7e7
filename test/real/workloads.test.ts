/**
 * Jobs, scheduled jobs and worker pools with the real google provider (the pinned 6.50.0):
 *
 * 1. a stack with a `CloudRunJob` (secrets, every kind of volume, `grantRun`, two schedules)
 *    and a `WorkerPool` (secrets, volumes) passes `terraform validate` and `terraform plan`, and
 *    the plan carries every literal value the library wrote, `launch_stage = "BETA"` of the
 *    worker pool included;
 * 2. for each bound the library checks on these resources, the refused value written straight
 *    into the JSON shows where the real toolchain would refuse it: at validate, at plan, or not
 *    before apply (then the library's check is the only one before `cdktf deploy`).
 */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { CloudRunJob, ContainerImage, DockerRepository, Volume, WorkerPool } from "../../src";
import { NONROOT_CONTEXT } from "../hardening/arbitraries";
import { compareWithPlan, plannedResources } from "./support/plan-values";
import {
  expectValid,
  init,
  plan,
  prepare,
  refusalStage,
  Stage,
  synthApp,
  TfJson,
} from "./support/terraform";

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = "europe-west1";

function workloads(stack: TerraformStack): { job: CloudRunJob; pool: WorkerPool } {
  new GoogleProvider(stack, "google", { project: "cdktf-cloud-run-test", region: REGION });
  const repository = new DockerRepository(stack, "Repo", { location: REGION });
  const image = new ContainerImage(stack, "Image", { repository, directory: NONROOT_CONTEXT });
  const job = new CloudRunJob(stack, "migrate", {
    image,
    region: REGION,
    taskCount: 4,
    parallelism: 2,
    maxRetries: 1,
    taskTimeoutSeconds: 1800,
    cpu: "2",
    memory: "2Gi",
    command: ["/app/migrate"],
    args: ["--to", "latest"],
    environment: { MODE: "migrate" },
    secrets: { DB_PASSWORD: { secret: "db-password", version: "3" } },
    labels: { team: "payments" },
    volumes: [
      { path: "/secrets", volume: Volume.secret({ secret: "tls-key", version: "1" }) },
      { path: "/scratch", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
      {
        path: "/exports",
        volume: Volume.cloudStorage({ bucket: "exports-bucket", readOnly: false }),
      },
      {
        path: "/shared",
        volume: Volume.nfs({ server: "10.0.0.2", path: "/share1", readOnly: true }),
      },
      {
        path: "/cloudsql",
        volume: Volume.cloudSql({ instances: ["cdktf-cloud-run-test:europe-west1:orders"] }),
      },
    ],
    vpcAccess: { network: "default", subnetwork: "default" },
    deletionProtection: false,
  });
  job.grantRun("serviceAccount:deployer@cdktf-cloud-run-test.iam.gserviceaccount.com");
  job.schedule("nightly", { cron: "0 3 * * *", timeZone: "Europe/Paris" });
  job.schedule("weekdays", {
    cron: "*/30 8-18 * JAN-NOV MON-FRI",
    region: "europe-west3",
    paused: true,
  });
  const pool = new WorkerPool(stack, "consumer", {
    image,
    region: REGION,
    instanceCount: 2,
    memory: "1Gi",
    secrets: { QUEUE_TOKEN: { secret: "queue-token", version: "2" } },
    volumes: [
      { path: "/config", volume: Volume.secret({ secret: "consumer-config", version: "5" }) },
      { path: "/data", volume: Volume.cloudStorage({ bucket: "orders-data" }) },
    ],
    deletionProtection: false,
  });
  return { job, pool };
}

const [stack] = synthApp(
  (app) => workloads(new TerraformStack(app, "workloads")),
  "real-workloads-",
);

describe("a job with schedules and volumes, and a worker pool", () => {
  test("terraform validate: valid, no diagnostics", () => {
    prepare(stack);
    expectValid(stack.dir);
  });

  test("terraform plan: every resource planned, literal values unchanged", () => {
    const planned = plan(stack.dir);
    const { missing, mismatches } = compareWithPlan(stack.json, planned);
    expect(missing).toEqual([]);
    expect(mismatches).toEqual([]);
    const byType = (type: string) =>
      [...plannedResources(planned).values()].filter((r) => r.type === type);
    expect(byType("google_cloud_run_v2_job")).toHaveLength(1);
    expect(byType("google_cloud_scheduler_job")).toHaveLength(2);
    expect(byType("google_cloud_run_v2_job_iam_member").map((r) => r.values.role)).toEqual([
      "roles/run.invoker",
      "roles/run.invoker",
      "roles/run.invoker",
    ]);
    const [pool] = byType("google_cloud_run_v2_worker_pool");
    expect(pool.values.launch_stage).toBe("BETA");
    expect(pool.values.scaling).toEqual([
      expect.objectContaining({ scaling_mode: "MANUAL", manual_instance_count: 2 }),
    ]);
    const [scheduler] = byType("google_cloud_scheduler_job").filter(
      (r) => r.values.name === "migrate-nightly",
    );
    expect(scheduler.values.http_target[0]).toMatchObject({
      http_method: "POST",
      oauth_token: [{ scope: "https://www.googleapis.com/auth/cloud-platform" }],
    });
    // The project comes from the provider and is known at plan: the URL is complete.
    expect(scheduler.values.http_target[0].uri).toBe(
      "https://run.googleapis.com/v2/projects/cdktf-cloud-run-test/locations/europe-west1/jobs/migrate:run",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Where the real toolchain refuses what the library refuses

const first = (json: TfJson, type: string): any => Object.values<any>(json.resource[type])[0];
const job = (json: TfJson) => first(json, "google_cloud_run_v2_job");
const task = (json: TfJson) => job(json).template.template;
const pool = (json: TfJson) => first(json, "google_cloud_run_v2_worker_pool");
const scheduler = (json: TfJson) => first(json, "google_cloud_scheduler_job");

interface Case {
  readonly rule: string;
  readonly mutate: (json: TfJson) => void;
  readonly refusedAt: Stage;
  /** The library refuses the same value. */
  readonly library: () => unknown;
}

function libraryStack() {
  const s = new TerraformStack(Testing.app(), "S");
  new GoogleProvider(s, "google", { project: "p" });
  const repository = new DockerRepository(s, "Repo", { location: REGION });
  const image = new ContainerImage(s, "Image", { repository, directory: NONROOT_CONTEXT });
  return { stack: s, image };
}
const newJob = (props: object) => () => {
  const { stack: s, image } = libraryStack();
  return new CloudRunJob(s, "job", { image, region: REGION, ...props });
};
const newPool = (props: object) => () => {
  const { stack: s, image } = libraryStack();
  new WorkerPool(s, "pool", { image, region: REGION, ...props });
  Testing.synth(s, true);
};
const newSchedule = (options: object) => () =>
  newJob({})().schedule("s", { cron: "0 3 * * *", ...options });

const CASES: Case[] = [
  {
    rule: "job name: lowercase letters, digits, hyphens",
    mutate: (j) => (job(j).name = "Bad_Name"),
    refusedAt: "apply",
    library: newJob({ jobName: "Bad_Name" }),
  },
  {
    rule: "task count 1-10000",
    mutate: (j) => (job(j).template.task_count = 0),
    refusedAt: "apply",
    library: newJob({ taskCount: 0 }),
  },
  {
    rule: "parallelism at most the task count",
    mutate: (j) => (job(j).template.parallelism = 10),
    refusedAt: "apply",
    library: newJob({ taskCount: 4, parallelism: 10 }),
  },
  {
    rule: "max retries 0-10",
    mutate: (j) => (task(j).max_retries = 11),
    refusedAt: "apply",
    library: newJob({ maxRetries: 11 }),
  },
  {
    rule: "task timeout at most 168 hours",
    mutate: (j) => (task(j).timeout = "700000s"),
    refusedAt: "apply",
    library: newJob({ taskTimeoutSeconds: 700000 }),
  },
  {
    rule: "job cpu: whole CPUs",
    mutate: (j) => (task(j).containers[0].resources.limits.cpu = "0.5"),
    refusedAt: "apply",
    library: newJob({ cpu: "0.5" }),
  },
  {
    rule: "cron: five fields",
    mutate: (j) => (scheduler(j).schedule = "0 3 * *"),
    refusedAt: "apply",
    library: newSchedule({ cron: "0 3 * *" }),
  },
  {
    rule: "cron: values in range",
    mutate: (j) => (scheduler(j).schedule = "0 24 * * *"),
    refusedAt: "apply",
    library: newSchedule({ cron: "0 24 * * *" }),
  },
  {
    rule: "time zone: a tz database name",
    mutate: (j) => (scheduler(j).time_zone = "Europe/Pairs"),
    refusedAt: "apply",
    library: newSchedule({ timeZone: "Europe/Pairs" }),
  },
  {
    rule: "scheduler job name: letters, digits, - and _",
    mutate: (j) => (scheduler(j).name = "a b"),
    refusedAt: "apply",
    library: newSchedule({ schedulerJobName: "a b" }),
  },
  {
    rule: "worker pool name: at most 49 characters",
    mutate: (j) => (pool(j).name = `a${"b".repeat(49)}`),
    refusedAt: "apply",
    library: newPool({ workerPoolName: `a${"b".repeat(49)}` }),
  },
  {
    rule: "worker pool instance count at least 0",
    mutate: (j) => (pool(j).scaling.manual_instance_count = -1),
    refusedAt: "apply",
    library: newPool({ instanceCount: -1 }),
  },
];

const [bounds] = synthApp(
  (app) => workloads(new TerraformStack(app, "bounds")),
  "real-workload-bounds-",
);

const attempt = (mutate: (json: TfJson) => void) => refusalStage(bounds, mutate);

describe("the bounds of jobs, schedules and worker pools", () => {
  beforeAll(() => {
    prepare(bounds);
    init(bounds.dir);
  });

  test("the base configuration is valid and plans", () => {
    expect(attempt(() => undefined)).toEqual({ stage: "apply", output: "" });
  });

  test("without launch_stage the worker pool still validates and plans: the provider leaves the preview check to the API", () => {
    expect(attempt((j) => delete pool(j).launch_stage).stage).toBe("apply");
  });

  test.each(CASES.map((c) => [c.rule, c] as const))("%s", (_rule, c) => {
    expect(c.library).toThrow(/: invalid [A-Za-z.[\]"]+: /);
    const result = attempt(c.mutate);
    expect({ rule: c.rule, stage: result.stage }).toEqual({ rule: c.rule, stage: c.refusedAt });
  });
});
