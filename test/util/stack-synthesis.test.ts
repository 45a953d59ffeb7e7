import * as fs from "fs";
import * as path from "path";
import { App, IStackSynthesizer, ISynthesisSession, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { afterStackSynthesis } from "../../src/util/stack-synthesis";
import { tempDir } from "../support/temp";

/** A stack with a writer that counts its runs and writes `extra.txt` next to the JSON. */
function stackWithWriter(app: App, id = "S") {
  const stack = new TerraformStack(app, id);
  const runs: string[] = [];
  afterStackSynthesis(new Construct(stack, "c"), (_session, directory) => {
    runs.push(directory);
    expect(fs.existsSync(path.join(directory, "cdk.tf.json"))).toBe(true);
    fs.writeFileSync(path.join(directory, "extra.txt"), "extra");
  });
  return { stack, runs };
}

describe("afterStackSynthesis (the stack's synthesizer, decorated)", () => {
  test("app.synth(): the writer runs after the Terraform JSON, in the stack's directory", () => {
    const outdir = tempDir("synth-app-");
    const app = new App({ outdir });
    const { runs } = stackWithWriter(app);
    app.synth();
    expect(runs).toEqual([path.join(outdir, "stacks", "S")]);
    expect(fs.readFileSync(path.join(outdir, "stacks", "S", "extra.txt"), "utf8")).toBe("extra");
  });

  test("Testing.fullSynth writes the files; Testing.synth writes none", () => {
    const { stack, runs } = stackWithWriter(Testing.app());
    Testing.synth(stack, true);
    expect(runs).toEqual([]);
    const outdir = Testing.fullSynth(stack);
    expect(fs.existsSync(path.join(outdir, "stacks", "S", "extra.txt"))).toBe(true);
    expect(runs).toHaveLength(1);
  });

  test("several writers of one stack share one decoration and run in order", () => {
    const app = new App({ outdir: tempDir("synth-several-") });
    const stack = new TerraformStack(app, "S");
    const order: number[] = [];
    afterStackSynthesis(stack, () => order.push(1));
    const decorated = stack.synthesizer;
    afterStackSynthesis(stack, () => order.push(2));
    expect(stack.synthesizer).toBe(decorated);
    app.synth();
    expect(order).toEqual([1, 2]);
  });

  test("a synthesizer the user set before is decorated: both run", () => {
    const app = new App({ outdir: tempDir("synth-user-before-") });
    const stack = new TerraformStack(app, "S");
    const calls: string[] = [];
    const original = stack.synthesizer;
    stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        calls.push("user");
        original.synthesize(session);
      },
    };
    afterStackSynthesis(stack, () => calls.push("library"));
    app.synth();
    expect(calls).toEqual(["user", "library"]);
  });

  test("a user who decorates the decorated synthesizer later: both run, the writers once", () => {
    const app = new App({ outdir: tempDir("synth-user-after-") });
    const stack = new TerraformStack(app, "S");
    const calls: string[] = [];
    afterStackSynthesis(stack, () => calls.push("library"));
    const inner: IStackSynthesizer = stack.synthesizer;
    stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        inner.synthesize(session);
        calls.push("user");
      },
    };
    // A later construct of the library decorates again; the writers still run once per synth.
    afterStackSynthesis(stack, () => calls.push("library 2"));
    app.synth();
    expect(calls).toEqual(["library", "library 2", "user"]);
  });

  test("stacks are decorated separately", () => {
    const outdir = tempDir("synth-two-");
    const app = new App({ outdir });
    const a = stackWithWriter(app, "A");
    const b = stackWithWriter(app, "B");
    app.synth();
    expect(a.runs).toEqual([path.join(outdir, "stacks", "A")]);
    expect(b.runs).toEqual([path.join(outdir, "stacks", "B")]);
  });
});
