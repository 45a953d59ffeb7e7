/**
 * Variables of a Dockerfile as BuildKit scopes them: the global scope (automatic platform args
 * and the ARGs before the first FROM), and each stage's ENV and ARG values, inherited by the
 * stages built FROM it.
 */
import { Arg, Env, Instruction, Onbuild } from "dockerfile-ast";
import { isScratch } from "./image-reference";
import { lineOf } from "./instructions";
import { AnalysisOptions, StageChain } from "./stage-model";
import { expandWord, UNKNOWN, UNSET, VariableLookup, VarValue } from "./words";

export type Scope = Map<string, VarValue>;

/** The variables of a stage at one point: its ENV and its ARGs (both inherited from its parent). */
export interface StageScope {
  readonly env: Scope;
  readonly args: Scope;
}

/** Build arguments that BuildKit defines automatically in the global scope. */
const AUTOMATIC_PLATFORM_ARGS = [
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT",
];

/** The global scope, and how ARG instructions declare variables (build args first). */
export class GlobalScope {
  private readonly values: Scope = new Map();

  constructor(
    private readonly options: AnalysisOptions,
    private readonly escapeChar: string,
  ) {
    for (const name of AUTOMATIC_PLATFORM_ARGS) {
      this.values.set(name, this.buildArg(name) ?? UNKNOWN);
    }
  }

  /** Declares the variables of an ARG before the first FROM. */
  public declareGlobal(arg: Arg): void {
    this.declareArgs(arg, this.values, (name) => this.lookup(name));
  }

  public buildArg(name: string): VarValue | undefined {
    const args = this.options.buildArgs;
    if (!Object.prototype.hasOwnProperty.call(args, name)) {
      return undefined;
    }
    const value = args[name];
    if (typeof value !== "string" || this.options.isUnresolved(value)) {
      return UNKNOWN;
    }
    return value;
  }

  /** A variable of the global scope. */
  public lookup(name: string): VarValue {
    return this.values.get(name) ?? UNSET;
  }

  /** Declares the variables of an ARG instruction in a scope, with Docker's precedence. */
  public declareArgs(arg: Arg, scope: Scope, lookup: (name: string) => VarValue): void {
    for (const property of arg.getProperties()) {
      const name = property.getName();
      if (!name) {
        continue;
      }
      const raw = property.getUnescapedValue();
      let value = this.buildArg(name);
      if (value === undefined) {
        if (raw !== null) {
          const expanded = expandWord(raw, this.escapeChar, lookup);
          value = expanded.value ?? UNKNOWN;
        } else if (this.values.has(name)) {
          // A stage's `ARG NAME` takes the global default; in the global scope a repeated
          // declaration (or an automatic platform argument) keeps its value.
          value = this.values.get(name);
        } else {
          // Without a default, BuildKit leaves a value the stage already has (declared earlier,
          // or inherited from the stage it is built FROM) as it is.
          value = scope.get(name) ?? UNSET;
        }
      }
      scope.set(name, value ?? UNSET);
    }
  }
}

/** The ENV and ARG values of each stage. */
export class StageVariables {
  private readonly scopeAtEnd = new Map<number, StageScope>();

  constructor(
    private readonly graph: StageChain,
    private readonly global: GlobalScope,
    private readonly escapeChar: string,
  ) {}

  /** Expands a word in the scope of a stage just before the given instruction. */
  public expandInStage(
    stageIndex: number,
    word: string,
    before?: Instruction,
  ): { value?: string; problem?: string } {
    const scope = this.scopeBefore(stageIndex, before);
    return expandWord(word, this.escapeChar, (name) => this.stageLookup(stageIndex, scope, name));
  }

  /**
   * The variables (ENV and ARG) of a stage after its last instruction, including what it
   * inherits: a stage built FROM another starts with that stage's ENV and ARG values (Docker's
   * Dockerfile reference, ARG "Scope"; BuildKit keeps both in the stage's state).
   */
  private scopeAfter(index: number): StageScope {
    // Compute the ancestors first (iteratively, so long chains cannot exhaust the stack).
    const pending: number[] = [];
    let i: number | undefined = index;
    while (i !== undefined && !this.scopeAtEnd.has(i)) {
      pending.push(i);
      i = this.graph.stages[i].parentIndex;
    }
    for (let k = pending.length - 1; k >= 0; k--) {
      this.scopeAtEnd.set(pending[k], this.walk(pending[k], undefined));
    }
    return this.scopeAtEnd.get(index)!;
  }

  /**
   * Walks a stage's instructions up to (not including) `before`, the parent's ONBUILD triggers
   * first, keeping track of its ENV and ARG values. `visit` sees each instruction with the
   * variables as they are just before it.
   */
  public walk(
    index: number,
    before: Instruction | undefined,
    visit?: (instruction: Instruction, lookup: VariableLookup, line: number) => void,
  ): StageScope {
    const model = this.graph.stages[index];
    const inherited =
      model.parentIndex !== undefined ? this.scopeAfter(model.parentIndex) : undefined;
    const scope: StageScope = {
      env: new Map(inherited?.env),
      args: new Map(inherited?.args),
    };
    const lookup = (name: string) => this.stageLookup(index, scope, name);
    // The parent stage's ONBUILD triggers run first, in the child's scope.
    if (model.parentIndex !== undefined) {
      for (const { onbuild, trigger } of this.onbuildTriggers(model.parentIndex)) {
        visit?.(trigger, lookup, lineOf(onbuild));
        this.applyVariables(trigger, scope, lookup);
      }
    }
    for (const instruction of model.instructions) {
      if (instruction === before) {
        break;
      }
      visit?.(instruction, lookup, lineOf(instruction));
      this.applyVariables(instruction, scope, lookup);
    }
    return scope;
  }

  /**
   * The instructions of a stage's `ONBUILD` triggers, in order. BuildKit runs them at the start
   * of every stage built FROM that stage (only there: they do not carry over to its children).
   */
  private onbuildTriggers(index: number): { onbuild: Instruction; trigger: Instruction }[] {
    const triggers: { onbuild: Instruction; trigger: Instruction }[] = [];
    for (const instruction of this.graph.stages[index].instructions) {
      if (instruction.getKeyword() !== "ONBUILD") {
        continue;
      }
      const trigger = (instruction as Onbuild).getTriggerInstruction();
      if (trigger) {
        triggers.push({ onbuild: instruction, trigger });
      }
    }
    return triggers;
  }

  /** Applies an ARG or ENV instruction to a stage scope; other instructions change nothing. */
  private applyVariables(
    instruction: Instruction,
    scope: StageScope,
    lookup: (name: string) => VarValue,
  ): void {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === "ARG") {
      this.global.declareArgs(instruction as Arg, scope.args, lookup);
    } else if (keyword === "ENV") {
      // All values of one ENV instruction are expanded with the variables from before it.
      const updates: [string, VarValue][] = [];
      for (const property of (instruction as Env).getProperties()) {
        const name = property.getName();
        const raw = property.getUnescapedValue();
        if (!name || raw === null) {
          continue;
        }
        updates.push([name, expandWord(raw, this.escapeChar, lookup).value ?? UNKNOWN]);
      }
      for (const [name, value] of updates) {
        scope.env.set(name, value);
      }
    }
  }

  private scopeBefore(index: number, before: Instruction | undefined): StageScope {
    return this.walk(index, before);
  }

  /**
   * Looks a variable up inside a stage: ENV (own or inherited) wins over ARG; a variable declared
   * nowhere in the Dockerfile may still come from the base image's environment, so it is unknown
   * unless the stage chain starts from `scratch`.
   */
  private stageLookup(index: number, scope: StageScope, name: string): VarValue {
    const fromEnv = scope.env.get(name);
    if (fromEnv !== undefined) {
      return fromEnv;
    }
    const fromArgs = scope.args.get(name);
    if (fromArgs !== undefined) {
      return fromArgs;
    }
    const root = this.graph.rootImage(index);
    return root !== undefined && isScratch(root) ? UNSET : UNKNOWN;
  }
}
