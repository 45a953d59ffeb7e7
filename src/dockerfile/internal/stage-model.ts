/**
 * The model of a Dockerfile's stages that the parts of an analysis share.
 */
import { From, Instruction } from "dockerfile-ast";
import { DockerfileStage } from "../types";
import { ImageReference } from "./image-reference";

/** Everything known about one stage. */
export interface StageModel {
  readonly stage: DockerfileStage;
  readonly from: From;
  /** The instructions after the FROM, in order. */
  readonly instructions: readonly Instruction[];
  /** Index of the earlier stage this one is built FROM. */
  readonly parentIndex?: number;
  /** The external base image, when the FROM names an image (not a stage) and it resolved. */
  readonly image?: ImageReference;
  /** Why the base image could not be determined, if it could not. */
  readonly baseProblem?: string;
}

/** The options an analysis runs with (already defaulted). */
export interface AnalysisOptions {
  readonly displayName: string;
  readonly buildArgs: { readonly [key: string]: unknown };
  readonly target?: string;
  /** True when a build argument value is a token that is only known at apply time. */
  readonly isUnresolved: (value: unknown) => boolean;
}

/** The stages of one analysis, as the variable scopes, users and runtime user walk them. */
export interface StageChain {
  readonly stages: readonly StageModel[];
  /** The stage chain from `index` up to the stage that starts from an external image. */
  chain(index: number): StageModel[];
  /** The external image at the root of a stage's chain, if it resolved. */
  rootImage(index: number): ImageReference | undefined;
  /** Finds an earlier stage by name (case-insensitive) or index, as COPY --from does. */
  stageReference(reference: string, before: number): StageModel | undefined;
}
