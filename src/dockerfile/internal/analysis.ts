/**
 * The analysis behind `Dockerfile`: stages, variable scopes, the users of each stage and the
 * runtime user, computed from the `dockerfile-ast` syntax tree. Everything here is internal;
 * `dockerfile.ts` is the public face.
 */
import { Instruction } from "dockerfile-ast";
import { RuntimeUser } from "../types";
import { ImageReference } from "./image-reference";
import { ParsedText } from "./parsed-text";
import { RuntimeUsers, UnresolvedUser } from "./runtime-user";
import { AnalysisOptions, StageModel } from "./stage-model";
import { StageUsers } from "./stage-users";
import { StageGraph } from "./stages";
import { UserDatabase } from "./user-database";
import { GlobalScope, StageVariables } from "./variables";

/** The full analysis of one Dockerfile text under one set of options. */
export class Analysis {
  public readonly stages: readonly StageModel[];
  public readonly finalIndex: number;
  public readonly escapeChar: string;
  private readonly graph: StageGraph;
  private readonly variables: StageVariables;
  private readonly users: StageUsers;
  private readonly runtimeUsers: RuntimeUsers;

  constructor(
    public readonly parsed: ParsedText,
    public readonly options: AnalysisOptions,
  ) {
    this.escapeChar = parsed.ast.getEscapeCharacter() || "\\";
    const global = new GlobalScope(options, this.escapeChar);
    this.graph = new StageGraph(parsed.ast, options, global, this.escapeChar);
    this.stages = this.graph.stages;
    this.finalIndex = this.graph.finalIndex;
    this.variables = new StageVariables(this.graph, global, this.escapeChar);
    this.users = new StageUsers(this.graph, this.variables, parsed.text, this.escapeChar);
    this.runtimeUsers = new RuntimeUsers(this.graph, this.variables, this.users);
  }

  /** The final (or target) stage. */
  public get finalStage(): StageModel {
    return this.graph.finalStage;
  }

  /** The stage chain from `index` up to the stage that starts from an external image. */
  public chain(index: number): StageModel[] {
    return this.graph.chain(index);
  }

  /** The external image at the root of a stage's chain, if it resolved. */
  public rootImage(index: number): ImageReference | undefined {
    return this.graph.rootImage(index);
  }

  /** Finds an earlier stage by name (case-insensitive) or index, as COPY --from does. */
  public stageReference(reference: string, before: number): StageModel | undefined {
    return this.graph.stageReference(reference, before);
  }

  /** Expands a word in the scope of a stage just before the given instruction. */
  public expandInStage(
    stageIndex: number,
    word: string,
    before?: Instruction,
  ): { value?: string; problem?: string } {
    return this.variables.expandInStage(stageIndex, word, before);
  }

  /** The user the given stage's process runs as. */
  public runtimeUser(index: number): RuntimeUser {
    return this.runtimeUsers.resolve(index).user;
  }

  /**
   * The user name the given stage runs as when the analysis cannot resolve it to a uid (it
   * counts as non-root, but nothing proves which uid it has); undefined otherwise.
   */
  public unresolvedUser(index: number): UnresolvedUser | undefined {
    return this.runtimeUsers.resolve(index).unresolved;
  }

  /** The users of a stage's /etc/passwd after its last instruction, as far as known. */
  public usersAfter(index: number): UserDatabase {
    return this.users.usersAfter(index);
  }
}
