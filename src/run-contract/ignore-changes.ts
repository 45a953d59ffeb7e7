/**
 * The `lifecycle.ignore_changes` entries of `ignoreClientChanges` (this module is not
 * re-exported by `src/index.ts`).
 * @internal
 */

/**
 * What gcloud deploys and the console write (hashicorp/terraform-provider-google#13410) and the
 * `run.googleapis.com/*` annotations and labels the platform adds. The library never sets these
 * keys, so ignoring them hides none of its settings.
 * @internal
 */
export const CLIENT_IGNORE_CHANGES: readonly string[] = [
  "client",
  "client_version",
  'annotations["client.knative.dev/user-image"]',
  'annotations["run.googleapis.com/client-name"]',
  'annotations["run.googleapis.com/client-version"]',
  'annotations["run.googleapis.com/operation-id"]',
  'template[0].annotations["client.knative.dev/user-image"]',
  'template[0].annotations["run.googleapis.com/client-name"]',
  'template[0].annotations["run.googleapis.com/client-version"]',
  'template[0].labels["client.knative.dev/nonce"]',
  'template[0].labels["run.googleapis.com/startupProbeType"]',
];

/**
 * The fields gcloud and the console rewrite on jobs and worker pools (`client`,
 * `client_version`), ignored like a service's: their labels and annotations are
 * non-authoritative in provider 6.x (only the keys in the configuration are managed).
 * @internal
 */
export const CLIENT_FIELDS: readonly string[] = ["client", "client_version"];
