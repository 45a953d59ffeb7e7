/**
 * Cloud Run service resources (v2 and v1, from the library or written by hand) as the posture
 * rules see them: name, location, service account, containers (image and secrets), ingress.
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
  const resolvedContainers = containerFields(r, containersValue);
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
