/**
 * IAM grants as the posture rules see them: one role given to members by one IAM resource
 * (member, binding, or policy, whose bindings may come from a `google_iam_policy` data source),
 * where it applies and what it is on.
 * @internal
 */
import { IConstruct } from "constructs";
import { RUN_V1, RUN_V2, RUN_V2_JOB, RUN_V2_WORKER_POOL } from "./run-resources";
import { config, field, isObject, read, stringList, TokenResolver } from "./config-reader";

/**
 * Where an IAM grant applies: on one Cloud Run service, job or worker pool, or at a level
 * above resources.
 * @internal
 */
export type GrantLevel =
  | "service"
  | "job"
  | "workerPool"
  | "project"
  | "folder"
  | "organization"
  | "serviceAccount"
  | "other";

/** The Cloud Run levels and what messages call their targets. */
const RUN_LEVEL_TEXT: { readonly [level: string]: string } = {
  service: "service",
  job: "job",
  workerPool: "worker pool",
};

/** One role given to members by one IAM resource (a policy gives several). @internal */
export interface Grant {
  readonly construct: IConstruct;
  readonly type: string;
  readonly level: GrantLevel;
  /** The role, resolved; undefined when it is not a plain string. */
  readonly role?: string;
  /** The members, resolved (`${...}` for references). */
  readonly members: string[];
  /** The resource the grant is on (service name, project, secret, ...), resolved. */
  readonly target?: string;
  /** What the target is, for messages: "project", "secret", "service", ... */
  readonly targetKind: string;
}

/**
 * Normalizes a member for comparison: the e-mail or domain of a literal `serviceAccount:`,
 * `user:`, `group:` or `domain:` member is lowercased (they are case-insensitive); members with
 * references and special members (`allUsers`) are kept as they are.
 */
export function normalizeMember(member: string): string {
  const match = /^(serviceAccount|user|group|domain):(.*)$/.exec(member);
  if (match === null || member.includes("${")) {
    return member;
  }
  return `${match[1]}:${match[2].toLowerCase()}`;
}

const TARGET_GETTERS: ReadonlyArray<{ getter: string; attribute: string; kind: string }> = [
  { getter: "secretIdInput", attribute: "secret_id", kind: "secret" },
  { getter: "bucketInput", attribute: "bucket", kind: "bucket" },
  { getter: "repositoryInput", attribute: "repository", kind: "repository" },
  { getter: "topicInput", attribute: "topic", kind: "topic" },
  { getter: "subscriptionInput", attribute: "subscription", kind: "subscription" },
  { getter: "datasetIdInput", attribute: "dataset_id", kind: "dataset" },
  { getter: "serviceAccountIdInput", attribute: "service_account_id", kind: "service account" },
  { getter: "serviceInput", attribute: "service", kind: "service" },
  { getter: "folderInput", attribute: "folder", kind: "folder" },
  { getter: "orgIdInput", attribute: "org_id", kind: "organization" },
  { getter: "nameInput", attribute: "name", kind: "resource" },
  { getter: "projectInput", attribute: "project", kind: "project" },
];

/** The getter that names what a grant of a level is on. */
const PREFERRED_TARGET: { [level: string]: string | undefined } = {
  project: "projectInput",
  folder: "folderInput",
  organization: "orgIdInput",
  serviceAccount: "serviceAccountIdInput",
};

export function levelOf(type: string): GrantLevel {
  if (type.startsWith(`${RUN_V2}_iam_`) || type.startsWith(`${RUN_V1}_iam_`)) {
    return "service";
  }
  if (type.startsWith(`${RUN_V2_JOB}_iam_`)) {
    return "job";
  }
  if (type.startsWith(`${RUN_V2_WORKER_POOL}_iam_`)) {
    return "workerPool";
  }
  if (type.startsWith("google_project_iam_")) {
    return "project";
  }
  if (type.startsWith("google_folder_iam_")) {
    return "folder";
  }
  if (type.startsWith("google_organization_iam_")) {
    return "organization";
  }
  if (type.startsWith("google_service_account_iam_")) {
    return "serviceAccount";
  }
  return "other";
}

/** The resource an IAM grant is on. */
export function targetOf(
  r: TokenResolver,
  construct: IConstruct,
  type: string,
  level: GrantLevel,
): { target?: string; kind: string } {
  const runLevel = RUN_LEVEL_TEXT[level];
  const preferred =
    runLevel !== undefined
      ? type.startsWith(RUN_V1)
        ? "serviceInput"
        : "nameInput"
      : PREFERRED_TARGET[level];
  const getters =
    preferred !== undefined
      ? TARGET_GETTERS.filter((g) => g.getter === preferred)
      : TARGET_GETTERS.filter((g) => read(construct, g.getter) !== undefined);
  for (const g of getters) {
    const value = r.text(config(construct, g.getter, [g.attribute]));
    if (value !== undefined) {
      return { target: value, kind: runLevel ?? g.kind };
    }
  }
  return { kind: runLevel ?? getters[0]?.kind ?? "resource" };
}

/** Bindings from a JSON policy document (`policy_data`). */
function bindingsFromJson(text: string): Array<{ role?: string; members: string[] }> {
  try {
    const doc = JSON.parse(text) as unknown;
    const bindings = isObject(doc) && Array.isArray(doc.bindings) ? doc.bindings : [];
    return bindings.filter(isObject).map((b) => ({
      role: typeof b.role === "string" ? b.role : undefined,
      members: Array.isArray(b.members)
        ? b.members.filter((m): m is string => typeof m === "string")
        : [],
    }));
  } catch {
    return [];
  }
}

export function policyBindings(
  r: TokenResolver,
  data: string | undefined,
  dataSources: Map<string, IConstruct>,
): Array<{ role?: string; members: string[] }> {
  if (data === undefined) {
    return [];
  }
  const reference = /^\$\{(data\.google_iam_policy\.[^.}]+)\.policy_data\}$/.exec(data);
  if (!reference) {
    return bindingsFromJson(data);
  }
  const source = dataSources.get(reference[1]);
  if (source === undefined) {
    return [];
  }
  const bindings = r.value(read(source, "bindingInput"));
  return (Array.isArray(bindings) ? bindings : []).map((b) => {
    const role = field(b, "role", "role");
    return {
      role: typeof role === "string" ? role : undefined,
      members: stringList(r, field(b, "members", "members")),
    };
  });
}
