/**
 * The prefix of the labels on the Docker containers and volumes of local services. This module
 * is not re-exported by `src/index.ts`.
 * @internal
 */
export const LABEL_PREFIX = "cdktf-cloud-run";
