/**
 * The Dockerfile analyses of one app, shared by its images: a text is parsed once, and a text
 * analysed with the same build arguments and target once. Owned by the app (created by the
 * first `ContainerImage` of the app), so it lives exactly as long as the app; `Dockerfile.parse`
 * and `Dockerfile.fromFile` outside an app analyse afresh. This module is not re-exported by
 * `src/index.ts`.
 * @internal
 */
import { Analysis } from "./internal/analysis";
import { ParsedText, parseText } from "./internal/parsed-text";
import { DockerfileFinding, DockerfileStage, RuntimeUser } from "./types";

/**
 * What an analysis yields, shared by the Dockerfiles of the same text, build arguments and target
 * (the display name only appears in error messages, which are never cached). Immutable once
 * computed; `findings` is computed on first use.
 * @internal
 */
export interface AnalysisResult {
  readonly analysis: Analysis;
  readonly stages: readonly DockerfileStage[];
  readonly runtimeUser: RuntimeUser;
  findings?: DockerfileFinding[];
}

/** The analyses of one app. @internal */
export class DockerfileAnalyses {
  private readonly parsed = new Map<string, ParsedText>();
  private readonly results = new Map<string, AnalysisResult>();

  /** The syntax tree of a text, parsed on first use. */
  public parse(text: string, displayName: string): ParsedText {
    let parsed = this.parsed.get(text);
    if (parsed === undefined) {
      parsed = parseText(text, displayName);
      this.parsed.set(text, parsed);
    }
    return parsed;
  }

  /**
   * The result of analysing `text` with `buildArgs` and `target`, computed by `analyse` on first
   * use; not kept unless every build argument is a string.
   */
  public result(
    text: string,
    buildArgs: { [key: string]: unknown },
    target: string | undefined,
    analyse: () => AnalysisResult,
  ): AnalysisResult {
    const entries = Object.entries(buildArgs);
    if (entries.some(([, value]) => typeof value !== "string")) {
      return analyse();
    }
    const key = JSON.stringify([text, target ?? null, entries]);
    let result = this.results.get(key);
    if (result === undefined) {
      result = analyse();
      this.results.set(key, result);
    }
    return result;
  }
}
