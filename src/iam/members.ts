/**
 * IAM principal ("member") strings and service account e-mails.
 *
 * Member formats: https://cloud.google.com/iam/docs/principal-identifiers and the provider
 * documentation of `*_iam_member.member`.
 * Default service accounts: https://cloud.google.com/iam/docs/service-account-types#default
 * (Compute Engine `PROJECT_NUMBER-compute@developer.gserviceaccount.com`, App Engine
 * `PROJECT_ID@appspot.gserviceaccount.com`), which carry the Editor role by default.
 * @internal
 */
import { invalidProp, isUnresolved } from "../util/check";

const EMAIL = "[^@\\s:]+@[^@\\s:]+\\.[^@\\s:]+";
const MEMBER_PATTERNS: RegExp[] = [
  /^allUsers$/,
  /^allAuthenticatedUsers$/,
  new RegExp(`^user:${EMAIL}$`),
  new RegExp(`^serviceAccount:${EMAIL}$`),
  new RegExp(`^group:${EMAIL}$`),
  /^domain:[a-z0-9.-]+\.[a-z]{2,}$/i,
  /^principal:\/\/\S+$/,
  /^principalSet:\/\/\S+$/,
];
const MEMBER_PREFIXES = [
  "user:",
  "serviceAccount:",
  "group:",
  "domain:",
  "principal://",
  "principalSet://",
];
const TOKEN_START = "${";

/** The members that make a service public. @internal */
export const PUBLIC_MEMBERS: readonly string[] = ["allUsers", "allAuthenticatedUsers"];

/**
 * Validates an IAM member such as `serviceAccount:caller@p.iam.gserviceaccount.com`,
 * `user:a@example.com`, `group:…`, `domain:example.com`, `principal://…`, `principalSet://…`,
 * `allUsers` or `allAuthenticatedUsers`. A member containing a token is checked only for its
 * literal prefix (e.g. `serviceAccount:${…email}`).
 * @internal
 */
export function validateMember(owner: string, prop: string, member: string): void {
  const allowed =
    'must be "allUsers", "allAuthenticatedUsers" or a principal such as "serviceAccount:<email>", "user:<email>", "group:<email>", "domain:<domain>", "principal://…" or "principalSet://…"';
  if (typeof member !== "string") {
    throw invalidProp(owner, prop, allowed, member);
  }
  if (isUnresolved(member)) {
    if (member.startsWith(TOKEN_START) || MEMBER_PREFIXES.some((p) => member.startsWith(p))) {
      return;
    }
    throw invalidProp(owner, prop, allowed, member);
  }
  if (!MEMBER_PATTERNS.some((pattern) => pattern.test(member))) {
    throw invalidProp(owner, prop, allowed, member);
  }
}

/**
 * True for the project's default service accounts (Compute Engine and App Engine).
 * @internal
 */
export function isDefaultServiceAccount(email: string): boolean {
  const lower = email.toLowerCase();
  return (
    lower.endsWith("-compute@developer.gserviceaccount.com") ||
    lower.endsWith("@appspot.gserviceaccount.com")
  );
}

/**
 * Validates a service account e-mail given as a service's identity: an e-mail address, never a
 * default service account (they hold the project Editor role). A leading `serviceAccount:` is an
 * error too: the prop takes the e-mail alone.
 * @internal
 */
export function validateServiceAccountEmail(owner: string, prop: string, email: string): void {
  if (isUnresolved(email)) {
    // `${number}-compute@developer.gserviceaccount.com`: the literal part already tells.
    if (typeof email === "string" && isDefaultServiceAccount(email)) {
      throw defaultAccountError(owner, prop, email);
    }
    return;
  }
  if (typeof email !== "string" || !new RegExp(`^${EMAIL}$`).test(email)) {
    throw invalidProp(
      owner,
      prop,
      'must be a service account e-mail such as "api@my-project.iam.gserviceaccount.com"',
      email,
    );
  }
  if (isDefaultServiceAccount(email)) {
    throw defaultAccountError(owner, prop, email);
  }
}

function defaultAccountError(owner: string, prop: string, email: string): Error {
  return invalidProp(
    owner,
    prop,
    "must not be a default service account (Compute Engine or App Engine): they hold the project Editor role; omit the prop to get a dedicated one",
    email,
  );
}
