/**
 * What Docker does when a local container's process exits (`docker run --restart`).
 *
 * @see https://docs.docker.com/engine/containers/start-containers-automatically/
 */
export class RestartPolicy {
  /** Never restart (`no`). */
  public static readonly NO = new RestartPolicy("no");
  /** Restart when the process exits with a non-zero status (`on-failure`). */
  public static readonly ON_FAILURE = new RestartPolicy("on-failure");
  /** Always restart, also after `docker stop` once the Docker engine restarts (`always`). */
  public static readonly ALWAYS = new RestartPolicy("always");
  /**
   * Restart whenever the process exits, whatever its status, unless the container was stopped
   * with `docker stop` (`unless-stopped`). Closest to Cloud Run, which replaces an instance whose
   * process exits.
   */
  public static readonly UNLESS_STOPPED = new RestartPolicy("unless-stopped");

  /** The Docker value, e.g. `unless-stopped`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The Docker value. */
  public toString(): string {
    return this.value;
  }
}
