/**
 * One pass over a stack's constructs that collects what the security posture rules and the
 * report need: the library's workloads (registered with the stack's `SecurityPosture`) and the
 * schedules of its jobs, every Cloud Run service, job and worker pool resource (also the ones
 * written by hand), every IAM grant, service account keys and container images.
 *
 * Configuration is read through the provider classes' `*Input` getters (and the escape-hatch
 * overrides on top of them), duck-typed by `terraformResourceType`, so no IAM class has to be
 * imported and nothing is rendered with `toTerraform()`.
 * @internal
 */
import { TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { PostureImage, PostureSchedule, PostureWorkload } from "../workload";
import { addressOf, config, isObject, read, stringList, TokenResolver } from "./config-reader";
import { Grant, levelOf, normalizeMember, policyBindings, targetOf } from "./grants";
import { RunResource, runKindOf, runResourceOf } from "./run-resources";

const KEY_TYPE = "google_service_account_key";
const IAM_POLICY_DATA_SOURCE = "google_iam_policy";
const IAM_TYPE = /_iam_(member|binding|policy)$/;

/** A workload of the library and its runtime identity. @internal */
export interface WorkloadEntry {
  readonly workload: PostureWorkload;
  readonly allowUnauthenticated: boolean;
  /** The member strings (resolved, normalized) that denote the service's runtime account. */
  readonly identities: string[];
  /** The resolved service account e-mail. */
  readonly email?: string;
}

/** A schedule of a library job and the identity its scheduler calls with. @internal */
export interface ScheduleEntry {
  readonly schedule: PostureSchedule;
  /** The job it runs. */
  readonly workload: PostureWorkload;
  /** The member strings (resolved, normalized) that denote the scheduler's account. */
  readonly identities: string[];
  /** The resolved service account e-mail. */
  readonly email?: string;
}

/** Everything the rules and the report look at. @internal */
export interface StackModel {
  readonly stack: TerraformStack;
  readonly workloads: WorkloadEntry[];
  /** The schedules of the library's jobs. */
  readonly schedules: ScheduleEntry[];
  readonly runResources: RunResource[];
  readonly grants: Grant[];
  readonly keys: Array<{ construct: IConstruct; target?: string }>;
  /** Images built by the library, by their configured and their resolved `imageRef`. */
  readonly imagesByRef: Map<string, PostureImage>;
}

/** The member strings that denote a service account, from its resolved e-mail. */
function identitiesOf(email: string | undefined): string[] {
  const identities = new Set<string>();
  if (email !== undefined) {
    identities.add(normalizeMember(`serviceAccount:${email}`));
    const reference = /^\$\{(google_service_account\.[^.}]+)\.email\}$/.exec(email);
    if (reference) {
      identities.add(`\${${reference[1]}.member}`);
    }
  }
  return [...identities];
}

function workloadEntry(r: TokenResolver, workload: PostureWorkload): WorkloadEntry {
  const email = r.text(workload.serviceAccountEmail);
  return {
    workload,
    allowUnauthenticated: workload.allowUnauthenticated === true,
    identities: identitiesOf(email),
    email,
  };
}

function scheduleEntries(r: TokenResolver, workload: PostureWorkload): ScheduleEntry[] {
  return (workload.schedules ?? []).map((schedule) => {
    const email = r.text(schedule.serviceAccountEmail);
    return { schedule, workload, identities: identitiesOf(email), email };
  });
}

/**
 * Walks the stack once and collects the model. `workloads` are the library's workloads of the
 * stack, by construct.
 * @internal
 */
export function inspectStack(
  stack: TerraformStack,
  workloads: ReadonlyMap<IConstruct, PostureWorkload>,
): StackModel {
  const r = new TokenResolver(stack);
  const entries: WorkloadEntry[] = [];
  const schedules: ScheduleEntry[] = [];
  const ownerOf = new Map<IConstruct, PostureWorkload>();
  const runConstructs: Array<{ construct: IConstruct; type: string; address: string }> = [];
  const iamConstructs: Array<{ construct: IConstruct; type: string }> = [];
  const keys: StackModel["keys"] = [];
  const images: PostureImage[] = [];
  const policyDataSources = new Map<string, IConstruct>();

  for (const construct of stack.node.findAll()) {
    const workload = workloads.get(construct);
    if (workload !== undefined) {
      entries.push(workloadEntry(r, workload));
      schedules.push(...scheduleEntries(r, workload));
      ownerOf.set(workload.resource, workload);
      continue;
    }
    if (isPostureImage(construct)) {
      images.push(construct);
      continue;
    }
    const type = read(construct, "terraformResourceType");
    if (typeof type !== "string") {
      continue;
    }
    if (TerraformDataSource.isTerraformDataSource(construct)) {
      if (type === IAM_POLICY_DATA_SOURCE) {
        const address = addressOf(construct, type, true);
        if (address !== undefined) {
          policyDataSources.set(address, construct);
        }
      }
      continue;
    }
    if (!TerraformResource.isTerraformResource(construct)) {
      continue;
    }
    if (runKindOf(type) !== undefined) {
      const address = addressOf(construct, type, false);
      if (address !== undefined) {
        runConstructs.push({ construct, type, address });
      }
    } else if (type === KEY_TYPE) {
      keys.push({
        construct,
        target: r.text(config(construct, "serviceAccountIdInput", ["service_account_id"])),
      });
    } else if (IAM_TYPE.test(type)) {
      iamConstructs.push({ construct, type });
    }
  }

  const runResources = runConstructs.map((c) =>
    runResourceOf(r, c.construct, c.type, c.address, ownerOf.get(c.construct)),
  );

  const grants: Grant[] = [];
  for (const { construct, type } of iamConstructs) {
    const level = levelOf(type);
    const { target, kind } = targetOf(r, construct, type, level);
    const base = { construct, type, level, target, targetKind: kind };
    if (type.endsWith("_iam_policy")) {
      const data = r.text(config(construct, "policyDataInput", ["policy_data"]));
      for (const b of policyBindings(r, data, policyDataSources)) {
        grants.push({ ...base, role: b.role, members: b.members.map(normalizeMember) });
      }
      continue;
    }
    const roleValue = r.text(config(construct, "roleInput", ["role"]));
    const members = type.endsWith("_iam_binding")
      ? stringList(r, config(construct, "membersInput", ["members"]))
      : stringList(r, config(construct, "memberInput", ["member"]));
    grants.push({ ...base, role: roleValue, members: members.map(normalizeMember) });
  }

  const imagesByRef = new Map<string, PostureImage>();
  const workloadImages = entries.flatMap((e) => [
    e.workload.image,
    ...(e.workload.sidecars ?? []).map((s) => s.image),
  ]);
  for (const image of [...images, ...workloadImages]) {
    const ref = read(image, "imageRef");
    if (typeof ref !== "string") {
      continue;
    }
    imagesByRef.set(ref, image);
    const resolved = r.text(ref);
    if (resolved !== undefined) {
      imagesByRef.set(resolved, image);
    }
  }

  return { stack, workloads: entries, schedules, runResources, grants, keys, imagesByRef };
}

/** An image of this library (by its shape, so copies of the library count too). */
function isPostureImage(construct: IConstruct): construct is PostureImage {
  const runtimeUser = read(construct, "runtimeUser");
  return (
    typeof read(construct, "imageRef") === "string" &&
    typeof read(construct, "tag") === "string" &&
    typeof read(construct, "localImageName") === "string" &&
    isObject(runtimeUser) &&
    typeof runtimeUser.isRoot === "boolean"
  );
}
