import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { stageLabel } from "../internal/instructions";
import { dockerfileRule } from "./rule";

/** The fix every "not proven non-root" message ends with. */
export const NON_ROOT_FIX =
  'Fix: add "USER 65532:65532" to the final stage, or build it FROM a distroless ":nonroot" ' +
  "image such as gcr.io/distroless/cc-debian13:nonroot.";

/** CR001: the final (or target) stage must be proven to run as a non-root user. */
export const finalStageNonRoot = dockerfileRule({
  id: DockerfileRules.FINAL_STAGE_NOT_NON_ROOT,
  severity: FindingSeverity.ERROR,
  title: "The final (or target) stage is not proven to run as a non-root user.",
  check(analysis, found) {
    const final = analysis.finalStage.stage;
    const user = analysis.runtimeUser(analysis.finalIndex);
    if (!user.isRoot) {
      return;
    }
    found({
      line: user.line ?? final.line,
      message:
        `The final stage ${stageLabel(final)} is not proven to run as a non-root user: ` +
        `${user.reason} ${NON_ROOT_FIX}`,
    });
  },
});
