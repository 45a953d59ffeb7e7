import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { perStack } from "../util/singletons";
import { afterStackSynthesis } from "../util/stack-synthesis";

const ID = "cdktf-cloud-run-dockerfiles";
/** The folder of the stack's working directory the Dockerfiles are written to. */
const FOLDER = `assets/${ID}`;

/**
 * The Dockerfile texts a stack's images are built from, written into the stack's working
 * directory at synth (`<outdir>/stacks/<stack>/assets/cdktf-cloud-run-dockerfiles/<hash>/Dockerfile`),
 * one file per distinct text.
 *
 * The text is the one the library analysed (and proved non-root), kept in memory: it is written
 * straight into the synth output, so nothing in the build context or in a shared directory can
 * change it between the check and the build. The folder is outside the build context (docker
 * provider 3.6.2 mishandles a relative Dockerfile path inside the context) and is replaced as a
 * whole on each synth of a stack with images, so Dockerfiles its images no longer use do not
 * linger there.
 * @internal
 */
export class StagedDockerfiles extends Construct {
  /** The staged Dockerfiles of the stack that contains `scope`, created on first use. */
  public static of(scope: Construct): StagedDockerfiles {
    // Shared by copies of this library.
    return perStack(scope, "StagedDockerfiles", (stack) => {
      // The id is free unless a construct of the user's took it.
      let id = ID;
      for (let n = 2; stack.node.tryFindChild(id) !== undefined; n++) {
        id = `${ID}${n}`;
      }
      return new StagedDockerfiles(stack, id);
    });
  }

  /** Text by the folder name (the first 32 hex digits of its sha256). */
  private readonly texts = new Map<string, string>();

  private constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    afterStackSynthesis(stack, (_session, stackDirectory) => {
      const directory = path.join(stackDirectory, ...FOLDER.split("/"));
      fs.rmSync(directory, { recursive: true, force: true });
      for (const [hash, text] of this.texts) {
        fs.mkdirSync(path.join(directory, hash), { recursive: true });
        fs.writeFileSync(path.join(directory, hash, "Dockerfile"), text);
      }
    });
  }

  /**
   * Stages `text` (once per distinct text) and returns its path relative to the stack's working
   * directory, POSIX-style, as `build.dockerfile` takes it.
   */
  public add(text: string): string {
    const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 32);
    const known = this.texts.get(hash);
    if (known !== undefined && known !== text) {
      // 128 bits of sha256 alike: never seen, but a folder must hold exactly the text checked.
      throw new Error(
        `cdktf-cloud-run: two Dockerfile texts share the staged name ${hash}; change one of them.`,
      );
    }
    this.texts.set(hash, text);
    return `${FOLDER}/${hash}/Dockerfile`;
  }
}
