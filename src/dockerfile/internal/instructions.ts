/**
 * Small helpers over dockerfile-ast instructions and stages: lines, labels for messages, the
 * `--from` flag, exec form, and how BuildKit finds a stage by name.
 */
import * as path from "path";
import { Copy, Instruction } from "dockerfile-ast";
import { DockerfileStage } from "../types";

/**
 * The stage a name refers to, as BuildKit resolves it: the LAST of the first `before` stages with
 * that name (case-insensitive). BuildKit keeps stages in a name map in which a later stage
 * overwrites an earlier one of the same name, so `--target` picks the last stage with the name and
 * `FROM <name>` the latest one declared before it. Returns the stage's index.
 */
export function findStageByName(
  stages: readonly { readonly name?: string }[],
  name: string,
  before: number = stages.length,
): number | undefined {
  const lower = name.toLowerCase();
  for (let i = Math.min(before, stages.length) - 1; i >= 0; i--) {
    if (stages[i].name === lower) {
      return i;
    }
  }
  return undefined;
}

/**
 * The raw value of a COPY/ADD `--from` flag, whatever other flags sit beside it
 * (dockerfile-ast's `Copy.getFromFlag()` only answers when `--from` is the only flag).
 */
export function copyFromFlag(instruction: Instruction): string | undefined {
  const flags =
    typeof (instruction as Copy).getFlags === "function" ? (instruction as Copy).getFlags() : [];
  return flags.find((f) => f.getName().toLowerCase() === "from")?.getValue() ?? undefined;
}

/** 1-based first line of an instruction. */
export function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** 1-based last line of an instruction. */
export function endLineOf(instruction: Instruction): number {
  return instruction.getRange().end.line + 1;
}

/** `'name'` or `#index`, as stages are named in messages. */
export function stageLabel(stage: DockerfileStage): string {
  return stage.name !== undefined ? `'${stage.name}'` : `#${stage.index}`;
}

/** A short, single-line rendering of an instruction argument for messages. */
export function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
}

/**
 * The arguments of an instruction in exec (JSON array) form, as Docker reads them; undefined for
 * the shell form (Docker also takes a text that is not a valid JSON array of strings as shell form).
 */
export function execForm(instruction: Instruction): string[] | undefined {
  const content = (instruction.getArgumentsContent() ?? "").trim();
  if (!content.startsWith("[")) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(content);
    return Array.isArray(value) && value.every((a) => typeof a === "string") ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The last component of a POSIX path. */
export function basename(file: string): string {
  return path.posix.basename(file);
}
