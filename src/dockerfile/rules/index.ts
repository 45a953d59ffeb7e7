/**
 * All rules behind `Dockerfile.findings`, in id order. The ids and what they check are listed
 * in `DockerfileRules` (src/dockerfile/rule-ids.ts).
 */
import { baseImageDigest } from "./base-image-digest";
import { baseImageTag } from "./base-image-tag";
import { debian12Runtime } from "./debian12-runtime";
import { finalStageNonRoot } from "./final-stage-non-root";
import { glibcDebianMismatch } from "./glibc-debian-mismatch";
import { DockerfileRule } from "./rule";
import { shellFormWithoutShell } from "./shell-form-without-shell";
import { syntax } from "./syntax";
import { userNameUnresolved } from "./user-name-unresolved";

export const ALL_RULES: readonly DockerfileRule[] = [
  finalStageNonRoot,
  glibcDebianMismatch,
  shellFormWithoutShell,
  baseImageTag,
  baseImageDigest,
  debian12Runtime,
  syntax,
  userNameUnresolved,
];
