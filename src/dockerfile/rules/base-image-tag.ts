import { DockerfileRules } from "../rule-ids";
import { DockerfileFinding, FindingSeverity } from "../types";
import { Analysis, stageLabel } from "../internal/model";
import { finding, Rule, stagesWithUnpinnedBase } from "./rule";

/** CR004: a base image without a tag, or with `latest`, and no digest floats to new releases. */
export const baseImageTag: Rule = {
  id: DockerfileRules.BASE_IMAGE_UNTAGGED,
  description: "A base image has no tag or the latest tag, and no digest.",
  check(analysis: Analysis) {
    const findings: DockerfileFinding[] = [];
    for (const { model, image } of stagesWithUnpinnedBase(analysis)) {
      if (image.tag === undefined || image.tag === "latest") {
        const what =
          image.tag === undefined ? "has no tag (so Docker uses :latest)" : "uses the latest tag";
        findings.push(
          finding(
            DockerfileRules.BASE_IMAGE_UNTAGGED,
            FindingSeverity.WARNING,
            model.stage.line,
            `Stage ${stageLabel(model.stage)} (line ${model.stage.line}): base image ${image.text} ` +
              `${what}, so rebuilds silently pick up new releases. Fix: use a version tag, ` +
              `ideally with a digest (image:tag@sha256:...).`,
          ),
        );
      }
    }
    return findings;
  },
};
