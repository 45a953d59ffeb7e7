/**
 * Files the library writes next to a stack's Terraform JSON at synth (the staged Dockerfiles,
 * the security report), through cdktf's public API: the stack's `synthesizer` (a public, mutable
 * `IStackSynthesizer`) is decorated with one that calls the synthesizer it replaces, then runs
 * the writers. This module is not re-exported by `src/index.ts`.
 *
 * It works wherever cdktf synthesizes a stack through its synthesizer: `app.synth()`,
 * `cdktf synth`, `Testing.fullSynth`. `Testing.synth` and `Testing.synthScope` write no files
 * and call no synthesizer, so no writer runs there (as before). A synthesizer the user set
 * before the library's first construct in the stack is decorated like the default one; one set
 * later must call the synthesizer it replaces (decorate it, as the library does), or the files
 * are not written.
 * @internal
 */
import * as path from "path";
import { IStackSynthesizer, ISynthesisSession, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { perStack } from "./singletons";

/**
 * Writes files after the stack's Terraform JSON; `directory` is the stack's working directory
 * (`<outdir>/stacks/<stack>`).
 * @internal
 */
export type StackFileWriter = (session: ISynthesisSession, directory: string) => void;

/** The writers of one stack, and the session they last ran for. */
interface StackWriters {
  readonly writers: StackFileWriter[];
  lastSession?: ISynthesisSession;
}

const DECORATED = Symbol.for("cdktf-cloud-run.StackSynthesis.writers");

/** Runs the stack's synthesizer, then the writers (once per session, however often decorated). */
class WritingSynthesizer implements IStackSynthesizer {
  constructor(
    private readonly stack: TerraformStack,
    private readonly inner: IStackSynthesizer,
    private readonly state: StackWriters,
  ) {
    Object.defineProperty(this, DECORATED, { value: state });
  }

  public synthesize(session: ISynthesisSession): void {
    this.inner.synthesize(session);
    if (this.state.lastSession === session) {
      return;
    }
    this.state.lastSession = session;
    const directory = path.join(
      session.outdir,
      session.manifest.forStack(this.stack).workingDirectory,
    );
    for (const write of this.state.writers) {
      write(session, directory);
    }
  }
}

/**
 * Runs `write` each time the stack that contains `scope` is synthesized, after its Terraform
 * JSON is written.
 * @internal
 */
export function afterStackSynthesis(scope: IConstruct, write: StackFileWriter): void {
  const stack = TerraformStack.of(scope);
  const state = perStack(stack, "StackSynthesis", (): StackWriters => ({ writers: [] }));
  state.writers.push(write);
  const current = stack.synthesizer as IStackSynthesizer & { [DECORATED]?: StackWriters };
  if (current[DECORATED] !== state) {
    stack.synthesizer = new WritingSynthesizer(stack, current, state);
  }
}
