import * as crypto from "crypto";
import { sanitizeName } from "../util/names";
import { checkText } from "../util/check";

/** One path component of a Docker image name (distribution/reference). */
const IMAGE_PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * The default repository ID for a construct path: a readable, sanitized part plus 8 hex
 * digits of the path's sha256, so that different paths give different IDs (at most 63
 * characters, valid for Artifact Registry).
 * @internal
 */
export function defaultRepositoryId(constructPath: string): string {
  const hash = crypto.createHash("sha256").update(constructPath).digest("hex").slice(0, 8);
  const readable = sanitizeName(constructPath, 63 - hash.length - 1);
  return readable === "" ? `repo-${hash}` : `${readable}-${hash}`;
}

/**
 * Checks an image name against Docker's rules for the path of a reference (no registry host,
 * no tag): `/`-separated components of lowercase letters and digits, separated inside a
 * component by `.`, `_`, `__` or hyphens.
 * @internal
 */
export function checkImageName(owner: string, prop: string, imageName: string): void {
  checkText(
    owner,
    prop,
    imageName,
    "must be one or more '/'-separated components of lowercase letters and digits, " +
      "separated inside a component by '.', '_', '__' or hyphens (at most 255 characters)",
    (name) =>
      name.length > 0 &&
      name.length <= 255 &&
      name.split("/").every((component) => IMAGE_PATH_COMPONENT.test(component)),
  );
}
