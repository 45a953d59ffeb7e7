/**
 * Compares what the library wrote in the Terraform JSON with what Terraform planned: every
 * literal value of every resource must come out of the plan unchanged (references, `${...}`,
 * are resolved by Terraform and compared where the test knows their target).
 */
import { TfJson } from "./terraform";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Meta-arguments and cdktf annotations: not attributes of the resource. */
const META = new Set([
  "//",
  "provider",
  "depends_on",
  "lifecycle",
  "count",
  "for_each",
  "provisioner",
  "connection",
]);

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly values: TfJson;
  readonly afterUnknown: TfJson;
}

/** The planned resources (root module), by address. */
export function plannedResources(plan: TfJson): Map<string, PlannedResource> {
  const byAddress = new Map<string, PlannedResource>();
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed") {
      continue;
    }
    byAddress.set(change.address, {
      address: change.address,
      type: change.type,
      values: change.change.after ?? {},
      afterUnknown: change.change.after_unknown ?? {},
    });
  }
  return byAddress;
}

function isReference(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

function samePrimitive(config: unknown, planned: unknown): boolean {
  if (config === planned) {
    return true;
  }
  // The JSON may give a number or a boolean where the schema says string, and vice versa:
  // Terraform converts; the value must survive the conversion.
  if (
    ["number", "boolean", "string"].includes(typeof config) &&
    ["number", "boolean", "string"].includes(typeof planned)
  ) {
    return String(config) === String(planned);
  }
  return false;
}

/**
 * The literal values of `config` that the plan does not carry unchanged, as
 * "<path>: wrote X, planned Y". Unknown values (known only at apply) are not compared.
 */
export function literalMismatches(config: any, planned: any, unknown: any, path: string): string[] {
  if (isReference(config) || unknown === true) {
    return [];
  }
  if (config === null || config === undefined) {
    return [];
  }
  if (Array.isArray(config)) {
    const list = Array.isArray(planned)
      ? planned
      : planned === null || planned === undefined
        ? []
        : [planned];
    const unknowns = Array.isArray(unknown) ? unknown : [];
    if (list.length !== config.length) {
      return [
        `${path}: wrote ${config.length} element(s), planned ${list.length}: ${JSON.stringify(planned)}`,
      ];
    }
    // Lists keep their order; sets may not: match each element to some planned one.
    const inOrder = config.flatMap((c, i) =>
      literalMismatches(c, list[i], unknowns[i], `${path}[${i}]`),
    );
    if (inOrder.length === 0) {
      return [];
    }
    const unmatched = config.filter(
      (c) => !list.some((p, i) => literalMismatches(c, p, unknowns[i], path).length === 0),
    );
    return unmatched.length === 0 ? [] : inOrder;
  }
  if (typeof config === "object") {
    // A nested block written as an object is a list of one block in the plan.
    let target = planned;
    let targetUnknown = unknown;
    if (Array.isArray(planned)) {
      if (planned.length !== 1) {
        return [`${path}: wrote one block, planned ${planned.length}: ${JSON.stringify(planned)}`];
      }
      target = planned[0];
      targetUnknown = Array.isArray(unknown) ? unknown[0] : unknown;
    }
    if (target === null || target === undefined || typeof target !== "object") {
      return [`${path}: wrote ${JSON.stringify(config)}, planned ${JSON.stringify(planned)}`];
    }
    return Object.entries(config).flatMap(([key, value]) =>
      META.has(key)
        ? []
        : literalMismatches(
            value,
            target[key],
            targetUnknown?.[key],
            path === "" ? key : `${path}.${key}`,
          ),
    );
  }
  return samePrimitive(config, planned)
    ? []
    : [`${path}: wrote ${JSON.stringify(config)}, planned ${JSON.stringify(planned)}`];
}

/** Every resource of the JSON is planned for creation, with its literal values unchanged. */
export function compareWithPlan(
  json: TfJson,
  plan: TfJson,
): { missing: string[]; mismatches: string[] } {
  const planned = plannedResources(plan);
  const missing: string[] = [];
  const mismatches: string[] = [];
  for (const [type, resources] of Object.entries<any>(json.resource ?? {})) {
    for (const [name, config] of Object.entries<any>(resources)) {
      const address = `${type}.${name}`;
      const resource = planned.get(address);
      if (resource === undefined) {
        missing.push(address);
        continue;
      }
      for (const mismatch of literalMismatches(
        config,
        resource.values,
        resource.afterUnknown,
        "",
      )) {
        mismatches.push(`${address}.${mismatch}`);
      }
    }
  }
  return { missing, mismatches };
}

/** The references Terraform recorded for an attribute of a resource's configuration. */
export function references(plan: TfJson, address: string, attributePath: string[]): string[] {
  const resource = (plan.configuration?.root_module?.resources ?? []).find(
    (r: any) => r.address === address,
  );
  if (resource === undefined) {
    throw new Error(`no resource ${address} in the plan's configuration`);
  }
  let node: any = resource.expressions;
  for (const step of attributePath) {
    node = Array.isArray(node) ? node[Number(step)] : node?.[step];
    if (node === undefined) {
      throw new Error(`no expression ${attributePath.join(".")} in ${address}`);
    }
  }
  return node.references ?? [];
}
