/**
 * The runtime identity of a Cloud Run workload: the service account given, or a dedicated one
 * with no project-level roles. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { deriveAccountId } from "../iam/account-id";
import { validateServiceAccountEmail } from "../iam/members";
import { isUnresolved } from "../util/check";

/** How a workload asks for its identity. @internal */
export interface WorkloadIdentityOptions {
  readonly owner: string;
  /** What the workload is, for the account's texts, e.g. "Cloud Run service". */
  readonly kind: string;
  /** The construct id (names the account when the workload's name is a token). */
  readonly id: string;
  /** The workload's name. */
  readonly name: string;
  readonly project?: string;
  /** The e-mail given by the user, if any. */
  readonly serviceAccountEmail?: string;
}

/** The identity a workload runs as. @internal */
export interface WorkloadIdentity {
  readonly email: string;
  /** The dedicated account, when one was created. */
  readonly serviceAccount?: ServiceAccount;
  /** The derived account id of the dedicated account. */
  readonly accountId?: string;
}

/**
 * The given service account (checked: an e-mail, never a default service account), or a
 * dedicated one created as `<scope>/ServiceAccount` with an id derived from the workload's name
 * and construct path.
 * @internal
 */
export function workloadIdentity(
  scope: Construct,
  options: WorkloadIdentityOptions,
): WorkloadIdentity {
  if (options.serviceAccountEmail !== undefined) {
    validateServiceAccountEmail(options.owner, "serviceAccountEmail", options.serviceAccountEmail);
    return { email: options.serviceAccountEmail };
  }
  const known = !isUnresolved(options.name);
  const accountId = deriveAccountId(known ? options.name : options.id, scope.node.path);
  const serviceAccount = new ServiceAccount(scope, "ServiceAccount", {
    accountId,
    project: options.project,
    displayName: known ? `${options.kind} ${options.name}` : `${options.kind} runtime identity`,
    description: `Runtime identity of a ${options.kind}. No project-level roles.`,
  });
  return { email: serviceAccount.email, serviceAccount, accountId };
}
