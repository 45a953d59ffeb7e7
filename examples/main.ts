/**
 * The examples' app: `npx cdktf synth` at the repository root runs this file and writes one
 * Terraform stack per example to cdktf.out/stacks/.
 */
import { App } from "cdktf";
import { ComposedStack } from "./composed-stack/main";
import { RustServiceLocalStack, RustServiceStack } from "./rust-service/main";

const app = new App();
new RustServiceStack(app, "rust-service");
new RustServiceLocalStack(app, "rust-service-local");
new ComposedStack(app, "composed-stack");
app.synth();
