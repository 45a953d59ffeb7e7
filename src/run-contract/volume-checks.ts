/**
 * The checks of the volume options: required options and booleans, secret file names, Cloud
 * Storage bucket names, NFS servers and Cloud SQL instance connection names. This module is not
 * re-exported by `src/index.ts`.
 *
 * Sources: see `volumes.ts` ([bucket], [sql], [sql-name]).
 * @internal
 */
import * as net from "net";
import { checkText, invalidProp, isAbsent, isUnresolved } from "../util/check";

/** Options of a `Volume` factory: an object is required. @internal */
export function requireOptions(owner: string, options: unknown, expected: string): void {
  if (isAbsent(options) || typeof options !== "object" || Array.isArray(options)) {
    throw invalidProp(owner, "options", `are required: ${expected}`, options);
  }
}

/** An optional boolean option (a token is skipped). @internal */
export function checkBoolean(owner: string, prop: string, value: unknown): void {
  if (!isAbsent(value) && !isUnresolved(value) && typeof value !== "boolean") {
    throw invalidProp(owner, prop, "must be true or false", value);
  }
}

const FILE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * A secret's file name inside its mount path: relative segments of letters, digits, `.`, `_`
 * and `-`, no `.` or `..` segment, at most 255 characters per segment.
 * @internal
 */
export function validateFileName(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be a relative file name of letters, digits, ".", "_" and "-" ("/" separates directories; no "." or ".." segments), e.g. "password"',
    (v) =>
      v.split("/").every((s) => FILE_SEGMENT.test(s) && s !== "." && s !== ".." && s.length <= 255),
  );
}

const BUCKET_CHARS = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
const IPV4_LIKE = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;

/**
 * A Cloud Storage bucket name [bucket]: 3–63 lowercase letters, digits, `-`, `_` and `.`,
 * starting and ending with a letter or digit (up to 222 with dots, each dot-separated part at
 * most 63); not an IP address; not starting with "goog", not containing "google" (or "g00gle").
 * @internal
 */
export function validateBucketName(owner: string, prop: string, value: string): void {
  const hint =
    typeof value === "string" && value.startsWith("gs://")
      ? ` (give the name without "gs://": ${JSON.stringify(value.slice(5))})`
      : "";
  checkText(
    owner,
    prop,
    value,
    'must be a bucket name: 3 to 63 lowercase letters, digits, "-", "_" or ".", starting and ending with a letter or digit (up to 222 with dots, at most 63 between dots), not an IP address, not starting with "goog" and not containing "google"' +
      hint,
    isBucketName,
  );
}

/** @internal */
export function isBucketName(v: string): boolean {
  const max = v.includes(".") ? 222 : 63;
  return (
    v.length >= 3 &&
    v.length <= max &&
    BUCKET_CHARS.test(v) &&
    v.split(".").every((part) => part.length >= 1 && part.length <= 63) &&
    !IPV4_LIKE.test(v) &&
    !v.startsWith("goog") &&
    !/g[o0][o0]gle/.test(v)
  );
}

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An NFS server: an IPv4 or IPv6 address, or a host name (labels of 1 to 63 letters, digits and
 * inner hyphens, at most 253 characters).
 * @internal
 */
export function validateNfsServer(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be a host name or an IP address, e.g. "10.0.0.2" or "nfs.example.internal"',
    (v) =>
      net.isIP(v) !== 0 ||
      (v.length <= 253 && !IPV4_LIKE.test(v) && v.split(".").every((l) => HOST_LABEL.test(l))),
  );
}

const PROJECT_ID = "[a-z][a-z0-9-]{4,28}[a-z0-9]";
const DOMAIN_PROJECT = `(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+:)?${PROJECT_ID}`;
const SQL_CONNECTION_NAME = new RegExp(
  `^(${DOMAIN_PROJECT}):([a-z]+(?:-[a-z]+)+[0-9]{1,2}):([a-z][a-z0-9-]*)$`,
);

/**
 * A Cloud SQL instance connection name `<project>:<region>:<instance>` [sql] [sql-name].
 * @internal
 */
export function validateSqlConnectionName(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be an instance connection name "<project>:<region>:<instance>", e.g. "my-project:europe-west1:db" (project and instance ids together at most 98 characters)',
    (v) => {
      const m = SQL_CONNECTION_NAME.exec(v);
      return m !== null && m[1].length + m[3].length <= 98;
    },
  );
}

/**
 * The project of a Cloud SQL instance connection name known at synth (`example.com:p` for a
 * domain-scoped project).
 * @internal
 */
export function sqlInstanceProject(connectionName: string): string {
  const m = SQL_CONNECTION_NAME.exec(connectionName);
  return m !== null ? m[1] : connectionName.split(":").slice(0, -2).join(":");
}
