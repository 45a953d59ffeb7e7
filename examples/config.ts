import { Annotations } from "cdktf";
import { IConstruct } from "constructs";

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

/**
 * Warns at synth when a stack that deploys to Google Cloud has the placeholder project: it
 * synthesizes, but `cdktf deploy` would fail.
 *
 * The warning lives here, not in the library: only the examples know that `my-gcp-project` is a
 * stand-in they chose. Project ids are globally unique, so the library cannot tell a
 * placeholder from someone's real project, and the examples give the project to the
 * `GoogleProvider`, which the library's constructs do not read.
 */
export function warnIfPlaceholderProject(stack: IConstruct, config: ExampleConfig): void {
  if (config.projectId === PLACEHOLDER_PROJECT) {
    Annotations.of(stack).addWarning(
      `${stack.node.path}: the project is the placeholder ${JSON.stringify(PLACEHOLDER_PROJECT)} ` +
        "(GOOGLE_CLOUD_PROJECT is not set): the stack synthesizes but cannot be deployed as is. " +
        "Set GOOGLE_CLOUD_PROJECT to your project id (and GOOGLE_CLOUD_REGION to your region).",
    );
  }
}
