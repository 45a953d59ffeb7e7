/**
 * Names that must be unique across an app: a workload's name per kind, project and region, and
 * the derived ids of the dedicated service accounts per project. This module is not re-exported
 * by `src/index.ts`.
 * @internal
 */
import { IConstruct } from "constructs";
import { isUnresolved, ownerName } from "../util/check";
import { perApp } from "../util/singletons";

/** A workload as the uniqueness check sees it. @internal */
export interface NamedWorkload {
  readonly construct: IConstruct;
  /** The construct's class, e.g. "CloudRunService": names of one kind must be unique. */
  readonly kind: string;
  /** The prop that sets the name, e.g. "serviceName". */
  readonly nameProp: string;
  readonly name: string;
  readonly region: string;
  readonly project?: string;
  /** The derived id of its dedicated service account, when it has one. */
  readonly accountId?: string;
}

/** `kind/project/region/name`, when all are known at synth. */
function nameKey(w: NamedWorkload): string | undefined {
  const project = w.project ?? "";
  return [w.name, w.region, project].some((v) => isUnresolved(v))
    ? undefined
    : `${w.kind}\0${project}/${w.region}/${w.name}`;
}

/** The project and derived service account id, when the workload derived one. */
function accountKey(w: NamedWorkload): string | undefined {
  return w.accountId === undefined ? undefined : `\0account\0${w.project ?? ""}\0${w.accountId}`;
}

/** The workloads of an app, indexed by their keys (rebuilt when workloads are added). */
class WorkloadNames {
  private readonly workloads: NamedWorkload[] = [];
  private byKey?: Map<string, NamedWorkload[]>;

  public add(workload: NamedWorkload): void {
    this.workloads.push(workload);
    this.byKey = undefined;
  }

  /** The errors of one workload: others of the app with its name, or its account id. */
  public errors(self: NamedWorkload): string[] {
    const index = this.index();
    const mine = nameKey(self);
    const candidates = new Set<NamedWorkload>();
    for (const key of [mine, accountKey(self)]) {
      for (const other of key === undefined ? [] : (index.get(key) ?? [])) {
        if (other !== self) {
          candidates.add(other);
        }
      }
    }
    if (candidates.size === 0) {
      return [];
    }
    // Rare: report in tree order, and only workloads still in the tree.
    const order = new Map(self.construct.node.root.node.findAll().map((c, i) => [c, i]));
    const others = [...candidates]
      .filter((o) => order.has(o.construct))
      .sort((a, b) => (order.get(a.construct) ?? 0) - (order.get(b.construct) ?? 0));
    const owner = ownerName(self.kind, self.construct.node.path);
    const errors: string[] = [];
    for (const other of others) {
      const otherName = ownerName(other.kind, other.construct.node.path);
      if (mine !== undefined && nameKey(other) === mine) {
        errors.push(
          `${owner}: invalid ${self.nameProp}: must be unique per project and region, but ${otherName} uses it too. Got: ${JSON.stringify(self.name)}`,
        );
      }
      if (
        self.accountId !== undefined &&
        other.accountId === self.accountId &&
        (self.project ?? "") === (other.project ?? "")
      ) {
        errors.push(
          `${owner}: the derived service account id ${self.accountId} collides with the one of ${otherName}; set serviceAccountEmail or change the ${self.nameProp}`,
        );
      }
    }
    return errors;
  }

  private index(): Map<string, NamedWorkload[]> {
    if (this.byKey === undefined) {
      this.byKey = new Map();
      for (const w of this.workloads) {
        for (const key of [nameKey(w), accountKey(w)]) {
          if (key !== undefined) {
            const list = this.byKey.get(key);
            if (list === undefined) {
              this.byKey.set(key, [w]);
            } else {
              list.push(w);
            }
          }
        }
      }
    }
    return this.byKey;
  }
}

/**
 * Registers a workload of the app and checks at synth that no other workload of the app has
 * its name (same kind, project and region) or its derived service account id (same project).
 * @internal
 */
export function requireUniqueNames(workload: NamedWorkload): void {
  const names = perApp(workload.construct, "WorkloadNames", () => new WorkloadNames());
  names.add(workload);
  workload.construct.node.addValidation({ validate: () => names.errors(workload) });
}
