/**
 * The region of a Cloud Run workload. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { IConstruct } from "constructs";
import { checkText } from "../util/check";
import { isGcpRegion, LocationKind, warnUnknownLocation } from "../util/gcp-regions";

/**
 * A Cloud Run region such as `europe-west1` (Cloud Run workloads are regional, never `global`).
 * @internal
 */
export function validateRegion(owner: string, value: string): void {
  checkText(owner, "region", value, 'must be a Google Cloud region such as "europe-west1"', (v) =>
    isGcpRegion(v),
  );
}

/**
 * Checks the region of a workload and warns on `scope` when it is well formed but not a known
 * Cloud Run region (once per scope and its ancestors).
 * @internal
 */
export function checkRegion(scope: IConstruct, owner: string, region: string): void {
  validateRegion(owner, region);
  warnUnknownLocation(scope, owner, "region", region, LocationKind.CLOUD_RUN);
}
