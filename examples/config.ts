/**
 * Settings shared by the example stacks. Everything has a placeholder default so that
 * `npx cdktf synth` works without a Google Cloud account; set the variables to deploy.
 */
export interface ExampleConfig {
  /** Google Cloud project id (`GOOGLE_CLOUD_PROJECT`). */
  readonly projectId: string;
  /** Region of the services and the repository (`GOOGLE_CLOUD_REGION`). */
  readonly region: string;
}

export const PLACEHOLDER_PROJECT = "my-gcp-project";
export const DEFAULT_REGION = "europe-west1";

export function exampleConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  return {
    projectId: env.GOOGLE_CLOUD_PROJECT || PLACEHOLDER_PROJECT,
    region: env.GOOGLE_CLOUD_REGION || DEFAULT_REGION,
  };
}
