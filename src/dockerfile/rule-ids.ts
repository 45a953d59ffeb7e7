/**
 * The ids of the rules behind `Dockerfile.findings`.
 *
 * | Id    | Severity             | Rule |
 * | ----- | -------------------- | ---- |
 * | CR001 | error                | The final (or target) stage is not proven to run as a non-root user. |
 * | CR002 | warning              | A glibc builder stage on one Debian release is copied into a distroless runtime of another release (binaries fail at start with missing GLIBC symbols). |
 * | CR003 | error                | Shell-form CMD or ENTRYPOINT on a distroless (non-debug) or scratch final stage, which has no shell. |
 * | CR004 | warning              | A base image has no tag or the `latest` tag (and no digest). |
 * | CR005 | info                 | A base image is not pinned by digest. |
 * | CR006 | warning              | The runtime is a Debian 12 distroless image (end of life since September 2026). |
 * | CR007 | as reported          | A problem reported by dockerfile-utils `validate()` (its errors are errors, its warnings warnings). |
 * | CR008 | warning              | The final stage runs as a user name whose uid the Dockerfile and the known base images do not prove (use a numeric `USER`). |
 */
export class DockerfileRules {
  /** CR001: the final (or target) stage is not proven to run as a non-root user (error). */
  public static readonly FINAL_STAGE_NOT_NON_ROOT = "CR001";
  /** CR002: builder and distroless runtime are on different Debian releases (warning). */
  public static readonly GLIBC_DEBIAN_MISMATCH = "CR002";
  /** CR003: shell-form CMD/ENTRYPOINT on a final stage without a shell (error). */
  public static readonly SHELL_FORM_WITHOUT_SHELL = "CR003";
  /** CR004: base image without a tag or with `latest` (warning). */
  public static readonly BASE_IMAGE_UNTAGGED = "CR004";
  /** CR005: base image not pinned by digest (info). */
  public static readonly BASE_IMAGE_NOT_PINNED = "CR005";
  /** CR006: Debian 12 distroless runtime, end of life since September 2026 (warning). */
  public static readonly DEBIAN12_RUNTIME_EOL = "CR006";
  /** CR007: syntax and semantic problems reported by dockerfile-utils `validate()`. */
  public static readonly SYNTAX = "CR007";
  /**
   * CR008: the final stage's `USER` names a user whose uid no `useradd`/`adduser` in the stage
   * chain and no known base image proves (warning; use a numeric `USER`).
   */
  public static readonly USER_NAME_UNRESOLVED = "CR008";

  private constructor() {}
}
