/** @internal */
export const EXECUTION_ENVIRONMENT_GEN1 = "EXECUTION_ENVIRONMENT_GEN1";
/** @internal */
export const EXECUTION_ENVIRONMENT_GEN2 = "EXECUTION_ENVIRONMENT_GEN2";

/**
 * The sandbox a revision runs in.
 *
 * @see https://cloud.google.com/run/docs/about-execution-environments
 */
export class ExecutionEnvironment {
  /** First generation (`EXECUTION_ENVIRONMENT_GEN1`): fast cold starts; needed for CPU below 1. */
  public static readonly GEN1 = new ExecutionEnvironment(EXECUTION_ENVIRONMENT_GEN1);
  /** Second generation (`EXECUTION_ENVIRONMENT_GEN2`): full Linux compatibility, at least 512Mi. */
  public static readonly GEN2 = new ExecutionEnvironment(EXECUTION_ENVIRONMENT_GEN2);

  /** The API value, e.g. `EXECUTION_ENVIRONMENT_GEN2`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The API value. */
  public toString(): string {
    return this.value;
  }
}
