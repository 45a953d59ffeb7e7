"use strict";
/**
 * The baseline of the synth benchmark: the resources, data source and providers that N
 * `CloudRunApp`s sharing one `DockerRepository` synthesize, written by hand with the raw
 * provider classes (deep imports), as a competent user writes it: the same resources and fields,
 * one fixed image tag, each service's Dockerfile referenced in place (a path relative to the
 * directory Terraform runs in, no copy), and the list of fields Cloud Run's clients rewrite
 * written out here. The runner checks that both produce the same resource types, counts and
 * field structure.
 */
const path = require("path");

/**
 * The tag a hand-written stack pins, e.g. a commit id or a digest computed by a build script: a
 * fixed hex string (the sha256 of "bench"). A real hex digest, not "000...", because cdktf scans
 * every string for encoded number tokens and hex digests are what it scans in practice.
 */
const STATIC_TAG = "1b32c28cb38c05480eccc1bd60ff97029b57a05c96718b96dad7e9d84894f549";

const IGNORED_CHANGES = [
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

/** Loads the provider classes the hand-written stack uses (deep imports only). */
function loadProviderClasses(requireFromLib) {
  return {
    ...requireFromLib("@cdktf/provider-google/lib/artifact-registry-repository"),
    ...requireFromLib("@cdktf/provider-google/lib/cloud-run-v2-service"),
    ...requireFromLib("@cdktf/provider-google/lib/data-google-client-config"),
    ...requireFromLib("@cdktf/provider-google/lib/service-account"),
    ...requireFromLib("@cdktf/provider-docker/lib/provider"),
    ...requireFromLib("@cdktf/provider-docker/lib/image"),
    ...requireFromLib("@cdktf/provider-docker/lib/registry-image"),
  };
}

/**
 * Adds the shared repository and the docker provider, then one image, push, service account
 * and Cloud Run service per context directory.
 */
function handWritten(stack, { region, contexts, stackDirectory, classes }) {
  const {
    ArtifactRegistryRepository,
    CloudRunV2Service,
    DataGoogleClientConfig,
    ServiceAccount,
    DockerProvider,
    Image,
    RegistryImage,
  } = classes;

  const registryHost = `${region}-docker.pkg.dev`;
  const clientConfig = new DataGoogleClientConfig(stack, "client-config");
  const docker = new DockerProvider(stack, "docker", {
    registryAuth: [
      {
        address: registryHost,
        username: "oauth2accesstoken",
        password: clientConfig.accessToken,
      },
    ],
  });
  const repository = new ArtifactRegistryRepository(stack, "repository", {
    location: region,
    repositoryId: "bench-services",
    format: "DOCKER",
    dockerConfig: { immutableTags: false },
    cleanupPolicies: [
      { id: "keep-recent-versions", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
      {
        id: "delete-old-tagged",
        action: "DELETE",
        condition: { tagState: "TAGGED", olderThan: "2592000s" },
      },
      {
        id: "delete-untagged",
        action: "DELETE",
        condition: { tagState: "UNTAGGED", olderThan: "604800s" },
      },
    ],
  });
  const repositoryPath = `${registryHost}/${repository.project}/${repository.repositoryId}`;

  contexts.forEach((directory, index) => {
    const name = `svc-${index + 1}`;
    const context = path.relative(stackDirectory, directory).split(path.sep).join("/");
    const imageName = `${repositoryPath}/${name}:${STATIC_TAG}`;
    const image = new Image(stack, `${name}-image`, {
      provider: docker,
      name: imageName,
      platform: "linux/amd64",
      keepLocally: true,
      triggers: { fingerprint: STATIC_TAG },
      buildAttribute: {
        context,
        // Docker provider 3.6.2 resolves a relative Dockerfile path against the directory
        // Terraform runs in (the stack's output directory), as the context is.
        dockerfile: `${context}/Dockerfile`,
        platform: "linux/amd64",
      },
    });
    const pushed = new RegistryImage(stack, `${name}-push`, {
      provider: docker,
      name: imageName,
      keepRemotely: true,
      triggers: { fingerprint: STATIC_TAG },
      dependsOn: [image],
    });
    const account = new ServiceAccount(stack, `${name}-sa`, {
      accountId: `${name}-runtime`,
      displayName: `Cloud Run service ${name}`,
      description: "Runtime identity of a Cloud Run service. No project-level roles.",
    });
    new CloudRunV2Service(stack, `${name}-service`, {
      name,
      location: region,
      deletionProtection: true,
      ingress: "INGRESS_TRAFFIC_ALL",
      lifecycle: { ignoreChanges: IGNORED_CHANGES },
      template: {
        serviceAccount: account.email,
        timeout: "300s",
        maxInstanceRequestConcurrency: 80,
        scaling: { minInstanceCount: 0, maxInstanceCount: 100 },
        containers: [
          {
            image: `${repositoryPath}/${name}@${pushed.sha256Digest}`,
            ports: { containerPort: 8080 },
            resources: { cpuIdle: true, limits: { cpu: "1", memory: "512Mi" } },
          },
        ],
      },
    });
  });
}

module.exports = { handWritten, loadProviderClasses };
