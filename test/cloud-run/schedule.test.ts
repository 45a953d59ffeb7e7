import fc from "fast-check";
import {
  cronProblem,
  validateCron,
  validateSchedulerJobName,
  validateTimeZone,
} from "../../src/cloud-run/schedule";
import { Token } from "cdktf";

const O = "CloudRunJob.schedule 'S/j/s'";
const SEED = { seed: 20261206, numRuns: 500 };

/** The fields as Cloud Scheduler documents them: bounds and names. */
const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  { min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];
type Field = (typeof FIELDS)[number];

/** A value of a field: a number, or its name where the field has names. */
function value(field: Field, n: number): fc.Arbitrary<string> {
  const names = field.names;
  const name = names !== undefined ? names[n - field.min] : undefined;
  return name !== undefined ? fc.constantFrom(String(n), name) : fc.constant(String(n));
}

/** One valid list element of a field: *, a value, a range, with an optional step after * or a range. */
function element(field: Field): fc.Arbitrary<string> {
  const n = fc.integer({ min: field.min, max: field.max });
  const step = fc.option(fc.integer({ min: 1, max: field.max }), { nil: undefined });
  const range = fc
    .tuple(n, n)
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)])
    .chain(([a, b]) => fc.tuple(value(field, a), value(field, b)))
    .map(([a, b]) => `${a}-${b}`);
  return fc.oneof(
    n.chain((v) => value(field, v)),
    fc.tuple(fc.constant("*"), step).map(([s, k]) => (k === undefined ? s : `${s}/${k}`)),
    fc.tuple(range, step).map(([r, k]) => (k === undefined ? r : `${r}/${k}`)),
  );
}

const validCron = fc
  .tuple(
    ...FIELDS.map((field) =>
      fc.array(element(field), { minLength: 1, maxLength: 3 }).map((e) => e.join(",")),
    ),
  )
  .map((fields) => fields.join(" "));

describe("cron (unix-cron as Cloud Scheduler reads it)", () => {
  test.each([
    "* * * * *",
    "0 3 * * *",
    "*/15 * * * *",
    "0 0-23/2 * * *",
    "30 6 * JAN-NOV MON-FRI",
    "0 9 1,15 * 1-5",
    "59 23 31 12 7",
    "0 0 * * SUN",
    "5-10/5 * * * *",
  ])("accepts %s", (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  test.each([
    ["0 3 * *", "it has 4 fields, not 5"],
    ["0 0 3 * * *", "it has 6 fields, not 5"],
    ["", "it has 1 field, not 5"],
    [" 0 3 * * *", "fields are separated by single spaces, with none before or after"],
    ["0  3 * * *", "fields are separated by single spaces"],
    ["0\t3 * * *", "fields are separated by single spaces"],
    ["60 * * * *", 'in the minute field, "60" is out of range (0-59)'],
    ["* 24 * * *", 'in the hour field, "24" is out of range (0-23)'],
    ["* * 0 * *", 'in the day of the month field, "0" is out of range (1-31)'],
    ["* * * 13 *", 'in the month field, "13" is out of range (1-12 or JAN-DEC)'],
    [
      "* * * * 8",
      'in the day of the week field, "8" is out of range (0-6 or SUN-SAT, 7 for Sunday)',
    ],
    ["* * * jan *", 'in the month field, "jan": names are uppercase ("JAN")'],
    ["* * * * MON-fri", 'in the day of the week field, "fri": names are uppercase ("FRI")'],
    ["* * * JAN-DEC SUNDAY", 'in the day of the week field, "SUNDAY" is not a value'],
    ["* * * * JAN", 'in the day of the week field, "JAN" is not a value of the day of the week'],
    ["* * L * *", 'in the day of the month field, "L" is not a value'],
    ["* * ? * *", '"?" is not a value'],
    ["* * * * 1#2", '"1#2" is not a value'],
    ["* * 15W * *", '"15W" is not a value'],
    ["5-1 * * * *", 'in the minute field, the range "5-1" runs backwards'],
    ["FRI-MON * * * *", '"FRI" is not a value of the minute'],
    ["* * * * FRI-MON", 'the range "FRI-MON" runs backwards'],
    ["5/15 * * * *", '"5/15": a step (/N) follows "*" or a range, not a single value'],
    ["*/0 * * * *", 'the step in "*/0" must be a whole number from 1 to 59'],
    ["*/60 * * * *", 'the step in "*/60" must be a whole number from 1 to 59'],
    ["*/a * * * *", 'the step in "*/a"'],
    ["*/2/3 * * * *", 'has more than one "/"'],
    ["1-2-3 * * * *", '"1-2-3" is not a value or a range'],
    ["-1 * * * *", '"-1" is not a value or a range'],
    ["1, * * * *", 'the minute field "1," has an empty list item'],
    ["+1 * * * *", '"+1" is not a value of the minute'],
    ["every 5 minutes", 'the English-like format ("every 5 minutes") is not accepted here'],
    ["@daily", "it has 1 field, not 5"],
  ])("refuses %j: %s", (cron, problem) => {
    expect(cronProblem(cron)).toContain(problem);
  });

  test("property: every schedule built from the documented grammar is accepted", () => {
    fc.assert(
      fc.property(validCron, (cron) => cronProblem(cron) === undefined),
      SEED,
    );
  });

  test("property: a value above a field's maximum is refused, naming the field", () => {
    const names = ["minute", "hour", "day of the month", "month", "day of the week"];
    fc.assert(
      fc.property(
        validCron,
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (cron, index, above) => {
          const fields = cron.split(" ");
          fields[index] = String(FIELDS[index].max + above);
          const problem = cronProblem(fields.join(" "));
          return (
            problem !== undefined &&
            (problem.startsWith(`in the ${names[index]} field, `) || /is not a value/.test(problem))
          );
        },
      ),
      SEED,
    );
  });

  test("property: a valid schedule with a field removed or added is refused", () => {
    fc.assert(
      fc.property(validCron, fc.boolean(), (cron, drop) => {
        const fields = cron.split(" ");
        const changed = drop ? fields.slice(1) : [...fields, "*"];
        return cronProblem(changed.join(" ")) === `it has ${changed.length} fields, not 5`;
      }),
      SEED,
    );
  });

  test("property: any string without a problem splits into five fields of the allowed characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        if (cronProblem(text) !== undefined) {
          return true;
        }
        const fields = text.split(" ");
        return fields.length === 5 && fields.every((f) => /^[0-9A-Z*,/-]+$/.test(f));
      }),
      SEED,
    );
  });

  test("validateCron: the library's message, and tokens are skipped", () => {
    expect(() => validateCron(O, "cron", "0 25 * * *")).toThrow(
      `${O}: invalid cron: must be a unix-cron schedule of five fields, "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *" for 03:00 every day), as Cloud Scheduler reads it: in the hour field, "25" is out of range (0-23). Got: "0 25 * * *"`,
    );
    expect(() => validateCron(O, "cron", Token.asString({ resolve: () => "x" }))).not.toThrow();
    expect(() => validateCron(O, "cron", 5 as unknown as string)).toThrow("it is not a string");
  });
});

describe("time zone", () => {
  test("every zone Node.js lists, and the aliases Etc/UTC and UTC, are accepted", () => {
    for (const zone of ["Etc/UTC", "UTC", ...Intl.supportedValuesOf("timeZone")]) {
      expect(() => validateTimeZone(O, "timeZone", zone)).not.toThrow();
    }
  });

  test.each([
    ["Europe/Pairs", 'did you mean "Europe/Paris"'],
    ["europe/paris", 'names are case-sensitive: did you mean "Europe/Paris"?'],
    ["UTC+1", "must be a time zone name of the tz database"],
    ["+01:00", "must be a time zone name of the tz database"],
    ["", "must be a time zone name of the tz database"],
    ["Mars/Olympus_Mons", "did you mean"],
  ])("refuses %j", (zone, message) => {
    expect(() => validateTimeZone(O, "timeZone", zone)).toThrow(`${O}: invalid timeZone: `);
    expect(() => validateTimeZone(O, "timeZone", zone)).toThrow(message);
  });

  test("property: a listed zone with a letter's case flipped is refused, naming the zone", () => {
    const zones = Intl.supportedValuesOf("timeZone").filter((z) => /^[A-Z][a-z]/.test(z));
    fc.assert(
      fc.property(fc.constantFrom(...zones), (zone) => {
        const flipped = zone[0].toLowerCase() + zone.slice(1);
        try {
          validateTimeZone(O, "timeZone", flipped);
          return false;
        } catch (e) {
          return (e as Error).message.includes("names are case-sensitive");
        }
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe("scheduler job name", () => {
  test.each(["nightly", "Migrate_DB-1", "a".repeat(500)])("accepts %j", (name) => {
    expect(() => validateSchedulerJobName(O, "schedulerJobName", name)).not.toThrow();
  });

  test.each(["", "a b", "a.b", "a".repeat(501), "naïve"])("refuses %j", (name) => {
    expect(() => validateSchedulerJobName(O, "schedulerJobName", name)).toThrow(
      `${O}: invalid schedulerJobName: must be 1 to 500 letters, digits, "-" or "_".`,
    );
  });
});
