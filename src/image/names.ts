import * as crypto from "crypto";
import { sanitizeName } from "../util/names";
import { invalidProp, isUnresolved } from "../util/validation";

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
  if (isUnresolved(imageName)) {
    return;
  }
  if (
    typeof imageName !== "string" ||
    imageName.length === 0 ||
    imageName.length > 255 ||
    !imageName.split("/").every((component) => IMAGE_PATH_COMPONENT.test(component))
  ) {
    throw invalidProp(
      owner,
      prop,
      "must be one or more '/'-separated components of lowercase letters and digits, " +
        "separated inside a component by '.', '_', '__' or hyphens (at most 255 characters)",
      imageName,
    );
  }
}
