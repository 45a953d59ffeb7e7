/**
 * What a job's schedule is checked against: Cloud Scheduler's unix-cron format, time zone names
 * of the tz database, and scheduler job names. This module is not re-exported by
 * `src/index.ts`.
 *
 * Sources:
 * - [cron]  https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules ("A schedule
 *           is defined using the unix-cron string format (* * * * *) which is a set of five
 *           fields": minute 0-59, hour 0-23, day of the month 1-31, month 1-12 (or JAN to DEC),
 *           day of the week 0-6 (or SUN to SAT; or 7 for Sunday); `*` stands for first-last;
 *           ranges are two numbers separated with a hyphen, inclusive; "Following a range with
 *           /NUMBER specifies skips of the number's value through the range", e.g. `0-23/2` and
 *           `*\/2`; a list is numbers or ranges separated by commas; names are "the first three
 *           letters ... in uppercase"; "Cloud Scheduler does not support using L").
 * - [zone]  the same page ("The default time-zone is Etc/UTC") and the provider documentation of
 *           `google_cloud_scheduler_job.time_zone` ("must be a time zone name from the tz
 *           database").
 * - [name]  https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs
 *           (`JOB_ID` "can contain only letters ([A-Za-z]), numbers ([0-9]), hyphens (-), or
 *           underscores (_). The maximum length is 500 characters.")
 *
 * The cron check is written here rather than taken from an npm package: the maintained parsers
 * (cron-parser, croner, cron-validator) accept a wider dialect than Cloud Scheduler (seconds
 * fields, `L`, `W`, `#`, `?`, lowercase names, steps on single values), so they would pass
 * schedules that the Cloud Scheduler API refuses at apply; the five-field grammar above is
 * short, and every runtime dependency of this package has to be bundled for jsii.
 * @internal
 */
import { checkText, invalidProp, isUnresolved, matches } from "../util/check";

/** One field of a unix-cron schedule. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names of the values from `min` (month: JAN = 1; day of the week: SUN = 0). */
  readonly names?: readonly string[];
  /** The allowed values as the message states them. */
  readonly allowed: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The five fields, in order. [cron] */
const CRON_FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59, allowed: "0-59" },
  { name: "hour", min: 0, max: 23, allowed: "0-23" },
  { name: "day of the month", min: 1, max: 31, allowed: "1-31" },
  { name: "month", min: 1, max: 12, names: MONTHS, allowed: "1-12 or JAN-DEC" },
  {
    name: "day of the week",
    min: 0,
    max: 7,
    names: DAYS,
    allowed: "0-6 or SUN-SAT, 7 for Sunday",
  },
];

/** The value of one number or name of a field, or a problem. */
function cronValue(field: CronField, text: string): number | string {
  if (/^[0-9]{1,2}$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max
      ? value
      : `${JSON.stringify(text)} is out of range (${field.allowed})`;
  }
  if (field.names !== undefined && /^[A-Za-z]{3}$/.test(text)) {
    const index = field.names.indexOf(text);
    if (index >= 0) {
      return field.min + index;
    }
    if (field.names.includes(text.toUpperCase())) {
      return `${JSON.stringify(text)}: names are uppercase (${JSON.stringify(text.toUpperCase())})`;
    }
  }
  return `${JSON.stringify(text)} is not a value of the ${field.name} (${field.allowed})`;
}

/** The problem with one comma-separated element of a field, or undefined. */
function cronElementProblem(field: CronField, element: string): string | undefined {
  const [base, step, ...extra] = element.split("/");
  if (extra.length > 0) {
    return `${JSON.stringify(element)} has more than one "/"`;
  }
  let isRange = base === "*";
  if (!isRange) {
    const bounds = base.split("-");
    if (bounds.length > 2 || bounds.some((b) => b === "")) {
      return `${JSON.stringify(base)} is not a value or a range such as 1-5`;
    }
    const values = bounds.map((b) => cronValue(field, b));
    const problem = values.find((v): v is string => typeof v === "string");
    if (problem !== undefined) {
      return problem;
    }
    if (values.length === 2) {
      isRange = true;
      if ((values[0] as number) > (values[1] as number)) {
        return `the range ${JSON.stringify(base)} runs backwards`;
      }
    }
  }
  if (step !== undefined) {
    if (!isRange) {
      return `${JSON.stringify(element)}: a step (/N) follows "*" or a range, not a single value`;
    }
    if (!/^[0-9]{1,2}$/.test(step) || Number(step) < 1 || Number(step) > field.max) {
      return `the step in ${JSON.stringify(element)} must be a whole number from 1 to ${field.max}`;
    }
  }
  return undefined;
}

/**
 * Why `schedule` is not a five-field unix-cron schedule as Cloud Scheduler accepts it, or
 * undefined when it is one. [cron]
 * @internal
 */
export function cronProblem(schedule: string): string | undefined {
  if (typeof schedule !== "string") {
    return "it is not a string";
  }
  if (/^\s*every\b/i.test(schedule)) {
    return 'the English-like format ("every 5 minutes") is not accepted here: write the schedule in unix-cron, e.g. "*/5 * * * *"';
  }
  if (schedule.trim() !== schedule || /\s\s|[\t\n\r]/.test(schedule)) {
    return "fields are separated by single spaces, with none before or after";
  }
  const fields = schedule.split(" ");
  if (fields.length !== CRON_FIELDS.length) {
    return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}, not 5`;
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const text = fields[index];
    for (const element of text.split(",")) {
      if (element === "") {
        return `the ${field.name} field ${JSON.stringify(text)} has an empty list item`;
      }
      const problem = cronElementProblem(field, element);
      if (problem !== undefined) {
        return `in the ${field.name} field, ${problem}`;
      }
    }
  }
  return undefined;
}

/**
 * A job schedule in unix-cron format. Skipped for tokens. [cron]
 * @internal
 */
export function validateCron(owner: string, prop: string, schedule: string): void {
  if (isUnresolved(schedule)) {
    return;
  }
  const problem = cronProblem(schedule);
  if (problem !== undefined) {
    throw invalidProp(
      owner,
      prop,
      `must be a unix-cron schedule of five fields, "minute hour day-of-month month day-of-week" ` +
        `(e.g. "0 3 * * *" for 03:00 every day), as Cloud Scheduler reads it: ${problem}`,
      schedule,
    );
  }
}

/** Cloud Scheduler's default time zone. [zone] @internal */
export const DEFAULT_TIME_ZONE = "Etc/UTC";

/** Segments of tz database names start with an uppercase letter: `America/Port-au-Prince`. */
const TIME_ZONE_PATTERN = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** The zone this Node.js knows by `name` (case-insensitively), or undefined. */
function knownZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * A time zone name of the tz database, as Cloud Scheduler's `time_zone` takes it: checked
 * against the tz database that Node.js ships (ICU's, updated with every Node.js release;
 * `Intl.DateTimeFormat` accepts canonical names and their aliases such as `Etc/UTC`, `UTC` and
 * `Asia/Calcutta`), case-sensitively, offsets such as `+01:00` refused. An unknown name is an
 * error rather than a warning: Cloud Scheduler would refuse it at apply, a typo is far likelier
 * than a zone newer than the Node.js release, and the tz database adds zones about once a year.
 * Skipped for tokens. [zone]
 * @internal
 */
export function validateTimeZone(owner: string, prop: string, name: string): void {
  if (isUnresolved(name)) {
    return;
  }
  const allowed =
    'must be a time zone name of the tz database, such as "Etc/UTC", "Europe/Paris" or "America/New_York"';
  if (typeof name !== "string") {
    throw invalidProp(owner, prop, allowed, name);
  }
  const zone = knownZone(name);
  if (zone !== undefined && TIME_ZONE_PATTERN.test(name)) {
    return;
  }
  let hint = "";
  if (zone !== undefined) {
    // Known in another case: suggest the canonical spelling.
    hint = `; names are case-sensitive: did you mean ${JSON.stringify(zone)}?`;
  } else if (/^[A-Za-z]/.test(name)) {
    // Loaded for the first unknown name only.
    const { nearest } = require("../util/edit-distance") as typeof import("../util/edit-distance");
    const candidates = [DEFAULT_TIME_ZONE, "UTC", ...Intl.supportedValuesOf("timeZone")];
    const list = nearest(name, candidates, 3).map((c) => JSON.stringify(c));
    hint = `; did you mean ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}?`;
  }
  throw invalidProp(owner, prop, `${allowed}${hint}`, name);
}

const SCHEDULER_JOB_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** @internal */
export const SCHEDULER_JOB_NAME_MAX_LENGTH = 500;

/**
 * A Cloud Scheduler job name: 1 to 500 letters, digits, `-` or `_`. Skipped for tokens. [name]
 * @internal
 */
export function validateSchedulerJobName(owner: string, prop: string, name: string): void {
  checkText(
    owner,
    prop,
    name,
    `must be 1 to ${SCHEDULER_JOB_NAME_MAX_LENGTH} letters, digits, "-" or "_"`,
    matches(SCHEDULER_JOB_NAME_PATTERN, SCHEDULER_JOB_NAME_MAX_LENGTH),
  );
}
