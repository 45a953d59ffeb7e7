import * as path from "path";
import { Image } from "@cdktf/provider-docker/lib/image";
import { RegistryImage } from "@cdktf/provider-docker/lib/registry-image";
import { Annotations, App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DockerfileAnalyses } from "../dockerfile/analysis-cache";
import { Dockerfile, DockerfileContent } from "../dockerfile/dockerfile";
import { FindingSeverity, RuntimeUser } from "../dockerfile/types";
import { SecurityPosture } from "../security/security-posture";
import { checkProps, invalidProp, ownerName } from "../util/check";
import { perApp } from "../util/singletons";
import {
  analyse,
  checkBuildArgs,
  checkDirectory,
  checkDockerfile,
  checkOutputOutsideContext,
  checkPlainString,
  checkPlatform,
  CLOUD_RUN_PLATFORM,
  defaultImageName,
  displayPath,
  isFile,
  missingDockerfile,
  relativePath,
  withTarget,
} from "./build-inputs";
import { warnIdenticalBuild, warnUnusedBuildArgs } from "./build-warnings";
import { ContainerImageOptions } from "./container-image-options";
import { dockerProviderFor } from "./docker-provider";
import { DockerRepository } from "./docker-repository";
import { ContextFingerprint } from "./fingerprint";
import { FingerprintSession } from "./fingerprint-options";
import { checkImageName } from "./names";
import { StagedDockerfiles } from "./staged-dockerfiles";

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
    warnUnusedBuildArgs(this, owner, buildArgs);
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
    warnIdenticalBuild(this, owner, stack, fingerprint.buildDigest);
  }
}
