import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { distrolessImage } from "../internal/image-reference";
import { stageLabel } from "../internal/instructions";
import { dockerfileRule } from "./rule";

/** CR006: Debian 12 distroless runtimes reached end of life in September 2026. */
export const debian12Runtime = dockerfileRule({
  id: DockerfileRules.DEBIAN12_RUNTIME_EOL,
  severity: FindingSeverity.WARNING,
  title: "The runtime is a Debian 12 distroless image, end of life since September 2026.",
  check(analysis, found) {
    const chain = analysis.chain(analysis.finalIndex);
    const root = chain[chain.length - 1];
    const image = root.image;
    const distroless = image ? distrolessImage(image) : undefined;
    if (!image || !distroless || distroless.debian !== 12) {
      return;
    }
    found({
      line: root.stage.line,
      message:
        `Stage ${stageLabel(root.stage)} (line ${root.stage.line}): the runtime ${image.text} is a ` +
        `Debian 12 distroless image, end of life since September 2026 (no more security ` +
        `updates). Fix: use the -debian13 variant (e.g. gcr.io/distroless/${distroless.flavour}-debian13) ` +
        `and build on Debian 13 (trixie).`,
    });
  },
});
