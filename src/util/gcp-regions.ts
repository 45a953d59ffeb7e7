/**
 * Google Cloud locations. This module is not re-exported by `src/index.ts`.
 *
 * Regions are `<area>-<direction><number>`, e.g. `europe-west1`, `us-central1`,
 * `northamerica-northeast2`, `europe-west12` (https://cloud.google.com/about/locations). Artifact
 * Registry also has the multi-regions `us`, `europe` and `asia`
 * (https://cloud.google.com/artifact-registry/docs/repositories/repo-locations); Cloud Run
 * services are regional only.
 * @internal
 */

const REGION_PATTERN = /^[a-z]+(-[a-z]+)+[0-9]{1,2}$/;

/** Artifact Registry's multi-region locations. @internal */
export const ARTIFACT_REGISTRY_MULTI_REGIONS: readonly string[] = ["us", "europe", "asia"];

/**
 * True for a Google Cloud region such as `europe-west1` (not a zone, not a multi-region).
 * @internal
 */
export function isGcpRegion(value: unknown): boolean {
  return typeof value === "string" && REGION_PATTERN.test(value);
}
