/**
 * Construct ids of IAM bindings. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { createHash } from "crypto";
import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { isUnresolved } from "../util/check";

/**
 * The construct id of an IAM binding for `value` (a member or a secret): `<prefix>-<12 hex digits>`
 * of the sha256 of the value.
 *
 * A value that holds tokens is hashed in its resolved form (e.g.
 * `serviceAccount:${google_service_account.caller.email}`), not as the token's placeholder text:
 * placeholders are numbered in creation order, so an unrelated token created earlier (a new
 * `TerraformVariable`) would change the id, and Terraform would replace the binding.
 * @internal
 */
export function bindingId(scope: IConstruct, prefix: string, value: string): string {
  return `${prefix}-${sha256(stableText(scope, value)).slice(0, 12)}`;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

function stableText(scope: IConstruct, value: string): string {
  if (!isUnresolved(value)) {
    return value;
  }
  try {
    const resolved: unknown = Tokenization.resolve(value, {
      scope: TerraformStack.of(scope),
      resolver: RESOLVER,
    });
    if (typeof resolved === "string" && !isUnresolved(resolved)) {
      return resolved;
    }
    const text = JSON.stringify(resolved);
    if (typeof text === "string" && !isUnresolved(text)) {
      return text;
    }
  } catch {
    // Not resolvable here: fall back to the placeholder text.
  }
  return value;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
