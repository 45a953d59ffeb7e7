import { DockerProvider, DockerProviderRegistryAuth } from "@cdktf/provider-docker/lib/provider";
import { Annotations, TerraformProvider, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { perStack } from "../util/singletons";
import { googleClientConfigFor } from "./google-client-config";

const PROVIDER_ID = "cdktf-cloud-run-docker";

/**
 * What the library knows of a stack's docker providers: the default (unaliased) one found in
 * the stack, and the registry hosts it added `registry_auth` for, per provider.
 */
interface DockerProviders {
  /**
   * The default docker provider found in the stack. Once found it stays the answer (the library
   * never declares its own next to it), so that the images of a stack with the user's provider
   * do not each walk the whole tree (quadratic). A provider removed from the tree or given an
   * alias after the first image is not noticed.
   */
  found?: DockerProvider;
  readonly hosts: Map<TerraformProvider, Set<string>>;
}

function dockerProvidersOf(scope: Construct): DockerProviders {
  return perStack(scope, "DockerProviders", () => ({ hosts: new Map() }));
}

/**
 * The registry host of a `registry_auth` address, the way the docker provider compares them:
 * no scheme, no path, lowercase.
 * @internal
 */
export function registryHostOf(address: string): string {
  const withoutScheme = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  return withoutScheme.split("/")[0].toLowerCase();
}

function isDockerProvider(construct: unknown): construct is DockerProvider {
  return (
    construct instanceof TerraformProvider &&
    (construct as TerraformProvider).terraformResourceType === "docker"
  );
}

/**
 * Finds the stack's docker provider, or declares one at the stack root.
 *
 * A docker provider the user declared in the stack is reused (the one without an alias if
 * there are several). When `registryHost` is given, the provider gets one `registry_auth`
 * block for that host — username `oauth2accesstoken`, password the access token of the
 * stack's `google_client_config` data source — unless it already has one for that host.
 * Local-only use (no host) needs no Google provider.
 * @internal
 */
export function dockerProviderFor(
  scope: Construct,
  registryHost?: string,
  credentials?: RegistryCredentials,
): DockerProvider {
  const stack = TerraformStack.of(scope);
  const provider = findDockerProvider(stack) ?? declareDockerProvider(stack);
  if (registryHost !== undefined) {
    ensureRegistryAuth(provider, registryHost, credentials);
  }
  return provider;
}

/**
 * How the docker provider authenticates to a registry host: a `registry_auth` block without its
 * address. The default (none given) is Artifact Registry's: `oauth2accesstoken` and the access
 * token of the stack's `google_client_config`.
 * @internal
 */
export type RegistryCredentials = (
  provider: DockerProvider,
) => Omit<DockerProviderRegistryAuth, "address"> & { readonly scheme?: "http" };

const googleCredentials: RegistryCredentials = (provider) => ({
  username: "oauth2accesstoken",
  password: googleClientConfigFor(provider).accessToken,
});

function declareDockerProvider(stack: TerraformStack): DockerProvider {
  const provider = new DockerProvider(stack, PROVIDER_ID, {});
  // A default (unaliased) docker provider declared by the user after the library declared its
  // own would make two default configurations, which Terraform refuses: say so at synth.
  stack.node.addValidation({
    validate: () =>
      stack.node
        .findAll()
        .filter(
          (c) =>
            c !== provider &&
            isDockerProvider(c) &&
            c.alias === undefined &&
            TerraformStack.of(c) === stack,
        )
        .map(
          (c) =>
            `Stack '${stack.node.path}' has two default docker providers: '${c.node.path}' and ` +
            `'${provider.node.path}', declared by cdktf-cloud-run for its images. Declare your ` +
            `DockerProvider before the first ContainerImage, CloudRunApp or LocalService so that ` +
            `the library reuses it, or give yours an alias.`,
        ),
  });
  return provider;
}

function findDockerProvider(stack: TerraformStack): DockerProvider | undefined {
  const own = stack.node.tryFindChild(PROVIDER_ID);
  if (isDockerProvider(own)) {
    return own;
  }
  const providers = dockerProvidersOf(stack);
  if (providers.found !== undefined) {
    return providers.found;
  }
  const found = stack.node
    .findAll()
    .filter((c): c is DockerProvider => isDockerProvider(c) && TerraformStack.of(c) === stack);
  const unaliased = found.find((p) => p.alias === undefined);
  if (unaliased !== undefined) {
    providers.found = unaliased;
  }
  return unaliased ?? found[0];
}

function ensureRegistryAuth(
  provider: DockerProvider,
  registryHost: string,
  credentials: RegistryCredentials = googleCredentials,
): void {
  const host = Token.isUnresolved(registryHost) ? registryHost : registryHostOf(registryHost);
  const added = dockerProvidersOf(provider).hosts;
  let hosts = added.get(provider);
  if (hosts === undefined) {
    hosts = new Set();
    added.set(provider, hosts);
  }
  if (hosts.has(host)) {
    return;
  }
  const current = provider.registryAuth;
  if (current !== undefined && !Array.isArray(current)) {
    Annotations.of(provider).addWarning(
      `The docker provider's registry_auth is a token, so no registry_auth block could be added for ${host}: ` +
        `make sure it authenticates to ${host} (username "oauth2accesstoken", password a Google access token).`,
    );
    hosts.add(host);
    return;
  }
  const existing: DockerProviderRegistryAuth[] = current ?? [];
  const configured = existing.some(
    (auth) => !Token.isUnresolved(auth.address) && registryHostOf(auth.address) === host,
  );
  hosts.add(host);
  if (configured) {
    return;
  }
  // "http://host" is how the docker provider is told that a registry speaks plain HTTP.
  const { scheme, ...auth } = credentials(provider);
  provider.registryAuth = [
    ...existing,
    { address: scheme === "http" ? `http://${host}` : host, ...auth },
  ];
}
