/**
 * Secrets from Secret Manager read by a Cloud Run workload: the `SecretReference` prop, its
 * checks, and the grants that let the workload's identity read exactly those secrets.
 *
 * Sources:
 * - [secrets] https://cloud.google.com/secret-manager/docs/creating-and-accessing-secrets
 * - [aliases] https://cloud.google.com/secret-manager/docs/assign-alias-to-secret-version
 *             ("Alias names must start with a letter, can be up to 63 characters long, and can
 *             contain letters, numbers, hyphens (-), and underscores (_). You cannot use Latest
 *             or New (case-insensitive) as an alias name.")
 */
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { Annotations, TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { bindingId } from "../iam/binding-id";
import { checkText, invalidProp, isUnresolved } from "../util/check";
import { dependencyOn } from "../util/depends-on";

/**
 * A secret from Secret Manager exposed to the container as an environment variable.
 *
 * The service's identity is granted `roles/secretmanager.secretAccessor` on exactly this secret.
 */
export interface SecretReference {
  /**
   * The secret: its id (`db-password`, a secret in the service's project) or its full name
   * (`projects/<project>/secrets/<id>`), e.g. `secret.id` of a `SecretManagerSecret`.
   */
  readonly secret: string;

  /**
   * The version: a version number such as "3", "latest", or a version alias such as "prod"
   * (1 to 63 letters, digits, `-` or `_`, starting with a letter). Pin a number: with "latest"
   * (or an alias, which can be moved) every new instance may read a different value, and a
   * rollback does not roll the secret back.
   * @default "latest" (with a synth warning)
   */
  readonly version?: string;
}

const SECRET_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const SECRET_NAME_PATTERN = /^projects\/([^/]+)\/secrets\/([A-Za-z0-9_-]{1,255})$/;
/** "latest", a version number, or a version alias [aliases]. */
const SECRET_VERSION_PATTERN = /^(latest|[1-9][0-9]*|[A-Za-z][A-Za-z0-9_-]{0,62})$/;
/** Names Secret Manager refuses as aliases (case-insensitive) [aliases]; "latest" is the keyword. */
const SECRET_RESERVED_ALIASES = ["latest", "new"];

/**
 * A secret reference: a secret id (`db-password`, in the service's project) or a full name
 * (`projects/<project>/secrets/<id>`). Secret ids are 1–255 letters, digits, `_` or `-`.
 * @internal
 */
/**
 * Warns that `what` (e.g. "secret environment variable TOKEN") of `owner` reads version "latest"
 * of `secret`.
 * @internal
 */
export function warnLatestSecretVersion(
  scope: IConstruct,
  owner: string,
  what: string,
  secret: string,
): void {
  Annotations.of(scope).addWarning(
    `${owner}: ${what} reads version "latest" of ${secret}: ` +
      `pin a version number (e.g. version: "3") so that every instance reads the same value ` +
      `and a rollback rolls the secret back too.`,
  );
}

export function validateSecretName(owner: string, prop: string, secret: string): void {
  checkText(
    owner,
    prop,
    secret,
    'must be a secret id (1 to 255 letters, digits, "_" or "-") or a full name "projects/<project>/secrets/<id>"',
    (s) => SECRET_ID_PATTERN.test(s) || SECRET_NAME_PATTERN.test(s),
  );
}

/**
 * A secret version: "latest", a version number, or a version alias (starts with a letter; then
 * letters, digits, `-` and `_`; at most 63 characters; not "latest" or "new" in any case other
 * than the keyword "latest"). [aliases]
 * @internal
 */
export function validateSecretVersion(owner: string, prop: string, version: string): void {
  checkText(
    owner,
    prop,
    version,
    'must be "latest", a version number such as "3", or a version alias (1 to 63 letters, ' +
      'digits, "-" or "_", starting with a letter; "new" and other spellings of "latest" are ' +
      "not aliases)",
    (v) =>
      SECRET_VERSION_PATTERN.test(v) &&
      (v === "latest" || !SECRET_RESERVED_ALIASES.includes(v.toLowerCase())),
  );
}

/**
 * Checks a secret reference given for `<prop>.<name>`: `{ secret, version? }`.
 * @internal
 */
export function checkSecretReference(
  owner: string,
  prop: string,
  name: string,
  ref: SecretReference,
): void {
  if (ref === undefined || ref === null || typeof ref !== "object") {
    throw invalidProp(owner, `${prop}.${name}`, "must be { secret, version? }", ref);
  }
  validateSecretName(owner, `${prop}.${name}.secret`, ref.secret);
  if (ref.version !== undefined) {
    validateSecretVersion(owner, `${prop}.${name}.version`, ref.version);
  }
}

const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
const SECRET_FULL_NAME = /^projects\/[^/]+\/secrets\/[^/]+$/;

/**
 * The `roles/secretmanager.secretAccessor` grants of one workload identity: one binding per
 * secret (granting a secret twice declares one), each a dependency of the workload's resource
 * (a revision cannot start before its identity can read its secrets).
 * @internal
 */
export class SecretAccessGrants {
  private readonly granted = new Map<string, SecretManagerSecretIamMember>();

  constructor(
    private readonly scope: Construct,
    private readonly member: string,
    /** The workload's project, where a secret given by its short id lives. */
    private readonly project: string | undefined,
    private readonly dependent: TerraformResource,
  ) {}

  /** Grants access to `secret` (a secret id or full name). */
  public grant(secret: string): void {
    const id = bindingId(this.scope, "SecretAccessor", secret);
    if (this.granted.has(secret) || this.scope.node.tryFindChild(id) !== undefined) {
      return;
    }
    const fullName = !isUnresolved(secret) && SECRET_FULL_NAME.test(secret);
    const grant = new SecretManagerSecretIamMember(this.scope, id, {
      secretId: secret,
      // A short id lives in the workload's project; a full name carries its own.
      project: fullName ? undefined : this.project,
      role: SECRET_ACCESSOR_ROLE,
      member: this.member,
    });
    this.granted.set(secret, grant);
    this.dependent.dependsOn = [...(this.dependent.dependsOn ?? []), dependencyOn(grant)];
  }
}
