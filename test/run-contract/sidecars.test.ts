import fc from "fast-check";
import { findCycle, startOrderErrors } from "../../src/run-contract/sidecar-start-order";
import { validateContainerName } from "../../src/run-contract/sidecars";

const OWNER = "CloudRunService 'Stack/api'";

/** Kahn's algorithm: true when every node can be ordered (no cycle). */
function acyclic(edges: Map<string, string[]>): boolean {
  const indegree = new Map<string, number>([...edges.keys()].map((k) => [k, 0]));
  for (const targets of edges.values()) {
    for (const t of targets) {
      indegree.set(t, (indegree.get(t) ?? 0) + 1);
    }
  }
  const queue = [...indegree.entries()].filter(([, d]) => d === 0).map(([k]) => k);
  let seen = 0;
  while (queue.length > 0) {
    const node = queue.shift()!;
    seen++;
    for (const t of edges.get(node) ?? []) {
      const d = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, d);
      if (d === 0) {
        queue.push(t);
      }
    }
  }
  return seen === indegree.size;
}

const graph = fc.integer({ min: 1, max: 9 }).chain((n) => {
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  return fc
    .array(fc.subarray(names), { minLength: n, maxLength: n })
    .map((deps) => new Map(names.map((name, i) => [name, deps[i].filter((d) => d !== name)])));
});

describe("findCycle", () => {
  test("property: finds a cycle exactly when the graph has one, and the path is a real cycle", () => {
    fc.assert(
      fc.property(graph, (edges) => {
        const cycle = findCycle(edges);
        expect(cycle === undefined).toBe(acyclic(edges));
        if (cycle !== undefined) {
          expect(cycle.length).toBeGreaterThanOrEqual(3);
          expect(cycle[0]).toBe(cycle[cycle.length - 1]);
          // Each step is an edge, and no node repeats before the end.
          for (let i = 0; i + 1 < cycle.length; i++) {
            expect(edges.get(cycle[i])).toContain(cycle[i + 1]);
          }
          expect(new Set(cycle.slice(0, -1)).size).toBe(cycle.length - 1);
        }
      }),
      { seed: 1801, numRuns: 1000 },
    );
  });

  test("the same graph gives the same path", () => {
    const edges = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["b"]],
    ]);
    expect(findCycle(edges)).toEqual(["b", "c", "b"]);
    expect(findCycle(new Map([["a", []]]))).toBeUndefined();
  });
});

describe("start order", () => {
  const node = (name: string, dependsOn: string[] = [], probe = true) => ({
    prop: `sidecars[${name}]`,
    name,
    dependsOn,
    hasStartupProbe: probe,
  });

  test("main and the sidecars are known names; the main container needs no probe here", () => {
    expect(startOrderErrors(OWNER, [node("a", ["main"]), node("b", ["a"], false)])).toEqual([]);
  });

  test("one error per unprobed dependency, however many depend on it", () => {
    const errors = startOrderErrors(OWNER, [
      node("a", [], false),
      node("b", ["a"]),
      node("c", ["a"]),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("invalid sidecars[a].startupProbe: is required");
  });

  test("property: any acyclic graph of probed sidecars has no error", () => {
    fc.assert(
      fc.property(graph, (edges) => {
        fc.pre(acyclic(edges));
        const nodes = [...edges.entries()].map(([name, deps]) => node(name, deps));
        expect(startOrderErrors(OWNER, nodes)).toEqual([]);
      }),
      { seed: 1802, numRuns: 300 },
    );
  });
});

describe("container names", () => {
  test("property: DNS labels are accepted, everything else is refused", () => {
    const label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/),
          fc.string({ maxLength: 70 }),
        ),
        (name) => {
          const ok = label.test(name) && name !== "main";
          if (ok) {
            validateContainerName(OWNER, "sidecars[0].name", name);
          } else {
            expect(() => validateContainerName(OWNER, "sidecars[0].name", name)).toThrow(
              `${OWNER}: invalid sidecars[0].name: must`,
            );
          }
        },
      ),
      { seed: 1803, numRuns: 1000 },
    );
  });
});
