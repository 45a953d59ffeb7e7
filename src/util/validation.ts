import { Token } from "cdktf";

/**
 * Formats a value for an error message: strings are quoted, everything else is JSON.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "undefined";
  }
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The one error shape of the library: who complains, about which property, what is allowed,
 * and (last) the value that was given.
 *
 * `invalidProp("CloudRunService 'api'", "memory", "must be between 512Mi and 32Gi", "64Gi")` gives
 * `CloudRunService 'api': invalid memory: must be between 512Mi and 32Gi. Got: "64Gi"`.
 * @internal
 */
export function invalidProp(owner: string, prop: string, allowed: string, value: unknown): Error {
  return new Error(`${owner}: invalid ${prop}: ${allowed}. Got: ${describeValue(value)}`);
}

/**
 * True when the value is a cdktf token (or contains one) whose value is only known at apply time.
 * Checks are skipped for such values.
 * @internal
 */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  return Token.isUnresolved(value);
}

/**
 * Describes a construct for error messages: `ClassName 'path/of/construct'`.
 * @internal
 */
export function ownerName(kind: string, path: string): string {
  return `${kind} '${path}'`;
}

/**
 * A map prop (environment, secrets) whose entries are read at synth: null and undefined are
 * empty, a token for the whole map is an error (its entries cannot be checked or rendered).
 * @internal
 */
export function knownMap<T>(
  owner: string,
  prop: string,
  value: { [name: string]: T } | undefined,
): { [name: string]: T } {
  if (value === undefined || value === null) {
    return {};
  }
  if (isUnresolved(value)) {
    throw invalidProp(
      owner,
      prop,
      "must be a map known at synth (use individual token values instead)",
      value,
    );
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidProp(owner, prop, "must be a map of names to values", value);
  }
  return value;
}
