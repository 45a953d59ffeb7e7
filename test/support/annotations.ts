import { IConstruct } from "constructs";

/** The warning annotations on a construct and every construct below it. */
export function warnings(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === "@cdktf/warn")
    .map((m) => String(m.data));
}
