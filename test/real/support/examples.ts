/**
 * The three example stacks (what `npx cdktf synth` writes), synthesized for the real-run tests
 * with a fixed project and region.
 */
import { ComposedStack } from "../../../examples/composed-stack/main";
import { RustServiceLocalStack, RustServiceStack } from "../../../examples/rust-service/main";
import { synthApp, SynthesizedStack } from "./terraform";

export const EXAMPLE_CONFIG = { projectId: "cdktf-cloud-run-test", region: "europe-west1" };

/** The composed stack's one variable (the worker's token), for plans. */
export const EXAMPLE_VARIABLES = { TF_VAR_worker_token: "offline-plan-token" };

export function synthExamples(prefix: string): SynthesizedStack[] {
  return synthApp((app) => {
    new RustServiceStack(app, "rust-service", EXAMPLE_CONFIG);
    new RustServiceLocalStack(app, "rust-service-local", EXAMPLE_CONFIG);
    new ComposedStack(app, "composed-stack", EXAMPLE_CONFIG);
  }, prefix);
}
