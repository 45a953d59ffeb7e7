import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { ContainerImage } from "../../src/image/container-image";
import { DockerRepository } from "../../src/image/docker-repository";

export const NONROOT_CONTEXT = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");
export const ROOT_CONTEXT = path.join(__dirname, "..", "fixtures", "cloud-run-root");
export const REGION = "europe-west1";

export interface Fixture {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly repository: DockerRepository;
  readonly image: ContainerImage;
}

/** A stack with only a GoogleProvider, a repository and a pushed non-root image. */
export function fixture(): Fixture {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Stack");
  new GoogleProvider(stack, "google", { project: "my-project" });
  const repository = new DockerRepository(stack, "Repo", { location: REGION });
  const image = new ContainerImage(stack, "Image", { repository, directory: NONROOT_CONTEXT });
  return { app, stack, repository, image };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Synthesizes with validations and parses the JSON. */
export function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack, true));
}

/** All resources of a type, by logical id. */
export function resources(json: Json, type: string): { [id: string]: Json } {
  return (json.resource ?? {})[type] ?? {};
}

/** The one resource of a type. */
export function only(json: Json, type: string): Json {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${all.length}`);
  }
  return all[0];
}

/** The first container of the one Cloud Run service. */
export function container(json: Json): Json {
  return only(json, "google_cloud_run_v2_service").template.containers[0];
}

export { warnings } from "../support/annotations";
