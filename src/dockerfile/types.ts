/**
 * Options for parsing a Dockerfile.
 */
export interface DockerfileParseOptions {
  /**
   * Build arguments, as given to `docker build --build-arg`. They override the defaults of
   * `ARG` instructions when variables in `USER` (and elsewhere) are resolved.
   * @default - no build arguments
   */
  readonly buildArgs?: { [key: string]: string };

  /**
   * The stage to build (`docker build --target`). When set, it is the stage the image runs
   * and `finalStage` / `runtimeUser` describe it.
   * @default - the last stage
   */
  readonly target?: string;

  /**
   * The name used for this Dockerfile in messages (findings, errors).
   * @default - the file path for `fromFile`, "Dockerfile" otherwise
   */
  readonly displayName?: string;
}

/**
 * One build stage of a Dockerfile (one `FROM` instruction and what follows it).
 */
export interface DockerfileStage {
  /** Position of the stage in the file, from 0. */
  readonly index: number;

  /**
   * The stage name (`FROM image AS name`), lowercased as Docker treats it.
   * @default - the stage has no name
   */
  readonly name?: string;

  /** The base image as written after variables are resolved, e.g. `gcr.io/distroless/cc-debian13:nonroot`. */
  readonly baseImage: string;

  /**
   * The name of the earlier stage this stage is built `FROM`.
   * @default - the stage starts from an image, not from another stage
   */
  readonly parentStage?: string;

  /**
   * The `--platform` flag of the `FROM`, if any.
   * @default - no platform flag
   */
  readonly platform?: string;

  /** 1-based line of the `FROM` instruction. */
  readonly line: number;

  /** 1-based line of the last line that belongs to this stage. */
  readonly endLine: number;
}

/**
 * The user the process of a stage runs as, and how the analysis knows.
 */
export interface RuntimeUser {
  /** The user as resolved, e.g. "nonroot", "65532", "app:app", "root". */
  readonly user: string;

  /**
   * The numeric uid, when known.
   * @default - not known
   */
  readonly uid?: number;

  /** True unless the analysis proves a non-root user. */
  readonly isRoot: boolean;

  /** One sentence: where the user comes from (line, base image, inherited stage). */
  readonly reason: string;

  /**
   * 1-based line of the `USER` instruction that decided, if one did.
   * @default - no USER instruction decided
   */
  readonly line?: number;
}

/**
 * How serious a finding is.
 */
export enum FindingSeverity {
  /** The image will not work or breaks the non-root promise. */
  ERROR = "error",
  /** Likely to cause trouble. */
  WARNING = "warning",
  /** Worth knowing. */
  INFO = "info",
}

/**
 * A problem found in a Dockerfile by one of the analyzer's rules.
 */
export interface DockerfileFinding {
  /** The rule that found it, e.g. "CR001". */
  readonly ruleId: string;
  /** How serious it is. */
  readonly severity: FindingSeverity;
  /** 1-based line it refers to. */
  readonly line: number;
  /** What is wrong and how to fix it. */
  readonly message: string;
}
