/**
 * The check kit: the library's one error shape and the few shapes of checks every construct
 * repeats. This module is not re-exported by `src/index.ts`.
 *
 * Every check names who complains (`owner`, see {@link ownerName}), the property, what is
 * allowed and, last, the value given; a value that is an unresolved token (only known at apply)
 * is skipped unless the check says it must be known at synth.
 * @internal
 */
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
 * A number as text: plain digits, or the Terraform expression a number token stands for.
 * @internal
 */
export function numberText(value: number): string {
  return isUnresolved(value) ? Token.asString(value) : String(value);
}

/**
 * Describes a construct for error messages: `ClassName 'path/of/construct'`.
 * @internal
 */
export function ownerName(kind: string, path: string): string {
  return `${kind} '${path}'`;
}

/**
 * True for `undefined` and `null`: JavaScript callers pass `null` for "not set".
 * @internal
 */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * A construct's props object: refuses anything but an object. `expected` completes
 * "are required: ...", e.g. "{ image, region, ... }".
 * @internal
 */
export function checkProps(owner: string, props: unknown, expected: string): void {
  if (isAbsent(props) || typeof props !== "object") {
    throw invalidProp(owner, "props", `are required: ${expected}`, props);
  }
}

/**
 * A text value: a string for which `ok` holds, else `allowed` (which completes "invalid
 * <prop>: ..."). Skipped for tokens; with `optional`, also for `undefined` and `null`.
 * @internal
 */
export function checkText(
  owner: string,
  prop: string,
  value: unknown,
  allowed: string,
  ok: (text: string) => boolean,
  options: { readonly optional?: boolean } = {},
): void {
  if (isUnresolved(value) || (options.optional === true && isAbsent(value))) {
    return;
  }
  if (typeof value !== "string" || !ok(value)) {
    throw invalidProp(owner, prop, allowed, value);
  }
}

/**
 * `ok` for {@link checkText}: the whole text matches `pattern`, and it has at most `maxLength`
 * characters when given.
 * @internal
 */
export function matches(pattern: RegExp, maxLength?: number): (text: string) => boolean {
  return (text) => (maxLength === undefined || text.length <= maxLength) && pattern.test(text);
}

/** Bounds of {@link checkInteger}. @internal */
export interface IntegerBounds {
  readonly min: number;
  /** @default - no upper bound ("at least <min>") */
  readonly max?: number;
  /** Added in parentheses after the range. */
  readonly note?: string;
  /**
   * What the value must be, e.g. "an integer" or "a whole number".
   * @default "an integer"
   */
  readonly noun?: string;
}

/**
 * An integer within bounds: "must be an integer from 1 to 1000" (or "at least 0" without a
 * maximum). Skipped for `undefined` and for tokens.
 * @internal
 */
export function checkInteger(
  owner: string,
  prop: string,
  value: number | undefined,
  bounds: IntegerBounds,
): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < bounds.min ||
    value > max
  ) {
    const range =
      bounds.max === undefined ? `at least ${bounds.min}` : `from ${bounds.min} to ${max}`;
    const note = bounds.note !== undefined ? ` (${bounds.note})` : "";
    throw invalidProp(owner, prop, `must be ${bounds.noun ?? "an integer"} ${range}${note}`, value);
  }
}

/**
 * A value that must be known at synth (it is hashed, converted or written into a file): a token
 * is an error. `allowed` completes "invalid <prop>: ...", e.g. "must be known at synth (it is part
 * of the image's content fingerprint), not a token".
 * @internal
 */
export function checkKnown(owner: string, prop: string, value: unknown, allowed: string): void {
  if (isUnresolved(value)) {
    throw invalidProp(owner, prop, allowed, value);
  }
}

/**
 * One of the instances of a class of constants (`Ingress.ALL`, `VpcEgress.ALL_TRAFFIC`, ...):
 * `isConstant` is the `instanceof` test of the class named `typeName`.
 * @internal
 */
export function checkConstant(
  owner: string,
  prop: string,
  value: unknown,
  isConstant: (value: unknown) => boolean,
  typeName: string,
): void {
  if (!isConstant(value)) {
    throw invalidProp(owner, prop, `must be one of the ${typeName} constants`, value);
  }
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
  if (isAbsent(value)) {
    return {};
  }
  checkKnown(
    owner,
    prop,
    value,
    "must be a map known at synth (use individual token values instead)",
  );
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidProp(owner, prop, "must be a map of names to values", value);
  }
  return value;
}

/**
 * A list prop (volumes, sidecars) whose items are read at synth: null and undefined are empty, a
 * token for the whole list or a value that is not a list is an error; `items` says what the list
 * holds in that message, e.g. "volume mounts { path, volume }".
 * @internal
 */
export function knownList<T>(
  owner: string,
  prop: string,
  value: T[] | undefined,
  items?: string,
): T[] {
  if (isAbsent(value)) {
    return [];
  }
  if (isUnresolved(value) || !Array.isArray(value)) {
    const what = items === undefined ? "a list" : `a list of ${items}`;
    throw invalidProp(owner, prop, `must be ${what} known at synth`, value);
  }
  return value;
}
