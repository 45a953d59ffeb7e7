import * as crypto from "crypto";
import { NodeDistrolessOptions, RustCargoChefOptions } from "./generator-options";
import { Analysis } from "./internal/analysis";
import { stageLabel } from "./internal/instructions";
import { AnalysisResult, DockerfileAnalyses } from "./analysis-cache";
import { DockerfileInputError, ParsedText, parseText } from "./internal/parsed-text";
import { readDockerfileBytes } from "./read-dockerfile";
import { ALL_RULES } from "./rules";
import { NON_ROOT_FIX } from "./rules/final-stage-non-root";
import {
  DockerfileFinding,
  DockerfileParseOptions,
  DockerfileStage,
  FindingSeverity,
  RuntimeUser,
} from "./types";
import { invalidProp, isUnresolved } from "../util/check";
import { runRules } from "../util/rule";

/**
 * The bytes of a Dockerfile as read from disk, for the build context's fingerprint.
 * @internal
 */
export interface DockerfileContent {
  readonly size: number;
  readonly executable: boolean;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
}

/** A copy of a plain object without its undefined fields (optional fields are left out). */
function withoutUndefined<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) {
      copy[key] = v;
    }
  }
  return copy as T;
}

function analysisResult(analysis: Analysis): AnalysisResult {
  return {
    analysis,
    stages: analysis.stages.map((s) => Object.freeze(withoutUndefined(s.stage))),
    runtimeUser: Object.freeze(withoutUndefined(analysis.runtimeUser(analysis.finalIndex))),
  };
}

const SEVERITY_ORDER: { [severity: string]: number } = {
  [FindingSeverity.ERROR]: 0,
  [FindingSeverity.WARNING]: 1,
  [FindingSeverity.INFO]: 2,
};

/**
 * A Dockerfile, parsed with `dockerfile-ast` and analysed: its stages, the user its final stage
 * runs as (proven non-root or not), and findings of the analyzer's rules (see `DockerfileRules`).
 *
 * Instances are immutable; `withOptions` gives a re-analysis with other build arguments or target.
 *
 * @example
 * const dockerfile = Dockerfile.fromFile("services/api/Dockerfile");
 * dockerfile.assertNonRoot("CloudRunService 'Stack/api'");
 */
export class Dockerfile {
  /**
   * Parses and analyses a Dockerfile text.
   *
   * Throws an `Error` naming `options.displayName` (default "Dockerfile") when the text is empty,
   * binary, or has no `FROM`, and when `options.target` names no stage.
   */
  public static parse(text: string, options: DockerfileParseOptions = {}): Dockerfile {
    const displayName = Dockerfile.displayNameOf(options, "Dockerfile");
    if (typeof text !== "string" || isUnresolved(text)) {
      throw invalidProp(displayName, "text", "must be the Dockerfile text as a plain string", text);
    }
    return Dockerfile.create(text, displayName, options);
  }

  /**
   * Reads and analyses a Dockerfile. `path` (as given, relative or absolute) is the display name
   * in messages unless `options.displayName` is set. A missing file, a directory, anything but a
   * regular file (a FIFO, socket or device is refused without reading it) and a file over 16 MiB
   * are an `Error` naming the path.
   */
  public static fromFile(path: string, options: DockerfileParseOptions = {}): Dockerfile {
    return Dockerfile._readFile(path, options).dockerfile;
  }

  /**
   * `fromFile`, also returning what was read (size, mode, digest), so that the build context's
   * fingerprint need not read the file again. One open, fstat, read and close. `analyses` are
   * those of the app the Dockerfile is read for.
   * @internal
   */
  public static _readFile(
    path: string,
    options: DockerfileParseOptions = {},
    analyses?: DockerfileAnalyses,
  ): { dockerfile: Dockerfile; content: DockerfileContent } {
    if (typeof path !== "string" || path.length === 0 || isUnresolved(path)) {
      throw invalidProp("Dockerfile.fromFile", "path", "must be the path of a Dockerfile", path);
    }
    const { bytes, executable } = readDockerfileBytes(path);
    const displayName = Dockerfile.displayNameOf(options, path);
    if (bytes.includes(0)) {
      throw new Error(`${displayName}: is not a Dockerfile: it contains binary data (NUL bytes).`);
    }
    return {
      dockerfile: Dockerfile.create(
        bytes.toString("utf8"),
        displayName,
        options,
        undefined,
        analyses,
      ),
      content: {
        size: bytes.length,
        executable,
        sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      },
    };
  }

  /**
   * Generates a four-stage Rust build with cargo-chef: **planner** (`cargo chef prepare`),
   * **cacher** (`cargo chef cook --release`, the cached dependency layer), **builder**
   * (`cargo build --release --bin <binaryName>` with the same profile, target and features) and
   * **final** (`gcr.io/distroless/cc-debian13:nonroot`, or `static-debian13` with `musl`), with an
   * explicit `USER 65532:65532`, `EXPOSE <port>` and an exec-form `ENTRYPOINT`.
   *
   * Invalid options throw an `Error` naming the option and the value.
   */
  public static rustCargoChef(options: RustCargoChefOptions = {}): Dockerfile {
    return Dockerfile.create(
      loadGenerator("rust-cargo-chef").renderRustCargoChef(options ?? {}),
      "Dockerfile.rustCargoChef()",
      {},
    );
  }

  /**
   * Generates a Node.js build: production dependencies installed with `npm ci --omit=dev` in a
   * builder stage, and a final `gcr.io/distroless/nodejs22-debian13:nonroot` stage (or the
   * `nodeVersion` given) with an explicit `USER 65532:65532`, `EXPOSE <port>` and an exec-form
   * `CMD` naming the entry script.
   *
   * Invalid options throw an `Error` naming the option and the value.
   */
  public static nodeDistroless(options: NodeDistrolessOptions = {}): Dockerfile {
    return Dockerfile.create(
      loadGenerator("node-distroless").renderNodeDistroless(options ?? {}),
      "Dockerfile.nodeDistroless()",
      {},
    );
  }

  private static displayNameOf(
    options: DockerfileParseOptions | undefined,
    fallback: string,
  ): string {
    const name = options?.displayName;
    return typeof name === "string" && name.length > 0 ? name : fallback;
  }

  private static create(
    text: string,
    displayName: string,
    options: DockerfileParseOptions | undefined,
    parsed?: ParsedText,
    analyses?: DockerfileAnalyses,
  ): Dockerfile {
    const opts = options ?? {};
    const buildArgs = opts.buildArgs ?? {};
    if (typeof buildArgs !== "object" || buildArgs === null || Array.isArray(buildArgs)) {
      throw invalidProp(displayName, "buildArgs", "must be a map of names to strings", buildArgs);
    }
    const target = opts.target;
    if (target !== undefined && (typeof target !== "string" || target.length === 0)) {
      throw invalidProp(displayName, "target", "must be the name of a stage", target);
    }
    const analyse = (): AnalysisResult => {
      // Docker ignores a UTF-8 byte order mark; so does the analysis.
      const analysed = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const tree =
        parsed ?? analyses?.parse(analysed, displayName) ?? parseText(analysed, displayName);
      return analysisResult(new Analysis(tree, { displayName, buildArgs, target, isUnresolved }));
    };
    try {
      const result =
        analyses !== undefined ? analyses.result(text, buildArgs, target, analyse) : analyse();
      return new Dockerfile(text, displayName, result);
    } catch (e) {
      if (e instanceof DockerfileInputError) {
        throw new Error(e.message);
      }
      throw new Error(
        `${displayName}: the Dockerfile could not be analysed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /**
   * The name used for this Dockerfile in messages: `options.displayName`, else the path given to
   * `fromFile`, else "Dockerfile" (generated Dockerfiles name their generator).
   */
  public readonly displayName: string;

  /** The build stages, in file order. */
  public readonly stages: DockerfileStage[];

  /** The stage the image runs: the `target` stage when one was given, else the last stage. */
  public readonly finalStage: DockerfileStage;

  /**
   * The user the final stage's process runs as. `isRoot` is true unless the analysis proves a
   * non-root user; `reason` says where the user comes from.
   */
  public readonly runtimeUser: RuntimeUser;

  private readonly text: string;
  private readonly analysis: Analysis;
  private readonly result: AnalysisResult;

  private constructor(text: string, displayName: string, result: AnalysisResult) {
    this.text = text;
    this.result = result;
    this.analysis = result.analysis;
    this.displayName = displayName;
    // Copies of the shared (cached, frozen) analysis: jsii passes these structs to other
    // languages by reference, which needs an extensible object to tag.
    this.stages = result.stages.map((stage) => ({ ...stage }));
    this.finalStage = this.stages[result.analysis.finalIndex];
    this.runtimeUser = { ...result.runtimeUser };
  }

  /**
   * The findings of every rule (see `DockerfileRules`), errors first, then by line.
   * Computed on first use.
   */
  public get findings(): DockerfileFinding[] {
    if (!this.result.findings) {
      const findings: DockerfileFinding[] = runRules(
        ALL_RULES,
        this.analysis,
        (rule, e) =>
          new Error(
            `${this.displayName}: rule ${rule.id} failed: ${e instanceof Error ? e.message : String(e)}`,
          ),
      );
      findings.sort(
        (a, b) =>
          SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
          a.line - b.line ||
          a.ruleId.localeCompare(b.ruleId),
      );
      this.result.findings = findings.map((f) => Object.freeze(f));
    }
    return this.result.findings.map((finding) => ({ ...finding }));
  }

  /** The Dockerfile text (for generated Dockerfiles, the generated text). */
  public render(): string {
    return this.text;
  }

  /**
   * The same text analysed with other options. `buildArgs` and `target` are replaced (not merged);
   * `displayName` is kept unless given. The text is not parsed again.
   */
  public withOptions(options: DockerfileParseOptions): Dockerfile {
    return this._withOptions(options);
  }

  /**
   * `withOptions`, with the analyses of the app the result is for.
   * @internal
   */
  public _withOptions(options: DockerfileParseOptions, analyses?: DockerfileAnalyses): Dockerfile {
    const displayName = Dockerfile.displayNameOf(options, this.displayName);
    return Dockerfile.create(this.text, displayName, options, this.analysis.parsed, analyses);
  }

  /**
   * Throws an `Error` unless the final stage is proven to run as a non-root user. The message
   * starts with `owner`, names this Dockerfile, the stage and its line, gives the reason and the fix.
   */
  public assertNonRoot(owner: string): void {
    const { runtimeUser, stages } = this.result;
    if (!runtimeUser.isRoot) {
      return;
    }
    const finalStage = stages[this.analysis.finalIndex];
    throw new Error(
      `${owner}: ${this.displayName} stage ${stageLabel(finalStage)} (line ${finalStage.line}) ` +
        `is not proven to run as a non-root user: ${runtimeUser.reason} ${NON_ROOT_FIX}`,
    );
  }
}

/**
 * A Dockerfile generator module, loaded on first use: most programs build their own Dockerfiles,
 * and these modules (and the option validation they share) would otherwise load at import.
 */
function loadGenerator(name: "rust-cargo-chef"): typeof import("./generators/rust-cargo-chef");
function loadGenerator(name: "node-distroless"): typeof import("./generators/node-distroless");
function loadGenerator(name: string): unknown {
  return name === "rust-cargo-chef"
    ? require("./generators/rust-cargo-chef")
    : require("./generators/node-distroless");
}
