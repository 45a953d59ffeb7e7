/**
 * Variable expansion for one Dockerfile word, following the rules of Docker's shell lexer
 * (moby/buildkit `frontend/dockerfile/shell`): single quotes are literal, double quotes allow
 * `$` expansion, the escape character (`\` or the one set by the `escape` directive) quotes the
 * next character, and `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`,
 * `${NAME+word}`, `${NAME:?word}` and `${NAME?word}` are expanded. Other modifiers (`#`, `%`, `/`)
 * are not evaluated: a word that uses them is reported as unresolved.
 *
 * The lexer is a single left-to-right pass (linear time, no backtracking).
 */

/** A variable that is declared without a value (or not declared where Docker defines it as empty). */
export const UNSET: unique symbol = Symbol("unset");
/** A variable whose value the analysis cannot know (e.g. it may come from a base image's ENV). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** The value of a variable as far as the analysis knows. */
export type VarValue = string | typeof UNSET | typeof UNKNOWN;

/** Looks a variable up in the scope of the word being expanded. */
export type VariableLookup = (name: string) => VarValue;

/** The outcome of expanding a word: the value, or why it could not be computed. */
export interface ExpandResult {
  /** The expanded word, when every variable it uses is known. */
  readonly value?: string;
  /** Why the word could not be expanded (names the variable or the syntax problem). */
  readonly problem?: string;
}

class Unresolvable {
  constructor(readonly problem: string) {}
}

function isNameStart(ch: string): boolean {
  return (ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z") || ch === "_";
}

function isNameChar(ch: string): boolean {
  return isNameStart(ch) || (ch >= "0" && ch <= "9");
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

/** Deeper nesting of `${...}` than this is reported as unresolved instead of recursing on. */
const MAX_NESTING = 64;

class WordLexer {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly escape: string,
    private lookup: VariableLookup,
  ) {}

  /** Processes the whole word. */
  public word(): string {
    return this.until(undefined);
  }

  /** Processes characters until `stop` (consumed) or the end of the word. */
  private until(stop: string | undefined): string {
    let out = "";
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stop !== undefined && ch === stop) {
        this.pos++;
        return out;
      }
      if (ch === "'") {
        out += this.singleQuoted();
      } else if (ch === '"') {
        out += this.doubleQuoted();
      } else if (ch === "$") {
        out += this.dollar();
      } else if (ch === this.escape) {
        this.pos++;
        if (this.pos < this.text.length) {
          out += this.text[this.pos];
          this.pos++;
        }
      } else {
        out += ch;
        this.pos++;
      }
    }
    if (stop !== undefined) {
      throw new Unresolvable(`a "\${" has no closing "${stop}"`);
    }
    return out;
  }

  private singleQuoted(): string {
    this.pos++;
    const end = this.text.indexOf("'", this.pos);
    if (end < 0) {
      throw new Unresolvable("a single quote is not closed");
    }
    const out = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private doubleQuoted(): string {
    this.pos++;
    let out = "";
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === "$") {
        out += this.dollar();
      } else if (ch === this.escape && this.pos + 1 < this.text.length) {
        const next = this.text[this.pos + 1];
        out += next === '"' || next === "$" || next === this.escape ? next : ch + next;
        this.pos += 2;
      } else {
        out += ch;
        this.pos++;
      }
    }
    throw new Unresolvable("a double quote is not closed");
  }

  private name(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isNameChar(this.text[this.pos])) {
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  private value(name: string): string | typeof UNSET {
    const v = isDigit(name[0]) ? UNSET : this.lookup(name);
    if (v === UNKNOWN) {
      throw new Unresolvable(`variable ${name} has no known value`);
    }
    return v;
  }

  private dollar(): string {
    this.pos++;
    if (this.pos >= this.text.length) {
      return "$";
    }
    const ch = this.text[this.pos];
    if (ch === "{") {
      this.pos++;
      return this.braced();
    }
    if (isDigit(ch)) {
      // Positional parameters are never set in a Dockerfile.
      this.pos++;
      return "";
    }
    if (!isNameStart(ch)) {
      return "$";
    }
    const v = this.value(this.name());
    return v === UNSET ? "" : v;
  }

  private braced(): string {
    if (this.depth >= MAX_NESTING) {
      throw new Unresolvable(`variables are nested more than ${MAX_NESTING} levels deep`);
    }
    this.depth++;
    try {
      return this.bracedBody();
    } finally {
      this.depth--;
    }
  }

  private bracedBody(): string {
    const name = this.name();
    if (name.length === 0) {
      throw new Unresolvable('"${" is not followed by a variable name');
    }
    if (this.pos >= this.text.length) {
      throw new Unresolvable(`a "\${" has no closing "}"`);
    }
    const ch = this.text[this.pos];
    if (ch === "}") {
      this.pos++;
      const v = this.value(name);
      return v === UNSET ? "" : v;
    }
    let colon = false;
    let modifier = ch;
    if (ch === ":") {
      colon = true;
      modifier = this.text[this.pos + 1];
      this.pos++;
    }
    if (modifier !== "-" && modifier !== "+" && modifier !== "?") {
      throw new Unresolvable(
        `the expansion of variable ${name} uses a modifier this analysis does not evaluate`,
      );
    }
    this.pos++;
    // The word after the modifier is only evaluated when it is used, as in Docker.
    const wordStart = this.pos;
    const v = this.value(name);
    const isSet = v !== UNSET && (!colon || v !== "");
    if (modifier === "-") {
      if (isSet) {
        this.skipTo("}", wordStart);
        return v as string;
      }
      return this.until("}");
    }
    if (modifier === "+") {
      if (isSet) {
        return this.until("}");
      }
      this.skipTo("}", wordStart);
      return "";
    }
    // "?": an unset variable makes the build fail.
    if (!isSet) {
      throw new Unresolvable(`variable ${name} is required (\${${name}${colon ? ":" : ""}?...})`);
    }
    this.skipTo("}", wordStart);
    return v as string;
  }

  /** Skips an unevaluated word up to its closing brace, honouring quotes and nesting. */
  private skipTo(stop: string, from: number): void {
    this.pos = from;
    // Evaluate with a lookup that never fails, only to find where the word ends.
    const saved = this.lookup;
    this.lookup = () => "";
    try {
      this.until(stop);
    } finally {
      this.lookup = saved;
    }
  }
}

/**
 * Expands the variables of one Dockerfile word and removes its quotes, as Docker does for
 * instructions such as `FROM`, `USER`, `ENV` and `ARG`.
 */
export function expandWord(word: string, escapeChar: string, lookup: VariableLookup): ExpandResult {
  try {
    return { value: new WordLexer(word, escapeChar, lookup).word() };
  } catch (e) {
    if (e instanceof Unresolvable) {
      return { problem: e.problem };
    }
    throw e;
  }
}
