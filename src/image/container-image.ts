import * as fs from "fs";
import * as path from "path";
import { Image } from "@cdktf/provider-docker/lib/image";
import { RegistryImage } from "@cdktf/provider-docker/lib/registry-image";
import { Annotations, App, TerraformStack } from "cdktf";
import { Arg, DockerfileParser } from "dockerfile-ast";
import { Construct } from "constructs";
import { DockerfileAnalyses } from "../dockerfile/analysis-cache";
import { Dockerfile, DockerfileContent } from "../dockerfile/dockerfile";
import { findStageByName } from "../dockerfile/internal/instructions";
import { DockerfileParseOptions, FindingSeverity, RuntimeUser } from "../dockerfile/types";
import { C_IDENTIFIER, sanitizeName } from "../util/names";
import {
  checkKnown,
  checkProps,
  describeValue,
  invalidProp,
  isUnresolved,
  ownerName,
} from "../util/check";
import { dockerProviderFor } from "./docker-provider";
import { DockerRepository } from "./docker-repository";
import { ContainerImageOptions } from "./container-image-options";
import { ContextFingerprint, FingerprintSession } from "./fingerprint";
import { checkImageName } from "./names";
import { StagedDockerfiles } from "./staged-dockerfiles";
import { SecurityPosture } from "../security/security-posture";
import { perApp, perStack } from "../util/singletons";

/**
 * Properties of a {@link ContainerImage}: what to build, and where to push it.
 */
export interface ContainerImageProps extends ContainerImageOptions {
  /**
   * The repository the image is pushed to.
   * @default - a local-only image: built into the local Docker engine, never pushed
   */
  readonly repository?: DockerRepository;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const CLOUD_RUN_PLATFORM = "linux/amd64";

/**
 * A container image built from a directory with a Dockerfile by the Terraform docker provider
 * (`docker_image`), and pushed to an Artifact Registry repository (`docker_registry_image`)
 * when one is given.
 *
 * The image is tagged with a content fingerprint of the build context, the Dockerfile, the
 * build args, the target, the platform and the image name, so it is rebuilt and re-pushed
 * exactly when one of them changes. The final (or `target`) stage must be proven to run as a
 * non-root user, or construction fails.
 *
 * - The tag is the full sha256 of the fingerprint in lowercase hex (64 characters, a valid
 *   Docker tag); it is also in the `triggers` of both resources.
 * - The build context and Dockerfile paths in the Terraform JSON are relative to the stack's
 *   working directory (`<outdir>/stacks/<stack>`, where Terraform runs and where the docker
 *   provider resolves a relative Dockerfile), so the JSON holds no absolute path.
 * - Pushed images are kept in the registry when Terraform replaces or destroys them
 *   (`keep_remotely`), so earlier Cloud Run revisions can still be rolled back to; the
 *   repository's cleanup policies remove old images.
 */
export class ContainerImage extends Construct {
  /** The content fingerprint the image is tagged with: 64 lowercase hex digits, known at synth. */
  public readonly tag: string;

  /** The image name (without registry, tag or digest). */
  public readonly imageName: string;

  /**
   * The repository the image is pushed to.
   * @default - none: a local-only image
   */
  public readonly repository?: DockerRepository;

  /**
   * What to run: for a pushed image `<repository.imageUri(imageName)>@<sha256 digest>`, the
   * digest being a Terraform reference to the pushed image; for a local-only image the local
   * reference `<imageName>:<tag>`.
   */
  public readonly imageRef: string;

  /** The name of the image in the local Docker engine, tag included. */
  public readonly localImageName: string;

  /** The ID of the built image (`docker_image.image_id`, a Terraform reference). */
  public get imageId(): string {
    // Created on first use: every attribute reference is a token that costs time at synth.
    this._imageId ??= this.image.imageId;
    return this._imageId;
  }
  private _imageId?: string;

  /** The Dockerfile, analysed with the build args and target given. */
  public readonly dockerfile: Dockerfile;

  /** The user the image runs as (proven non-root). */
  public readonly runtimeUser: RuntimeUser;

  /** True when the image is pushed to a repository. */
  public readonly isPushed: boolean;

  /** The `docker_image` resource (escape hatch). */
  public readonly image: Image;

  /**
   * The `docker_registry_image` resource (escape hatch).
   * @default - none for a local-only image
   */
  public readonly registryImage?: RegistryImage;

  constructor(scope: Construct, id: string, props: ContainerImageProps) {
    super(scope, id);
    const owner = ownerName("ContainerImage", this.node.path);
    checkProps(owner, props, "{ directory, repository?, ... }");
    const stack = TerraformStack.of(this);

    this.repository = props.repository ?? undefined;
    if (this.repository !== undefined && typeof this.repository.imageUri !== "function") {
      throw invalidProp(owner, "repository", "must be a DockerRepository", this.repository);
    }
    this.isPushed = this.repository !== undefined;
    if (this.isPushed) {
      // A pushed image is meant for Cloud Run: check the stack's posture even when the service
      // that runs it is written by hand.
      SecurityPosture.of(this);
    }

    const directory = checkDirectory(owner, props.directory);
    const platform = props.platform ?? CLOUD_RUN_PLATFORM;
    checkPlatform(owner, platform);
    if (this.isPushed && platform !== CLOUD_RUN_PLATFORM) {
      Annotations.of(this).addWarning(
        `${owner}: platform is ${JSON.stringify(platform)}, but Cloud Run runs ${CLOUD_RUN_PLATFORM} images only.`,
      );
    }
    if (props.imageName !== undefined && props.imageName !== null) {
      checkPlainString(owner, "imageName", props.imageName);
    }
    this.imageName = props.imageName ?? defaultImageName(this, stack);
    checkImageName(owner, "imageName", this.imageName);
    const buildArgs = checkBuildArgs(owner, props.buildArgs);
    // null, from JavaScript callers, means "not set", like undefined.
    const target = props.target ?? undefined;
    const generatedDockerfile = props.generatedDockerfile ?? undefined;
    if (target !== undefined) {
      checkPlainString(owner, "target", target);
    }

    // The Dockerfile: a file in the context, or a generated one, analysed once per app.
    const analyses = perApp(this, "DockerfileAnalyses", () => new DockerfileAnalyses());
    let dockerfilePath: string | undefined;
    let dockerfileContent: DockerfileContent | undefined;
    let base: Dockerfile;
    if (generatedDockerfile !== undefined) {
      if (props.dockerfile !== undefined && props.dockerfile !== null) {
        throw invalidProp(
          owner,
          "dockerfile",
          "must not be set together with generatedDockerfile (use one or the other)",
          props.dockerfile,
        );
      }
      const generated = generatedDockerfile;
      base = analyse(owner, () =>
        generated._withOptions({ buildArgs, displayName: generated.displayName }, analyses),
      );
    } else {
      const given = props.dockerfile ?? undefined;
      const relative = checkDockerfile(owner, given);
      dockerfilePath = relative;
      const absolute = path.join(directory, ...relative.split("/"));
      const displayName = displayPath(absolute);
      const read = analyse(owner, () => {
        try {
          return Dockerfile._readFile(absolute, { buildArgs, displayName }, analyses);
        } catch (error) {
          throw isFile(absolute) ? error : missingDockerfile(owner, props.directory, given);
        }
      });
      base = read.dockerfile;
      dockerfileContent = read.content;
    }
    this.dockerfile =
      target === undefined ? base : withTarget(owner, base, buildArgs, target, analyses);
    this.dockerfile.assertNonRoot(owner);
    this.runtimeUser = this.dockerfile.runtimeUser;
    // Info findings (e.g. "pin base images by digest") stay in `dockerfile.findings`: printed on
    // every synth they would drown the warnings.
    for (const finding of this.dockerfile.findings) {
      if (finding.severity === FindingSeverity.INFO) {
        continue;
      }
      const text = `${this.dockerfile.displayName} line ${finding.line}: ${finding.ruleId} ${finding.message}`;
      if (finding.severity === FindingSeverity.ERROR) {
        Annotations.of(this).addError(text);
      } else {
        Annotations.of(this).addWarning(text);
      }
    }

    const fingerprint = ContextFingerprint.compute(
      {
        directory,
        dockerfilePath,
        dockerfileContent,
        dockerfileText: this.dockerfile.render(),
        buildArgs,
        target: target,
        platform,
        imageName: this.imageName,
        owner,
        directoryProp: props.directory,
      },
      perApp(this, "FingerprintSession", () => new FingerprintSession()),
    );
    this.tag = fingerprint.tag;
    this.warnUnusedBuildArgs(owner, buildArgs);
    if (fingerprint.externalSymlinks.length > 0) {
      const count = fingerprint.externalSymlinks.length;
      Annotations.of(this).addWarning(
        `${owner}: ${count} symlink${count === 1 ? "" : "s"} in the build context point${count === 1 ? "s" : ""} outside it ` +
          `(${fingerprint.externalSymlinks.slice(0, 3).join(", ")}${count > 3 ? ", ..." : ""}). ` +
          "Docker sends the link, not the file it points to, so that file is not in the image.",
      );
    }

    // Paths as Terraform sees them: relative to the stack's working directory.
    const stackDirectory = path.resolve(App.of(this).outdir, "stacks", stack.node.id);
    checkOutputOutsideContext(owner, stackDirectory, directory, props.directory);
    const contextPath = relativePath(owner, stackDirectory, directory);
    // The build always uses the Dockerfile text analysed above, written into the stack's output
    // directory at synth, outside the build context. Docker provider 3.6.2 resolves a relative
    // `build.dockerfile` against Terraform's working directory to decide whether it lies inside
    // the context, but then hands a path inside the context to the daemon unchanged, where it is
    // read relative to the context: no single relative path is right for both. A Dockerfile
    // outside the context is read from the working directory and added to the build context by
    // the provider, which works whatever the layout. It also means the image is built from
    // exactly the text that was proven to run as non-root.
    const dockerfileForBuild = StagedDockerfiles.of(stack).add(this.dockerfile.render());

    // Artifact Registry's credentials, or those given for another OCI registry.
    const provider = dockerProviderFor(
      this,
      this.repository?.registryHost,
      this.repository?._credentials,
    );
    const imageBase =
      this.repository !== undefined ? this.repository.imageUri(this.imageName) : this.imageName;
    this.localImageName = `${imageBase}:${this.tag}`;

    this.image = new Image(this, "Image", {
      provider,
      name: this.localImageName,
      platform,
      // A pushed image's local copy stays when Terraform replaces or destroys it (the registry
      // holds the image that runs); a local-only image is the thing deployed, so destroying
      // the stack (or rebuilding it) removes it from the engine, like the container.
      keepLocally: this.isPushed,
      triggers: { fingerprint: this.tag },
      buildAttribute: {
        context: contextPath,
        dockerfile: dockerfileForBuild,
        platform,
        buildArgs: Object.keys(buildArgs ?? {}).length > 0 ? buildArgs : undefined,
        target: target,
      },
    });
    if (this.repository !== undefined) {
      this.registryImage = new RegistryImage(this, "RegistryImage", {
        provider,
        name: this.localImageName,
        keepRemotely: true,
        triggers: { fingerprint: this.tag },
        dependsOn: [this.image],
      });
      this.imageRef = `${imageBase}@${this.registryImage.sha256Digest}`;
    } else {
      this.imageRef = this.localImageName;
    }
    this.warnIdenticalBuild(owner, stack, fingerprint.buildDigest);
  }

  /**
   * Warns about build args that no `ARG` of the Dockerfile declares: Docker ignores them
   * ("One or more build-args [...] were not consumed"), so a misspelt name silently builds
   * with the default. The `ARG`s of every stage count (and the global ones before the first
   * `FROM`), as do the args Docker and BuildKit predefine.
   */
  private warnUnusedBuildArgs(
    owner: string,
    buildArgs: { [key: string]: string } | undefined,
  ): void {
    const names = Object.keys(buildArgs ?? {});
    if (names.length === 0) {
      return;
    }
    const declared = declaredArgs(this.dockerfile.render());
    const unused = names.filter((n) => !declared.has(n) && !PREDEFINED_BUILD_ARGS.includes(n));
    for (const name of unused) {
      const known = [...declared];
      const hint = known.length > 0 ? ` (its ARGs: ${known.join(", ")})` : " (it declares no ARG)";
      Annotations.of(this).addWarning(
        `${owner}: buildArgs["${name}"] (${describeValue(buildArgs?.[name])}) is received by no ARG ` +
          `of ${this.dockerfile.displayName}${hint}: Docker ignores it. Declare \`ARG ${name}\` in ` +
          "the stage that uses it, or remove the build arg.",
      );
    }
  }

  /**
   * Warns when an image of the same stack was built from identical inputs (context, Dockerfile,
   * build args, target, platform): two builds and two pushes of one image.
   */
  private warnIdenticalBuild(owner: string, stack: TerraformStack, buildDigest: string): void {
    const builds = perStack(stack, "ImageBuilds", () => new Map<string, ContainerImage>());
    const earlier = builds.get(buildDigest);
    if (earlier === undefined) {
      builds.set(buildDigest, this);
      return;
    }
    const other = ownerName("ContainerImage", earlier.node.path);
    let what: string;
    if (earlier.localImageName === this.localImageName) {
      what =
        `builds${this.isPushed ? " and pushes" : ""} the same image as ${other}, ` +
        `${JSON.stringify(this.localImageName)}: two Terraform resources manage one image`;
    } else {
      const differences: string[] = [];
      if (earlier.imageName !== this.imageName) {
        differences.push(
          `imageName ${JSON.stringify(this.imageName)} (there ${JSON.stringify(earlier.imageName)})`,
        );
      }
      if (earlier.repository !== this.repository) {
        const name = (r?: DockerRepository) => (r === undefined ? "none" : `'${r.node.path}'`);
        differences.push(`repository ${name(this.repository)} (there ${name(earlier.repository)})`);
      }
      const twice = this.isPushed && earlier.isPushed ? "built and pushed twice" : "built twice";
      what =
        `has the same build inputs as ${other} (context, Dockerfile, build args, target and ` +
        `platform); only its ${differences.join(" and ")} ` +
        `${differences.length > 1 ? "differ" : "differs"}: the same image is ${twice}`;
    }
    Annotations.of(this).addWarning(
      `${owner}: ${what}. Share one ContainerImage: pass ${other} to every construct that ` +
        "runs this code.",
    );
  }
}

/**
 * Build args Docker accepts without an `ARG`: the predefined proxy args
 * (https://docs.docker.com/reference/dockerfile/#predefined-args) and BuildKit's built-in build
 * args (https://docs.docker.com/reference/dockerfile/#buildkit-built-in-build-args).
 */
const PREDEFINED_BUILD_ARGS: readonly string[] = [
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
  "BUILDKIT_CACHE_MOUNT_NS",
  "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
  "BUILDKIT_HISTORY_PROVENANCE_V1",
  "BUILDKIT_INLINE_CACHE",
  "BUILDKIT_MULTI_PLATFORM",
  "BUILDKIT_SANDBOX_HOSTNAME",
  "BUILDKIT_SYNTAX",
  "SOURCE_DATE_EPOCH",
];

/**
 * The names every `ARG` instruction of a Dockerfile declares (global and in every stage; not
 * those inside `ONBUILD`, which run in other builds), in file order.
 */
function declaredArgs(text: string): Set<string> {
  const names = new Set<string>();
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof Arg) {
      for (const property of instruction.getProperties()) {
        names.add(property.getName());
      }
    }
  }
  return names;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function checkPlainString(owner: string, prop: string, value: unknown): void {
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

function checkDirectory(owner: string, directory: string): string {
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
function checkDockerfile(owner: string, dockerfile: string | undefined): string {
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

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The error for a `dockerfile` that does not name an existing file in the context. */
function missingDockerfile(
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

function checkPlatform(owner: string, platform: string): void {
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

function checkBuildArgs(
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
function analyse<T>(owner: string, run: () => T): T {
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

function withTarget(
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

function relativePath(owner: string, from: string, to: string): string {
  const relative = path.relative(from, to);
  if (path.isAbsolute(relative)) {
    throw new Error(
      `${owner}: the build context must be on the same drive as the synth output (${from}). Got: ${to}`,
    );
  }
  return relative === "" ? "." : toPosix(relative);
}

/** The default image name: the construct path below the stack, sanitized. */
function defaultImageName(image: Construct, stack: TerraformStack): string {
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
function checkOutputOutsideContext(
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
function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    return toPosix(absolute);
  }
  return toPosix(relative);
}
