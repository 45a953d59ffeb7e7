/**
 * Timeouts of Cloud Run workloads. This module is not re-exported by `src/index.ts`.
 *
 * Source: [quotas] https://cloud.google.com/run/quotas
 * @internal
 */
import { checkInteger } from "../util/check";

/** Request timeout 1–3600 seconds. [quotas], DESIGN §3. @internal */
export function validateTimeoutSeconds(owner: string, value: number | undefined): void {
  checkInteger(owner, "timeoutSeconds", value, { min: 1, max: 3600 });
}
