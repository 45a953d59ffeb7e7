/**
 * Container ports. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { checkInteger } from "../util/check";

/** Container port 1–65535 (https://cloud.google.com/run/quotas), DESIGN §3. @internal */
export function validatePort(owner: string, prop: string, value: number | undefined): void {
  checkInteger(owner, prop, value, { min: 1, max: 65535 });
}
