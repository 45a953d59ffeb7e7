/**
 * The `.dockerignore` of a build context, applied with `@balena/dockerignore` as Docker applies
 * it (case-sensitively, as on Linux, `!` re-includes included), and whether a directory it
 * ignores must still be walked because a `!` pattern could match something below it.
 * @internal
 */
import * as path from "path";
import ignore from "@balena/dockerignore";

/** A matcher of `@balena/dockerignore`. */
interface Matcher {
  ignores(pathname: string): boolean;
}

function matcherOf(text: string): Matcher {
  return ignore({ ignorecase: false }).add(text);
}

/**
 * One path segment of a pattern as a line for the matcher, followed by a literal `/x`: the
 * segment then compiles to exactly what it compiles to inside a pattern. The matcher reads a
 * leading `!` as negation and `#` as a comment (escaped here), trims whitespace off a line
 * (leading whitespace becomes a one-character class; trailing whitespace is protected by the
 * `/x`), and a trailing backslash would escape the `/` (doubled: a literal backslash).
 */
function segmentLine(segment: string): string {
  let line = segment.replace(/^\s+/, (spaces) => [...spaces].map((c) => `[${c}]`).join(""));
  if (line.startsWith("!") || line.startsWith("#")) {
    line = `\\${line}`;
  }
  if (/(^|[^\\])(\\\\)*\\$/.test(line)) {
    line = `${line}\\`;
  }
  return `${line}/x`;
}

/** True when the name matches one segment of a pattern (`*`, `?`, `[...]`, `\\` escapes). */
function segmentMatches(segment: string, name: string): boolean {
  if (segment === "." || segment === "..") {
    // Path syntax, not a name: the matcher would resolve it away.
    return name === segment;
  }
  try {
    return matcherOf(segmentLine(segment)).ignores(`${name}/x`);
  } catch {
    // A segment the matcher cannot compile: assume it could match.
    return true;
  }
}

/** The `.dockerignore` rules of a build context. @internal */
export class Dockerignore {
  /**
   * Splits a `.dockerignore` text into its negated (`!`) patterns, cleaned the way Docker
   * cleans them.
   */
  public static reincludePatterns(dockerignoreText: string): string[][] {
    const result: string[][] = [];
    for (const raw of dockerignoreText.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || !line.startsWith("!")) {
        continue;
      }
      let pattern = line.substring(1).trim();
      if (pattern === "") {
        continue;
      }
      pattern = path.posix.normalize(pattern).replace(/(?<=.)\/$/, "");
      if (pattern.length > 1 && pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      result.push(pattern.split("/"));
    }
    return result;
  }

  /**
   * True when a path strictly below the directory `dir` (POSIX segments) could match the
   * pattern `pattern` (POSIX segments), each segment matched by `@balena/dockerignore` as
   * Docker matches it. Conservative: `**` anywhere in the part of the pattern that is compared
   * means "could".
   */
  public static couldMatchBelow(pattern: string[], dir: string[]): boolean {
    for (let i = 0; i < dir.length; i++) {
      if (i >= pattern.length) {
        // The pattern ends at or above `dir`: it decides the same for everything below `dir`
        // as for `dir` itself.
        return false;
      }
      const segment = pattern[i];
      if (segment.includes("**")) {
        return true;
      }
      if (!segmentMatches(segment, dir[i])) {
        return false;
      }
    }
    return pattern.length > dir.length;
  }

  /**
   * The rules of a `.dockerignore` text. A pattern Docker would refuse (e.g. an unterminated
   * `[`) is an error: `invalid(pattern, line, reason)` makes it.
   */
  public static parse(
    text: string,
    invalid: (pattern: string, line: number, reason: string) => Error,
  ): Dockerignore {
    Dockerignore.checkPatterns(text, invalid);
    return new Dockerignore(matcherOf(text), Dockerignore.reincludePatterns(text));
  }

  /**
   * Refuses a pattern Docker would refuse too (e.g. an unterminated `[`): the matcher compiles
   * patterns to regular expressions lazily, so a bad one would otherwise surface as a
   * SyntaxError from deep inside the walk.
   */
  private static checkPatterns(
    text: string,
    invalid: (pattern: string, line: number, reason: string) => Error,
  ): void {
    text.split(/\r?\n/).forEach((line, index) => {
      const pattern = line.trim();
      if (pattern === "" || pattern.startsWith("#")) {
        return;
      }
      try {
        matcherOf(pattern).ignores("probe");
      } catch (error) {
        throw invalid(pattern, index + 1, error instanceof Error ? error.message : String(error));
      }
    });
  }

  private constructor(
    private readonly matcher: Matcher,
    /** The negated (`!`) patterns, split into path segments. */
    private readonly reincludes: readonly string[][],
  ) {}

  /** True when Docker leaves the path (POSIX, relative to the context) out of the context. */
  public ignores(relPath: string): boolean {
    return this.matcher.ignores(relPath);
  }

  /** True when a `!` pattern could match something below the ignored directory `segments`. */
  public couldReincludeBelow(segments: string[]): boolean {
    return this.reincludes.some((pattern) => Dockerignore.couldMatchBelow(pattern, segments));
  }
}
