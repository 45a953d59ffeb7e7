/**
 * Service account ids for the runtime identities the library creates.
 *
 * GCP rule (google_service_account.account_id, IAM `projects.serviceAccounts.create`): 6 to 30
 * characters matching `^[a-z]([-a-z0-9]*[a-z0-9])$`.
 * Source: https://cloud.google.com/iam/docs/service-accounts-create#creating and the provider
 * documentation of `google_service_account.account_id`.
 * @internal
 */
import { createHash } from "crypto";
import { sanitizeName } from "../util/names";

/** @internal */
export const ACCOUNT_ID_MIN_LENGTH = 6;
/** @internal */
export const ACCOUNT_ID_MAX_LENGTH = 30;
/** @internal */
export const ACCOUNT_ID_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])$/;
/** Hex characters of the construct-path hash kept in an account id. @internal */
export const ACCOUNT_ID_HASH_LENGTH = 8;

/**
 * True when `id` is a valid service account id.
 * @internal
 */
export function isValidAccountId(id: string): boolean {
  return (
    id.length >= ACCOUNT_ID_MIN_LENGTH &&
    id.length <= ACCOUNT_ID_MAX_LENGTH &&
    ACCOUNT_ID_PATTERN.test(id)
  );
}

/**
 * Derives the account id of a service's runtime identity: a readable prefix from `name` (the
 * service name) and a short hash of `uniqueKey` (the construct path, unique within an app) and
 * `name`.
 *
 * `<prefix>-<8 hex digits>`, where the prefix is `name` lowercased, with every character outside
 * `[a-z0-9-]` turned into `-`, leading characters up to the first letter dropped, cut to 21
 * characters and without trailing `-` ("run" when nothing is left). The result is always a valid
 * account id, the same inputs always give the same id, and two services with different construct
 * paths get different ids unless 32-bit hashes collide (which `CloudRunService` detects at synth).
 * @internal
 */
export function deriveAccountId(name: string, uniqueKey: string): string {
  const hash = createHash("sha256")
    .update(`${uniqueKey}\u0000${name}`)
    .digest("hex")
    .slice(0, ACCOUNT_ID_HASH_LENGTH);
  const maxPrefix = ACCOUNT_ID_MAX_LENGTH - 1 - ACCOUNT_ID_HASH_LENGTH;
  const prefix = sanitizeName(name, maxPrefix);
  return `${prefix.length > 0 ? prefix : "run"}-${hash}`;
}
