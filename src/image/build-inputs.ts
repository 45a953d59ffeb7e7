/**
 * The build inputs of a `ContainerImage`, checked: the context directory, the Dockerfile's path
 * in it, build args, target stage and platform, and the paths Terraform sees them by. This
 * module is not re-exported by `src/index.ts`.
 * @internal
 */
import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DockerfileAnalyses } from "../dockerfile/analysis-cache";
import { Dockerfile } from "../dockerfile/dockerfile";
import { findStageByName } from "../dockerfile/internal/instructions";
import { DockerfileParseOptions } from "../dockerfile/types";
import { checkKnown, describeValue, invalidProp, isUnresolved } from "../util/check";
import { C_IDENTIFIER, sanitizeName } from "../util/names";

/** `os/arch[/variant]`. @internal */
export const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
/** The only platform Cloud Run runs. @internal */
export const CLOUD_RUN_PLATFORM = "linux/amd64";

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

export function checkPlainString(owner: string, prop: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw invalidProp(owner, prop, "must be a non-empty string", value);
  }
  checkKnown(
    owner,
    prop,
    value,
    "must be known at synth (it is part of the image's content fingerprint), not a token",
  );
}

export function checkDirectory(owner: string, directory: string): string {
  checkPlainString(owner, "directory", directory);
  const absolute = path.resolve(directory);
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(absolute).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw invalidProp(
      owner,
      "directory",
      "must be an existing directory (the Docker build context)",
      directory,
    );
  }
  return absolute;
}

/**
 * Returns the Dockerfile's path inside the context, POSIX and normalized. Whether it names an
 * existing file is found out by reading it (see `missingDockerfile`).
 */
export function checkDockerfile(owner: string, dockerfile: string | undefined): string {
  const given = dockerfile ?? "Dockerfile";
  checkPlainString(owner, "dockerfile", given);
  const normalized = path.normalize(given);
  if (
    path.isAbsolute(given) ||
    normalized === "." ||
    normalized === ".." ||
    normalized.startsWith(`..${path.sep}`)
  ) {
    throw invalidProp(
      owner,
      "dockerfile",
      'must be a path relative to directory, inside it (e.g. "Dockerfile" or "docker/Dockerfile")',
      given,
    );
  }
  return toPosix(normalized);
}

/** @internal */
export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The error for a `dockerfile` that does not name an existing file in the context. */
export function missingDockerfile(
  owner: string,
  directoryProp: string,
  dockerfile: string | undefined,
): Error {
  return invalidProp(
    owner,
    "dockerfile",
    `must name an existing file inside directory ${describeValue(directoryProp)}`,
    dockerfile ?? "Dockerfile",
  );
}

export function checkPlatform(owner: string, platform: string): void {
  checkPlainString(owner, "platform", platform);
  if (!PLATFORM.test(platform)) {
    throw invalidProp(
      owner,
      "platform",
      'must be "os/arch" or "os/arch/variant" in lowercase, e.g. "linux/amd64"',
      platform,
    );
  }
}

export function checkBuildArgs(
  owner: string,
  buildArgs: { [key: string]: string } | undefined,
): { [key: string]: string } | undefined {
  if (buildArgs === undefined || buildArgs === null) {
    return undefined;
  }
  checkKnown(
    owner,
    "buildArgs",
    buildArgs,
    "must be known at synth (they are part of the image's content fingerprint), not a token",
  );
  for (const [key, value] of Object.entries(buildArgs)) {
    if (!C_IDENTIFIER.test(key)) {
      throw invalidProp(
        owner,
        "buildArgs",
        "keys must be letters, digits and '_', not starting with a digit",
        key,
      );
    }
    if (typeof value !== "string" || isUnresolved(value)) {
      throw invalidProp(
        owner,
        `buildArgs["${key}"]`,
        "must be a string known at synth (build args are part of the image's content fingerprint), not a token",
        value,
      );
    }
  }
  return { ...buildArgs };
}

/** Runs a Dockerfile analysis, giving errors without an owner the construct's name. */
export function analyse<T>(owner: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const message =
      typeof error === "object" && error !== null && typeof (error as Error).message === "string"
        ? (error as Error).message
        : String(error);
    if (message.startsWith(owner)) {
      throw error;
    }
    throw new Error(`${owner}: ${message}`);
  }
}

export function withTarget(
  owner: string,
  base: Dockerfile,
  buildArgs: { [key: string]: string } | undefined,
  target: string,
  analyses: DockerfileAnalyses,
): Dockerfile {
  if (findStageByName(base.stages, target) === undefined) {
    const names = [
      ...new Set(
        base.stages.map((stage) => stage.name).filter((name): name is string => name !== undefined),
      ),
    ];
    const stages =
      names.length > 0
        ? `one of the stage names of ${base.displayName}: ${names.map((n) => `'${n}'`).join(", ")}`
        : `a stage name, but ${base.displayName} has no named stages`;
    throw invalidProp(owner, "target", `must be ${stages}`, target);
  }
  const options: DockerfileParseOptions = {
    buildArgs,
    target,
    displayName: base.displayName,
  };
  return analyse(owner, () => base._withOptions(options, analyses));
}

export function relativePath(owner: string, from: string, to: string): string {
  const relative = path.relative(from, to);
  if (path.isAbsolute(relative)) {
    throw new Error(
      `${owner}: the build context must be on the same drive as the synth output (${from}). Got: ${to}`,
    );
  }
  return relative === "" ? "." : toPosix(relative);
}

/** The default image name: the construct path below the stack, sanitized. */
export function defaultImageName(image: Construct, stack: TerraformStack): string {
  const stackDepth = stack.node.scopes.length;
  const below = image.node.scopes
    .slice(stackDepth)
    .map((scope) => scope.node.id)
    .join("-");
  const name = sanitizeName(below, 128);
  return name === "" ? "image" : name;
}

/**
 * Refuses a build context that contains the stack's output directory: the staged Dockerfile
 * would then lie inside the context, which docker provider 3.6.2 cannot build (see above), and
 * every synth would change the files Docker sends.
 */
export function checkOutputOutsideContext(
  owner: string,
  stackDirectory: string,
  context: string,
  directoryProp: string,
): void {
  const relative = path.relative(context, stackDirectory);
  if (relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative))) {
    throw invalidProp(
      owner,
      "directory",
      `must not contain the synth output directory (${toPosix(relative)}): move the Dockerfile and ` +
        "the sources it builds into a subdirectory, or set the app's outdir outside the build context",
      directoryProp,
    );
  }
}

/**
 * How a Dockerfile path appears in messages: relative to the working directory when it lies
 * below it (so messages do not depend on where the project is checked out), absolute otherwise.
 */
export function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    return toPosix(absolute);
  }
  return toPosix(relative);
}
