/**
 * A real push: an image built by ContainerImage is pushed by its docker_registry_image to a
 * local OCI registry (Debian's docker-registry on 127.0.0.1, started and stopped here), and the
 * reference a Cloud Run service would run (`imageRef`, `<uri>@sha256:...`) names exactly the
 * manifest digest the registry serves.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ContainerImage, DockerRepository } from "../../src";
import { NONROOT_CONTEXT } from "../hardening/arbitraries";
import { tempDir } from "../support/temp";
import { docker, waitFor200 } from "./support/docker";
import {
  apply,
  init,
  planExitCode,
  prepare,
  synthApp,
  SynthesizedStack,
  terraform,
} from "./support/terraform";
import { toolchain } from "./support/toolchain";

/* eslint-disable @typescript-eslint/no-explicit-any */

const PORT = 18500;
const HOST = `127.0.0.1:${PORT}`;
const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

let registry: ChildProcess | undefined;
let stack: SynthesizedStack;
let image: ContainerImage;

beforeAll(async () => {
  const registryPath = (toolchain().manifest as any).registry?.path;
  if (!registryPath) {
    throw new Error(
      "docker-registry is not provisioned: run npm run provision and see its MISSING list",
    );
  }
  const dir = tempDir("real-registry-");
  const config = path.join(dir, "config.yml");
  fs.writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "http:",
      `  addr: ${HOST}`,
      "",
    ].join("\n"),
  );
  registry = spawn(registryPath, ["serve", config], { stdio: "ignore" });
  await waitFor200(`http://${HOST}/v2/`, 15000);

  [stack] = synthApp((app) => {
    const s = new TerraformStack(app, "push");
    const repository = DockerRepository.fromRegistry(s, "local", {
      registryHost: HOST,
      insecure: true,
    });
    image = new ContainerImage(s, "api", {
      repository,
      directory: NONROOT_CONTEXT,
      imageName: "cdktf-cloud-run/push-test",
    });
    new TerraformOutput(s, "image_ref", { value: image.imageRef });
  }, "real-push-");
  prepare(stack, { dockerDaemon: true });
  init(stack.dir);
});

afterAll(() => {
  registry?.kill("SIGTERM");
  if (image) {
    docker(["rmi", "-f", image.localImageName]);
  }
});

test("apply builds and pushes; imageRef is the digest the registry serves", async () => {
  const applied = apply(stack.dir);
  expect(applied.stderr).toBe("");
  expect(applied.status).toBe(0);

  const outputs = JSON.parse(terraform(stack.dir, ["output", "-json"]).stdout);
  const imageRef: string = outputs.image_ref.value;
  expect(imageRef).toMatch(
    new RegExp(`^${HOST.replace(/\./g, "\\.")}/cdktf-cloud-run/push-test@sha256:[0-9a-f]{64}$`),
  );

  const response = await fetch(
    `http://${HOST}/v2/cdktf-cloud-run/push-test/manifests/${image.tag}`,
    {
      method: "HEAD",
      headers: { Accept: MANIFEST_TYPES },
    },
  );
  expect(response.status).toBe(200);
  const served = response.headers.get("docker-content-digest");
  expect(imageRef.split("@")[1]).toBe(served);

  // Pulling by that reference gives the image that was built.
  docker(["rmi", "-f", imageRef]);
  const pulled = docker(["pull", imageRef]);
  expect(pulled.status).toBe(0);
});

test("a second plan shows no changes", () => {
  const planned = planExitCode(stack.dir);
  expect(planned.stdout).toContain("No changes");
  expect(planned.status).toBe(0);
});

test("destroy succeeds, and the pushed digest stays in the registry (keep_remotely: earlier revisions can roll back)", async () => {
  const destroyed = apply(stack.dir, { destroy: true });
  expect(destroyed.status).toBe(0);
  const response = await fetch(
    `http://${HOST}/v2/cdktf-cloud-run/push-test/manifests/${image.tag}`,
    {
      method: "HEAD",
      headers: { Accept: MANIFEST_TYPES },
    },
  );
  expect(response.status).toBe(200);
});
