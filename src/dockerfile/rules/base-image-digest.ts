import { DockerfileRules } from "../rule-ids";
import { DockerfileFinding, FindingSeverity } from "../types";
import { Analysis, stageLabel } from "../internal/model";
import { finding, Rule, stagesWithUnpinnedBase } from "./rule";

/** CR005: a base image that is not pinned by digest can change under the same tag. */
export const baseImageDigest: Rule = {
  id: DockerfileRules.BASE_IMAGE_NOT_PINNED,
  description: "A base image is not pinned by digest.",
  check(analysis: Analysis) {
    const findings: DockerfileFinding[] = [];
    for (const { model, image } of stagesWithUnpinnedBase(analysis)) {
      findings.push(
        finding(
          DockerfileRules.BASE_IMAGE_NOT_PINNED,
          FindingSeverity.INFO,
          model.stage.line,
          `Stage ${stageLabel(model.stage)} (line ${model.stage.line}): base image ${image.text} is ` +
            `not pinned by digest, so the same tag can give a different image. Pin it with ` +
            `@sha256:... for reproducible builds.`,
        ),
      );
    }
    return findings;
  },
};
