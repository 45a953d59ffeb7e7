import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { perStack } from "../util/singletons";

const CLIENT_CONFIG_ID = "cdktf-cloud-run-client-config";

/**
 * The stack's one `google_client_config` data source (of the default Google provider): a data
 * source the user declared in the stack before the first use is reused, otherwise one is
 * declared at the stack root.
 * @internal
 */
export function googleClientConfigFor(scope: Construct): DataGoogleClientConfig {
  return perStack(scope, "GoogleClientConfig", (stack) => {
    const own = stack.node.tryFindChild(CLIENT_CONFIG_ID);
    if (own !== undefined) {
      return own as DataGoogleClientConfig;
    }
    for (const child of stack.node.findAll()) {
      const candidate = child as Partial<DataGoogleClientConfig>;
      if (
        candidate.terraformResourceType === "google_client_config" &&
        candidate.provider === undefined &&
        TerraformStack.of(child) === stack
      ) {
        return child as DataGoogleClientConfig;
      }
    }
    return new DataGoogleClientConfig(stack, CLIENT_CONFIG_ID, {});
  });
}
