import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { stageLabel } from "../internal/instructions";
import { dockerfileRule, stagesWithUnpinnedBase } from "./rule";

/** CR005: a base image that is not pinned by digest can change under the same tag. */
export const baseImageDigest = dockerfileRule({
  id: DockerfileRules.BASE_IMAGE_NOT_PINNED,
  severity: FindingSeverity.INFO,
  title: "A base image is not pinned by digest.",
  check(analysis, found) {
    for (const { model, image } of stagesWithUnpinnedBase(analysis)) {
      found({
        line: model.stage.line,
        message:
          `Stage ${stageLabel(model.stage)} (line ${model.stage.line}): base image ${image.text} is ` +
          `not pinned by digest, so the same tag can give a different image. Pin it with ` +
          `@sha256:... for reproducible builds.`,
      });
    }
  },
});
