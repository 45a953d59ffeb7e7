import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { perApp, perStack } from "../../src/util/singletons";

describe("perStack / perApp", () => {
  test("one value per stack, created on first use, from any construct inside it", () => {
    const app = Testing.app();
    const a = new TerraformStack(app, "A");
    const b = new TerraformStack(app, "B");
    const inner = new Construct(a, "inner");
    let created = 0;
    const make = () => ({ n: ++created });
    const first = perStack(inner, "thing", make);
    expect(perStack(a, "thing", make)).toBe(first);
    expect(perStack(b, "thing", make)).not.toBe(first);
    expect(perStack(a, "other", make)).not.toBe(first);
    expect(created).toBe(3);
  });

  test("one value per app, not shared between apps", () => {
    const app1 = new App();
    const app2 = new App();
    const s1 = new TerraformStack(app1, "S");
    const s2 = new TerraformStack(app1, "T");
    const s3 = new TerraformStack(app2, "S");
    const value = perApp(s1, "cache", () => new Map());
    expect(perApp(s2, "cache", () => new Map())).toBe(value);
    expect(perApp(s3, "cache", () => new Map())).not.toBe(value);
  });

  test("a value created by a construct that registers itself is kept once", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    const value = perStack(stack, "self", (s) => new Construct(s, "Self"));
    expect(perStack(stack, "self", () => new Construct(stack, "Other"))).toBe(value);
    expect(stack.node.tryFindChild("Other")).toBeUndefined();
  });

  test("outside a stack, perStack fails as TerraformStack.of does", () => {
    const app = Testing.app();
    expect(() => perStack(new Construct(app, "loose"), "x", () => 1)).toThrow(/stack/i);
  });
});
