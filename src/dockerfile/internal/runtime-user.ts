/**
 * The user each stage's process runs as, and the reason: the last USER of the stage chain (its
 * value resolved from ARG/ENV, its name resolved to a uid in the stage's /etc/passwd), an
 * ONBUILD USER, or what the base image is known to run as.
 */
import { Instruction, Onbuild } from "dockerfile-ast";
import { RuntimeUser } from "../types";
import { isScratch, knownNonRootBase } from "./image-reference";
import { lineOf, quote, stageLabel } from "./instructions";
import { StageChain, StageModel } from "./stage-model";
import { StageUsers } from "./stage-users";
import { MAX_UID } from "./user-database";
import { StageVariables } from "./variables";

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
export interface ResolvedUser {
  readonly user: RuntimeUser;
  readonly unresolved?: UnresolvedUser;
}

/** The runtime users of the stages of one analysis. */
export class RuntimeUsers {
  private readonly origins = new Map<number, UserOrigin>();
  private readonly resolvedUsers = new Map<number, ResolvedUser>();

  constructor(
    private readonly graph: StageChain,
    private readonly variables: StageVariables,
    private readonly users: StageUsers,
  ) {}

  /** The runtime user of a stage, computed on first use. */
  public resolve(index: number): ResolvedUser {
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
    const users = this.users.usersAfter(index);
    const entry = users.entries.get(name);
    if (entry === undefined) {
      if (users.unknownMayBeRoot) {
        return {
          isRoot: true,
          phrase: `whose uid is not known and may be 0: ${users.unknownBecause ?? "/etc/passwd was changed"}`,
        };
      }
      const why = users.unknownBecause ?? this.users.noDefinition(index);
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

  private reason(index: number, origin: UserOrigin, verdict: string): string {
    const own = this.graph.stages[index];
    const originStage = this.graph.stages[origin.stageIndex];
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
      const s: StageModel = this.graph.stages[i];
      steps.push(`FROM ${s.stage.baseImage} at line ${s.stage.line}`);
      i = s.parentIndex;
    }
    return steps.join(", ");
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
      const model = this.graph.stages[i];
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
    const parent = this.graph.stages[parentIndex];
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
    const model = this.graph.stages[index];
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
    const expanded = this.variables.expandInStage(index, raw, instruction);
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
}
