/**
 * Cloud Run resources (v2 and v1 services, v2 jobs and worker pools, from the library or
 * written by hand) as the posture rules see them: name, location, service account, containers
 * (image and secrets), ingress.
 * @internal
 */
import { IConstruct } from "constructs";
import { PostureWorkload } from "../workload";
import { config, field, isObject, override, read, TokenResolver } from "./config-reader";
import { Token, Tokenization } from "cdktf";

/** Cloud Run service resource types (v2 and v1). @internal */
export const RUN_V2 = "google_cloud_run_v2_service";
/** @internal */
export const RUN_V1 = "google_cloud_run_service";
/** Cloud Run job resource type (v2). @internal */
export const RUN_V2_JOB = "google_cloud_run_v2_job";
/** Cloud Run worker pool resource type (v2). @internal */
export const RUN_V2_WORKER_POOL = "google_cloud_run_v2_worker_pool";

/** What a Cloud Run resource is. @internal */
export type RunKind = "service" | "job" | "workerPool";

/** The Cloud Run resource types the posture reads, and what each is. @internal */
export const RUN_TYPES: { readonly [type: string]: RunKind } = {
  [RUN_V2]: "service",
  [RUN_V1]: "service",
  [RUN_V2_JOB]: "job",
  [RUN_V2_WORKER_POOL]: "workerPool",
};

/** What a Cloud Run resource type is; undefined for other types. @internal */
export function runKindOf(type: string): RunKind | undefined {
  return Object.prototype.hasOwnProperty.call(RUN_TYPES, type) ? RUN_TYPES[type] : undefined;
}

/** The collection of a kind in full resource names (`projects/p/locations/l/jobs/x`). */
const COLLECTION: { readonly [kind in RunKind]: string } = {
  service: "services",
  job: "jobs",
  workerPool: "workerPools",
};

/** One container of a Cloud Run service resource. @internal */
export interface RunContainer {
  /** The container's name, when it has one. */
  readonly name?: string;
  /** The image as configured (a string that may hold tokens). */
  readonly rawImage?: string;
  /** The image, resolved. */
  readonly image?: string;
  /** Environment variables read from Secret Manager: name, secret, version. */
  readonly secrets: Array<{ name: string; secret: string; version: string }>;
}

/** A Cloud Run resource (a service, job or worker pool), from the library or written by hand. @internal */
export interface RunResource {
  readonly construct: IConstruct;
  readonly type: string;
  readonly kind: RunKind;
  /** `<type>.<logical id>` */
  readonly address: string;
  readonly name?: string;
  readonly location?: string;
  /** The service account the revisions run as, resolved; undefined when not set. */
  readonly serviceAccount?: string;
  readonly containers: RunContainer[];
  readonly ingress?: string;
  readonly invokerIamDisabled: boolean;
  /** The library workload that owns the resource. */
  readonly workload?: PostureWorkload;
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

/**
 * The containers of a service resource with only the fields the rules read (`image`, `env`),
 * each resolved on its own: resolving whole containers (probes, resources, mounts, ...) would
 * cost several times what the rules need. Entries that resolve to nothing are dropped, as
 * resolving the list would drop them.
 */
function containerFields(r: TokenResolver, value: unknown): unknown[] {
  // A list token (`Token.asList(...)`) is an array too: it is resolved as a whole.
  const list = Array.isArray(value) && !Token.isUnresolved(value) ? value : r.value(value);
  if (!Array.isArray(list)) {
    return [];
  }
  const result: unknown[] = [];
  for (const item of list) {
    const container = isObject(item) && !Tokenization.isResolvable(item) ? item : r.value(item);
    if (container === undefined) {
      continue;
    }
    result.push(
      isObject(container)
        ? {
            name: r.value(field(container, "name", "name")),
            image: r.value(field(container, "image", "image")),
            env: r.value(field(container, "env", "env")),
          }
        : container,
    );
  }
  return result;
}

export function runResourceOf(
  r: TokenResolver,
  construct: IConstruct,
  type: string,
  address: string,
  owner: PostureWorkload | undefined,
): RunResource {
  const v2 = type === RUN_V2;
  const kind = runKindOf(type) ?? "service";
  const template = read(construct, "templateInput");
  let serviceAccountValue: unknown;
  let containersValue: unknown;
  // Where the revision (or task) template is: `template` (v2 services, worker pools) or
  // `template.template` (jobs: an execution template holding a task template).
  const revision = kind === "job" ? ["template", "template"] : ["template"];
  if (type !== RUN_V1) {
    const inner = kind === "job" ? field(template, "template", "template") : template;
    const sa = override(construct, [...revision, "service_account"]);
    serviceAccountValue = sa.found ? sa.value : field(inner, "serviceAccount", "service_account");
    containersValue = field(inner, "containers", "containers");
  } else {
    const spec = field(template, "spec", "spec");
    const sa = override(construct, ["template", "spec", "service_account_name"]);
    serviceAccountValue = sa.found
      ? sa.value
      : field(spec, "serviceAccountName", "service_account_name");
    containersValue = field(spec, "containers", "containers");
  }
  const resolvedContainers = containerFields(r, containersValue);
  // Raw (token-holding) image strings, to match an image by the string it was configured with.
  const rawContainers = Array.isArray(containersValue) ? containersValue : [];
  const containers = withListOverride(
    resolvedContainers,
    override(
      construct,
      type !== RUN_V1 ? [...revision, "containers"] : ["template", "spec", "containers"],
    ),
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
      typeof rawImage === "string" && image === r.text(rawImage) ? rawImage : undefined;
    const name = field(c, "name", "name");
    return {
      name: typeof name === "string" ? name : undefined,
      rawImage: configured,
      image: typeof image === "string" ? image : undefined,
      secrets,
    };
  });
  const disabled = r.value(config(construct, "invokerIamDisabledInput", ["invoker_iam_disabled"]));
  const sa = r.text(serviceAccountValue);
  return {
    construct,
    type,
    kind,
    address,
    name: r.text(config(construct, "nameInput", ["name"])),
    location: r.text(config(construct, "locationInput", ["location"])),
    serviceAccount: sa === "" ? undefined : sa,
    containers,
    ingress: r.text(config(construct, "ingressInput", ["ingress"])),
    invokerIamDisabled: v2 && (disabled === true || disabled === "true"),
    workload: owner,
  };
}

/**
 * True when `run` is the resource a grant's target names: a reference to its name or id, or
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
  return target === run.name || target.endsWith(`/${COLLECTION[run.kind]}/${run.name}`);
}

/**
 * True when an IAM grant is on `run`: a grant on a Cloud Run resource of the same kind (a v1 or
 * v2 service IAM resource on a service: both APIs address the same services) whose target
 * names it.
 * @internal
 */
export function grantOn(grant: { level: string; target?: string }, run: RunResource): boolean {
  return grant.level === run.kind && targetsRun(grant.target, run);
}
