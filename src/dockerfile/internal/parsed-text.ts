/**
 * Parsing a Dockerfile text with dockerfile-ast, and the errors for input that is not a
 * Dockerfile at all.
 */
import { DockerfileParser, Dockerfile as DockerfileAst } from "dockerfile-ast";

/** A parsed Dockerfile text, shared by every analysis of the same text. */
export interface ParsedText {
  readonly text: string;
  readonly ast: DockerfileAst;
  /** What rules computed from the text alone (e.g. dockerfile-utils' diagnostics), on first use. */
  readonly memo: { [rule: string]: unknown };
}

/** Error thrown for input that is not a usable Dockerfile; its message is complete. */
export class DockerfileInputError extends Error {}

/** True when the text holds NUL bytes, which no Dockerfile contains. */
export function looksBinary(text: string): boolean {
  return text.includes("\u0000");
}

/** Parses a Dockerfile text with dockerfile-ast (the tree is never modified after parsing). */
export function parseText(text: string, displayName: string): ParsedText {
  if (text.trim().length === 0) {
    throw new DockerfileInputError(
      `${displayName}: the Dockerfile is empty; it needs at least one FROM instruction.`,
    );
  }
  if (looksBinary(text)) {
    throw new DockerfileInputError(
      `${displayName}: is not a Dockerfile: it contains binary data (NUL bytes).`,
    );
  }
  let ast: DockerfileAst;
  try {
    ast = DockerfileParser.parse(text);
  } catch (e) {
    throw new DockerfileInputError(
      `${displayName}: the Dockerfile could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!ast.getInstructions().some((i) => i.getKeyword() === "FROM")) {
    throw new DockerfileInputError(
      `${displayName}: no FROM instruction found; a Dockerfile needs at least one FROM instruction.`,
    );
  }
  return { text, ast, memo: {} };
}
