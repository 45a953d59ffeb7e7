import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { DockerfileRules } from "../rule-ids";
import { FindingSeverity } from "../types";
import { ParsedText } from "../internal/parsed-text";
import { dockerfileRule } from "./rule";

/** LSP DiagnosticSeverity values used by dockerfile-utils. */
const LSP_ERROR = 1;
const LSP_WARNING = 2;

const diagnosticsByText = new WeakMap<ParsedText, ReturnType<typeof validate>>();

function diagnostics(parsed: ParsedText): ReturnType<typeof validate> {
  let result = diagnosticsByText.get(parsed);
  if (!result) {
    try {
      result = validateParsed(parsed);
    } catch {
      result = [];
    }
    diagnosticsByText.set(parsed, result);
  }
  return result;
}

/**
 * `validate(text)` of dockerfile-utils, given the syntax tree already parsed from `text`:
 * dockerfile-utils parses the text again with the same dockerfile-ast parser (the same module,
 * npm installs one copy), which is about half of its cost. For the duration of the call the
 * parser answers that one text with the tree in hand; any other text, or a dockerfile-utils
 * that parses differently, gets a real parse. The tree is never modified (see `parseText`).
 */
function validateParsed(parsed: ParsedText): ReturnType<typeof validate> {
  const parse = DockerfileParser.parse;
  DockerfileParser.parse = (...args: Parameters<typeof parse>) =>
    args.length === 1 && args[0] === parsed.text ? parsed.ast : parse.apply(DockerfileParser, args);
  try {
    return validate(parsed.text);
  } finally {
    DockerfileParser.parse = parse;
  }
}

/** CR007: problems reported by dockerfile-utils `validate()`, with their severity. */
export const syntax = dockerfileRule({
  id: DockerfileRules.SYNTAX,
  // Each finding has the severity dockerfile-utils gives it.
  severity: FindingSeverity.WARNING,
  title: "A problem reported by dockerfile-utils validate().",
  check(analysis, found) {
    for (const d of diagnostics(analysis.parsed)) {
      found(
        {
          line: d.range.start.line + 1,
          message: `Line ${d.range.start.line + 1}: ${d.message} (dockerfile-utils).`,
        },
        d.severity === LSP_ERROR
          ? FindingSeverity.ERROR
          : d.severity === LSP_WARNING
            ? FindingSeverity.WARNING
            : FindingSeverity.INFO,
      );
    }
  },
});
