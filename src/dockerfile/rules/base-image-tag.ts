import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { stageLabel } from "../internal/instructions";
import { dockerfileRule, stagesWithUnpinnedBase } from "./rule";

/** CR004: a base image without a tag, or with `latest`, and no digest floats to new releases. */
export const baseImageTag = dockerfileRule({
  id: DockerfileRules.BASE_IMAGE_UNTAGGED,
  severity: FindingSeverity.WARNING,
  title: "A base image has no tag or the latest tag, and no digest.",
  check(analysis, found) {
    for (const { model, image } of stagesWithUnpinnedBase(analysis)) {
      if (image.tag === undefined || image.tag === "latest") {
        const what =
          image.tag === undefined ? "has no tag (so Docker uses :latest)" : "uses the latest tag";
        found({
          line: model.stage.line,
          message:
            `Stage ${stageLabel(model.stage)} (line ${model.stage.line}): base image ${image.text} ` +
            `${what}, so rebuilds silently pick up new releases. Fix: use a version tag, ` +
            `ideally with a digest (image:tag@sha256:...).`,
        });
      }
    }
  },
});
