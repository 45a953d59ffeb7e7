import { checkInteger, checkKnown, invalidProp } from "../../util/check";

/**
 * Checks for generator options. A generated Dockerfile is plain text written at synth time, so
 * tokens (values only known at apply time) are rejected rather than skipped.
 */

function plain(owner: string, prop: string, allowed: string, value: unknown): void {
  checkKnown(owner, prop, value, `${allowed}, known at synth time (not a token)`);
}

/** A string matching `pattern`, or the default when undefined. */
export function checkString(
  owner: string,
  prop: string,
  value: unknown,
  defaultValue: string,
  allowed: string,
  ok: (v: string) => boolean,
): string {
  if (value === undefined) {
    return defaultValue;
  }
  plain(owner, prop, allowed, value);
  if (typeof value !== "string" || !ok(value)) {
    throw invalidProp(owner, prop, allowed, value);
  }
  return value;
}

/** A TCP port from 1 to 65535, or the default when undefined. */
export function checkPort(owner: string, value: unknown, defaultValue: number): number {
  const allowed = "must be an integer from 1 to 65535";
  if (value === undefined) {
    return defaultValue;
  }
  plain(owner, "port", allowed, value);
  checkInteger(owner, "port", value as number, { min: 1, max: 65535 });
  return value as number;
}

/** A boolean, or the default when undefined. */
export function checkBoolean(
  owner: string,
  prop: string,
  value: unknown,
  defaultValue: boolean,
): boolean {
  if (value === undefined) {
    return defaultValue;
  }
  if (typeof value !== "boolean") {
    throw invalidProp(owner, prop, "must be true or false", value);
  }
  return value;
}

/** An absolute directory path without whitespace, quotes or shell characters. */
export function checkWorkdir(owner: string, value: unknown): string {
  return checkString(
    owner,
    "workdir",
    value,
    "/app",
    'must be an absolute directory path below "/" made of letters, digits, ".", "_", "-" and "/" (e.g. "/app")',
    (v) =>
      /^(\/[A-Za-z0-9._-]+)+$/.test(v) &&
      !v.split("/").some((segment) => segment === "." || segment === ".."),
  );
}
