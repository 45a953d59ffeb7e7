/**
 * The simple commands of a `RUN` script, as far as the user analysis needs them: their words,
 * their redirections, and whether they surely run. Words are split and unquoted by `shell-quote`
 * (quotes, escapes, `$VAR` / `${VAR...}` expansion and the control operators `&&`, `||`, `;`,
 * `|`, `&`); this module groups its tokens into commands, and-or lists, pipelines and compound
 * commands (`if`/`while`/`for`/`case`/`{ }`/`( )`).
 *
 * What it does not do: `shell-quote` reads one line (a newline is a space to it), so scripts are
 * split into lines here first (a line ending with an odd number of backslashes continues); it
 * takes a `#` inside a word as the start of a comment; and it neither runs command substitutions
 * nor evaluates `${VAR#...}`-style modifiers (those words are unknown).
 */
import { parse as parseShell, ParseEntry } from "shell-quote";
import { expandWord, UNKNOWN, UNSET, VariableLookup } from "./words";

/** A simple command of a script. */
export interface SimpleCommand {
  /** The words, `null` where a word's value is not known (an unknown variable, `$(...)`). */
  readonly words: readonly (string | null)[];
  /** Indexes of digit-only words directly before a redirection (`2>/dev/null`): maybe a file descriptor. */
  readonly fdCandidates: ReadonlySet<number>;
  /** The redirections, with their target word (`null` when not known). */
  readonly redirects: readonly { readonly op: string; readonly target: string | null }[];
  /**
   * False when the command may not run, or when its failure does not fail the `RUN`: inside a
   * compound command (`if`, `while`, `for`, `case`, `{ }`, `( )`), in an and-or list with `||`, in a
   * pipeline of several commands, or in the background (`&`). Commands joined by `&&`, `;` or
   * newlines are taken to run (a `;` without `set -e` lets a failure pass; the analysis assumes
   * the build stops).
   */
  readonly certain: boolean;
}

/** Marks a value that is not known inside a word; no Dockerfile text contains it. */
const UNKNOWN_MARK = "\uE000";
/** Marks a `$` followed by `(`: the start of a command substitution. */
const SUBSTITUTION_MARK = "\uE001";

/** Operators that separate and-or lists. */
const LIST_SEPARATORS = new Set([";", "&", ";;", ";&", ";;&", "\n"]);
/** Operators that redirect; the word after them is their target. */
const REDIRECTIONS = new Set([
  ">",
  ">>",
  "<",
  "<<",
  "<<-",
  "<<<",
  ">&",
  "<&",
  "&>",
  "&>>",
  ">|",
  "<>",
]);
/** Words that open a compound command (at the start of a command). */
const OPENERS = new Set(["if", "while", "until", "for", "select", "case", "{"]);
/** Words that close one. */
const CLOSERS = new Set(["fi", "done", "esac", "}"]);
/** Words that introduce the next part of a compound command, or prefix a pipeline. */
const PREFIXES = new Set(["then", "else", "elif", "do", "!", "time"]);

/** Splits a multi-line script into logical lines (a line ending in an odd number of `\` continues). */
function logicalLines(script: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const line of script.split(/\r?\n/)) {
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      current += line.slice(0, -1);
    } else {
      lines.push(current + line);
      current = "";
    }
  }
  if (current !== "") {
    lines.push(current);
  }
  return lines;
}

type Token =
  { readonly word: string | null; readonly substitution?: boolean } | { readonly op: string };

/** Tokenizes one line with shell-quote; an expression it cannot read makes an unknown word. */
function tokens(line: string, lookup: VariableLookup): Token[] {
  const env = (key: string): string => {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      const value = lookup(key);
      return value === UNKNOWN ? UNKNOWN_MARK : value === UNSET ? "" : value;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*[:]?[-+?]/.test(key)) {
      // ${VAR:-word} and friends expand as in a Dockerfile word.
      return expandWord(`\${${key}}`, "\\", lookup).value ?? UNKNOWN_MARK;
    }
    // `$(` gives an empty key; $?, $$, $1, ${VAR#...}: not known.
    return key === "" ? UNKNOWN_MARK + SUBSTITUTION_MARK : UNKNOWN_MARK;
  };
  let entries: ParseEntry[];
  try {
    entries = parseShell(line, env);
  } catch {
    return [{ word: null }];
  }
  const out: Token[] = [];
  /** Open parentheses of a command substitution `$(...)` (or `$((...))`) being skipped. */
  let substitution = 0;
  for (const entry of entries) {
    if (typeof entry !== "string" && "comment" in entry) {
      break;
    }
    const op = typeof entry !== "string" && entry.op !== "glob" ? entry.op : undefined;
    if (substitution > 0) {
      substitution += op === "(" ? 1 : op === ")" ? -1 : 0;
      continue;
    }
    if (op === "(") {
      // shell-quote reads `$(` as `$` (an unknown value, ending the word before) and `(`.
      const previous = out[out.length - 1];
      if (
        previous !== undefined &&
        "word" in previous &&
        previous.word === null &&
        previous.substitution
      ) {
        substitution = 1;
        continue;
      }
    }
    if (op !== undefined) {
      out.push({ op });
    } else {
      const word = typeof entry === "string" ? entry : (entry as { pattern: string }).pattern;
      // A backquoted command substitution is not run either.
      const unknown = word.includes(UNKNOWN_MARK) || word.includes("`");
      out.push({ word: unknown ? null : word, substitution: word.endsWith(SUBSTITUTION_MARK) });
    }
  }
  return out;
}

interface Building {
  words: (string | null)[];
  fdCandidates: Set<number>;
  redirects: { op: string; target: string | null }[];
  /** Inside a compound command. */
  compound: boolean;
  /** A `for`/`select`/`case` header, which is not a command. */
  header: boolean;
  /** `! command`: its failure does not fail the script. */
  negated: boolean;
  expectTarget?: string;
}

/**
 * The simple commands of a shell script, in order. `lookup` gives the value of the variables the
 * script sees (the stage's `ARG` and `ENV`).
 */
export function simpleCommands(script: string, lookup: VariableLookup): SimpleCommand[] {
  const all: Token[] = [];
  for (const line of logicalLines(script)) {
    all.push(...tokens(line, lookup), { op: "\n" });
  }

  const result: SimpleCommand[] = [];
  /** Open compound commands: "case" (whose `)` end patterns), "(" or a keyword. */
  const stack: string[] = [];
  /** The commands of the current and-or list; `alone`: neither in a pipeline nor negated. */
  let list: { command: Building; alone: boolean }[] = [];
  let pipeline: Building[] = [];
  let listHasOr = false;
  let current = newCommand();

  function newCommand(): Building {
    return {
      words: [],
      fdCandidates: new Set(),
      redirects: [],
      compound: stack.length > 0,
      header: false,
      negated: false,
    };
  }
  function endCommand(): void {
    if (current.words.length > 0 || current.redirects.length > 0) {
      if (!current.header) {
        pipeline.push(current);
      }
    }
    current = newCommand();
  }
  function endPipeline(): void {
    endCommand();
    for (const command of pipeline) {
      list.push({ command, alone: pipeline.length === 1 && !command.negated });
    }
    pipeline = [];
  }
  function endList(background: boolean): void {
    endPipeline();
    for (const { command, alone } of list) {
      result.push({
        words: command.words,
        fdCandidates: command.fdCandidates,
        redirects: command.redirects,
        certain: alone && !command.compound && !listHasOr && !background,
      });
    }
    list = [];
    listHasOr = false;
  }

  for (const token of all) {
    if ("op" in token) {
      const op = token.op;
      if (current.expectTarget !== undefined) {
        // An operator where a redirection target was expected: the target is missing.
        current.redirects.push({ op: current.expectTarget, target: null });
        current.expectTarget = undefined;
      }
      if (REDIRECTIONS.has(op)) {
        const last = current.words.length - 1;
        if (last >= 0 && current.words[last] !== null && /^[0-9]+$/.test(current.words[last]!)) {
          current.fdCandidates.add(last);
        }
        current.expectTarget = op;
      } else if (op === "&&") {
        endPipeline();
      } else if (op === "||") {
        listHasOr = true;
        endPipeline();
      } else if (op === "|" || op === "|&") {
        endCommand();
      } else if (LIST_SEPARATORS.has(op)) {
        endList(op === "&");
      } else if (op === "(") {
        if (stack[stack.length - 1] !== "case") {
          endCommand();
          stack.push("(");
          current = newCommand();
        }
      } else if (op === ")") {
        if (stack[stack.length - 1] === "case") {
          // The end of a case pattern: what came before was the pattern, not a command.
          current = newCommand();
        } else {
          endCommand();
          if (stack[stack.length - 1] === "(") {
            stack.pop();
          }
          current = newCommand();
        }
      } else {
        // Process substitution and other operators: the command goes on.
      }
      continue;
    }
    const word = token.word;
    if (current.expectTarget !== undefined) {
      current.redirects.push({ op: current.expectTarget, target: word });
      current.expectTarget = undefined;
      continue;
    }
    if (current.words.length === 0 && !current.header && word !== null) {
      if (PREFIXES.has(word)) {
        current.negated = current.negated || word === "!";
        continue;
      }
      if (OPENERS.has(word)) {
        stack.push(word);
        current.compound = true;
        if (word === "for" || word === "select" || word === "case") {
          // `for x in a b`, `case $x in`: a header, not a command.
          current.header = true;
        }
        continue;
      }
      if (CLOSERS.has(word)) {
        stack.pop();
        continue;
      }
    }
    if (current.header && word === "in" && stack[stack.length - 1] === "case") {
      // `case WORD in` ends its header; patterns follow.
      current = newCommand();
      continue;
    }
    current.words.push(word);
  }
  endList(false);
  return result;
}
