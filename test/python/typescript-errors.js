"use strict";
/**
 * The TypeScript side of test_errors.py: builds each invalid case with the compiled library
 * (lib/, what the packages are made from) and prints, as JSON, the message of the Error it
 * throws ({ case: message }, or null when nothing was thrown). The Python test builds the same
 * cases and expects the same messages.
 */
const path = require("path");
const { TerraformStack, Testing } = require("cdktf");
const {
  CloudRunV2ServiceIamMember,
} = require("@cdktf/provider-google/lib/cloud-run-v2-service-iam-member");
const { GoogleProvider } = require("@cdktf/provider-google/lib/provider");
const lib = require("../../lib");

const FIXTURES = path.join(__dirname, "..", "fixtures");
const NON_ROOT = path.join(FIXTURES, "cloud-run-nonroot");
const ROOT = path.join(FIXTURES, "cloud-run-root");

/** A pushed image of the non-root fixture, as a service needs. */
function pushedImage(stack) {
  const repository = new lib.DockerRepository(stack, "repository", {
    location: "europe-west1",
    project: "test-project",
  });
  return new lib.ContainerImage(stack, "image", { repository, directory: NON_ROOT });
}

const CASES = {
  "root Dockerfile": (stack) => new lib.ContainerImage(stack, "image", { directory: ROOT }),
  "root generated Dockerfile": (stack) =>
    new lib.ContainerImage(stack, "image", {
      directory: NON_ROOT,
      generatedDockerfile: lib.Dockerfile.parse("FROM debian:13\nUSER 0\n"),
    }),
  "invalid port": (stack) =>
    new lib.CloudRunApp(stack, "app", { region: "europe-west1", directory: NON_ROOT, port: 70000 }),
  "invalid memory": (stack) =>
    new lib.CloudRunService(stack, "service", {
      region: "europe-west1",
      image: pushedImage(stack),
      memory: "1GB",
    }),
  "invalid generator option": () => lib.Dockerfile.rustCargoChef({ port: 0 }),
  "public invoker at synth": (stack) => {
    new GoogleProvider(stack, "google", { project: "test-project" });
    const service = new lib.CloudRunService(stack, "service", {
      region: "europe-west1",
      image: pushedImage(stack),
    });
    new CloudRunV2ServiceIamMember(stack, "public", {
      name: service.resource.name,
      location: "europe-west1",
      role: "roles/run.invoker",
      member: "allUsers",
    });
    Testing.synth(stack, true);
  },
};

const messages = {};
for (const [name, build] of Object.entries(CASES)) {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    build(stack);
    messages[name] = null;
  } catch (error) {
    messages[name] = error.message;
  }
}
console.log(JSON.stringify(messages));
