/**
 * Instance counts of a Cloud Run service. This module is not re-exported by `src/index.ts`.
 *
 * Source: [quotas] https://cloud.google.com/run/quotas
 * @internal
 */
import { checkInteger, invalidProp, isUnresolved } from "../util/check";

/**
 * minInstances >= 0, maxInstances >= 1, minInstances <= maxInstances. The upper bound of
 * maxInstances is a regional quota ([quotas]: "depends on selected region and CPU and memory"),
 * so it is not checked here.
 * @internal
 */
export function validateScaling(owner: string, minInstances: number, maxInstances: number): void {
  checkInteger(owner, "minInstances", minInstances, { min: 0 });
  checkInteger(owner, "maxInstances", maxInstances, { min: 1 });
  if (!isUnresolved(minInstances) && !isUnresolved(maxInstances) && minInstances > maxInstances) {
    throw invalidProp(
      owner,
      "minInstances",
      `must not exceed maxInstances (${maxInstances})`,
      minInstances,
    );
  }
}
