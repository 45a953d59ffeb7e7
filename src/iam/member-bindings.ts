/**
 * One role on one resource, granted member by member (`*_iam_member` resources), each member
 * once. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { IConstruct } from "constructs";
import { bindingId } from "./binding-id";
import { validateMember } from "./members";

/**
 * `roles/run.invoker`: invokes a Cloud Run service, or executes a job (it holds `run.jobs.run`).
 * https://cloud.google.com/run/docs/reference/iam/roles
 * @internal
 */
export const RUN_INVOKER_ROLE = "roles/run.invoker";

/**
 * The member bindings of one role on one resource, created in `scope` with the construct id
 * `<prefix>-<hash of the member>`.
 * @internal
 */
export class MemberBindings<B extends IConstruct> {
  private readonly byMember = new Map<string, B>();
  private readonly byId = new Map<string, B>();

  /**
   * @param owner names the resource in messages, e.g. "CloudRunJob 'Stack/migrate'"
   * @param prop names the member in messages, e.g. "grantRun member"
   * @param create makes the binding of `member` with construct id `id`
   */
  constructor(
    private readonly scope: IConstruct,
    private readonly owner: string,
    private readonly prop: string,
    private readonly prefix: string,
    private readonly create: (id: string, member: string) => B,
  ) {}

  /** The members granted, in the order granted (a member given again in another form once). */
  public get members(): string[] {
    return [...this.byMember.keys()];
  }

  /**
   * Grants the role to `member` (validated) and returns its binding. A member granted before,
   * also in another form that resolves to the same text (`account.email` and `account.member`),
   * gets the binding made the first time: the binding id is the hash of the resolved member.
   */
  public grant(member: string): B {
    validateMember(this.owner, this.prop, member);
    const known = this.byMember.get(member);
    if (known !== undefined) {
      return known;
    }
    const id = bindingId(this.scope, this.prefix, member);
    const same = this.byId.get(id);
    if (same !== undefined) {
      return same;
    }
    if (this.scope.node.tryFindChild(id) !== undefined) {
      throw new Error(
        `${this.owner}: cannot grant ${JSON.stringify(member)}: the construct id ${id} is taken by another construct in it.`,
      );
    }
    const binding = this.create(id, member);
    this.byMember.set(member, binding);
    this.byId.set(id, binding);
    return binding;
  }
}
