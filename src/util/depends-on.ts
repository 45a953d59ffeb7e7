import { IResolveContext, ITerraformDependable, Token } from "cdktf";

/**
 * A `depends_on` entry for a resource added after construction (what the `dependsOn` config
 * writes for a resource given at construction). This module is not re-exported by
 * `src/index.ts`.
 * @internal
 */
export function dependencyOn(target: ITerraformDependable): string {
  return Token.asString({
    creationStack: [],
    resolve: (context: IResolveContext) => {
      context.suppressBraces = true;
      return target.fqn;
    },
    toString: () => target.fqn,
  });
}
