import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { quote, stageLabel } from "../internal/instructions";
import { dockerfileRule } from "./rule";

/**
 * CR008: the final (or target) stage runs as a user NAME whose uid the analysis cannot resolve
 * (no `useradd`/`adduser` in the stage chain proves it, and the base image is not known to define
 * it). It counts as non-root, since a user missing from /etc/passwd cannot start, but nothing
 * proves its uid; Kubernetes' `runAsNonRoot` refuses non-numeric users for the same reason.
 */
export const userNameUnresolved = dockerfileRule({
  id: DockerfileRules.USER_NAME_UNRESOLVED,
  severity: FindingSeverity.WARNING,
  title: "The final stage runs as a user name whose uid cannot be resolved.",
  check(analysis, found) {
    const unresolved = analysis.unresolvedUser(analysis.finalIndex);
    if (unresolved === undefined) {
      return;
    }
    const final = analysis.finalStage.stage;
    found({
      line: unresolved.line,
      message:
        `USER ${quote(unresolved.raw)} at line ${unresolved.line} (final stage ${stageLabel(final)}) ` +
        `names the user ${JSON.stringify(unresolved.name)}, whose uid is not known: ` +
        `${unresolved.why}. It counts as non-root (a user missing from /etc/passwd cannot ` +
        "start), but no uid is proven, and Kubernetes' runAsNonRoot refuses a non-numeric user " +
        'for the same reason. Fix: give the uid, e.g. "USER 65532:65532" (or the uid your ' +
        "useradd -u sets).",
    });
  },
});
