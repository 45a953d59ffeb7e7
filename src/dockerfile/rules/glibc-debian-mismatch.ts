import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import {
  builderDebianRelease,
  debianCodename,
  distrolessImage,
  ImageReference,
  parseImageReference,
} from "../internal/image-reference";
import { copyFromFlag, lineOf, stageLabel } from "../internal/instructions";
import { dockerfileRule } from "./rule";

function describeRelease(release: number): string {
  const codename = debianCodename(release);
  return codename ? `Debian ${release} ${codename}` : `Debian ${release}`;
}

/**
 * CR002: a glibc builder on one Debian release whose output is copied (`COPY --from`) into a
 * distroless runtime of another release. The `static` distroless images contain no glibc and are
 * not checked.
 */
export const glibcDebianMismatch = dockerfileRule({
  id: DockerfileRules.GLIBC_DEBIAN_MISMATCH,
  severity: FindingSeverity.WARNING,
  title:
    "A glibc builder stage on one Debian release is copied into a distroless runtime of another release.",
  check(analysis, found) {
    const runtimeImage = analysis.rootImage(analysis.finalIndex);
    const runtime = runtimeImage ? distrolessImage(runtimeImage) : undefined;
    if (!runtimeImage || !runtime || runtime.debian === undefined || runtime.flavour === "static") {
      return;
    }
    for (const model of analysis.chain(analysis.finalIndex)) {
      for (const instruction of model.instructions) {
        if (instruction.getKeyword() !== "COPY") {
          continue;
        }
        const rawFrom = copyFromFlag(instruction);
        if (!rawFrom) {
          continue;
        }
        const from = analysis.expandInStage(model.stage.index, rawFrom, instruction).value;
        if (!from) {
          continue;
        }
        const source = analysis.stageReference(from, model.stage.index);
        let builderImage: ImageReference | undefined;
        if (source) {
          builderImage = analysis.rootImage(source.stage.index);
        } else {
          builderImage = parseImageReference(from);
        }
        const release = builderImage ? builderDebianRelease(builderImage) : undefined;
        if (!builderImage || release === undefined || release === runtime.debian) {
          continue;
        }
        const described = source
          ? `stage ${stageLabel(source.stage)} (base image ${builderImage.text}, ${describeRelease(release)})`
          : `the image ${builderImage.text} (${describeRelease(release)})`;
        found({
          line: lineOf(instruction),
          message:
            `COPY --from=${from} at line ${lineOf(instruction)} copies from ${described} into the ` +
            `runtime ${runtimeImage.text} (${describeRelease(runtime.debian)}); a binary linked against ` +
            `a different glibc can fail at start with missing GLIBC symbols. Fix: build on the ` +
            `same Debian release as the runtime (e.g. rust:1-trixie with a -debian13 runtime, ` +
            `or rust:1-bookworm with -debian12).`,
        });
      }
    }
  },
});
