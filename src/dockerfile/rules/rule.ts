import { DockerfileFinding, FindingSeverity } from "../types";
import { ImageReference, isScratch } from "../internal/image-reference";
import { Analysis, StageModel } from "../internal/model";

/**
 * A rule over the Dockerfile model: a pure function from one analysis to its findings.
 * Rules never throw for odd input; they skip what they cannot judge.
 */
export interface Rule {
  /** Stable rule id, see DockerfileRules. */
  readonly id: string;
  /** What the rule checks, one line. */
  readonly description: string;
  /** Computes the findings. */
  readonly check: (analysis: Analysis) => DockerfileFinding[];
}

/** Builds a finding. */
export function finding(
  ruleId: string,
  severity: FindingSeverity,
  line: number,
  message: string,
): DockerfileFinding {
  return { ruleId, severity, line, message };
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
