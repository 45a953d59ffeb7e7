/**
 * A Cloud Run workload's metadata: its name, description and labels. This module is not
 * re-exported by `src/index.ts`.
 *
 * Sources:
 * - [names]  https://cloud.google.com/run/docs/resource-model (service name: lowercase letters,
 *            digits and hyphens, starts with a letter, no trailing hyphen, at most 49 characters)
 * - [labels] https://cloud.google.com/resource-manager/docs/labels-overview and the provider
 *            documentation of `google_cloud_run_v2_service.labels`
 * @internal
 */
import { checkText, invalidProp, isUnresolved, matches } from "../util/check";
import { validateGcpLabels } from "../util/gcp-labels";
import { sanitizeName } from "../util/names";

/** @internal */
export const SERVICE_NAME_MAX_LENGTH = 49;

const WORKLOAD_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The naming rule of one kind of Cloud Run workload: lowercase letters, digits and hyphens,
 * starting with a letter, not ending with a hyphen, at most `maxLength` characters.
 * @internal
 */
export interface WorkloadNameRule {
  /** The prop that sets the name, e.g. "serviceName". */
  readonly prop: string;
  readonly maxLength: number;
}

/**
 * Service names: at most 49 characters. [names], DESIGN §3.
 * @internal
 */
export const SERVICE_NAME_RULE: WorkloadNameRule = {
  prop: "serviceName",
  maxLength: SERVICE_NAME_MAX_LENGTH,
};

/**
 * Checks a workload name against its rule.
 * @internal
 */
export function validateWorkloadName(owner: string, value: string, rule: WorkloadNameRule): void {
  checkText(
    owner,
    rule.prop,
    value,
    `must be 1 to ${rule.maxLength} lowercase letters, digits or hyphens, start with a letter and not end with a hyphen`,
    matches(WORKLOAD_NAME_PATTERN, rule.maxLength),
  );
}

/**
 * The name a workload construct uses: the one given, validated, or one derived from its id
 * (lowercased, every character outside `[a-z0-9-]` replaced by `-`, runs of `-` collapsed,
 * leading characters up to the first letter dropped, cut to the rule's length, trailing `-`
 * dropped).
 * @internal
 */
export function resolveWorkloadName(
  owner: string,
  id: string,
  given: string | undefined,
  rule: WorkloadNameRule,
): string {
  const derived = given === undefined ? sanitizeName(id, rule.maxLength) : undefined;
  const name = given ?? (derived !== "" ? derived : undefined);
  if (name === undefined) {
    throw invalidProp(
      owner,
      rule.prop,
      `cannot be derived from the construct id (it has no letter); set ${rule.prop}`,
      id,
    );
  }
  validateWorkloadName(owner, name, rule);
  return name;
}

/**
 * Service name: lowercase letters, digits and hyphens, starts with a letter, does not end with a
 * hyphen, at most 49 characters. [names], DESIGN §3.
 * @internal
 */
export function validateServiceName(owner: string, value: string): void {
  validateWorkloadName(owner, value, SERVICE_NAME_RULE);
}

/**
 * The default service name for a construct id (see {@link resolveWorkloadName}). Returns
 * `undefined` when nothing usable is left.
 * @internal
 */
export function deriveServiceName(id: string): string | undefined {
  const name = sanitizeName(id, SERVICE_NAME_MAX_LENGTH);
  return name.length > 0 ? name : undefined;
}

/**
 * The service name a construct uses: the one given, validated, or the one derived from its id.
 * @internal
 */
export function resolveServiceName(owner: string, id: string, given: string | undefined): string {
  return resolveWorkloadName(owner, id, given, SERVICE_NAME_RULE);
}

/** Description: at most 512 characters (provider documentation). @internal */
export function validateDescription(owner: string, value: string | undefined): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  if (typeof value !== "string" || value.length > 512) {
    throw invalidProp(
      owner,
      "description",
      "must be at most 512 characters",
      typeof value === "string" ? `${value.slice(0, 40)}… (${value.length} characters)` : value,
    );
  }
}

/** Label key namespaces the Cloud Run v2 API reserves. [labels] @internal */
export const RESERVED_LABEL_NAMESPACES: readonly string[] = [
  "run.googleapis.com",
  "cloud.googleapis.com",
  "serving.knative.dev",
  "autoscaling.knative.dev",
];

/**
 * Labels of a Cloud Run workload: the Google Cloud label rules (see `util/gcp-labels`), and no
 * keys in a namespace that the Cloud Run v2 API reserves. [labels], DESIGN §3.
 * @internal
 */
export function validateLabels(
  owner: string,
  prop: string,
  labels: { [key: string]: string } | undefined,
): void {
  validateGcpLabels(owner, prop, labels, {
    reservedNamespaces: RESERVED_LABEL_NAMESPACES,
    reservedBy: "Cloud Run",
  });
}
