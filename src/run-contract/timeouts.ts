/**
 * Timeouts of Cloud Run workloads. This module is not re-exported by `src/index.ts`.
 *
 * Source: [quotas] https://cloud.google.com/run/quotas
 * @internal
 */
import { checkInteger, numberText } from "../util/check";

/** Request timeout 1–3600 seconds. [quotas], DESIGN §3. @internal */
export function validateTimeoutSeconds(owner: string, value: number | undefined): void {
  checkInteger(owner, "timeoutSeconds", value, { min: 1, max: 3600 });
}

/**
 * A number of seconds as the provider's duration strings take it: `"600s"` (a token value is
 * written as the Terraform expression it stands for, followed by `s`).
 * @internal
 */
export function durationSeconds(value: number): string {
  return `${numberText(value)}s`;
}
