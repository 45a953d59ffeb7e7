/**
 * One pass over a stack's constructs that collects what the security posture rules and the
 * report need: the library's Cloud Run services, every Cloud Run service resource (also the
 * ones written by hand), every IAM grant, service account keys and container images.
 *
 * Configuration is read through the provider classes' `*Input` getters (and the escape-hatch
 * overrides on top of them), duck-typed by `terraformResourceType`, so no IAM class has to be
 * imported and nothing is rendered with `toTerraform()`. Every read is guarded: a getter that
 * throws or a value of an unexpected shape counts as "not set".
 * @internal
 */
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  Token,
  Tokenization,
} from "cdktf";
import { IConstruct } from "constructs";
import type { CloudRunService } from "../../cloud-run/cloud-run-service";
import type { ContainerImage } from "../../image/container-image";

/** Marks a `CloudRunService` (set by its constructor). @internal */
export const SERVICE_MARK = Symbol.for("cdktf-cloud-run.CloudRunService");
/** The `allowUnauthenticated` a `CloudRunService` was created with. @internal */
export const ALLOW_UNAUTHENTICATED = Symbol.for(
  "cdktf-cloud-run.CloudRunService.allowUnauthenticated",
);

/** Cloud Run service resource types (v2 and v1). @internal */
export const RUN_V2 = "google_cloud_run_v2_service";
/** @internal */
export const RUN_V1 = "google_cloud_run_service";
const KEY_TYPE = "google_service_account_key";
const IAM_POLICY_DATA_SOURCE = "google_iam_policy";
const IAM_TYPE = /_iam_(member|binding|policy)$/;

/** Where an IAM grant applies. @internal */
export type GrantLevel =
  "service" | "project" | "folder" | "organization" | "serviceAccount" | "other";

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

/** One container of a Cloud Run service resource. @internal */
export interface RunContainer {
  /** The image as configured (a string that may hold tokens). */
  readonly rawImage?: string;
  /** The image, resolved. */
  readonly image?: string;
  /** Environment variables read from Secret Manager: name, secret, version. */
  readonly secrets: Array<{ name: string; secret: string; version: string }>;
}

/** A Cloud Run service resource (v2 or v1), from the library or written by hand. @internal */
export interface RunResource {
  readonly construct: IConstruct;
  readonly type: string;
  /** `<type>.<logical id>` */
  readonly address: string;
  readonly name?: string;
  readonly location?: string;
  /** The service account the revisions run as, resolved; undefined when not set. */
  readonly serviceAccount?: string;
  readonly containers: RunContainer[];
  readonly ingress?: string;
  readonly invokerIamDisabled: boolean;
  /** The library construct that owns the resource. */
  readonly service?: CloudRunService;
}

/** A `CloudRunService` of the library and its runtime identity. @internal */
export interface ServiceEntry {
  readonly service: CloudRunService;
  readonly allowUnauthenticated: boolean;
  /** The member strings (resolved, normalized) that denote the service's runtime account. */
  readonly identities: string[];
  /** The resolved service account e-mail. */
  readonly email?: string;
}

/** Everything the rules and the report look at. @internal */
export interface StackModel {
  readonly stack: TerraformStack;
  readonly services: ServiceEntry[];
  readonly runResources: RunResource[];
  readonly grants: Grant[];
  readonly keys: Array<{ construct: IConstruct; target?: string }>;
  /** Images built by the library, by their configured and their resolved `imageRef`. */
  readonly imagesByRef: Map<string, ContainerImage>;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * The strings resolved during one `inspectStack` call: a string resolves to the same value
 * throughout one pass, and the same references (a service account's e-mail, an image's
 * reference) are read by several rules.
 */
let resolvedStrings: { stack: TerraformStack; values: Map<string, unknown> } | undefined;

/** Resolves tokens in a value; undefined when resolution fails. @internal */
export function resolveValue(stack: TerraformStack, value: unknown): unknown {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === "string") {
    // Every string goes through resolution: numbers written into a string (`proj${n}`) and
    // list tokens are not seen by Token.isUnresolved, and resolution replaces them.
    const memo = resolvedStrings?.stack === stack ? resolvedStrings.values : undefined;
    if (memo?.has(value)) {
      return memo.get(value);
    }
    const resolved = resolveNow(stack, value);
    memo?.set(value, resolved);
    return resolved;
  }
  return resolveNow(stack, value);
}

function resolveNow(stack: TerraformStack, value: unknown): unknown {
  try {
    return Tokenization.resolve(value, { scope: stack, resolver: RESOLVER });
  } catch {
    return undefined;
  }
}

/** Resolves a value to a string (numbers and booleans are written out); else undefined. @internal */
export function resolveText(stack: TerraformStack, value: unknown): string | undefined {
  const resolved = resolveValue(stack, value);
  if (typeof resolved === "string") {
    return resolved;
  }
  if (typeof resolved === "number" || typeof resolved === "boolean") {
    return String(resolved);
  }
  return undefined;
}

/** Reads a getter without letting it throw. */
function read(target: unknown, getter: string): unknown {
  try {
    return (target as { [key: string]: unknown })[getter];
  } catch {
    return undefined;
  }
}

/** The escape-hatch override at `path` (`addOverride("a.b", v)` is stored as `{a: {b: v}}`). */
function override(construct: IConstruct, path: string[]): { found: boolean; value?: unknown } {
  let current = read(construct, "rawOverrides");
  for (const key of path) {
    if (current === null || typeof current !== "object" || !(key in (current as object))) {
      return { found: false };
    }
    current = (current as { [key: string]: unknown })[key];
  }
  return { found: true, value: current };
}

/** A configuration value: the override when there is one, else the `*Input` getter. */
function config(construct: IConstruct, getter: string, overridePath: string[]): unknown {
  const o = override(construct, overridePath);
  return o.found ? o.value : read(construct, getter);
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A field given in the provider's camelCase or in Terraform's snake_case. */
function field(value: unknown, camel: string, snake: string): unknown {
  if (!isObject(value)) {
    return undefined;
  }
  return value[camel] !== undefined ? value[camel] : value[snake];
}

/** The logical address `<type>.<logical id>` of a resource or data source. */
function addressOf(construct: IConstruct, type: string, data: boolean): string | undefined {
  const id = read(construct, "friendlyUniqueId");
  if (typeof id !== "string") {
    return undefined;
  }
  return `${data ? "data." : ""}${type}.${id}`;
}

/**
 * Normalizes a member for comparison: the e-mail or domain of a literal `serviceAccount:`,
 * `user:`, `group:` or `domain:` member is lowercased (they are case-insensitive); members with
 * references and special members (`allUsers`) are kept as they are.
 */
function normalizeMember(member: string): string {
  const match = /^(serviceAccount|user|group|domain):(.*)$/.exec(member);
  if (match === null || member.includes("${")) {
    return member;
  }
  return `${match[1]}:${match[2].toLowerCase()}`;
}

function stringList(stack: TerraformStack, value: unknown): string[] {
  const resolved = resolveValue(stack, value);
  if (Array.isArray(resolved)) {
    return resolved.filter((m): m is string => typeof m === "string");
  }
  return typeof resolved === "string" ? [resolved] : [];
}

/** Applies overrides of a list block (`template.containers`) the way cdktf merges them. */
function withListOverride(items: unknown[], o: { found: boolean; value?: unknown }): unknown[] {
  if (!o.found) {
    return items;
  }
  if (Array.isArray(o.value)) {
    return [...items, ...o.value];
  }
  if (isObject(o.value)) {
    const result = [...items];
    for (const [key, value] of Object.entries(o.value)) {
      const index = Number(key);
      if (Number.isInteger(index) && index >= 0) {
        const base = isObject(result[index]) ? result[index] : {};
        result[index] = isObject(value) ? { ...base, ...value } : value;
      }
    }
    return result;
  }
  return [];
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

function levelOf(type: string): GrantLevel {
  if (type.startsWith(`${RUN_V2}_iam_`) || type.startsWith(`${RUN_V1}_iam_`)) {
    return "service";
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
function targetOf(
  stack: TerraformStack,
  construct: IConstruct,
  type: string,
  level: GrantLevel,
): { target?: string; kind: string } {
  const preferred =
    level === "service"
      ? type.startsWith(RUN_V2)
        ? "nameInput"
        : "serviceInput"
      : PREFERRED_TARGET[level];
  const getters =
    preferred !== undefined
      ? TARGET_GETTERS.filter((g) => g.getter === preferred)
      : TARGET_GETTERS.filter((g) => read(construct, g.getter) !== undefined);
  for (const g of getters) {
    const value = resolveText(stack, config(construct, g.getter, [g.attribute]));
    if (value !== undefined) {
      return { target: value, kind: level === "service" ? "service" : g.kind };
    }
  }
  return { kind: level === "service" ? "service" : (getters[0]?.kind ?? "resource") };
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

/**
 * The containers of a service resource with only the fields the rules read (`image`, `env`),
 * each resolved on its own: resolving whole containers (probes, resources, mounts, ...) would
 * cost several times what the rules need. Entries that resolve to nothing are dropped, as
 * resolving the list would drop them.
 */
function containerFields(stack: TerraformStack, value: unknown): unknown[] {
  // A list token (`Token.asList(...)`) is an array too: it is resolved as a whole.
  const list =
    Array.isArray(value) && !Token.isUnresolved(value) ? value : resolveValue(stack, value);
  if (!Array.isArray(list)) {
    return [];
  }
  const result: unknown[] = [];
  for (const item of list) {
    const container =
      isObject(item) && !Tokenization.isResolvable(item) ? item : resolveValue(stack, item);
    if (container === undefined) {
      continue;
    }
    result.push(
      isObject(container)
        ? {
            image: resolveValue(stack, field(container, "image", "image")),
            env: resolveValue(stack, field(container, "env", "env")),
          }
        : container,
    );
  }
  return result;
}

function runResourceOf(
  stack: TerraformStack,
  construct: IConstruct,
  type: string,
  address: string,
  owner: CloudRunService | undefined,
): RunResource {
  const v2 = type === RUN_V2;
  const template = read(construct, "templateInput");
  let serviceAccountValue: unknown;
  let containersValue: unknown;
  if (v2) {
    const sa = override(construct, ["template", "service_account"]);
    serviceAccountValue = sa.found
      ? sa.value
      : field(template, "serviceAccount", "service_account");
    containersValue = field(template, "containers", "containers");
  } else {
    const spec = field(template, "spec", "spec");
    const sa = override(construct, ["template", "spec", "service_account_name"]);
    serviceAccountValue = sa.found
      ? sa.value
      : field(spec, "serviceAccountName", "service_account_name");
    containersValue = field(spec, "containers", "containers");
  }
  const resolvedContainers = containerFields(stack, containersValue);
  // Raw (token-holding) image strings, to match an image by the string it was configured with.
  const rawContainers = Array.isArray(containersValue) ? containersValue : [];
  const containers = withListOverride(
    resolvedContainers,
    override(construct, v2 ? ["template", "containers"] : ["template", "spec", "containers"]),
  ).map((c, index): RunContainer => {
    const rawImage = field(rawContainers[index], "image", "image");
    const image = field(c, "image", "image");
    const env = field(c, "env", "env");
    const secrets: RunContainer["secrets"] = [];
    for (const e of Array.isArray(env) ? env : []) {
      const name = field(e, "name", "name");
      const source = field(e, "valueSource", "value_source") ?? field(e, "valueFrom", "value_from");
      const ref = field(source, "secretKeyRef", "secret_key_ref");
      const secret = field(ref, "secret", "secret") ?? field(ref, "name", "name");
      const version = field(ref, "version", "version") ?? field(ref, "key", "key");
      if (typeof name === "string" && secret !== undefined) {
        secrets.push({ name, secret: String(secret), version: String(version ?? "latest") });
      }
    }
    // The configured string counts only when no override replaced it.
    const configured =
      typeof rawImage === "string" && image === resolveText(stack, rawImage) ? rawImage : undefined;
    return { rawImage: configured, image: typeof image === "string" ? image : undefined, secrets };
  });
  const disabled = resolveValue(
    stack,
    config(construct, "invokerIamDisabledInput", ["invoker_iam_disabled"]),
  );
  const sa = resolveText(stack, serviceAccountValue);
  return {
    construct,
    type,
    address,
    name: resolveText(stack, config(construct, "nameInput", ["name"])),
    location: resolveText(stack, config(construct, "locationInput", ["location"])),
    serviceAccount: sa === "" ? undefined : sa,
    containers,
    ingress: resolveText(stack, config(construct, "ingressInput", ["ingress"])),
    invokerIamDisabled: v2 && (disabled === true || disabled === "true"),
    service: owner,
  };
}

function serviceEntry(stack: TerraformStack, service: CloudRunService): ServiceEntry {
  const email = resolveText(stack, service.serviceAccountEmail);
  const identities = new Set<string>();
  if (email !== undefined) {
    identities.add(normalizeMember(`serviceAccount:${email}`));
    const reference = /^\$\{(google_service_account\.[^.}]+)\.email\}$/.exec(email);
    if (reference) {
      identities.add(`\${${reference[1]}.member}`);
    }
  }
  const flag = (service as unknown as { [ALLOW_UNAUTHENTICATED]?: unknown })[ALLOW_UNAUTHENTICATED];
  return {
    service,
    allowUnauthenticated: flag === true,
    identities: [...identities],
    email,
  };
}

/**
 * Walks the stack once and collects the model.
 * @internal
 */
export function inspectStack(stack: TerraformStack): StackModel {
  const outer = resolvedStrings;
  resolvedStrings = { stack, values: new Map() };
  try {
    return collect(stack);
  } finally {
    resolvedStrings = outer;
  }
}

function collect(stack: TerraformStack): StackModel {
  const services: ServiceEntry[] = [];
  const ownerOf = new Map<IConstruct, CloudRunService>();
  const runConstructs: Array<{ construct: IConstruct; type: string; address: string }> = [];
  const iamConstructs: Array<{ construct: IConstruct; type: string }> = [];
  const keys: StackModel["keys"] = [];
  const images: ContainerImage[] = [];
  const policyDataSources = new Map<string, IConstruct>();

  for (const construct of stack.node.findAll()) {
    if (SERVICE_MARK in construct) {
      const service = construct as unknown as CloudRunService;
      services.push(serviceEntry(stack, service));
      const resource = read(service, "resource");
      if (resource !== undefined) {
        ownerOf.set(resource as IConstruct, service);
      }
      continue;
    }
    if (isContainerImage(construct)) {
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
    if (type === RUN_V2 || type === RUN_V1) {
      const address = addressOf(construct, type, false);
      if (address !== undefined) {
        runConstructs.push({ construct, type, address });
      }
    } else if (type === KEY_TYPE) {
      keys.push({
        construct,
        target: resolveText(
          stack,
          config(construct, "serviceAccountIdInput", ["service_account_id"]),
        ),
      });
    } else if (IAM_TYPE.test(type)) {
      iamConstructs.push({ construct, type });
    }
  }

  const runResources = runConstructs.map((r) =>
    runResourceOf(stack, r.construct, r.type, r.address, ownerOf.get(r.construct)),
  );

  const grants: Grant[] = [];
  for (const { construct, type } of iamConstructs) {
    const level = levelOf(type);
    const { target, kind } = targetOf(stack, construct, type, level);
    const base = { construct, type, level, target, targetKind: kind };
    if (type.endsWith("_iam_policy")) {
      const data = resolveText(stack, config(construct, "policyDataInput", ["policy_data"]));
      for (const b of policyBindings(stack, data, policyDataSources)) {
        grants.push({ ...base, role: b.role, members: b.members.map(normalizeMember) });
      }
      continue;
    }
    const roleValue = resolveText(stack, config(construct, "roleInput", ["role"]));
    const members = type.endsWith("_iam_binding")
      ? stringList(stack, config(construct, "membersInput", ["members"]))
      : stringList(stack, config(construct, "memberInput", ["member"]));
    grants.push({ ...base, role: roleValue, members: members.map(normalizeMember) });
  }

  const imagesByRef = new Map<string, ContainerImage>();
  for (const image of [...images, ...services.map((s) => s.service.image)]) {
    const ref = read(image, "imageRef");
    if (typeof ref !== "string") {
      continue;
    }
    imagesByRef.set(ref, image);
    const resolved = resolveText(stack, ref);
    if (resolved !== undefined) {
      imagesByRef.set(resolved, image);
    }
  }

  return { stack, services, runResources, grants, keys, imagesByRef };
}

function policyBindings(
  stack: TerraformStack,
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
  const bindings = resolveValue(stack, read(source, "bindingInput"));
  return (Array.isArray(bindings) ? bindings : []).map((b) => {
    const role = field(b, "role", "role");
    return {
      role: typeof role === "string" ? role : undefined,
      members: stringList(stack, field(b, "members", "members")),
    };
  });
}

/** A `ContainerImage` of this library (duck-typed, so copies of the library count too). */
function isContainerImage(construct: IConstruct): construct is ContainerImage {
  const runtimeUser = read(construct, "runtimeUser");
  return (
    typeof read(construct, "imageRef") === "string" &&
    typeof read(construct, "tag") === "string" &&
    typeof read(construct, "localImageName") === "string" &&
    isObject(runtimeUser) &&
    typeof runtimeUser.isRoot === "boolean"
  );
}

/**
 * True when `run` is the service a grant's target names: a reference to its name or id, or
 * its literal name (or full resource name).
 * @internal
 */
export function targetsRun(target: string | undefined, run: RunResource): boolean {
  if (target === undefined) {
    return false;
  }
  if (target.includes(`\${${run.address}.name}`) || target.includes(`\${${run.address}.id}`)) {
    return true;
  }
  if (run.name === undefined || run.name.includes("${") || target.includes("${")) {
    return false;
  }
  return target === run.name || target.endsWith(`/services/${run.name}`);
}
