/**
 * The cleanup policies of a Docker repository: keep the most recent versions of each image,
 * delete tagged versions after some days and untagged ones sooner. This module is not
 * re-exported by `src/index.ts`.
 *
 * Source: https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy-overview
 * @internal
 */
import {
  ArtifactRegistryRepository,
  ArtifactRegistryRepositoryCleanupPolicies,
} from "@cdktf/provider-google/lib/artifact-registry-repository";
import { Op, Token } from "cdktf";
import { checkInteger, isUnresolved } from "../util/check";

/**
 * The defaults of the cleanup policies.
 * @internal
 */
export const CLEANUP_DEFAULTS = {
  keepRecentVersions: 10,
  deleteTaggedAfterDays: 30,
  deleteUntaggedAfterDays: 7,
};

/**
 * Upper bound of `keepRecentVersions`. Artifact Registry takes any int32; keeping more than a
 * thousand versions of every image is no longer a cleanup (use `cleanupPolicies: false`).
 */
const MAX_KEEP_COUNT = 1000;
/** Upper bound of the `...AfterDays` props: ten years. */
const MAX_DAYS = 3650;
/**
 * Cleanup policies per repository: at most 10
 * (https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy-overview, section
 * "Maximum number of cleanup policies per repository"; DESIGN §3).
 */
const MAX_CLEANUP_POLICIES = 10;

/**
 * A number of days as the duration Artifact Registry's `older_than` takes: whole seconds with
 * an `s` suffix (a protobuf Duration in JSON form, e.g. "2592000s" for 30 days).
 */
function duration(days: number): string {
  return isUnresolved(days) ? `${Token.asString(Op.mul(days, 86400))}s` : `${days * 86400}s`;
}

/** The repository's cleanup policies, as synthesized (escape-hatch changes included). */
export function validatePolicyCount(owner: string, resource: ArtifactRegistryRepository): string[] {
  const config = resource.toTerraform() as {
    resource?: { [type: string]: { [name: string]: { cleanup_policies?: unknown } } };
  };
  const body = Object.values(Object.values(config.resource ?? {})[0] ?? {})[0];
  const policies = body?.cleanup_policies;
  if (!Array.isArray(policies) || policies.length <= MAX_CLEANUP_POLICIES) {
    return [];
  }
  return [
    `${owner}: invalid cleanup_policies: a repository has at most ${MAX_CLEANUP_POLICIES} cleanup ` +
      `policies (Artifact Registry's limit). Got: ${policies.length} policies`,
  ];
}

function checkCount(owner: string, prop: string, value: number, min: number, max: number): void {
  checkInteger(owner, prop, value, { min, max, noun: "a whole number" });
}

/** The cleanup props of a repository. @internal */
export interface CleanupProps {
  readonly cleanupPolicies?: boolean;
  readonly keepRecentVersions?: number;
  readonly deleteTaggedAfterDays?: number;
  readonly deleteUntaggedAfterDays?: number;
}

/**
 * Checks the cleanup props and returns the policies: none with `cleanupPolicies: false`.
 * Artifact Registry applies a KEEP policy over every DELETE policy a version also matches, so
 * the most recent versions of each image survive both DELETE policies. The KEEP policy comes
 * first; the order has no meaning to Artifact Registry.
 * @internal
 */
export function cleanupPolicies(
  owner: string,
  props: CleanupProps,
): ArtifactRegistryRepositoryCleanupPolicies[] {
  // null, from JavaScript callers, means "not set", like undefined.
  const cleanup = props.cleanupPolicies ?? true;
  const keepRecentVersions = props.keepRecentVersions ?? CLEANUP_DEFAULTS.keepRecentVersions;
  const deleteTaggedAfterDays =
    props.deleteTaggedAfterDays ?? CLEANUP_DEFAULTS.deleteTaggedAfterDays;
  const deleteUntaggedAfterDays =
    props.deleteUntaggedAfterDays ?? CLEANUP_DEFAULTS.deleteUntaggedAfterDays;
  checkCount(owner, "keepRecentVersions", keepRecentVersions, 1, MAX_KEEP_COUNT);
  checkCount(owner, "deleteTaggedAfterDays", deleteTaggedAfterDays, 1, MAX_DAYS);
  checkCount(owner, "deleteUntaggedAfterDays", deleteUntaggedAfterDays, 1, MAX_DAYS);
  if (!cleanup) {
    return [];
  }
  return [
    {
      id: "keep-recent-versions",
      action: "KEEP",
      mostRecentVersions: { keepCount: keepRecentVersions },
    },
    {
      id: "delete-old-tagged",
      action: "DELETE",
      condition: { tagState: "TAGGED", olderThan: duration(deleteTaggedAfterDays) },
    },
    {
      id: "delete-untagged",
      action: "DELETE",
      condition: { tagState: "UNTAGGED", olderThan: duration(deleteUntaggedAfterDays) },
    },
  ];
}
