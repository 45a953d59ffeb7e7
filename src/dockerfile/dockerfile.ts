import * as crypto from "crypto";
import * as fs from "fs";
import { NodeDistrolessOptions, RustCargoChefOptions } from "./generator-options";
import { Analysis } from "./internal/analysis";
import { stageLabel } from "./internal/instructions";
import { DockerfileInputError, ParsedText, parseText } from "./internal/parsed-text";
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

/** The largest Dockerfile read (a guard against reading a huge or sparse file by mistake). */
const MAX_DOCKERFILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads an open file to its end. `expectedSize` (from fstat) sizes the buffer; a file that grew
 * meanwhile is read to its new end.
 */
function readAll(fd: number, expectedSize: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let buffer = Buffer.allocUnsafe(Math.max(expectedSize + 1, 4096));
  for (;;) {
    const read = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (read === 0) {
      break;
    }
    chunks.push(buffer.subarray(0, read));
    total += read;
    // A short read past the size the file had when it was opened is its end; a file that keeps
    // growing is read no further than just past the limit (and then refused).
    if ((read < buffer.length && total >= expectedSize) || total > MAX_DOCKERFILE_BYTES) {
      break;
    }
    buffer = Buffer.allocUnsafe(64 * 1024);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
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

/**
 * What an analysis yields, shared by the Dockerfiles of the same text, build arguments and target
 * (the display name only appears in error messages, which are never cached). Immutable once
 * computed; `findings` is computed on first use.
 */
interface AnalysisResult {
  readonly analysis: Analysis;
  readonly stages: readonly DockerfileStage[];
  readonly runtimeUser: RuntimeUser;
  findings?: DockerfileFinding[];
}

const MAX_CACHED_ANALYSES = 32;
const analyses = new Map<string, AnalysisResult>();

/** The cache key of an analysis; undefined (not cached) unless every build argument is a string. */
function analysisKey(
  text: string,
  buildArgs: { [key: string]: unknown },
  target: string | undefined,
): string | undefined {
  const entries = Object.entries(buildArgs);
  if (entries.some(([, value]) => typeof value !== "string")) {
    return undefined;
  }
  return JSON.stringify([text, target ?? null, entries]);
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
   * fingerprint need not read the file again. One open, fstat, read and close.
   * @internal
   */
  public static _readFile(
    path: string,
    options: DockerfileParseOptions = {},
  ): { dockerfile: Dockerfile; content: DockerfileContent } {
    if (typeof path !== "string" || path.length === 0 || isUnresolved(path)) {
      throw invalidProp("Dockerfile.fromFile", "path", "must be the path of a Dockerfile", path);
    }
    const cannotRead = (e: unknown): Error =>
      new Error(
        `${path}: the Dockerfile cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      );
    const tooLarge = (): Error =>
      new Error(
        `${path}: is larger than ${MAX_DOCKERFILE_BYTES / (1024 * 1024)} MiB, which no Dockerfile needs; refused.`,
      );
    const isDirectory = (): Error =>
      new Error(
        `${path}: is a directory, not a Dockerfile; give the path of the Dockerfile itself.`,
      );
    let fd: number;
    try {
      // Non-blocking, so that opening a FIFO does not wait for a writer; regular files are
      // read the same either way.
      fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EISDIR") {
        throw isDirectory();
      }
      throw code === "ENOENT"
        ? new Error(`${path}: the Dockerfile does not exist.`)
        : cannotRead(e);
    }
    let bytes: Buffer;
    let executable: boolean;
    try {
      let stat: fs.Stats;
      try {
        stat = fs.fstatSync(fd);
      } catch (e) {
        throw cannotRead(e);
      }
      if (stat.isDirectory()) {
        throw isDirectory();
      }
      if (!stat.isFile()) {
        throw new Error(
          `${path}: is not a regular file (a FIFO, socket or device), not a Dockerfile.`,
        );
      }
      executable = (stat.mode & 0o111) !== 0;
      if (stat.size > MAX_DOCKERFILE_BYTES) {
        throw tooLarge();
      }
      try {
        bytes = readAll(fd, stat.size);
      } catch (e) {
        throw cannotRead(e);
      }
      if (bytes.length > MAX_DOCKERFILE_BYTES) {
        throw tooLarge();
      }
    } finally {
      fs.closeSync(fd);
    }
    const displayName = Dockerfile.displayNameOf(options, path);
    if (bytes.includes(0)) {
      throw new Error(`${displayName}: is not a Dockerfile: it contains binary data (NUL bytes).`);
    }
    return {
      dockerfile: Dockerfile.create(bytes.toString("utf8"), displayName, options),
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
    const key = analysisKey(text, buildArgs, target);
    const cached = key !== undefined ? analyses.get(key) : undefined;
    if (cached !== undefined) {
      analyses.delete(key!);
      analyses.set(key!, cached);
      return new Dockerfile(text, displayName, cached);
    }
    try {
      // Docker ignores a UTF-8 byte order mark; so does the analysis.
      const analysed = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const tree = parsed ?? parseText(analysed, displayName);
      const analysis = new Analysis(tree, { displayName, buildArgs, target, isUnresolved });
      const result = analysisResult(analysis);
      if (key !== undefined) {
        analyses.set(key, result);
        if (analyses.size > MAX_CACHED_ANALYSES) {
          const oldest = analyses.keys().next().value;
          if (oldest !== undefined) {
            analyses.delete(oldest);
          }
        }
      }
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
    this.stages = [...result.stages];
    this.finalStage = this.stages[result.analysis.finalIndex];
    this.runtimeUser = result.runtimeUser;
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
    return [...this.result.findings];
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
    const displayName = Dockerfile.displayNameOf(options, this.displayName);
    return Dockerfile.create(this.text, displayName, options, this.analysis.parsed);
  }

  /**
   * Throws an `Error` unless the final stage is proven to run as a non-root user. The message
   * starts with `owner`, names this Dockerfile, the stage and its line, gives the reason and the fix.
   */
  public assertNonRoot(owner: string): void {
    if (!this.runtimeUser.isRoot) {
      return;
    }
    throw new Error(
      `${owner}: ${this.displayName} stage ${stageLabel(this.finalStage)} (line ${this.finalStage.line}) ` +
        `is not proven to run as a non-root user: ${this.runtimeUser.reason} ${NON_ROOT_FIX}`,
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
