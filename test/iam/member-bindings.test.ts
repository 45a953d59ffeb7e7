import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { bindingId } from "../../src/iam/binding-id";
import { MemberBindings } from "../../src/iam/member-bindings";

const OWNER = "CloudRunJob 'S/job'";

function setup() {
  const stack = new TerraformStack(Testing.app(), "S");
  const scope = new Construct(stack, "job");
  const created: string[] = [];
  const bindings = new MemberBindings(scope, OWNER, "grantRun member", "Runner", (id, member) => {
    created.push(member);
    return new Construct(scope, id);
  });
  return { stack, scope, created, bindings };
}

describe("MemberBindings", () => {
  test("a member is bound once, and its binding is returned each time", () => {
    const s = setup();
    const first = s.bindings.grant("user:a@example.com");
    expect(s.bindings.grant("user:a@example.com")).toBe(first);
    expect(s.created).toEqual(["user:a@example.com"]);
    expect(first.node.id).toBe(bindingId(s.scope, "Runner", "user:a@example.com"));
  });

  test("the same account as two different token strings is one binding, returned for both", () => {
    const s = setup();
    const account = new ServiceAccount(s.stack, "caller", { accountId: "caller" });
    const first = `serviceAccount:${account.email}`;
    const second = `serviceAccount:${account.email}`;
    expect(second).not.toBe(first);
    const binding = s.bindings.grant(first);
    expect(s.bindings.grant(second)).toBe(binding);
    expect(s.created).toEqual([first]);
    expect(s.bindings.members).toEqual([first]);
  });

  test("members are listed in the order granted", () => {
    const s = setup();
    s.bindings.grant("group:b@example.com");
    s.bindings.grant("allUsers");
    expect(s.bindings.members).toEqual(["group:b@example.com", "allUsers"]);
  });

  test("an invalid member is refused with the prop's name", () => {
    const s = setup();
    expect(() => s.bindings.grant("alice@example.com")).toThrow(
      `${OWNER}: invalid grantRun member:`,
    );
  });

  test("a construct of another kind holding the binding's id is an error, not a silent skip", () => {
    const s = setup();
    const id = bindingId(s.scope, "Runner", "user:a@example.com");
    new Construct(s.scope, id);
    expect(() => s.bindings.grant("user:a@example.com")).toThrow(
      `${OWNER}: cannot grant "user:a@example.com": the construct id ${id} is taken by another construct in it.`,
    );
  });
});
