/**
 * The defaults of a Cloud Run workload's container and scaling, shared by `CloudRunService`,
 * `LocalService` and `CloudRunApp` (this module is not re-exported by `src/index.ts`).
 * @internal
 */
export const DEFAULTS = {
  port: 8080,
  cpu: "1",
  memory: "512Mi",
  timeoutSeconds: 300,
  minInstances: 0,
  maxInstances: 100,
  secretVersion: "latest",
};
