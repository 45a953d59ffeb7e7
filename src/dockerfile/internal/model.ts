/**
 * The analysis behind `Dockerfile`: stages, variable scopes and the runtime user, computed from
 * the `dockerfile-ast` syntax tree. Everything here is internal; `dockerfile.ts` is the public face.
 */
import * as path from "path";
import {
  Arg,
  Copy,
  DockerfileParser,
  Dockerfile as DockerfileAst,
  Env,
  From,
  Heredoc,
  Instruction,
  Onbuild,
} from "dockerfile-ast";
import { DockerfileStage, RuntimeUser } from "../types";
import {
  ImageReference,
  isScratch,
  knownBaseUsers,
  knownNonRootBase,
  parseImageReference,
} from "./image-reference";
import { SimpleCommand, simpleCommands } from "./shell";
import {
  applyCommand,
  freeze,
  MAX_UID,
  MutableUserDatabase,
  thaw,
  unknownWrite,
  UserDatabase,
  UserEntry,
} from "./users";
import { expandWord, UNKNOWN, UNSET, VariableLookup, VarValue } from "./words";

/** A parsed Dockerfile text, shared by every analysis of the same text. */
export interface ParsedText {
  readonly text: string;
  readonly ast: DockerfileAst;
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

/** Everything known about one stage. */
export interface StageModel {
  readonly stage: DockerfileStage;
  readonly from: From;
  /** The instructions after the FROM, in order. */
  readonly instructions: readonly Instruction[];
  /** Index of the earlier stage this one is built FROM. */
  readonly parentIndex?: number;
  /** The external base image, when the FROM names an image (not a stage) and it resolved. */
  readonly image?: ImageReference;
  /** Why the base image could not be determined, if it could not. */
  readonly baseProblem?: string;
}

/** The options an analysis runs with (already defaulted). */
export interface AnalysisOptions {
  readonly displayName: string;
  readonly buildArgs: { readonly [key: string]: unknown };
  readonly target?: string;
  /** True when a build argument value is a token that is only known at apply time. */
  readonly isUnresolved: (value: unknown) => boolean;
}

const MAX_CACHED_TEXTS = 32;
const parsedTexts = new Map<string, ParsedText>();

/** Error thrown for input that is not a usable Dockerfile; its message is complete. */
export class DockerfileInputError extends Error {}

/** True when the text holds NUL bytes, which no Dockerfile contains. */
export function looksBinary(text: string): boolean {
  return text.includes("\u0000");
}

/**
 * Parses a Dockerfile text with dockerfile-ast, reusing the syntax tree of a text parsed recently
 * (the tree is never modified after parsing).
 */
export function parseText(text: string, displayName: string): ParsedText {
  const cached = parsedTexts.get(text);
  if (cached) {
    parsedTexts.delete(text);
    parsedTexts.set(text, cached);
    return cached;
  }
  if (text.trim().length === 0) {
    throw new DockerfileInputError(
      `${displayName}: the Dockerfile is empty; it needs at least one FROM instruction.`,
    );
  }
  if (looksBinary(text)) {
    throw new DockerfileInputError(
      `${displayName}: is not a Dockerfile: it contains binary data (NUL bytes).`,
    );
  }
  let ast: DockerfileAst;
  try {
    ast = DockerfileParser.parse(text);
  } catch (e) {
    throw new DockerfileInputError(
      `${displayName}: the Dockerfile could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!ast.getInstructions().some((i) => i.getKeyword() === "FROM")) {
    throw new DockerfileInputError(
      `${displayName}: no FROM instruction found; a Dockerfile needs at least one FROM instruction.`,
    );
  }
  const parsed: ParsedText = { text, ast };
  parsedTexts.set(text, parsed);
  if (parsedTexts.size > MAX_CACHED_TEXTS) {
    const oldest = parsedTexts.keys().next().value;
    if (oldest !== undefined) {
      parsedTexts.delete(oldest);
    }
  }
  return parsed;
}

/**
 * The stage a name refers to, as BuildKit resolves it: the LAST of the first `before` stages with
 * that name (case-insensitive). BuildKit keeps stages in a name map in which a later stage
 * overwrites an earlier one of the same name, so `--target` picks the last stage with the name and
 * `FROM <name>` the latest one declared before it. Returns the stage's index.
 */
export function findStageByName(
  stages: readonly { readonly name?: string }[],
  name: string,
  before: number = stages.length,
): number | undefined {
  const lower = name.toLowerCase();
  for (let i = Math.min(before, stages.length) - 1; i >= 0; i--) {
    if (stages[i].name === lower) {
      return i;
    }
  }
  return undefined;
}

/** 1-based first line of an instruction. */
/**
 * The raw value of a COPY/ADD `--from` flag, whatever other flags sit beside it
 * (dockerfile-ast's `Copy.getFromFlag()` only answers when `--from` is the only flag).
 */
export function copyFromFlag(instruction: Instruction): string | undefined {
  const flags =
    typeof (instruction as Copy).getFlags === "function" ? (instruction as Copy).getFlags() : [];
  return flags.find((f) => f.getName().toLowerCase() === "from")?.getValue() ?? undefined;
}

export function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** 1-based last line of an instruction. */
export function endLineOf(instruction: Instruction): number {
  return instruction.getRange().end.line + 1;
}

/** `'name'` or `#index`, as stages are named in messages. */
export function stageLabel(stage: DockerfileStage): string {
  return stage.name !== undefined ? `'${stage.name}'` : `#${stage.index}`;
}

/** A short, single-line rendering of an instruction argument for messages. */
export function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
}

/**
 * True when copying `source` to `dest` writes /etc/passwd: a file named passwd copied to
 * /etc/passwd (or into /etc/), a directory named etc copied to /etc, or, from another stage or
 * image (`fromFilesystem`), the root directory copied to /. A wildcard source counts when the
 * destination is /etc or /etc/passwd.
 */
function landsOnEtcPasswd(
  source: string,
  dest: string,
  destIsDir: boolean,
  fromFilesystem: boolean,
): boolean {
  const isPasswd = (target: string) => path.posix.normalize(target) === "/etc/passwd";
  const normalized = path.posix.normalize(source).replace(/\/+$/, "");
  if (/[*?[]/.test(normalized)) {
    const destPath = path.posix.normalize(dest).replace(/\/+$/, "");
    return destPath === "/etc" || destPath === "/etc/passwd";
  }
  if (normalized === "") {
    return fromFilesystem && isPasswd(`${dest}/etc/passwd`);
  }
  const base = path.posix.basename(normalized);
  if (base === "etc") {
    return isPasswd(`${dest}/passwd`);
  }
  if (base === "passwd") {
    return isPasswd(destIsDir ? `${dest}/passwd` : dest);
  }
  return false;
}

/**
 * The arguments of an instruction in exec (JSON array) form, as Docker reads them; undefined for
 * the shell form (Docker also takes a text that is not a valid JSON array of strings as shell form).
 */
function execForm(instruction: Instruction): string[] | undefined {
  const content = (instruction.getArgumentsContent() ?? "").trim();
  if (!content.startsWith("[")) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(content);
    return Array.isArray(value) && value.every((a) => typeof a === "string") ? value : undefined;
  } catch {
    return undefined;
  }
}

function basename(file: string): string {
  return path.posix.basename(file);
}

type Scope = Map<string, VarValue>;

/** The variables of a stage at one point: its ENV and its ARGs (both inherited from its parent). */
interface StageScope {
  readonly env: Scope;
  readonly args: Scope;
}

/** Where the runtime user of a stage comes from. */
type UserOrigin =
  | {
      readonly kind: "user";
      readonly stageIndex: number;
      readonly line: number;
      readonly raw: string;
      readonly user: string;
      readonly isRoot: boolean;
      readonly uid?: number;
      readonly verdict: string;
      /**
       * The user name to resolve to a uid in the stage that runs (the part before `:`), when the
       * USER gives a name other than root; `verdict` then starts with `resolves`.
       */
      readonly name?: string;
      /** `resolves to "x" and ` when the USER value used variables, else empty. */
      readonly resolves?: string;
    }
  | {
      readonly kind: "base";
      readonly stageIndex: number;
      readonly user: string;
      readonly isRoot: boolean;
      readonly uid?: number;
      readonly verdict: string;
    };

/** A user name of the final stage whose uid the analysis cannot resolve (rule CR008). */
export interface UnresolvedUser {
  /** The user name. */
  readonly name: string;
  /** The USER value as written. */
  readonly raw: string;
  /** The line of the USER instruction. */
  readonly line: number;
  /** Why its uid is not known, to follow "whose uid is not known: ". */
  readonly why: string;
}

/** The runtime user of a stage, with what the rules need beyond the public fields. */
interface ResolvedUser {
  readonly user: RuntimeUser;
  readonly unresolved?: UnresolvedUser;
}

/** Shells whose `-c` script, or heredoc body, the user analysis reads. */
const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

/** The full analysis of one Dockerfile text under one set of options. */
export class Analysis {
  public readonly stages: readonly StageModel[];
  public readonly finalIndex: number;
  public readonly escapeChar: string;
  private readonly metaScope: Scope;
  private readonly scopeAtEnd = new Map<number, StageScope>();
  private readonly usersAtEnd = new Map<number, UserDatabase>();
  private readonly origins = new Map<number, UserOrigin>();
  private readonly resolvedUsers = new Map<number, ResolvedUser>();
  private textLines?: string[];

  constructor(
    public readonly parsed: ParsedText,
    public readonly options: AnalysisOptions,
  ) {
    const ast = parsed.ast;
    this.escapeChar = ast.getEscapeCharacter() || "\\";
    this.metaScope = new Map();
    for (const name of AUTOMATIC_PLATFORM_ARGS) {
      this.metaScope.set(name, this.buildArg(name) ?? UNKNOWN);
    }

    const stages: StageModel[] = [];
    let current: { from: From; instructions: Instruction[] } | undefined;
    const groups: { from: From; instructions: Instruction[] }[] = [];
    for (const instruction of ast.getInstructions()) {
      const keyword = instruction.getKeyword();
      if (keyword === "FROM") {
        current = { from: instruction as From, instructions: [] };
        groups.push(current);
      } else if (current) {
        current.instructions.push(instruction);
      } else if (keyword === "ARG") {
        this.declareArgs(instruction as Arg, this.metaScope, (name) => this.metaLookup(name));
      }
    }
    for (const group of groups) {
      stages.push(this.stageModel(stages, group.from, group.instructions));
    }
    this.stages = stages;
    this.finalIndex = this.findFinalIndex();
  }

  /** The final (or target) stage. */
  public get finalStage(): StageModel {
    return this.stages[this.finalIndex];
  }

  /** The stage chain from `index` up to the stage that starts from an external image. */
  public chain(index: number): StageModel[] {
    const chain: StageModel[] = [];
    let i: number | undefined = index;
    while (i !== undefined) {
      const s: StageModel = this.stages[i];
      chain.push(s);
      i = s.parentIndex;
    }
    return chain;
  }

  /** The external image at the root of a stage's chain, if it resolved. */
  public rootImage(index: number): ImageReference | undefined {
    const chain = this.chain(index);
    return chain[chain.length - 1].image;
  }

  /** Finds an earlier stage by name (case-insensitive) or index, as COPY --from does. */
  public stageReference(reference: string, before: number): StageModel | undefined {
    const named = findStageByName(
      this.stages.map((s) => s.stage),
      reference,
      before,
    );
    if (named !== undefined) {
      return this.stages[named];
    }
    if (/^[0-9]+$/.test(reference)) {
      const index = Number(reference);
      return index < before ? this.stages[index] : undefined;
    }
    return undefined;
  }

  /** Expands a word in the scope of a stage just before the given instruction. */
  public expandInStage(
    stageIndex: number,
    word: string,
    before?: Instruction,
  ): { value?: string; problem?: string } {
    const scope = this.scopeBefore(stageIndex, before);
    return expandWord(word, this.escapeChar, (name) => this.stageLookup(stageIndex, scope, name));
  }

  /** The user the given stage's process runs as. */
  public runtimeUser(index: number): RuntimeUser {
    return this.resolveUser(index).user;
  }

  /**
   * The user name the given stage runs as when the analysis cannot resolve it to a uid (it
   * counts as non-root, but nothing proves which uid it has); undefined otherwise.
   */
  public unresolvedUser(index: number): UnresolvedUser | undefined {
    return this.resolveUser(index).unresolved;
  }

  /** The users of a stage's /etc/passwd after its last instruction, as far as known. */
  public usersAfter(index: number): UserDatabase {
    // Only the stage chain (computed from its root, iteratively: chains can be long) and the
    // stages a COPY takes /etc/passwd from.
    const pending: number[] = [];
    let i: number | undefined = index;
    while (i !== undefined && !this.usersAtEnd.has(i)) {
      pending.push(i);
      i = this.stages[i].parentIndex;
    }
    for (let k = pending.length - 1; k >= 0; k--) {
      this.usersAtEnd.set(pending[k], this.computeUsers(pending[k]));
    }
    return this.usersAtEnd.get(index)!;
  }

  private resolveUser(index: number): ResolvedUser {
    const cached = this.resolvedUsers.get(index);
    if (cached) {
      return cached;
    }
    const origin = this.origin(index);
    let verdict = origin.verdict;
    let uid = origin.uid;
    let isRoot = origin.isRoot;
    let unresolved: UnresolvedUser | undefined;
    if (origin.kind === "user" && origin.name !== undefined) {
      const name = origin.name;
      const found = this.resolveName(index, name);
      uid = found.uid;
      isRoot = found.isRoot;
      verdict = `${origin.resolves ?? ""}sets the user ${JSON.stringify(name)}, ${found.phrase}`;
      if (found.unresolved !== undefined) {
        unresolved = { name, raw: origin.raw, line: origin.line, why: found.unresolved };
      }
    }
    const result: ResolvedUser = {
      user: {
        user: origin.user,
        uid,
        isRoot,
        reason: this.reason(index, origin, verdict),
        line: origin.kind === "user" ? origin.line : undefined,
      },
      unresolved,
    };
    this.resolvedUsers.set(index, result);
    return result;
  }

  /**
   * Resolves a user name in the /etc/passwd of the stage that runs. `phrase` follows
   * `sets the user "x", `; `unresolved` is set when the uid is not proven and the user not root.
   */
  private resolveName(
    index: number,
    name: string,
  ): { uid?: number; isRoot: boolean; phrase: string; unresolved?: string } {
    const users = this.usersAfter(index);
    const entry = users.entries.get(name);
    if (entry === undefined) {
      if (users.unknownMayBeRoot) {
        return {
          isRoot: true,
          phrase: `whose uid is not known and may be 0: ${users.unknownBecause ?? "/etc/passwd was changed"}`,
        };
      }
      const why = users.unknownBecause ?? this.noDefinition(index);
      return {
        isRoot: false,
        phrase:
          `whose uid is not known: ${why}; it counts as non-root, since a user missing from ` +
          "/etc/passwd cannot start",
        unresolved: why,
      };
    }
    if (entry.mayBeRoot) {
      return {
        uid: entry.uid,
        isRoot: true,
        phrase: `and ${entry.how}${entry.uid === 0 ? "" : ", so it may be root"}`,
      };
    }
    if (entry.missing) {
      const why = `${entry.how}, so the process cannot start (the user is missing from /etc/passwd)`;
      return { isRoot: false, phrase: `and ${why}`, unresolved: why };
    }
    if (entry.uid !== undefined) {
      return { uid: entry.uid, isRoot: false, phrase: `and ${entry.how}` };
    }
    if (entry.proven) {
      return { isRoot: false, phrase: `and ${entry.how}` };
    }
    const why = `${entry.how}, so its uid is not proven`;
    return { isRoot: false, phrase: `and ${why}`, unresolved: why };
  }

  /** Why no entry defines a name: nothing in the stage chain nor its base image's known users. */
  private noDefinition(index: number): string {
    const root = this.chain(index).pop()!;
    const base = root.image
      ? isScratch(root.image)
        ? "the base image is scratch, which has no /etc/passwd"
        : `the base image ${root.image.text} is not known to define it`
      : `the base image ${quote(root.stage.baseImage)} could not be resolved`;
    return `no useradd or adduser in the stage chain creates it, and ${base}`;
  }

  private reason(index: number, origin: UserOrigin, verdict: string): string {
    const own = this.stages[index];
    const originStage = this.stages[origin.stageIndex];
    let reason: string;
    if (origin.kind === "user") {
      const where = `USER ${quote(origin.raw)} at line ${origin.line} in stage ${stageLabel(originStage.stage)}`;
      reason =
        origin.stageIndex === index
          ? `${where} ${verdict}.`
          : `${where} ${verdict}, and stage ${stageLabel(own.stage)} (line ${own.stage.line}) inherits it through ${this.inheritancePath(index, origin.stageIndex)}.`;
    } else if (origin.stageIndex === index) {
      reason = `Stage ${stageLabel(own.stage)} (line ${own.stage.line}) has no USER instruction and ${verdict}.`;
    } else {
      reason =
        `Stage ${stageLabel(own.stage)} (line ${own.stage.line}) and the stages it is built from ` +
        `(${this.inheritancePath(index, origin.stageIndex)}) have no USER instruction, and ` +
        `${verdict.replace(/^its /, `the `)} (stage ${stageLabel(originStage.stage)}, line ${originStage.stage.line}).`;
    }
    return reason;
  }

  private inheritancePath(from: number, to: number): string {
    const steps: string[] = [];
    let i: number | undefined = from;
    while (i !== undefined && i !== to) {
      const s: StageModel = this.stages[i];
      steps.push(`FROM ${s.stage.baseImage} at line ${s.stage.line}`);
      i = s.parentIndex;
    }
    return steps.join(", ");
  }

  private findFinalIndex(): number {
    const target = this.options.target;
    if (target === undefined) {
      return this.stages.length - 1;
    }
    const index = findStageByName(
      this.stages.map((s) => s.stage),
      target,
    );
    if (index === undefined) {
      const names = [
        ...new Set(
          this.stages.filter((s) => s.stage.name !== undefined).map((s) => `'${s.stage.name}'`),
        ),
      ];
      throw new DockerfileInputError(
        `${this.options.displayName}: target stage ${JSON.stringify(target)} does not exist; ` +
          (names.length > 0
            ? `the named stages are ${names.join(", ")}.`
            : "the Dockerfile has no named stages (FROM <image> AS <name>)."),
      );
    }
    return index;
  }

  private buildArg(name: string): VarValue | undefined {
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

  private metaLookup(name: string): VarValue {
    return this.metaScope.get(name) ?? UNSET;
  }

  /** Declares the variables of an ARG instruction in a scope, with Docker's precedence. */
  private declareArgs(arg: Arg, scope: Scope, lookup: (name: string) => VarValue): void {
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
        } else if (this.metaScope.has(name)) {
          // A stage's `ARG NAME` takes the global default; in the global scope a repeated
          // declaration (or an automatic platform argument) keeps its value.
          value = this.metaScope.get(name);
        } else {
          // Without a default, BuildKit leaves a value the stage already has (declared earlier,
          // or inherited from the stage it is built FROM) as it is.
          value = scope.get(name) ?? UNSET;
        }
      }
      scope.set(name, value ?? UNSET);
    }
  }

  private stageModel(
    earlier: readonly StageModel[],
    from: From,
    instructions: Instruction[],
  ): StageModel {
    const index = earlier.length;
    const args = from.getArguments().map((a) => a.getValue());
    const rawImage = args[0] ?? "";
    const named = args.length === 3 && args[1].toLowerCase() === "as";
    const name = named ? args[2].toLowerCase() : undefined;
    const lookup = (n: string) => this.metaLookup(n);
    const expanded =
      rawImage === ""
        ? { problem: "the FROM instruction names no image" }
        : expandWord(rawImage, this.escapeChar, lookup);
    const baseImage = expanded.value ?? rawImage;
    let parentIndex: number | undefined;
    let image: ImageReference | undefined;
    let baseProblem: string | undefined = expanded.problem;
    if (expanded.value !== undefined) {
      parentIndex = findStageByName(
        earlier.map((s) => s.stage),
        expanded.value,
        index,
      );
      if (parentIndex === undefined) {
        if (expanded.value.trim() === "") {
          baseProblem = `the base image ${quote(rawImage)} expands to an empty name`;
        } else {
          image = parseImageReference(expanded.value);
        }
      }
    }
    const platformFlag = from.getPlatformFlag();
    const rawPlatform = platformFlag?.getValue() ?? undefined;
    const platform =
      rawPlatform === undefined
        ? undefined
        : (expandWord(rawPlatform, this.escapeChar, lookup).value ?? rawPlatform);
    const last = instructions.length > 0 ? instructions[instructions.length - 1] : from;
    const stage: DockerfileStage = {
      index,
      name,
      baseImage,
      parentStage: parentIndex !== undefined ? earlier[parentIndex].stage.name : undefined,
      platform,
      line: lineOf(from),
      endLine: endLineOf(last),
    };
    return { stage, from, instructions, parentIndex, image, baseProblem };
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
      i = this.stages[i].parentIndex;
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
  private walk(
    index: number,
    before: Instruction | undefined,
    visit?: (instruction: Instruction, lookup: VariableLookup, line: number) => void,
  ): StageScope {
    const model = this.stages[index];
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
    for (const instruction of this.stages[index].instructions) {
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
      this.declareArgs(instruction as Arg, scope.args, lookup);
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
    const root = this.rootImage(index);
    return root !== undefined && isScratch(root) ? UNSET : UNKNOWN;
  }

  private origin(index: number): UserOrigin {
    // Walk up the chain to the stage that decides (iteratively: chains can be long).
    const visited: number[] = [];
    let i = index;
    let origin: UserOrigin | undefined;
    for (;;) {
      origin = this.origins.get(i);
      if (origin) {
        break;
      }
      visited.push(i);
      const model = this.stages[i];
      let lastUser: Instruction | undefined;
      for (const instruction of model.instructions) {
        if (instruction.getKeyword() === "USER") {
          lastUser = instruction;
        }
      }
      if (lastUser) {
        origin = this.userInstructionOrigin(i, lastUser);
        break;
      }
      if (model.parentIndex === undefined) {
        origin = this.baseOrigin(i);
        break;
      }
      const trigger = this.onbuildUser(model.parentIndex);
      if (trigger) {
        origin = trigger;
        break;
      }
      i = model.parentIndex;
    }
    for (const v of visited) {
      this.origins.set(v, origin);
    }
    return origin;
  }

  /**
   * An `ONBUILD USER` in a stage runs in every stage built FROM it, before that stage's own
   * instructions. Triggers are not evaluated, so such a user is never proven.
   */
  private onbuildUser(parentIndex: number): UserOrigin | undefined {
    const parent = this.stages[parentIndex];
    let found: UserOrigin | undefined;
    for (const instruction of parent.instructions) {
      if (instruction.getKeyword() !== "ONBUILD") {
        continue;
      }
      const onbuild = instruction as Onbuild;
      if ((onbuild.getTriggerWord() ?? "").toUpperCase() !== "USER") {
        continue;
      }
      const raw = (onbuild.getTriggerInstruction()?.getArgumentsContent() ?? "").trim();
      found = {
        kind: "user",
        stageIndex: parentIndex,
        line: lineOf(instruction),
        raw,
        user: raw,
        isRoot: true,
        verdict:
          `is an ONBUILD trigger that runs in every stage built FROM stage ` +
          `${stageLabel(parent.stage)}, and ONBUILD triggers are not evaluated`,
      };
    }
    return found;
  }

  private baseOrigin(index: number): UserOrigin {
    const model = this.stages[index];
    const image = model.image;
    if (!image) {
      return {
        kind: "base",
        stageIndex: index,
        user: "root",
        isRoot: true,
        verdict: `its base image ${quote(model.stage.baseImage)} could not be resolved (${model.baseProblem ?? "unknown image"})`,
      };
    }
    if (isScratch(image)) {
      return {
        kind: "base",
        stageIndex: index,
        user: "root",
        uid: 0,
        isRoot: true,
        verdict: "its base image is scratch, which sets no user, so the process runs as root",
      };
    }
    const known = knownNonRootBase(image);
    if (known) {
      return {
        kind: "base",
        stageIndex: index,
        user: known.user,
        uid: known.uid,
        isRoot: false,
        verdict: `its base image ${image.text} is known to run as the non-root user ${known.user} (uid ${known.uid})`,
      };
    }
    return {
      kind: "base",
      stageIndex: index,
      user: "root",
      isRoot: true,
      verdict:
        `its base image ${image.text} is not known to run as a non-root user, so it is assumed to ` +
        `run as root`,
    };
  }

  private userInstructionOrigin(index: number, instruction: Instruction): UserOrigin {
    const raw = (instruction.getArgumentsContent() ?? "").trim();
    const base = { kind: "user" as const, stageIndex: index, line: lineOf(instruction), raw };
    if (raw === "") {
      return {
        ...base,
        user: "",
        isRoot: true,
        verdict: "names no user, so the process runs as root",
      };
    }
    const expanded = this.expandInStage(index, raw, instruction);
    if (expanded.value === undefined) {
      return {
        ...base,
        user: raw,
        isRoot: true,
        verdict:
          `cannot be resolved: ${expanded.problem} (give the variable an ARG default or pass it ` +
          `as a build argument)`,
      };
    }
    const user = expanded.value;
    if (/\s/.test(user) || [...user].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")) {
      return {
        ...base,
        user,
        isRoot: true,
        verdict: `gives ${quote(user)}, which is not a valid user (it contains whitespace or control characters)`,
      };
    }
    const colon = user.indexOf(":");
    const name = colon >= 0 ? user.slice(0, colon) : user;
    const resolves = user === raw ? "" : `resolves to ${JSON.stringify(user)} and `;
    if (name === "") {
      return {
        ...base,
        user,
        uid: 0,
        isRoot: true,
        verdict: `${resolves}names no user before the group, so the process runs as root`,
      };
    }
    // runc and containerd read a numeric user with Go's strconv.Atoi, which accepts a sign:
    // "+0" and "-0" are uid 0, and a negative uid is invalid.
    if (/^[+-]?[0-9]+$/.test(name)) {
      const uid = Number(name);
      if (uid === 0) {
        return { ...base, user, uid: 0, isRoot: true, verdict: `${resolves}sets uid 0 (root)` };
      }
      if (!Number.isSafeInteger(uid) || uid < 0 || uid > MAX_UID) {
        return {
          ...base,
          user,
          isRoot: true,
          verdict: `${resolves}sets uid ${name}, which is not a valid uid`,
        };
      }
      return {
        ...base,
        user,
        uid,
        isRoot: false,
        verdict: `${resolves}sets the non-root uid ${uid}`,
      };
    }
    if (name === "root") {
      return { ...base, user, uid: 0, isRoot: true, verdict: `${resolves}sets the root user` };
    }
    // A name: its uid depends on the /etc/passwd of the stage that runs (see resolveName).
    return {
      ...base,
      user,
      isRoot: false,
      name,
      resolves,
      verdict: `${resolves}sets the user ${JSON.stringify(name)}`,
    };
  }

  /** Computes the users of a stage after its last instruction; its parent's are computed. */
  private computeUsers(index: number): UserDatabase {
    const model = this.stages[index];
    const db: MutableUserDatabase =
      model.parentIndex !== undefined
        ? thaw(this.usersAtEnd.get(model.parentIndex)!)
        : this.imageUsers(model.image, "the base image", undefined);
    const label = stageLabel(model.stage);
    this.walk(index, undefined, (instruction, lookup, line) => {
      const keyword = instruction.getKeyword().toUpperCase();
      const where = `at line ${line} in stage ${label}`;
      if (keyword === "RUN") {
        for (const command of this.runCommands(instruction, lookup)) {
          applyCommand(db, command, where);
        }
      } else if (keyword === "COPY" || keyword === "ADD") {
        this.copyUsers(db, index, instruction, lookup, keyword, where);
      }
    });
    return freeze(db);
  }

  /** The users an image is documented to define (`KNOWN_BASE_USERS`), as a database. */
  private imageUsers(
    image: ImageReference | undefined,
    what: string,
    copied: string | undefined,
  ): MutableUserDatabase {
    const entries = new Map<string, UserEntry>();
    const known = image !== undefined ? knownBaseUsers(image) : undefined;
    if (image !== undefined && known !== undefined) {
      for (const [name, uid] of Object.entries(known.users)) {
        entries.set(name, {
          uid,
          mayBeRoot: false,
          proven: true,
          missing: false,
          how: `${what} ${image.text} defines it with uid ${uid} (documented for ${known.images} images)${copied ?? ""}`,
        });
      }
    }
    return { entries };
  }

  /** The simple commands a RUN instruction runs (shell form, exec form, heredocs). */
  private runCommands(instruction: Instruction, lookup: VariableLookup): SimpleCommand[] {
    const argv = execForm(instruction);
    if (argv !== undefined) {
      // Exec form: no shell, no variable expansion, unless it runs a shell with -c.
      const c = argv.findIndex((a, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(a));
      if (argv.length > 0 && SHELLS.has(basename(argv[0])) && c > 0 && c + 1 < argv.length) {
        return simpleCommands(argv[c + 1], lookup);
      }
      return [{ words: argv, fdCandidates: new Set(), redirects: [], certain: true }];
    }
    const content = instruction.getArgumentsContent() ?? "";
    const run = instruction as Instruction & { getHeredocs?: () => Heredoc[] };
    const heredocs = typeof run.getHeredocs === "function" ? run.getHeredocs() : [];
    if (heredocs.length === 0) {
      return simpleCommands(content, lookup);
    }
    // The first line is the command; the heredocs are its input. `RUN <<EOF` (or `RUN <<EOF sh`)
    // runs the heredoc as the script.
    const head = simpleCommands(content.split(/\r?\n/)[0], lookup);
    const words = head.length === 1 ? head[0].words : [];
    const shellOnly =
      head.length === 0 ||
      (head.length === 1 &&
        (words.length === 0 ||
          (words[0] !== null &&
            SHELLS.has(basename(words[0])) &&
            words.slice(1).every((w) => w !== null && /^-[a-bd-z]+$/.test(w)))));
    if (!shellOnly) {
      return head;
    }
    return heredocs.flatMap((heredoc) => simpleCommands(this.heredocText(heredoc), lookup));
  }

  private heredocText(heredoc: Heredoc): string {
    const range = heredoc.getContentRange();
    if (range === null) {
      return "";
    }
    this.textLines ??= this.parsed.text.split(/\r\n|\r|\n/);
    const lines = this.textLines.slice(range.start.line, range.end.line + 1);
    if (lines.length === 0) {
      return "";
    }
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, range.end.character);
    lines[0] = lines[0].slice(range.start.character);
    return lines.join("\n");
  }

  /**
   * A COPY or ADD that puts a file at /etc/passwd replaces the users: with those of the stage it
   * copies from, those documented for the image it copies from, or unknown ones (the build
   * context is not read).
   */
  private copyUsers(
    db: MutableUserDatabase,
    index: number,
    instruction: Instruction,
    lookup: VariableLookup,
    keyword: string,
    at: string,
  ): void {
    const argv = execForm(instruction);
    const copy = instruction as Copy;
    const hasHeredocs = typeof copy.getHeredocs === "function" && copy.getHeredocs().length > 0;
    // The arguments without the flags; with heredocs, those of the first line (the rest is the
    // heredocs' content).
    const raw = argv
      ? argv.map((a) => JSON.stringify(a))
      : hasHeredocs
        ? (instruction.getArgumentsContent() ?? "")
            .split(/\r?\n/)[0]
            .split(/\s+/)
            .filter((w) => w !== "" && !w.startsWith("--"))
        : instruction.getArguments().map((a) => a.getValue());
    if (raw.length < 2) {
      return;
    }
    const values = raw.map((w) => expandWord(w, this.escapeChar, lookup).value);
    const dest = values[values.length - 1];
    if (dest === undefined || !dest.startsWith("/")) {
      // A destination the analysis cannot resolve, or relative to WORKDIR: not followed.
      return;
    }
    const sources = values.slice(0, -1);
    const destIsDir = dest.endsWith("/") || sources.length > 1;
    const destPath = path.posix.normalize(dest).replace(/\/+$/, "");
    const fromFlag = copyFromFlag(copy);
    const from =
      fromFlag !== undefined ? expandWord(fromFlag, this.escapeChar, lookup).value : undefined;
    let known = fromFlag === undefined || from !== undefined;
    const where = `${keyword}${fromFlag !== undefined ? ` --from=${from ?? fromFlag}` : ""} ${at}`;
    let lands = false;
    for (const source of sources) {
      if (source === undefined || source.startsWith("<<")) {
        // A source the analysis cannot resolve, or a heredoc: only the destination tells.
        const name = source?.replace(/^<<-?["']?/, "").replace(/["']$/, "");
        if (
          destPath === "/etc/passwd" ||
          (destPath === "/etc" && (source === undefined || (destIsDir && name === "passwd")))
        ) {
          lands = true;
          known = false;
        }
      } else if (landsOnEtcPasswd(source, dest, destIsDir, fromFlag !== undefined)) {
        lands = true;
        known = known && !/[*?[]/.test(source);
      }
    }
    if (!lands) {
      return;
    }
    if (!known || from === undefined) {
      unknownWrite(
        db,
        `${where} replaces /etc/passwd with ${from === undefined && known ? "a file from the build context" : "a file"}, which the analysis does not read`,
      );
      return;
    }
    const copied = `, and ${where} copies that /etc/passwd`;
    const stage = this.stageReference(from, index);
    let replacement: UserDatabase;
    if (stage !== undefined) {
      const users = this.usersAfter(stage.stage.index);
      replacement = {
        entries: new Map(
          [...users.entries].map(([name, entry]) => [name, { ...entry, how: entry.how + copied }]),
        ),
        unknownBecause:
          users.unknownBecause !== undefined
            ? `${users.unknownBecause}${copied}`
            : `${where} copies /etc/passwd from stage ${stageLabel(stage.stage)}, and there ${this.noDefinition(stage.stage.index)}`,
        unknownMayBeRoot: users.unknownMayBeRoot,
      };
    } else {
      const image = parseImageReference(from);
      const users = this.imageUsers(image, "the image", copied);
      replacement = {
        entries: users.entries,
        unknownBecause: `${where} copies /etc/passwd from the image ${image.text}, which is not known to define it`,
      };
    }
    db.entries = new Map(replacement.entries);
    db.unknownBecause = replacement.unknownBecause;
    db.unknownMayBeRoot = replacement.unknownMayBeRoot;
  }
}
