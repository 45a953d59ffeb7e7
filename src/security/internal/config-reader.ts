/**
 * Reading a construct's configuration without rendering it: the provider classes' `*Input`
 * getters (and the escape-hatch overrides on top of them), each read guarded, and tokens
 * resolved against the stack. A getter that throws or a value of an unexpected shape counts as
 * "not set".
 * @internal
 */
import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from "cdktf";
import { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * Resolves tokens against one stack. Strings are remembered for the life of the object (one
 * inspection of the stack): a string resolves to the same value throughout, and the same
 * references (a service account's e-mail, an image's reference) are read by several rules.
 * @internal
 */
export class TokenResolver {
  private readonly strings = new Map<string, unknown>();

  constructor(public readonly stack: TerraformStack) {}

  /** Resolves tokens in a value; undefined when resolution fails. */
  public value(value: unknown): unknown {
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value === "string") {
      // Every string goes through resolution: numbers written into a string (`proj${n}`) and
      // list tokens are not seen by Token.isUnresolved, and resolution replaces them.
      if (this.strings.has(value)) {
        return this.strings.get(value);
      }
      const resolved = this.resolveNow(value);
      this.strings.set(value, resolved);
      return resolved;
    }
    return this.resolveNow(value);
  }

  /** Resolves a value to a string (numbers and booleans are written out); else undefined. */
  public text(value: unknown): string | undefined {
    const resolved = this.value(value);
    if (typeof resolved === "string") {
      return resolved;
    }
    if (typeof resolved === "number" || typeof resolved === "boolean") {
      return String(resolved);
    }
    return undefined;
  }

  private resolveNow(value: unknown): unknown {
    try {
      return Tokenization.resolve(value, { scope: this.stack, resolver: RESOLVER });
    } catch {
      return undefined;
    }
  }
}

/** Reads a getter without letting it throw. @internal */
export function read(target: unknown, getter: string): unknown {
  try {
    return (target as { [key: string]: unknown })[getter];
  } catch {
    return undefined;
  }
}

/**
 * The escape-hatch override at `path` (`addOverride("a.b", v)` is stored as `{a: {b: v}}`).
 * @internal
 */
export function override(
  construct: IConstruct,
  path: string[],
): { found: boolean; value?: unknown } {
  let current = read(construct, "rawOverrides");
  for (const key of path) {
    if (current === null || typeof current !== "object" || !(key in (current as object))) {
      return { found: false };
    }
    current = (current as { [key: string]: unknown })[key];
  }
  return { found: true, value: current };
}

/** A configuration value: the override when there is one, else the `*Input` getter. @internal */
export function config(construct: IConstruct, getter: string, overridePath: string[]): unknown {
  const o = override(construct, overridePath);
  return o.found ? o.value : read(construct, getter);
}

/** @internal */
export function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A field given in the provider's camelCase or in Terraform's snake_case. @internal */
export function field(value: unknown, camel: string, snake: string): unknown {
  if (!isObject(value)) {
    return undefined;
  }
  return value[camel] !== undefined ? value[camel] : value[snake];
}

/** The logical address `<type>.<logical id>` of a resource or data source. @internal */
export function addressOf(construct: IConstruct, type: string, data: boolean): string | undefined {
  const id = read(construct, "friendlyUniqueId");
  if (typeof id !== "string") {
    return undefined;
  }
  return `${data ? "data." : ""}${type}.${id}`;
}

/** A list of strings, resolved (a single string counts as a list of one). @internal */
export function stringList(r: TokenResolver, value: unknown): string[] {
  const resolved = r.value(value);
  if (Array.isArray(resolved)) {
    return resolved.filter((m): m is string => typeof m === "string");
  }
  return typeof resolved === "string" ? [resolved] : [];
}
