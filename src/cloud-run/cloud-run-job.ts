import type { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import type { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import type { CloudSchedulerJob } from "@cdktf/provider-google/lib/cloud-scheduler-job";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { deriveAccountId } from "../iam/account-id";
import { bindingId } from "../iam/binding-id";
import { validateMember } from "../iam/members";
import type { ContainerImage } from "../image/container-image";
import { checkCloudRunImage, checkCommandLine } from "../run-contract/container";
import { DEFAULTS } from "../run-contract/defaults";
import { JOB_RESERVED_ENV_NAMES } from "../run-contract/environment";
import { EXECUTION_ENVIRONMENT_GEN2 } from "../run-contract/execution-environment";
import { CLIENT_FIELDS } from "../run-contract/ignore-changes";
import { resolveWorkloadName, validateLabels, WorkloadNameRule } from "../run-contract/metadata";
import { checkRegion, validateRegion } from "../run-contract/region";
import { resolveRuntime } from "../run-contract/resources";
import { SecretReference } from "../run-contract/secrets";
import { SingleContainer } from "../run-contract/single-container";
import { workloadIdentity } from "../run-contract/service-account";
import { durationSeconds } from "../run-contract/timeouts";
import { requireUniqueNames } from "../run-contract/unique-names";
import { renderVpcAccess, VpcAccess } from "../run-contract/vpc-access";
import { Volume, VolumeMount } from "../run-contract/volumes";
import { SecurityPosture } from "../security/security-posture";
import { PostureSchedule } from "../security/workload";
import { checkInteger, checkProps, invalidProp, isUnresolved, ownerName } from "../util/check";
import { nonEmptyMap } from "../util/maps";
import { sanitizeName } from "../util/names";
import {
  DEFAULT_TIME_ZONE,
  validateCron,
  validateSchedulerJobName,
  validateTimeZone,
} from "./schedule";

/**
 * Properties of a {@link CloudRunJob}.
 */
export interface CloudRunJobProps {
  /**
   * The image every task runs: a `ContainerImage` pushed to an Artifact Registry repository (it
   * runs pinned by digest), whose final stage is proven to run as a non-root user.
   */
  readonly image: ContainerImage;

  /**
   * The region of the job, e.g. `europe-west1`. A well-formed region that is not in the
   * library's list of Cloud Run regions is a synth warning naming the nearest known ones.
   */
  readonly region: string;

  /**
   * The project of the job, its service account and its IAM bindings.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The job name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not
   * ending with a hyphen. It must be unique per project and region.
   * @default - derived from the construct id: lowercased, other characters turned into `-`,
   * leading characters up to the first letter dropped, cut to 63 characters
   */
  readonly jobName?: string;

  /**
   * The CPU limit of each task: "1", "2", "4", "6" or "8" (jobs run in the second generation
   * execution environment, which takes whole CPUs).
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit of each task, e.g. "512Mi" or "2Gi", from 512Mi to 32Gi. Above 4Gi needs
   * 2 CPU, above 8Gi 4, above 16Gi 6, above 24Gi 8; 4 CPU needs 2Gi, 6 or 8 CPU need 4Gi.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * The number of tasks of each execution (1–10000). Each task knows its index from
   * `CLOUD_RUN_TASK_INDEX` and the count from `CLOUD_RUN_TASK_COUNT`.
   * @default 1
   */
  readonly taskCount?: number;

  /**
   * The most tasks that run at the same time, at most `taskCount`; 0 runs as many as Cloud Run
   * allows (the limit is a regional quota).
   * @default - as many as possible (Cloud Run's default)
   */
  readonly parallelism?: number;

  /**
   * How many times a failed task is retried (0–10).
   * @default 3
   */
  readonly maxRetries?: number;

  /**
   * How long one attempt of a task may run, in seconds: 1 to 604800 (168 hours). Each retry
   * gets the full timeout again.
   * @default 600
   */
  readonly taskTimeoutSeconds?: number;

  /**
   * Environment variables. Names are C identifiers; `PORT`, `K_SERVICE`, `K_REVISION`,
   * `K_CONFIGURATION` and the variables Cloud Run sets in tasks (`CLOUD_RUN_JOB`,
   * `CLOUD_RUN_EXECUTION`, `CLOUD_RUN_TASK_INDEX`, `CLOUD_RUN_TASK_ATTEMPT`,
   * `CLOUD_RUN_TASK_COUNT`) are reserved. At most 1000, together with `secrets`. Values are
   * stored in plain text in the Terraform configuration and state: use `secrets` for secrets.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secret Manager, by variable name. The job's identity gets
   * `roles/secretmanager.secretAccessor` on exactly these secrets.
   * @default - none
   */
  readonly secrets?: { [name: string]: SecretReference };

  /**
   * Volumes mounted into the job's container: `{ path, volume }` with a `Volume` (secret,
   * emptyDir, Cloud Storage, NFS, Cloud SQL). Each grants the job's identity exactly what it
   * needs on exactly its resource (see `Volume`); jobs always run in the second generation
   * execution environment, which every kind of volume works in.
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * The e-mail of an existing service account the tasks run as. Never a default compute or App
   * Engine service account (they hold the project Editor role).
   * @default - a dedicated service account is created, with no project-level roles
   */
  readonly serviceAccountEmail?: string;

  /**
   * Labels of the job (the Google Cloud label rules; no keys in the `run.googleapis.com`,
   * `cloud.googleapis.com`, `serving.knative.dev` or `autoscaling.knative.dev` namespaces).
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Direct VPC egress.
   * @default - no VPC access
   */
  readonly vpcAccess?: VpcAccess;

  /**
   * The command each task runs, replacing the image's `ENTRYPOINT`: a non-empty list, e.g.
   * `["/app/migrate"]`.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * The arguments, replacing the image's `CMD`, e.g. `["--to", "latest"]`.
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Whether Terraform refuses to delete the job. While true, `cdktf destroy` (or a change that
   * replaces the job) fails: set it to false and deploy first.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * When and where a scheduled execution of a {@link CloudRunJob} runs.
 */
export interface JobScheduleOptions {
  /**
   * The schedule in unix-cron format, five fields "minute hour day-of-month month day-of-week":
   * `*`, numbers, ranges (`1-5`), steps after `*` or a range (`*\/15`, `0-23/2`), lists
   * (`1,15`), and the names JAN–DEC and SUN–SAT (uppercase). E.g. "0 3 * * *" runs at 03:00
   * every day.
   */
  readonly cron: string;

  /**
   * The time zone the schedule is read in: a tz database name such as "Europe/Paris".
   * @default "Etc/UTC"
   */
  readonly timeZone?: string;

  /**
   * The region of the Cloud Scheduler job (a Cloud Scheduler location).
   * @default - the job's region
   */
  readonly region?: string;

  /**
   * The Cloud Scheduler job name: 1 to 500 letters, digits, `-` or `_`, unique per project and
   * region.
   * @default - `<job name>-<id>`
   */
  readonly schedulerJobName?: string;

  /**
   * Create the schedule paused (no executions until it is resumed).
   * @default false
   */
  readonly paused?: boolean;
}

const RUN_ROLE = "roles/run.invoker";
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JOB_MARK = Symbol.for("cdktf-cloud-run.CloudRunJob");

/**
 * Job names. The Cloud Run v2 API gives no rule for job ids
 * (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs/create); jobs are
 * RFC 1035 labels like the v1 API's Knative-style object names: lowercase letters, digits and
 * hyphens, starting with a letter, not ending with a hyphen, at most 63 characters (the same
 * bound other Cloud Run job clients use, e.g. PrefectHQ/prefect#20468).
 */
const JOB_NAME_RULE: WorkloadNameRule = { prop: "jobName", maxLength: 63 };

/**
 * The bounds of a job's tasks:
 * - task count: "up to 10,000 tasks" (https://cloud.google.com/run/docs/create-jobs);
 * - parallelism: "an integer between 0 and the maximum number of tasks running in parallel
 *   allowed by quota that don't exceed the number of tasks"
 *   (https://cloud.google.com/run/docs/configuring/parallelism);
 * - retries: "an integer from 0 to 10" (https://cloud.google.com/run/docs/configuring/max-retries);
 * - task timeout: 10 minutes by default, "up to 168 hours (7 days)"
 *   (https://cloud.google.com/run/docs/configuring/task-timeout); the provider takes it as a
 *   duration in seconds.
 */
const JOB_LIMITS = {
  taskCount: { min: 1, max: 10000 },
  maxRetries: { min: 0, max: 10 },
  taskTimeoutSeconds: { min: 1, max: 168 * 3600, note: "168 hours" },
  defaults: { taskCount: 1, maxRetries: 3, taskTimeoutSeconds: 600 },
};

/**
 * A Cloud Run job (`google_cloud_run_v2_job`): tasks that run a pushed `ContainerImage` to
 * completion, pinned by digest, as a non-root user, under their own service account with no
 * project-level roles.
 *
 * Nobody may run it until granted: `grantRun` gives `roles/run.invoker` on this job only, and
 * `schedule` runs it from Cloud Scheduler under a scheduler account that may run this job and
 * nothing else. Terraform creates and updates the job but never executes it (see the README's
 * "Jobs, scheduled jobs and worker pools" for running a migration in the deploy path).
 */
export class CloudRunJob extends Construct {
  /**
   * True when `x` is a CloudRunJob (also across copies of this library).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static isCloudRunJob(x: any): x is CloudRunJob {
    return typeof x === "object" && x !== null && JOB_MARK in x;
  }

  /** The `google_cloud_run_v2_job` resource (escape hatch). */
  public readonly resource: CloudRunV2Job;

  /** The job name. */
  public readonly jobName: string;

  /** The region of the job. */
  public readonly region: string;

  /** The e-mail of the service account the tasks run as. */
  public readonly serviceAccountEmail: string;

  /**
   * The dedicated service account (escape hatch).
   * @default - none when `serviceAccountEmail` was given
   */
  public readonly serviceAccount?: ServiceAccount;

  /** The image the tasks run. */
  public readonly image: ContainerImage;

  private readonly owner: string;
  private readonly project?: string;
  private readonly container: SingleContainer;
  private readonly runnerMembers = new Map<string, CloudRunV2JobIamMember>();
  private readonly postureSchedules: PostureSchedule[] = [];

  constructor(scope: Construct, id: string, props: CloudRunJobProps) {
    super(scope, id);
    Object.defineProperty(this, JOB_MARK, { value: true });
    const owner = ownerName("CloudRunJob", this.node.path);
    this.owner = owner;
    checkProps(owner, props, "{ image, region, ... }");

    // --- image: pushed to Artifact Registry, non-root
    checkCloudRunImage(owner, "image", props.image);
    this.image = props.image;

    // --- names and placement
    checkRegion(this, owner, props.region);
    const jobName = resolveWorkloadName(owner, id, props.jobName, JOB_NAME_RULE);
    this.jobName = jobName;
    this.region = props.region;
    this.project = props.project;
    validateLabels(owner, "labels", props.labels);

    // --- tasks
    const taskCount = props.taskCount ?? JOB_LIMITS.defaults.taskCount;
    checkInteger(owner, "taskCount", taskCount, JOB_LIMITS.taskCount);
    checkInteger(owner, "parallelism", props.parallelism, { min: 0 });
    if (
      props.parallelism !== undefined &&
      !isUnresolved(props.parallelism) &&
      !isUnresolved(taskCount) &&
      props.parallelism > taskCount
    ) {
      throw invalidProp(
        owner,
        "parallelism",
        `must not exceed taskCount (${taskCount}); 0 runs as many tasks at once as Cloud Run allows`,
        props.parallelism,
      );
    }
    const maxRetries = props.maxRetries ?? JOB_LIMITS.defaults.maxRetries;
    checkInteger(owner, "maxRetries", maxRetries, JOB_LIMITS.maxRetries);
    const taskTimeoutSeconds = props.taskTimeoutSeconds ?? JOB_LIMITS.defaults.taskTimeoutSeconds;
    checkInteger(owner, "taskTimeoutSeconds", taskTimeoutSeconds, JOB_LIMITS.taskTimeoutSeconds);

    // --- container
    // Jobs only use the second generation execution environment
    // (https://cloud.google.com/run/docs/about-execution-environments): memory from 512Mi, and
    // whole CPUs (https://cloud.google.com/run/docs/configuring/jobs/cpu; the provider's
    // `limits` documentation: "The only supported values for CPU are '1', '2', '4', and '8'").
    const runtime = resolveRuntime(owner, {
      cpu: props.cpu ?? DEFAULTS.cpu,
      memory: props.memory ?? DEFAULTS.memory,
      executionEnvironment: EXECUTION_ENVIRONMENT_GEN2,
      wholeCpuOnly: "a Cloud Run job takes whole CPUs",
    });
    const command = checkCommandLine(owner, "command", props.command);
    const args = checkCommandLine(owner, "args", props.args);
    const vpcAccess = renderVpcAccess(owner, props.vpcAccess);

    // --- environment and volumes (validated before anything is created)
    this.container = new SingleContainer(props, {
      owner,
      scope: this,
      label: "the job's container",
      memory: runtime.memory,
      environment: {
        alreadySet: "this variable is already set",
        reserved: { names: JOB_RESERVED_ENV_NAMES, reason: "Cloud Run sets them in every task" },
      },
    });

    // --- identity
    const identity = workloadIdentity(this, {
      owner,
      kind: "Cloud Run job",
      id,
      name: jobName,
      project: props.project,
      serviceAccountEmail: props.serviceAccountEmail,
    });
    this.serviceAccountEmail = identity.email;
    this.serviceAccount = identity.serviceAccount;

    // --- the job (its provider module loads with the first job)
    const { CloudRunV2Job: JobResource } = loadJobModule();
    this.resource = new JobResource(this, "Resource", {
      name: jobName,
      location: props.region,
      project: props.project,
      labels: nonEmptyMap(props.labels),
      deletionProtection: props.deletionProtection ?? true,
      template: {
        taskCount,
        parallelism: props.parallelism,
        template: {
          serviceAccount: this.serviceAccountEmail,
          maxRetries,
          timeout: durationSeconds(taskTimeoutSeconds),
          vpcAccess,
          volumes: this.container.renderVolumes(),
          containers: [
            this.container.render({ image: props.image.imageRef, runtime, command, args }),
          ],
        },
      },
      lifecycle: { ignoreChanges: [...CLIENT_FIELDS] },
    });

    this.container.bind(this.serviceAccountMember, props.project, this.resource);

    requireUniqueNames({
      construct: this,
      kind: "CloudRunJob",
      nameProp: "jobName",
      name: jobName,
      region: props.region,
      project: props.project,
      accountId: identity.accountId,
    });
    SecurityPosture.of(this)._addWorkload({
      construct: this,
      kind: "CloudRunJob",
      resource: this.resource,
      image: this.image,
      serviceAccountEmail: this.serviceAccountEmail,
      dedicatedServiceAccount: this.serviceAccount !== undefined,
      allowUnauthenticated: false,
      schedules: this.postureSchedules,
    });
  }

  /** The IAM member of the job's identity: `serviceAccount:<email>`. */
  public get serviceAccountMember(): string {
    return `serviceAccount:${this.serviceAccountEmail}`;
  }

  /** The members granted `roles/run.invoker` on the job, in the order granted. */
  public get runners(): string[] {
    return [...this.runnerMembers.keys()];
  }

  /** The names of the environment variables read from Secret Manager. */
  public get secretEnvironment(): string[] {
    return this.container.environment.container.secretNames;
  }

  /** The names of all environment variables (plain and from secrets). */
  public get environmentNames(): string[] {
    return this.container.environment.container.names;
  }

  /**
   * Adds a plain environment variable. The same rules as `environment` apply, and the name must
   * not be in use.
   */
  public addEnvironment(name: string, value: string): void {
    this.container.environment.addPlain(name, value);
  }

  /**
   * Adds an environment variable read from Secret Manager and grants the job's identity
   * `roles/secretmanager.secretAccessor` on that secret.
   */
  public addSecretEnvironment(name: string, secret: SecretReference): void {
    this.container.environment.addSecret(name, secret);
  }

  /**
   * Mounts `volume` at `path` in the job's container (the rules of `volumes`) and grants the
   * job's identity what the volume needs.
   */
  public addVolume(path: string, volume: Volume): void {
    this.container.addVolume(path, volume);
  }

  /**
   * Lets `member` execute this job: `roles/run.invoker` on this job only
   * (`google_cloud_run_v2_job_iam_member`). It holds `run.jobs.run`, which the Admin API's
   * `jobs.run` and `gcloud run jobs execute` need, and can be granted on a single job; running
   * with overrides (`run.jobs.runWithOverrides`) or cancelling executions is not included
   * (https://cloud.google.com/run/docs/execute/jobs,
   * https://cloud.google.com/run/docs/reference/iam/roles). Granting the same member twice
   * declares one binding.
   *
   * @param member an IAM member, e.g. `serviceAccount:deployer@my-project.iam.gserviceaccount.com`
   */
  public grantRun(member: string): void {
    validateMember(this.owner, "grantRun member", member);
    const id = bindingId(this, "Runner", member);
    if (this.runnerMembers.has(member) || this.node.tryFindChild(id) !== undefined) {
      return;
    }
    const { CloudRunV2JobIamMember: Member } = loadJobIamModule();
    const binding = new Member(this, id, {
      project: this.resource.project,
      location: this.resource.location,
      name: this.resource.name,
      role: RUN_ROLE,
      member,
    });
    this.runnerMembers.set(member, binding);
  }

  /**
   * Runs the job on a schedule: a Cloud Scheduler job (`google_cloud_scheduler_job`) that POSTs
   * to the Cloud Run Admin API's `jobs.run` (`https://run.googleapis.com/v2/projects/<project>/
   * locations/<region>/jobs/<job>:run`) with an OAuth token of a new service account made for
   * this schedule, which gets `roles/run.invoker` on this job and nothing else. The Cloud
   * Scheduler API must be enabled in the project.
   *
   * @param id the construct id of the schedule (it holds the scheduler job and its account)
   * @param options the cron schedule and its time zone
   * @returns the `google_cloud_scheduler_job` resource
   */
  public schedule(id: string, options: JobScheduleOptions): CloudSchedulerJob {
    const owner = ownerName("CloudRunJob.schedule", `${this.node.path}/${id}`);
    checkProps(owner, options, "{ cron, timeZone?, ... }");
    validateCron(owner, "cron", options.cron);
    const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    validateTimeZone(owner, "timeZone", timeZone);
    const region = options.region ?? this.region;
    validateRegion(owner, region);
    const name =
      options.schedulerJobName ?? `${this.jobName}-${sanitizeName(id, 400) || "schedule"}`;
    validateSchedulerJobName(owner, "schedulerJobName", name);

    const scope = new Construct(this, id);
    const knownJobName = !isUnresolved(this.jobName);
    const accountId = deriveAccountId(knownJobName ? `${this.jobName}-${id}` : id, scope.node.path);
    const account = new ServiceAccount(scope, "ServiceAccount", {
      accountId,
      project: this.project,
      displayName: knownJobName
        ? `Scheduler of Cloud Run job ${this.jobName}`
        : "Scheduler of a Cloud Run job",
      description:
        "Calls the Cloud Run Admin API to run one Cloud Run job on a schedule. Holds roles/run.invoker on that job only.",
    });
    const member = `serviceAccount:${account.email}`;
    this.grantRun(member);

    const { CloudSchedulerJob: SchedulerJob } = loadSchedulerModule();
    const job = new SchedulerJob(scope, "Resource", {
      name,
      region,
      project: this.project,
      schedule: options.cron,
      timeZone,
      paused: options.paused,
      description: `Runs Cloud Run job ${this.jobName}.`,
      httpTarget: {
        httpMethod: "POST",
        uri:
          `https://run.googleapis.com/v2/projects/${this.resource.project}` +
          `/locations/${this.resource.location}/jobs/${this.resource.name}:run`,
        oauthToken: { serviceAccountEmail: account.email, scope: CLOUD_PLATFORM_SCOPE },
      },
      // The first run must find the scheduler allowed to run the job.
      dependsOn: [this.runnerMembers.get(member)!],
    });

    requireUniqueNames({
      construct: scope,
      kind: "CloudRunJob.schedule",
      nameProp: "schedulerJobName",
      name,
      region,
      project: this.project,
      accountId,
    });
    this.postureSchedules.push({
      construct: job,
      serviceAccountEmail: account.email,
      dedicatedServiceAccount: true,
    });
    return job;
  }
}

/**
 * The provider modules of jobs and schedules, loaded on first use: programs without jobs never
 * load them, so importing the library costs what it did before jobs existed.
 */
function loadJobModule(): typeof import("@cdktf/provider-google/lib/cloud-run-v2-job") {
  return require("@cdktf/provider-google/lib/cloud-run-v2-job");
}

function loadJobIamModule(): typeof import("@cdktf/provider-google/lib/cloud-run-v2-job-iam-member") {
  return require("@cdktf/provider-google/lib/cloud-run-v2-job-iam-member");
}

function loadSchedulerModule(): typeof import("@cdktf/provider-google/lib/cloud-scheduler-job") {
  return require("@cdktf/provider-google/lib/cloud-scheduler-job");
}
