/**
 * The start order of a multi-container workload: the main container's name, how many containers
 * an instance runs, the `dependsOn` lists, and the checks of the order as a whole (every name
 * known, a startup probe on each sidecar another container waits for, no cycle). This module is
 * not re-exported by `src/index.ts`.
 *
 * Sources: see `sidecars.ts` ([sidecars], [contract], [v2]).
 * @internal
 */
import { describeValue, invalidProp, isAbsent, isUnresolved } from "../util/check";

/** Containers per instance, the ingress container included [sidecars]. @internal */
export const MAX_CONTAINERS = 10;

/** The name of a workload's main (ingress) container when it has sidecars. @internal */
export const MAIN_CONTAINER_NAME = "main";

/**
 * A cycle in a dependency graph, as the path that closes it (`["a", "b", "a"]`), or undefined.
 * `edges` maps each node to the nodes it depends on; nodes are visited in the map's order, so
 * the same graph gives the same path.
 * @internal
 */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const seen = state.get(node);
    if (seen === "done") {
      return undefined;
    }
    if (seen === "visiting") {
      return [...stack.slice(stack.indexOf(node)), node];
    }
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) {
        return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle !== undefined) {
      return cycle;
    }
  }
  return undefined;
}

/** One sidecar as the start-order check sees it. @internal */
export interface SidecarNode {
  /** The prop it was given in, e.g. "sidecars[1]". */
  readonly prop: string;
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly hasStartupProbe: boolean;
}

/**
 * A `dependsOn` list: known at synth, strings, no duplicates, not the sidecar itself. Returns
 * the list (empty when absent).
 * @internal
 */
export function checkDependsOnList(
  owner: string,
  prop: string,
  name: string,
  value: string[] | undefined,
): string[] {
  if (isAbsent(value)) {
    return [];
  }
  if (isUnresolved(value) || !Array.isArray(value)) {
    throw invalidProp(owner, prop, "must be a list (known at synth) of container names", value);
  }
  value.forEach((dep, index) => {
    if (typeof dep !== "string" || isUnresolved(dep)) {
      throw invalidProp(owner, `${prop}[${index}]`, "must be a container name known at synth", dep);
    }
    if (dep === name) {
      throw invalidProp(owner, `${prop}[${index}]`, "must not name the sidecar itself", dep);
    }
    if (value.indexOf(dep) !== index) {
      throw invalidProp(owner, prop, "must not name a container twice", dep);
    }
  });
  return [...value];
}

/**
 * The errors of a workload's start order: every `dependsOn` names the main container or a
 * sidecar; a sidecar another container waits for has a startup probe [sidecars]; no cycle (the
 * message shows it: `a → b → a`). The container count is checked as sidecars are added.
 * @internal
 */
export function startOrderErrors(owner: string, sidecars: readonly SidecarNode[]): string[] {
  const errors: string[] = [];
  const byName = new Map(sidecars.map((s) => [s.name, s]));
  const known = [MAIN_CONTAINER_NAME, ...byName.keys()];
  const unprobed = new Set<string>();
  for (const sidecar of sidecars) {
    sidecar.dependsOn.forEach((dep, index) => {
      if (!known.includes(dep)) {
        errors.push(
          invalidProp(
            owner,
            `${sidecar.prop}.dependsOn[${index}]`,
            `must name a container of the service: ${known.map((k) => describeValue(k)).join(", ")}`,
            dep,
          ).message,
        );
        return;
      }
      const target = byName.get(dep);
      if (target !== undefined && !target.hasStartupProbe && !unprobed.has(target.name)) {
        unprobed.add(target.name);
        errors.push(
          invalidProp(
            owner,
            `${target.prop}.startupProbe`,
            `is required: sidecar ${describeValue(sidecar.name)} starts after sidecar ${describeValue(target.name)} (dependsOn), and Cloud Run waits for the startup probe of each container it depends on`,
            undefined,
          ).message,
        );
      }
    });
  }
  const cycle = findCycle(new Map(sidecars.map((s) => [s.name, s.dependsOn])));
  if (cycle !== undefined) {
    const first = byName.get(cycle[0]);
    errors.push(
      invalidProp(
        owner,
        `${first?.prop ?? "sidecars"}.dependsOn`,
        `must not form a cycle: ${cycle.join(" → ")} (no container of the cycle could start)`,
        first?.dependsOn,
      ).message,
    );
  }
  return [...new Set(errors)];
}
