/**
 * 60 valid configurations drawn from the property-test arbitraries (every prop of CloudRunApp,
 * CloudRunService, DockerRepository and LocalService exercised), in stacks of 12: each stack
 * must pass `terraform validate` and `terraform plan` with the real providers, and the plan
 * must carry every literal value the library wrote.
 */
import { addConfigurationStacks, configurations } from "./support/configurations";
import { compareWithPlan } from "./support/plan-values";
import { expectValid, plan, prepare, synthApp } from "./support/terraform";

const COUNT = 60;
const PER_STACK = 12;

const all = configurations(COUNT);
const stacks = synthApp((app) => addConfigurationStacks(app, all, PER_STACK), "real-generated-");

test(`${COUNT} configurations in ${stacks.length} stacks, each kind a third`, () => {
  expect(stacks).toHaveLength(COUNT / PER_STACK);
  expect(all.filter((c) => c.kind === "app")).toHaveLength(COUNT / 3);
  expect(all.filter((c) => c.kind === "service")).toHaveLength(COUNT / 3);
  expect(all.filter((c) => c.kind === "local")).toHaveLength(COUNT / 3);
});

describe.each(stacks.map((s) => [s.name, s] as const))("%s", (_name, stack) => {
  test("terraform validate: valid, no diagnostics", () => {
    prepare(stack);
    expectValid(stack.dir);
  });

  test("terraform plan: every resource planned, literal values unchanged", () => {
    const planned = plan(stack.dir);
    const { missing, mismatches } = compareWithPlan(stack.json, planned);
    expect(missing).toEqual([]);
    expect(mismatches).toEqual([]);
  });
});
