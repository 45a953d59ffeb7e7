import { defineRule, Rule, RuleSpec } from "../../util/rule";
import { FindingSeverity } from "../types";
import { ImageReference, isScratch } from "../internal/image-reference";
import { Analysis } from "../internal/analysis";
import { StageModel } from "../internal/stage-model";

/** What a Dockerfile rule reports: the 1-based line and the message. */
export interface DockerfileFindingDetails {
  /** 1-based line the finding refers to. */
  readonly line: number;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/**
 * A rule over the Dockerfile model (the library's one rule type, see `util/rule`): a pure
 * function from one analysis to its findings. Rules never throw for odd input; they skip what
 * they cannot judge.
 */
export type DockerfileRule = Rule<Analysis, DockerfileFindingDetails, FindingSeverity>;

/** Makes a Dockerfile rule; its id is one of the `DockerfileRules` constants. */
export function dockerfileRule(
  spec: RuleSpec<Analysis, DockerfileFindingDetails, FindingSeverity>,
): DockerfileRule {
  return defineRule(spec);
}

/** The stages built from a registry image (not `scratch`, not another stage) without a digest. */
export function stagesWithUnpinnedBase(
  analysis: Analysis,
): { model: StageModel; image: ImageReference }[] {
  const result: { model: StageModel; image: ImageReference }[] = [];
  for (const model of analysis.stages) {
    const image = model.image;
    if (image && !isScratch(image) && image.digest === undefined) {
      result.push({ model, image });
    }
  }
  return result;
}
