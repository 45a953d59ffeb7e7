/**
 * Mount paths and the names of mounted volumes: the check of a mount path (Cloud Run's
 * disallowed paths), the fixed mount path of a Cloud SQL volume, and the `template.volumes` names
 * derived from mount paths. This module is not re-exported by `src/index.ts`.
 *
 * Sources: see `volumes.ts` ([storage], [nfs], [sql], [provider]).
 * @internal
 */
import * as posix from "path/posix";
import { checkText, invalidProp, isUnresolved } from "../util/check";
import { sanitizeName } from "../util/names";

/** Paths where Cloud Run refuses volumes, with everything below them [storage] [nfs]. @internal */
export const DISALLOWED_MOUNT_PATHS: readonly string[] = ["/dev", "/proc", "/sys"];

/** The mount path of a Cloud SQL volume [sql] [provider]. @internal */
export const CLOUD_SQL_MOUNT_PATH = "/cloudsql";

/**
 * A mount path: absolute, normalized (no trailing `/`, no empty, `.` or `..` segment), no `:`,
 * no whitespace or control characters, not `/`, and not `/dev`, `/proc`, `/sys` or below them.
 * Returns nothing; throws `invalidProp` naming `prop`.
 * @internal
 */
export function validateMountPath(owner: string, prop: string, value: string): void {
  checkText(
    owner,
    prop,
    value,
    'must be an absolute path such as "/data" (not "/", no ":")',
    (v) =>
      v.startsWith("/") &&
      v !== "/" &&
      !v.includes(":") &&
      ![...v].some((c) => c.trim() === "" || c.charCodeAt(0) < 0x20),
  );
  if (isUnresolved(value)) {
    return;
  }
  const normalized = posix.normalize(value).replace(/\/+$/, "");
  if (normalized !== value) {
    throw invalidProp(
      owner,
      prop,
      `must be a normalized path (no trailing "/", no empty, "." or ".." segments): ${JSON.stringify(normalized || "/")}`,
      value,
    );
  }
  const disallowed = DISALLOWED_MOUNT_PATHS.find((p) => value === p || value.startsWith(`${p}/`));
  if (disallowed !== undefined) {
    throw invalidProp(
      owner,
      prop,
      `must not be ${disallowed} or below it: Cloud Run does not mount volumes at ${DISALLOWED_MOUNT_PATHS.join(", ")} or their subdirectories`,
      value,
    );
  }
}

/**
 * A volume name derived from its (first) mount path: lowercase letters, digits and single
 * hyphens, starting with a letter, at most 63 characters (a DNS label); "volume" when the path
 * has no letter.
 * @internal
 */
export function volumeNameFromPath(path: string): string {
  return sanitizeName(path, 63) || "volume";
}

/**
 * `base`, or `base-2`, `base-3`, ... (cut to 63 characters) when `taken` has it already.
 * @internal
 */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}
