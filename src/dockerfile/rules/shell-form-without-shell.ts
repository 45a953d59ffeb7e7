import { Instruction, JSONInstruction } from "dockerfile-ast";
import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { distrolessImage, isScratch } from "../internal/image-reference";
import { lineOf, stageLabel } from "../internal/instructions";
import { dockerfileRule } from "./rule";

/** True when CMD/ENTRYPOINT is written in exec (JSON array) form. */
export function isExecForm(instruction: Instruction): boolean {
  const json = instruction as JSONInstruction;
  return json.getOpeningBracket() !== null && json.getClosingBracket() !== null;
}

/**
 * CR003: the effective CMD and ENTRYPOINT of a final stage built on scratch or a distroless image
 * (other than the `debug` tags, which contain busybox) must be in exec form: there is no
 * `/bin/sh` to run the shell form.
 */
export const shellFormWithoutShell = dockerfileRule({
  id: DockerfileRules.SHELL_FORM_WITHOUT_SHELL,
  severity: FindingSeverity.ERROR,
  title: "Shell-form CMD or ENTRYPOINT on a distroless or scratch final stage.",
  check(analysis, found) {
    const image = analysis.rootImage(analysis.finalIndex);
    if (!image) {
      return;
    }
    const distroless = distrolessImage(image);
    const noShell = isScratch(image) || (distroless !== undefined && !distroless.debug);
    if (!noShell) {
      return;
    }
    for (const keyword of ["ENTRYPOINT", "CMD"]) {
      let effective: Instruction | undefined;
      for (const model of analysis.chain(analysis.finalIndex)) {
        const own = model.instructions.filter((i) => i.getKeyword() === keyword);
        if (own.length > 0) {
          effective = own[own.length - 1];
          break;
        }
      }
      if (effective && !isExecForm(effective)) {
        const final = analysis.finalStage.stage;
        found({
          line: lineOf(effective),
          message:
            `${keyword} at line ${lineOf(effective)} is in shell form, but the final stage ` +
            `${stageLabel(final)} runs on ${image.text}, which has no shell. Fix: use the exec ` +
            `form, e.g. ${keyword} ["/app/server"].`,
        });
      }
    }
  },
});
