/**
 * Google Cloud resource labels, as every Google Cloud API checks them (Cloud Run services and
 * Artifact Registry repositories alike). This module is not re-exported by `src/index.ts`.
 *
 * Source: https://cloud.google.com/resource-manager/docs/labels-overview#requirements — at most
 * 64 labels per resource; keys 1–63 characters, starting with a lowercase letter (international
 * ones included); keys and values contain only lowercase letters (international ones included),
 * digits, `_` and `-`; values 0–63 characters; keys and values at most 128 bytes in UTF-8. The API
 * spells the patterns `[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}` and `[\p{Ll}\p{Lo}\p{N}_-]{0,63}`.
 * @internal
 */
import { invalidProp, isUnresolved } from "./check";

/** At most 64 labels per resource. @internal */
export const MAX_LABELS = 64;
/** At most 128 bytes (UTF-8) per key and per value. @internal */
export const MAX_LABEL_BYTES = 128;

const LABEL_KEY_PATTERN = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE_PATTERN = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** Options of {@link validateGcpLabels}. @internal */
export interface GcpLabelOptions {
  /** Key namespaces the service reserves for itself (e.g. `run.googleapis.com`). */
  readonly reservedNamespaces?: readonly string[];
  /** Who reserves them, for the message (e.g. "Cloud Run"). */
  readonly reservedBy?: string;
}

/**
 * Checks a label map against the Google Cloud label rules. `null` and `undefined` mean "no
 * labels"; a map that is a token, and keys or values that are tokens, are skipped.
 * @internal
 */
export function validateGcpLabels(
  owner: string,
  prop: string,
  labels: { [key: string]: string } | undefined,
  options: GcpLabelOptions = {},
): void {
  if (labels === undefined || labels === null || isUnresolved(labels)) {
    return;
  }
  if (typeof labels !== "object" || Array.isArray(labels)) {
    throw invalidProp(owner, prop, "must be a map of label keys to values", labels);
  }
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) {
    throw invalidProp(
      owner,
      prop,
      `must have at most ${MAX_LABELS} labels`,
      `${keys.length} labels`,
    );
  }
  const reservedNamespaces = options.reservedNamespaces ?? [];
  for (const key of keys) {
    if (isUnresolved(key)) {
      continue;
    }
    const reserved = reservedNamespaces.find(
      (ns) =>
        key === ns || key.startsWith(`${ns}/`) || key.endsWith(`.${ns}`) || key.includes(`.${ns}/`),
    );
    if (reserved !== undefined) {
      throw invalidProp(
        owner,
        prop,
        `keys in the ${reservedNamespaces.join(", ")} namespaces are reserved by ${options.reservedBy ?? "Google Cloud"}`,
        key,
      );
    }
    if (!LABEL_KEY_PATTERN.test(key)) {
      throw invalidProp(
        owner,
        prop,
        "keys must be 1 to 63 lowercase letters, digits, underscores or hyphens, starting with a letter",
        key,
      );
    }
    if (Buffer.byteLength(key, "utf8") > MAX_LABEL_BYTES) {
      throw invalidProp(owner, prop, `keys must be at most ${MAX_LABEL_BYTES} bytes in UTF-8`, key);
    }
    const value = labels[key];
    if (isUnresolved(value)) {
      continue;
    }
    if (typeof value !== "string" || !LABEL_VALUE_PATTERN.test(value)) {
      throw invalidProp(
        owner,
        `${prop}.${key}`,
        "must be at most 63 lowercase letters, digits, underscores or hyphens",
        value,
      );
    }
    if (Buffer.byteLength(value, "utf8") > MAX_LABEL_BYTES) {
      throw invalidProp(
        owner,
        `${prop}.${key}`,
        `must be at most ${MAX_LABEL_BYTES} bytes in UTF-8`,
        value,
      );
    }
  }
}
