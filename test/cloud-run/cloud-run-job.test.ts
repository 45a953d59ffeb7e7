import { CloudSchedulerJob } from "@cdktf/provider-google/lib/cloud-scheduler-job";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import { TerraformVariable, Token } from "cdktf";
import {
  CloudRunJob,
  CloudRunJobProps,
  CloudRunService,
  SecurityPosture,
  Volume,
  VpcEgress,
} from "../../src";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { ContainerImage } from "../../src/image/container-image";
import { fixture, NONROOT_CONTEXT, only, REGION, resources, synth, warnings } from "./helpers";

const OWNER = "CloudRunJob 'Stack/migrate'";

function job(props: Partial<CloudRunJobProps> = {}, id = "migrate") {
  const f = fixture();
  const j = new CloudRunJob(f.stack, id, { image: f.image, region: REGION, ...props });
  return { ...f, job: j };
}

function rejects(props: Partial<CloudRunJobProps>, message: string) {
  expect(() => job(props)).toThrow(message);
}

describe("defaults", () => {
  const { stack, job: j } = job();
  const out = synth(stack);
  const res = only(out, "google_cloud_run_v2_job");
  const task = res.template.template;
  const c = task.containers[0];

  test("job name from the construct id, in the region, project from the provider", () => {
    expect(res.name).toBe("migrate");
    expect(res.location).toBe(REGION);
    expect(res.project).toBeUndefined();
    expect(j.jobName).toBe("migrate");
    expect(j.region).toBe(REGION);
  });

  test("one task, 3 retries, a 600 s task timeout, parallelism left to Cloud Run", () => {
    expect(res.template.task_count).toBe(1);
    expect(res.template.parallelism).toBeUndefined();
    expect(task.max_retries).toBe(3);
    expect(task.timeout).toBe("600s");
  });

  test("runs the pushed image pinned by digest, 1 CPU, 512Mi, no port and no service billing fields", () => {
    expect(c.image).toMatch(
      /^europe-west1-docker\.pkg\.dev\/.+\/image@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/,
    );
    expect(c.resources).toEqual({ limits: { cpu: "1", memory: "512Mi" } });
    expect(c.ports).toBeUndefined();
    expect(c.command).toBeUndefined();
    expect(c.args).toBeUndefined();
    expect(c.env).toBeUndefined();
    expect(task.execution_environment).toBeUndefined();
    expect(task.vpc_access).toBeUndefined();
  });

  test("deletion protection on; the fields deploy tools rewrite are ignored", () => {
    expect(res.deletion_protection).toBe(true);
    expect(res.lifecycle.ignore_changes).toEqual(["client", "client_version"]);
    expect(res.labels).toBeUndefined();
  });

  test("a dedicated service account with no project-level roles, used by the tasks", () => {
    const sa = only(out, "google_service_account");
    expect(sa.account_id).toMatch(/^migrate-[0-9a-f]{8}$/);
    expect(sa.display_name).toBe("Cloud Run job migrate");
    const [saId] = Object.keys(resources(out, "google_service_account"));
    expect(task.service_account).toBe(`\${google_service_account.${saId}.email}`);
    expect(j.serviceAccount).toBeDefined();
    expect(j.serviceAccountMember).toBe(`serviceAccount:${j.serviceAccountEmail}`);
    const types = Object.keys(out.resource);
    expect(types.filter((t) => t.includes("_iam_"))).toEqual([]);
    expect(types).not.toContain("google_cloud_scheduler_job");
    expect(j.runners).toEqual([]);
  });
});

describe("prop mapping", () => {
  test("project, jobName, labels, tasks, retries, timeout, cpu, memory, command, args", () => {
    const out = synth(
      job({
        project: "other-project",
        jobName: "db-migrate",
        labels: { team: "payments" },
        taskCount: 50,
        parallelism: 5,
        maxRetries: 0,
        taskTimeoutSeconds: 3600,
        cpu: "2",
        memory: "4Gi",
        command: ["/app/migrate"],
        args: ["--to", "latest"],
        deletionProtection: false,
      }).stack,
    );
    const res = only(out, "google_cloud_run_v2_job");
    expect(res).toMatchObject({
      project: "other-project",
      name: "db-migrate",
      labels: { team: "payments" },
      deletion_protection: false,
      template: {
        task_count: 50,
        parallelism: 5,
        template: { max_retries: 0, timeout: "3600s" },
      },
    });
    expect(res.template.template.containers[0]).toMatchObject({
      command: ["/app/migrate"],
      args: ["--to", "latest"],
      resources: { limits: { cpu: "2", memory: "4Gi" } },
    });
    expect(only(out, "google_service_account")).toMatchObject({
      project: "other-project",
      account_id: expect.stringMatching(/^db-migrate-[0-9a-f]{8}$/),
    });
  });

  test("environment and secrets: each secret granted to the job's account, before the job", () => {
    const { stack, job: j } = job({
      environment: { MODE: "migrate" },
      secrets: { DB_PASSWORD: { secret: "db-password", version: "3" } },
    });
    j.addEnvironment("LATER", "1");
    j.addSecretEnvironment("TOKEN", { secret: "projects/p/secrets/token", version: "1" });
    const out = synth(stack);
    const res = only(out, "google_cloud_run_v2_job");
    expect(res.template.template.containers[0].env).toEqual([
      { name: "MODE", value: "migrate" },
      {
        name: "DB_PASSWORD",
        value_source: { secret_key_ref: { secret: "db-password", version: "3" } },
      },
      { name: "LATER", value: "1" },
      {
        name: "TOKEN",
        value_source: { secret_key_ref: { secret: "projects/p/secrets/token", version: "1" } },
      },
    ]);
    const grants = Object.values(resources(out, "google_secret_manager_secret_iam_member"));
    expect(grants.map((g) => [g.secret_id, g.role])).toEqual([
      ["db-password", "roles/secretmanager.secretAccessor"],
      ["projects/p/secrets/token", "roles/secretmanager.secretAccessor"],
    ]);
    const [saId] = Object.keys(resources(out, "google_service_account"));
    expect(grants.map((g) => g.member)).toEqual([
      `serviceAccount:\${google_service_account.${saId}.email}`,
      `serviceAccount:\${google_service_account.${saId}.email}`,
    ]);
    const ids = Object.keys(resources(out, "google_secret_manager_secret_iam_member"));
    expect(res.depends_on).toEqual(
      ids.map((id) => `google_secret_manager_secret_iam_member.${id}`),
    );
    expect(j.secretEnvironment).toEqual(["DB_PASSWORD", "TOKEN"]);
    expect(j.environmentNames).toEqual(["MODE", "DB_PASSWORD", "LATER", "TOKEN"]);
  });

  test("a given service account: no account is created", () => {
    const { stack, job: j } = job({
      serviceAccountEmail: "jobs@my-project.iam.gserviceaccount.com",
    });
    const out = synth(stack);
    expect(resources(out, "google_service_account")).toEqual({});
    expect(only(out, "google_cloud_run_v2_job").template.template.service_account).toBe(
      "jobs@my-project.iam.gserviceaccount.com",
    );
    expect(j.serviceAccount).toBeUndefined();
  });

  test("direct VPC egress", () => {
    const out = synth(
      job({ vpcAccess: { network: "default", egress: VpcEgress.ALL_TRAFFIC } }).stack,
    );
    expect(only(out, "google_cloud_run_v2_job").template.template.vpc_access).toEqual({
      egress: "ALL_TRAFFIC",
      network_interfaces: [{ network: "default" }],
    });
  });

  test("values only known at apply are written as Terraform references, unchecked", () => {
    const f = fixture();
    const timeout = new TerraformVariable(f.stack, "timeout", { type: "number" });
    const tasks = new TerraformVariable(f.stack, "tasks", { type: "number" });
    const name = new TerraformVariable(f.stack, "name", { type: "string" });
    const j = new CloudRunJob(f.stack, "migrate", {
      image: f.image,
      region: REGION,
      jobName: name.stringValue,
      taskCount: tasks.numberValue,
      parallelism: 3,
      taskTimeoutSeconds: timeout.numberValue,
    });
    j.schedule("nightly", { cron: "0 3 * * *" });
    const out = synth(f.stack);
    const res = only(out, "google_cloud_run_v2_job");
    expect(res.name).toBe("${var.name}");
    expect(res.template.task_count).toBe("${var.tasks}");
    expect(res.template.template.timeout).toBe("${var.timeout}s");
    expect(only(out, "google_cloud_scheduler_job").name).toBe("${var.name}-nightly");
    expect(Token.isUnresolved(j.jobName)).toBe(true);
  });
});

describe("validation", () => {
  test.each([
    [{ taskCount: 0 }, `${OWNER}: invalid taskCount: must be an integer from 1 to 10000. Got: 0`],
    [{ taskCount: 10001 }, "invalid taskCount: must be an integer from 1 to 10000. Got: 10001"],
    [{ taskCount: 1.5 }, "invalid taskCount: must be an integer from 1 to 10000. Got: 1.5"],
    [{ parallelism: -1 }, "invalid parallelism: must be an integer at least 0. Got: -1"],
    [
      { taskCount: 4, parallelism: 5 },
      `${OWNER}: invalid parallelism: must not exceed taskCount (4); 0 runs as many tasks at once as Cloud Run allows. Got: 5`,
    ],
    [{ maxRetries: 11 }, "invalid maxRetries: must be an integer from 0 to 10. Got: 11"],
    [{ maxRetries: -1 }, "invalid maxRetries: must be an integer from 0 to 10. Got: -1"],
    [
      { taskTimeoutSeconds: 0 },
      "invalid taskTimeoutSeconds: must be an integer from 1 to 604800 (168 hours). Got: 0",
    ],
    [
      { taskTimeoutSeconds: 604801 },
      "invalid taskTimeoutSeconds: must be an integer from 1 to 604800 (168 hours). Got: 604801",
    ],
    [
      { jobName: "Bad_Name" },
      `${OWNER}: invalid jobName: must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "Bad_Name"`,
    ],
    [{ jobName: `a${"b".repeat(63)}` }, "invalid jobName: must be 1 to 63"],
    [
      { cpu: "0.5" },
      `${OWNER}: invalid cpu: must be "1", "2", "4", "6" or "8": a Cloud Run job takes whole CPUs. Got: "0.5"`,
    ],
    [
      { memory: "256Mi" },
      'invalid memory: must be at least 512Mi in the second generation execution environment. Got: "256Mi"',
    ],
    [
      { memory: "8Gi" },
      'invalid memory: above 4Gi needs a cpu of at least 2 (cpu is "1"). Got: "8Gi"',
    ],
    [
      { command: [] },
      `${OWNER}: invalid command: must be a non-empty list of strings known at synth (the executable and its first arguments; it replaces the image's ENTRYPOINT). Got: []`,
    ],
    [{ command: [""] }, 'invalid command[0]: must name the executable, not be empty. Got: ""'],
    [
      { args: "--all" as unknown as string[] },
      'invalid args: must be a list of strings known at synth (it replaces the image\'s CMD). Got: "--all"',
    ],
    [{ args: ["--n", 3 as unknown as string] }, "invalid args[1]: must be a string. Got: 3"],
    [
      { environment: { CLOUD_RUN_TASK_INDEX: "1" } },
      `${OWNER}: invalid environment: CLOUD_RUN_JOB, CLOUD_RUN_EXECUTION, CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_ATTEMPT, CLOUD_RUN_TASK_COUNT are reserved: Cloud Run sets them in every task. Got: "CLOUD_RUN_TASK_INDEX"`,
    ],
    [
      { environment: { PORT: "1" } },
      "invalid environment: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved",
    ],
    [
      { region: "europe" },
      'invalid region: must be a Google Cloud region such as "europe-west1". Got: "europe"',
    ],
    [{ labels: { "run.googleapis.com/x": "y" } }, "invalid labels"],
    [
      { serviceAccountEmail: "123-compute@developer.gserviceaccount.com" },
      "invalid serviceAccountEmail",
    ],
  ])("%j", (props, message) => {
    rejects(props as Partial<CloudRunJobProps>, message);
  });

  test("an image that is not proven non-root is refused (defence in depth)", () => {
    const f = fixture();
    const rootImage = {
      isPushed: true,
      imageRef: "europe-west1-docker.pkg.dev/p/r/i@sha256:00",
      localImageName: "i:1",
      dockerfile: Dockerfile.parse('FROM debian:trixie-slim\nCMD ["/app"]\n', {
        displayName: "app/Dockerfile",
      }),
    } as unknown as ContainerImage;
    expect(() => new CloudRunJob(f.stack, "migrate", { image: rootImage, region: REGION })).toThrow(
      /^CloudRunJob 'Stack\/migrate': app\/Dockerfile stage #0 \(line 1\) is not proven to run as a non-root user: .*USER 65532:65532/,
    );
  });

  test("a local-only image is refused", () => {
    const f = fixture();
    const local = new ContainerImage(f.stack, "Local", { directory: NONROOT_CONTEXT });
    expect(() => new CloudRunJob(f.stack, "migrate", { image: local, region: REGION })).toThrow(
      "invalid image: must be pushed to a registry",
    );
  });

  test("a job name that cannot be derived", () => {
    const f = fixture();
    expect(() => new CloudRunJob(f.stack, "123", { image: f.image, region: REGION })).toThrow(
      "CloudRunJob 'Stack/123': invalid jobName: cannot be derived from the construct id (it has no letter); set jobName. Got: \"123\"",
    );
  });

  test("two jobs with one name in one region, or one derived account id, fail at synth", () => {
    const f = fixture();
    new CloudRunJob(f.stack, "a", { image: f.image, region: REGION, jobName: "same" });
    new CloudRunJob(f.stack, "b", { image: f.image, region: REGION, jobName: "same" });
    expect(() => synth(f.stack)).toThrow(
      "CloudRunJob 'Stack/b': invalid jobName: must be unique per project and region, but CloudRunJob 'Stack/a' uses it too.",
    );
  });

  test("a job and a service may share a name (names are unique per kind)", () => {
    const f = fixture();
    new CloudRunJob(f.stack, "a", { image: f.image, region: REGION, jobName: "same" });
    new CloudRunService(f.stack, "b", { image: f.image, region: REGION, serviceName: "same" });
    expect(() => synth(f.stack)).not.toThrow();
  });

  test("an unknown region is a warning", () => {
    const { stack } = job({ region: "europe-west99" });
    expect(warnings(stack).join("\n")).toContain(
      'region "europe-west99" is not a known Cloud Run region',
    );
  });
});

describe("grantRun", () => {
  test("roles/run.invoker on this job only, once per member", () => {
    const { stack, job: j } = job();
    j.grantRun("serviceAccount:deployer@my-project.iam.gserviceaccount.com");
    j.grantRun("serviceAccount:deployer@my-project.iam.gserviceaccount.com");
    j.grantRun("group:ops@example.com");
    const out = synth(stack);
    const [jobId] = Object.keys(resources(out, "google_cloud_run_v2_job"));
    const members = Object.values(resources(out, "google_cloud_run_v2_job_iam_member")).sort(
      (a, b) => (a.member < b.member ? 1 : -1),
    );
    expect(members).toEqual([
      {
        project: `\${google_cloud_run_v2_job.${jobId}.project}`,
        location: `\${google_cloud_run_v2_job.${jobId}.location}`,
        name: `\${google_cloud_run_v2_job.${jobId}.name}`,
        role: "roles/run.invoker",
        member: "serviceAccount:deployer@my-project.iam.gserviceaccount.com",
      },
      expect.objectContaining({ role: "roles/run.invoker", member: "group:ops@example.com" }),
    ]);
    expect(j.runners).toEqual([
      "serviceAccount:deployer@my-project.iam.gserviceaccount.com",
      "group:ops@example.com",
    ]);
    expect(Object.keys(out.resource).filter((t) => t.startsWith("google_project_iam"))).toEqual([]);
  });

  test("refuses what is not an IAM member", () => {
    const { job: j } = job();
    expect(() => j.grantRun("deployer@my-project.iam.gserviceaccount.com")).toThrow(
      `${OWNER}: invalid grantRun member: must be "allUsers", "allAuthenticatedUsers" or a principal`,
    );
  });

  test("a public runner is a SEC001 violation at synth (a job is never public on purpose)", () => {
    const { stack, job: j } = job();
    j.grantRun("allUsers");
    expect(() => synth(stack)).toThrow(
      /\[SEC001 PUBLIC_INVOKER\] Stack\/migrate\/Runner-[0-9a-f]{12}: grants roles\/run\.invoker to allUsers on CloudRunJob 'Stack\/migrate', so anyone can execute it; a job is never public on purpose\. Fix: grant roles\/run\.invoker on the job to specific principals/,
    );
  });
});

describe("schedule", () => {
  function scheduled(options = { cron: "0 3 * * *" }) {
    const f = job();
    const scheduler = f.job.schedule("nightly", options);
    return { ...f, scheduler, out: synth(f.stack) };
  }

  test("a Cloud Scheduler job that POSTs to the Admin API's jobs.run with an OAuth token", () => {
    const { out, scheduler } = scheduled();
    expect(scheduler).toBeInstanceOf(CloudSchedulerJob);
    const [jobId] = Object.keys(resources(out, "google_cloud_run_v2_job"));
    const [accountId] = Object.keys(resources(out, "google_service_account")).filter((id) =>
      id.startsWith("migrate_nightly"),
    );
    const s = only(out, "google_cloud_scheduler_job");
    expect(s).toMatchObject({
      name: "migrate-nightly",
      region: REGION,
      schedule: "0 3 * * *",
      time_zone: "Etc/UTC",
      description: "Runs Cloud Run job migrate.",
      http_target: {
        http_method: "POST",
        uri: `https://run.googleapis.com/v2/projects/\${google_cloud_run_v2_job.${jobId}.project}/locations/\${google_cloud_run_v2_job.${jobId}.location}/jobs/\${google_cloud_run_v2_job.${jobId}.name}:run`,
        oauth_token: {
          service_account_email: `\${google_service_account.${accountId}.email}`,
          scope: "https://www.googleapis.com/auth/cloud-platform",
        },
      },
    });
    expect(s.http_target.oidc_token).toBeUndefined();
    expect(s.http_target.body).toBeUndefined();
    expect(s.paused).toBeUndefined();
  });

  test("its own service account, allowed to run this job only, before the first run", () => {
    const { out, job: j } = scheduled();
    const accounts = resources(out, "google_service_account");
    const [accountId] = Object.keys(accounts).filter((id) => id.startsWith("migrate_nightly"));
    expect(accounts[accountId]).toMatchObject({
      account_id: expect.stringMatching(/^migrate-nightly-[0-9a-f]{8}$/),
      display_name: "Scheduler of Cloud Run job migrate",
    });
    const [jobId] = Object.keys(resources(out, "google_cloud_run_v2_job"));
    const bindings = resources(out, "google_cloud_run_v2_job_iam_member");
    expect(Object.values(bindings)).toEqual([
      {
        project: `\${google_cloud_run_v2_job.${jobId}.project}`,
        location: `\${google_cloud_run_v2_job.${jobId}.location}`,
        name: `\${google_cloud_run_v2_job.${jobId}.name}`,
        role: "roles/run.invoker",
        member: `serviceAccount:\${google_service_account.${accountId}.email}`,
      },
    ]);
    const [bindingId] = Object.keys(bindings);
    expect(only(out, "google_cloud_scheduler_job").depends_on).toEqual([
      `google_cloud_run_v2_job_iam_member.${bindingId}`,
    ]);
    const types = Object.keys(out.resource);
    expect(types.filter((t) => t.startsWith("google_project_iam"))).toEqual([]);
    expect(types.filter((t) => t.startsWith("google_service_account_iam"))).toEqual([]);
    expect(j.runners).toHaveLength(1);
  });

  test("time zone, region, name and paused", () => {
    const f = job();
    f.job.schedule("weekdays", {
      cron: "30 6 * JAN-NOV MON-FRI",
      timeZone: "Europe/Paris",
      region: "europe-west3",
      schedulerJobName: "Weekday_Report",
      paused: true,
    });
    expect(only(synth(f.stack), "google_cloud_scheduler_job")).toMatchObject({
      name: "Weekday_Report",
      region: "europe-west3",
      schedule: "30 6 * JAN-NOV MON-FRI",
      time_zone: "Europe/Paris",
      paused: true,
    });
  });

  test("two schedules: two accounts and two bindings", () => {
    const f = job();
    f.job.schedule("nightly", { cron: "0 3 * * *" });
    f.job.schedule("hourly", { cron: "0 * * * *" });
    const out = synth(f.stack);
    expect(Object.keys(resources(out, "google_cloud_scheduler_job"))).toHaveLength(2);
    expect(Object.keys(resources(out, "google_cloud_run_v2_job_iam_member"))).toHaveLength(2);
    expect(Object.keys(resources(out, "google_service_account"))).toHaveLength(3);
  });

  test.each([
    [
      { cron: "0 3 * *" },
      'invalid cron: must be a unix-cron schedule of five fields, "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *" for 03:00 every day), as Cloud Scheduler reads it: it has 4 fields, not 5. Got: "0 3 * *"',
    ],
    [
      { cron: "every 5 minutes" },
      'the English-like format ("every 5 minutes") is not accepted here',
    ],
    [{ cron: "0 24 * * *" }, 'in the hour field, "24" is out of range (0-23)'],
    [{ cron: "0 3 * * mon" }, 'in the day of the week field, "mon": names are uppercase ("MON")'],
    [
      { cron: "0 3 L * *" },
      'in the day of the month field, "L" is not a value of the day of the month (1-31)',
    ],
    [
      { cron: "0 3 * * *", timeZone: "Europe/Pairs" },
      'invalid timeZone: must be a time zone name of the tz database, such as "Etc/UTC", "Europe/Paris" or "America/New_York"; did you mean "Europe/Paris"',
    ],
    [
      { cron: "0 3 * * *", timeZone: "europe/paris" },
      'names are case-sensitive: did you mean "Europe/Paris"?',
    ],
    [
      { cron: "0 3 * * *", timeZone: "+01:00" },
      'invalid timeZone: must be a time zone name of the tz database, such as "Etc/UTC", "Europe/Paris" or "America/New_York". Got: "+01:00"',
    ],
    [{ cron: "0 3 * * *", region: "eu" }, "invalid region"],
    [
      { cron: "0 3 * * *", schedulerJobName: "a b" },
      'invalid schedulerJobName: must be 1 to 500 letters, digits, "-" or "_". Got: "a b"',
    ],
  ])("refuses %j", (options, message) => {
    const { job: j } = job();
    expect(() => j.schedule("nightly", options)).toThrow(message);
    expect(() => j.schedule("nightly2", options)).toThrow(
      /^CloudRunJob\.schedule 'Stack\/migrate\/nightly2': /,
    );
  });

  test("accepts tz database aliases such as Etc/UTC, UTC and Asia/Calcutta", () => {
    const { job: j } = job();
    for (const [i, timeZone] of ["Etc/UTC", "UTC", "Asia/Calcutta", "America/New_York"].entries()) {
      expect(() => j.schedule(`s${i}`, { cron: "0 3 * * *", timeZone })).not.toThrow();
    }
  });

  test("two schedulers with one name in one region fail at synth", () => {
    const f = job();
    f.job.schedule("a", { cron: "0 3 * * *", schedulerJobName: "same" });
    f.job.schedule("b", { cron: "0 4 * * *", schedulerJobName: "same" });
    expect(() => synth(f.stack)).toThrow(
      "CloudRunJob.schedule 'Stack/migrate/b': invalid schedulerJobName: must be unique per project and region, but CloudRunJob.schedule 'Stack/migrate/a' uses it too.",
    );
  });
});

describe("volumes", () => {
  test("a secret file, a writable bucket and scratch space: each granted exactly, before the job", () => {
    const { stack, job: j } = job({
      memory: "1Gi",
      volumes: [
        { path: "/secrets", volume: Volume.secret({ secret: "migrations-key", version: "2" }) },
        { path: "/scratch", volume: Volume.emptyDir({ sizeLimit: "128Mi" }) },
      ],
    });
    j.addVolume("/exports", Volume.cloudStorage({ bucket: "exports-bucket", readOnly: false }));
    const out = synth(stack);
    const res = only(out, "google_cloud_run_v2_job");
    const task = res.template.template;
    expect(task.volumes).toEqual([
      {
        name: expect.any(String),
        secret: { secret: "migrations-key", items: [{ path: expect.any(String), version: "2" }] },
      },
      { name: expect.any(String), empty_dir: { medium: "MEMORY", size_limit: "128Mi" } },
      { name: expect.any(String), gcs: { bucket: "exports-bucket", read_only: false } },
    ]);
    expect(task.containers[0].volume_mounts).toEqual(
      task.volumes.map((v: { name: string }, i: number) => ({
        name: v.name,
        mount_path: ["/secrets", "/scratch", "/exports"][i],
      })),
    );
    expect(Object.values(resources(out, "google_secret_manager_secret_iam_member"))).toEqual([
      expect.objectContaining({ secret_id: "migrations-key" }),
    ]);
    expect(Object.values(resources(out, "google_storage_bucket_iam_member"))).toEqual([
      expect.objectContaining({ bucket: "exports-bucket", role: "roles/storage.objectUser" }),
    ]);
    expect(res.depends_on).toHaveLength(2);
    expect(task.execution_environment).toBeUndefined();
  });

  test("a secret volume and a secret variable of one secret share one grant", () => {
    const { stack } = job({
      secrets: { KEY: { secret: "k", version: "1" } },
      volumes: [{ path: "/k", volume: Volume.secret({ secret: "k", version: "1" }) }],
    });
    const out = synth(stack);
    expect(Object.keys(resources(out, "google_secret_manager_secret_iam_member"))).toHaveLength(1);
  });

  test("a Cloud SQL volume: roles/cloudsql.client on the instance's project, allowed by the posture", () => {
    const { stack } = job({
      volumes: [
        {
          path: "/cloudsql",
          volume: Volume.cloudSql({ instances: ["db-project:europe-west1:db"] }),
        },
      ],
    });
    const out = synth(stack);
    expect(only(out, "google_project_iam_member")).toMatchObject({
      project: "db-project",
      role: "roles/cloudsql.client",
    });
    expect(SecurityPosture.of(stack).renderReport()).toContain(
      "`roles/cloudsql.client` on project `db-project`",
    );
  });

  test("mounts are checked with the job's names", () => {
    expect(() =>
      job({
        volumes: [
          { path: "/a", volume: Volume.emptyDir() },
          { path: "/a", volume: Volume.emptyDir() },
        ],
      }),
    ).toThrow(
      `${OWNER}: invalid volumes[1].path: must be unique per container: the job's container already mounts`,
    );
    expect(() =>
      job({ volumes: [{ path: "/tmp", volume: "emptyDir" as unknown as Volume }] }),
    ).toThrow(`${OWNER}: invalid volumes[0].volume: must be made with Volume.secret()`);
  });
});

describe("posture", () => {
  test("the report lists the job, its runners and its schedules", () => {
    const f = job();
    f.job.grantRun("serviceAccount:deployer@my-project.iam.gserviceaccount.com");
    f.job.schedule("nightly", { cron: "0 3 * * *", timeZone: "Europe/Paris" });
    const report = SecurityPosture.of(f.stack).renderReport();
    expect(report).toContain(
      "## Jobs\n\n| Job | Region | Image | Runtime user | Access | Schedules | Service account | Roles of the service account | Secrets |",
    );
    const row = report.split("\n").find((l) => l.startsWith("| `migrate`"))!;
    expect(row).toContain("private<br>runners: ");
    expect(row).toContain("`serviceAccount:deployer@my-project.iam.gserviceaccount.com`");
    expect(row).toMatch(
      /`0 3 \* \* \*` `Europe\/Paris` as `\$\{google_service_account\.[^}]+\.email\}` \(dedicated\)/,
    );
    expect(row).toContain("proven non-root");
    expect(report).not.toContain("## Worker pools");
    expect(SecurityPosture.of(f.stack).findings()).toEqual([]);
  });

  test("SEC002 covers the job's account and its scheduler's account", () => {
    const f = job();
    f.job.schedule("nightly", { cron: "0 3 * * *" });
    new ProjectIamMember(f.stack, "editor", {
      project: "my-project",
      role: "roles/editor",
      member: f.job.serviceAccountMember,
    });
    const schedulerAccount = f.job.node
      .findChild("nightly")
      .node.findChild("ServiceAccount") as unknown as { member: string };
    new ProjectIamMember(f.stack, "admin", {
      project: "my-project",
      role: "roles/run.admin",
      member: schedulerAccount.member,
    });
    const messages = SecurityPosture.of(f.stack)
      .findings()
      .map((x) => x.message);
    expect(messages).toEqual([
      expect.stringContaining(
        "[SEC002 PRIVILEGED_SERVICE_ACCOUNT] Stack/editor: grants roles/editor on project \"my-project\" to the runtime service account of CloudRunJob 'Stack/migrate'",
      ),
      expect.stringContaining(
        "[SEC002 PRIVILEGED_SERVICE_ACCOUNT] Stack/admin: grants roles/run.admin on project \"my-project\" to the scheduler service account of CloudRunJob 'Stack/migrate'",
      ),
    ]);
  });

  test("SEC004 and SEC005 cover hand-written jobs", () => {
    const f = fixture();
    new CloudRunV2Job(f.stack, "hand", {
      name: "hand",
      location: REGION,
      template: { template: { containers: [{ image: "busybox:1.36" }] } },
    });
    SecurityPosture.of(f.stack);
    const found = SecurityPosture.of(f.stack)
      .findings()
      .map((x) => x.message);
    expect(found).toEqual([
      "[SEC004 DEFAULT_SERVICE_ACCOUNT] Stack/hand: google_cloud_run_v2_job 'Stack/hand' has no service account set, so it runs as the project's default compute service account (which holds the Editor role by default). Fix: run it as a dedicated service account with no project roles: CloudRunService, CloudRunJob and WorkerPool create one when serviceAccountEmail is omitted; for a hand-written resource set template.service_account (template.template.service_account for a job). If the risk is intended, acknowledge it: SecurityPosture.of(stack).acknowledge(PostureRule.DEFAULT_SERVICE_ACCOUNT, \"<why>\").",
      expect.stringContaining(
        "[SEC005 UNPROVEN_NON_ROOT_IMAGE] Stack/hand: google_cloud_run_v2_job 'Stack/hand' runs the image \"busybox:1.36\", which was not built by a ContainerImage of this library",
      ),
    ]);
  });

  test("SEC001 covers hand-written public job bindings", () => {
    const { stack, job: j } = job();
    new CloudRunV2JobIamMember(stack, "public", {
      name: j.resource.name,
      location: REGION,
      role: "roles/run.developer",
      member: "allAuthenticatedUsers",
    });
    expect(
      SecurityPosture.of(stack)
        .findings()
        .map((x) => x.message),
    ).toEqual([
      expect.stringContaining(
        "[SEC001 PUBLIC_INVOKER] Stack/public: grants roles/run.developer to allAuthenticatedUsers on CloudRunJob 'Stack/migrate', so anyone holds that role on it; a job is never public on purpose.",
      ),
    ]);
  });
});

describe("jsii", () => {
  test("isCloudRunJob", () => {
    const { job: j, repository } = job();
    expect(CloudRunJob.isCloudRunJob(j)).toBe(true);
    expect(CloudRunJob.isCloudRunJob(repository)).toBe(false);
    expect(CloudRunJob.isCloudRunJob(undefined)).toBe(false);
  });

  test("props are required", () => {
    const f = fixture();
    expect(() => new CloudRunJob(f.stack, "j", undefined as unknown as CloudRunJobProps)).toThrow(
      "CloudRunJob 'Stack/j': invalid props: are required: { image, region, ... }. Got: undefined",
    );
  });
});
