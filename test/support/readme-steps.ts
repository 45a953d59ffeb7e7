/**
 * The README's "Start a new app" steps, read from the README itself so that the steps a user
 * follows and the steps the tests run cannot drift apart. A step block is a fenced code block
 * directly after a marker comment `<!-- new-app: NAME ... -->`; NAME is `setup`, `main.ts` or
 * `synth`.
 */
import * as fs from "fs";
import * as path from "path";

export const README_PATH = path.resolve(__dirname, "../../README.md");

export interface ReadmeBlock {
  /** The marker's name (`setup`, `main.ts`, `synth`). */
  readonly name: string;
  /** The fence's info string (`sh`, `ts`). */
  readonly language: string;
  /** The block's text, ending with a newline. */
  readonly text: string;
  /** The README line (1-based) of the block's first line of text. */
  readonly line: number;
}

export interface ShellStep {
  /** The command exactly as written, continuation lines and here-documents included. */
  readonly command: string;
  /** The README line (1-based) where the command starts. */
  readonly line: number;
}

const MARKER = /^<!--\s*new-app:\s*(\S+)[^>]*-->\s*$/;

/** The marked blocks of the README text, by marker name. */
export function newAppBlocks(readme: string = fs.readFileSync(README_PATH, "utf8")): {
  [name: string]: ReadmeBlock;
} {
  const lines = readme.split("\n");
  const blocks: { [name: string]: ReadmeBlock } = {};
  lines.forEach((text, index) => {
    const marker = MARKER.exec(text);
    if (!marker) {
      return;
    }
    const name = marker[1];
    const fence = /^```(\S*)\s*$/.exec(lines[index + 1] ?? "");
    if (!fence) {
      throw new Error(
        `README.md line ${index + 1}: the marker "new-app: ${name}" must be followed directly by a fenced code block`,
      );
    }
    if (blocks[name]) {
      throw new Error(`README.md line ${index + 1}: a second block is marked "new-app: ${name}"`);
    }
    const end = lines.findIndex((l, i) => i > index + 1 && /^```\s*$/.test(l));
    if (end < 0) {
      throw new Error(`README.md line ${index + 2}: the block "new-app: ${name}" is not closed`);
    }
    const body = lines.slice(index + 2, end);
    blocks[name] = {
      name,
      language: fence[1],
      text: body.map((l) => `${l}\n`).join(""),
      line: index + 3,
    };
  });
  return blocks;
}

/** The block named `name`, or an error naming the marker the README lacks. */
export function newAppBlock(blocks: { [name: string]: ReadmeBlock }, name: string): ReadmeBlock {
  const block = blocks[name];
  if (!block) {
    throw new Error(
      `README.md has no code block marked "<!-- new-app: ${name} -->" (found: ${Object.keys(blocks).join(", ") || "none"})`,
    );
  }
  return block;
}

/**
 * The commands of a shell block, one per step: blank lines and `#` comments are skipped, a line
 * ending in `\` continues on the next, and a here-document (`<<'EOF'` … `EOF`) belongs to the
 * command that opens it.
 */
export function shellSteps(block: ReadmeBlock): ShellStep[] {
  const lines = block.text.replace(/\n$/, "").split("\n");
  const steps: ShellStep[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    if (lines[i].trim() === "" || lines[i].trimStart().startsWith("#")) {
      i++;
      continue;
    }
    const command: string[] = [];
    let continues = true;
    while (continues && i < lines.length) {
      const text = lines[i++];
      command.push(text);
      const heredoc = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text);
      if (heredoc) {
        const delimiter = heredoc[2];
        while (i < lines.length && lines[i].trim() !== delimiter) {
          command.push(lines[i++]);
        }
        if (i >= lines.length) {
          throw new Error(
            `README.md line ${block.line + start}: the here-document "${delimiter}" is not closed`,
          );
        }
        command.push(lines[i++]);
      }
      continues = text.endsWith("\\");
    }
    steps.push({ command: command.join("\n"), line: block.line + start });
  }
  return steps;
}
