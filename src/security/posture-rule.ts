/**
 * The rules of the stack-level security posture check (`SecurityPosture`). They cover Cloud Run
 * services, jobs (and their schedules) and worker pools, the library's and hand-written ones.
 *
 * | Id     | Rule |
 * | ------ | ---- |
 * | SEC001 | No `allUsers` / `allAuthenticatedUsers` access to a Cloud Run service unless it was created with `allowUnauthenticated: true` (and then only `roles/run.invoker`); none to a job or worker pool. |
 * | SEC002 | No basic (owner, editor, viewer), admin or impersonation role for the runtime service account of a service, job or worker pool, or a schedule's account, at project, folder, organization or service-account level. |
 * | SEC003 | No service account keys. |
 * | SEC004 | No Cloud Run service, job or worker pool running as a default (Compute Engine or App Engine) service account, or without a service account. |
 * | SEC005 | No Cloud Run service, job or worker pool running an image that is not proven to run as a non-root user. |
 */
export enum PostureRule {
  /**
   * SEC001: a public member (`allUsers`, `allAuthenticatedUsers`) holds a role on a Cloud Run
   * service that was not created with `allowUnauthenticated: true`, or IAM invoker checks are
   * disabled on it; or a public member holds any role on a Cloud Run job or worker pool (never
   * public on purpose).
   */
  PUBLIC_INVOKER = "SEC001",
  /**
   * SEC002: a runtime service account (of a service, job or worker pool) or the account of a
   * job's schedule holds a basic role (owner, editor, viewer), an admin role or an
   * impersonation role on a project, folder, organization or service account.
   */
  PRIVILEGED_SERVICE_ACCOUNT = "SEC002",
  /** SEC003: a service account key is created. */
  SERVICE_ACCOUNT_KEY = "SEC003",
  /**
   * SEC004: a Cloud Run service, job or worker pool runs as a default compute or App Engine
   * service account, or has no service account set (which means the default compute service
   * account).
   */
  DEFAULT_SERVICE_ACCOUNT = "SEC004",
  /**
   * SEC005: a Cloud Run service, job or worker pool runs an image whose user is not proven
   * non-root (an image not built by a `ContainerImage` of this library).
   */
  UNPROVEN_NON_ROOT_IMAGE = "SEC005",
}

/**
 * A violation (or acknowledged violation) of a posture rule.
 */
export interface PostureFinding {
  /** The rule. */
  readonly rule: PostureRule;

  /** The construct path of the offending construct, e.g. `Stack/api/Invoker-1a2b3c4d5e6f`. */
  readonly path: string;

  /** What is wrong and how to fix it, starting with `[<id> <name>] <path>: `. */
  readonly message: string;

  /** True when the rule was acknowledged for this construct. */
  readonly acknowledged: boolean;

  /**
   * The reason given when the rule was acknowledged.
   * @default - not acknowledged
   */
  readonly reason?: string;
}
