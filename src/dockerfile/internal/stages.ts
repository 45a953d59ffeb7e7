/**
 * The stages of a Dockerfile: one per FROM, the stage each is built FROM (or its base image),
 * and the stage that runs (the last, or the `target`).
 */
import { Arg, Dockerfile as DockerfileAst, From, Instruction } from "dockerfile-ast";
import { DockerfileStage } from "../types";
import { ImageReference, parseImageReference } from "./image-reference";
import { endLineOf, findStageByName, lineOf, quote } from "./instructions";
import { DockerfileInputError } from "./parsed-text";
import { AnalysisOptions, StageChain, StageModel } from "./stage-model";
import { GlobalScope } from "./variables";
import { expandWord } from "./words";

/** The stages of one analysis. */
export class StageGraph implements StageChain {
  public readonly stages: readonly StageModel[];
  /** The index of the stage that runs. */
  public readonly finalIndex: number;

  constructor(
    ast: DockerfileAst,
    private readonly options: AnalysisOptions,
    private readonly global: GlobalScope,
    private readonly escapeChar: string,
  ) {
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
        this.global.declareGlobal(instruction as Arg);
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
    const lookup = (n: string) => this.global.lookup(n);
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
}
