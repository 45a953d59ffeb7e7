/**
 * One value per stack, or per app: the staged Dockerfiles and the security posture of a stack,
 * the images already built in it, the services of an app by name, the caches of an app. This
 * module is not re-exported by `src/index.ts`.
 *
 * The value is kept on the stack (or the app's root construct) under a `Symbol.for` key, so it
 * lives exactly as long as the stack or app, and copies of this library loaded side by side in
 * one program share it.
 * @internal
 */
import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

const PREFIX = "cdktf-cloud-run.";

/** The value of `holder` under `key`, created by `create` on first use. */
function attached<H extends object, T>(holder: H, key: string, create: (holder: H) => T): T {
  const symbol = Symbol.for(`${PREFIX}${key}`);
  const slot = holder as { [symbol]?: T };
  if (Object.prototype.hasOwnProperty.call(holder, symbol)) {
    return slot[symbol] as T;
  }
  const value = create(holder);
  // Created values may have stored themselves already (a construct created inside `create`).
  if (!Object.prototype.hasOwnProperty.call(holder, symbol)) {
    Object.defineProperty(holder, symbol, { value, enumerable: false });
  }
  return slot[symbol] as T;
}

/**
 * The value kept for the stack that contains `scope` under `key`, created by `create` on first
 * use. Throws (as `TerraformStack.of`) when `scope` is in no stack.
 * @internal
 */
export function perStack<T>(
  scope: IConstruct,
  key: string,
  create: (stack: TerraformStack) => T,
): T {
  return attached(TerraformStack.of(scope), key, create);
}

/**
 * The value kept for the app (the root of the construct tree) that contains `scope` under
 * `key`, created by `create` on first use.
 * @internal
 */
export function perApp<T>(scope: IConstruct, key: string, create: (root: IConstruct) => T): T {
  return attached(scope.node.root, key, create);
}
