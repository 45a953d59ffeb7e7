import type { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import type { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import type { CloudSchedulerJob } from "@cdktf/provider-google/lib/cloud-scheduler-job";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { MemberBindings, RUN_INVOKER_ROLE } from "../iam/member-bindings";
import type { ContainerImage } from "../image/container-image";
import { checkCloudRunImage, checkCommandLine } from "../run-contract/container";
import { DEFAULTS } from "../run-contract/defaults";
import { JOB_RESERVED_ENV_NAMES } from "../run-contract/environment";
import { EXECUTION_ENVIRONMENT_GEN2 } from "../run-contract/execution-environment";
import { CLIENT_FIELDS } from "../run-contract/ignore-changes";
import { resolveWorkloadName, validateLabels, WorkloadNameRule } from "../run-contract/metadata";
import { checkRegion } from "../run-contract/region";
import { resolveRuntime } from "../run-contract/resources";
import { SecretReference } from "../run-contract/secrets";
import { SingleContainer } from "../run-contract/single-container";
import { workloadIdentity } from "../run-contract/service-account";
import { durationSeconds } from "../run-contract/timeouts";
import { requireUniqueNames } from "../run-contract/unique-names";
import { renderVpcAccess } from "../run-contract/vpc-access";
import { Volume } from "../run-contract/volumes";
import { SecurityPosture } from "../security/security-posture";
import { PostureSchedule } from "../security/workload";
import { checkInteger, checkProps, invalidProp, isUnresolved, ownerName } from "../util/check";
import { nonEmptyMap } from "../util/maps";
import { CloudRunJobProps } from "./cloud-run-job-props";
import { JobScheduleOptions, scheduleJob } from "./job-schedule";

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

  private readonly project?: string;
  private readonly container: SingleContainer;
  private readonly runnerBindings: MemberBindings<CloudRunV2JobIamMember>;
  private readonly postureSchedules: PostureSchedule[] = [];

  constructor(scope: Construct, id: string, props: CloudRunJobProps) {
    super(scope, id);
    Object.defineProperty(this, JOB_MARK, { value: true });
    const owner = ownerName("CloudRunJob", this.node.path);
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
    this.runnerBindings = new MemberBindings(
      this,
      owner,
      "grantRun member",
      "Runner",
      (id, member) => {
        const { CloudRunV2JobIamMember: Member } = loadJobIamModule();
        return new Member(this, id, {
          project: this.resource.project,
          location: this.resource.location,
          name: this.resource.name,
          role: RUN_INVOKER_ROLE,
          member,
        });
      },
    );

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
    return this.runnerBindings.members;
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
    this.runnerBindings.grant(member);
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
    const { schedulerJob, posture } = scheduleJob(
      {
        scope: this,
        jobName: this.jobName,
        region: this.region,
        project: this.project,
        resource: this.resource,
        grantRun: (member) => this.runnerBindings.grant(member),
      },
      id,
      options,
    );
    this.postureSchedules.push(posture);
    return schedulerJob;
  }
}

/**
 * The provider modules of jobs, loaded on first use: programs without jobs never load them, so
 * importing the library costs what it did before jobs existed (schedules: `job-schedule.ts`).
 */
function loadJobModule(): typeof import("@cdktf/provider-google/lib/cloud-run-v2-job") {
  return require("@cdktf/provider-google/lib/cloud-run-v2-job");
}

function loadJobIamModule(): typeof import("@cdktf/provider-google/lib/cloud-run-v2-job-iam-member") {
  return require("@cdktf/provider-google/lib/cloud-run-v2-job-iam-member");
}
