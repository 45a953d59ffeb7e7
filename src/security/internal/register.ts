/**
 * How the library's constructs join their stack's security posture check.
 * @internal
 */
import { IConstruct } from "constructs";
import { SecurityPosture } from "../security-posture";
import { ALLOW_UNAUTHENTICATED } from "./inspect";

/**
 * Records the `allowUnauthenticated` a `CloudRunService` was created with and makes sure its
 * stack has a `SecurityPosture`.
 * @internal
 */
export function registerService(service: IConstruct, allowUnauthenticated: boolean): void {
  Object.defineProperty(service, ALLOW_UNAUTHENTICATED, { value: allowUnauthenticated === true });
  SecurityPosture.of(service);
}
