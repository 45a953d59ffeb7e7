/**
 * The schedules of a Cloud Run job: a Cloud Scheduler job that runs it through the Cloud Run
 * Admin API under a service account of its own, which may run that job and nothing else. The
 * checks of the cron expression, time zone and scheduler job name are in `schedule.ts`. This
 * module's `JobScheduleOptions` is re-exported by `src/index.ts`; the rest is internal.
 */
import type { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import type { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import type { CloudSchedulerJob } from "@cdktf/provider-google/lib/cloud-scheduler-job";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { deriveAccountId } from "../iam/account-id";
import { validateRegion } from "../run-contract/region";
import { requireUniqueNames } from "../run-contract/unique-names";
import { PostureSchedule } from "../security/workload";
import { checkProps, isUnresolved, ownerName } from "../util/check";
import { sanitizeName } from "../util/names";
import {
  DEFAULT_TIME_ZONE,
  validateCron,
  validateSchedulerJobName,
  validateTimeZone,
} from "./schedule";

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

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/**
 * What a schedule needs of the Cloud Run job it runs.
 * @internal
 */
export interface ScheduledJob {
  /** The `CloudRunJob` construct: the schedule's construct is its child. */
  readonly scope: Construct;
  readonly jobName: string;
  readonly region: string;
  readonly project?: string;
  readonly resource: CloudRunV2Job;
  /** Lets `member` run the job (`grantRun`) and gives the binding that does it. */
  readonly grantRun: (member: string) => CloudRunV2JobIamMember;
}

/**
 * A schedule of `job` (see `CloudRunJob.schedule`): its checks, the construct `id` holding the
 * scheduler's service account and the `google_cloud_scheduler_job`, and what the posture rules
 * see of it.
 * @internal
 */
export function scheduleJob(
  job: ScheduledJob,
  id: string,
  options: JobScheduleOptions,
): { readonly schedulerJob: CloudSchedulerJob; readonly posture: PostureSchedule } {
  const owner = ownerName("CloudRunJob.schedule", `${job.scope.node.path}/${id}`);
  checkProps(owner, options, "{ cron, timeZone?, ... }");
  validateCron(owner, "cron", options.cron);
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  validateTimeZone(owner, "timeZone", timeZone);
  const region = options.region ?? job.region;
  validateRegion(owner, region);
  const name = options.schedulerJobName ?? `${job.jobName}-${sanitizeName(id, 400) || "schedule"}`;
  validateSchedulerJobName(owner, "schedulerJobName", name);

  const scope = new Construct(job.scope, id);
  const knownJobName = !isUnresolved(job.jobName);
  const accountId = deriveAccountId(knownJobName ? `${job.jobName}-${id}` : id, scope.node.path);
  const account = new ServiceAccount(scope, "ServiceAccount", {
    accountId,
    project: job.project,
    displayName: knownJobName
      ? `Scheduler of Cloud Run job ${job.jobName}`
      : "Scheduler of a Cloud Run job",
    description:
      "Calls the Cloud Run Admin API to run one Cloud Run job on a schedule. Holds roles/run.invoker on that job only.",
  });
  const runBinding = job.grantRun(`serviceAccount:${account.email}`);

  const { CloudSchedulerJob: SchedulerJob } = loadSchedulerModule();
  const schedulerJob = new SchedulerJob(scope, "Resource", {
    name,
    region,
    project: job.project,
    schedule: options.cron,
    timeZone,
    paused: options.paused,
    description: `Runs Cloud Run job ${job.jobName}.`,
    httpTarget: {
      httpMethod: "POST",
      uri:
        `https://run.googleapis.com/v2/projects/${job.resource.project}` +
        `/locations/${job.resource.location}/jobs/${job.resource.name}:run`,
      oauthToken: { serviceAccountEmail: account.email, scope: CLOUD_PLATFORM_SCOPE },
    },
    // The first run must find the scheduler allowed to run the job.
    dependsOn: [runBinding],
  });

  requireUniqueNames({
    construct: scope,
    kind: "CloudRunJob.schedule",
    nameProp: "schedulerJobName",
    name,
    region,
    project: job.project,
    accountId,
  });
  return {
    schedulerJob,
    posture: {
      construct: schedulerJob,
      serviceAccountEmail: account.email,
      dedicatedServiceAccount: true,
    },
  };
}

/**
 * The provider module of schedules, loaded on first use: programs without schedules never load
 * it, so importing the library costs what it did before jobs existed.
 */
function loadSchedulerModule(): typeof import("@cdktf/provider-google/lib/cloud-scheduler-job") {
  return require("@cdktf/provider-google/lib/cloud-scheduler-job");
}
