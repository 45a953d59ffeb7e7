import { Construct } from "constructs";
import { CloudRunService } from "../cloud-run/cloud-run-service";
import { CloudRunServiceOptions } from "../cloud-run/cloud-run-service-options";
import { SidecarOptions } from "../cloud-run/sidecar-options";
import { ContainerImage } from "../image/container-image";
import { DockerRepository } from "../image/docker-repository";
import type { LocalService } from "../local/local-service";
import type { LocalServiceOptions } from "../local/local-service-options";
import { resolveServiceName } from "../run-contract/metadata";
import { Volume } from "../run-contract/volumes";
import { checkRegion } from "../run-contract/region";
import { checkProps, ownerName } from "../util/check";
import { appImageProps } from "./app-image";
import { CloudRunAppProps } from "./cloud-run-app-props";

/**
 * The one-liner: an Artifact Registry repository (created, or the one given), an image built
 * from `directory` and pushed, and a private, non-root Cloud Run service running it by digest
 * under its own service account.
 *
 * In a stack with only a `GoogleProvider`, nothing else is needed: the docker provider (with
 * Artifact Registry authentication) is declared once per stack.
 */
export class CloudRunApp extends Construct {
  /** The repository the image is pushed to. */
  public readonly repository: DockerRepository;

  /** The image. */
  public readonly image: ContainerImage;

  /** The Cloud Run service. */
  public readonly service: CloudRunService;

  /** The HTTPS URL of the service, known at apply. */
  public get url(): string {
    return this.service.uri;
  }

  /**
   * The local twin of an app: the same build (directory, Dockerfile, build args, target,
   * platform, image name) as a local-only image, never pushed, run on the machine's Docker engine
   * by a `LocalService` with the app's service name, port, environment, CPU and memory. It needs
   * no Google provider: put it in its own stack, e.g. `new CloudRunApp(cloud, "api", props)` in
   * one stack and `CloudRunApp.local(local, "api", props)` in another.
   *
   * Cloud Run–only props (region, project, scaling, IAM, probes, VPC, ...) are ignored; secrets
   * are not set locally (a warning names them). Volumes are mounted as `LocalService` mounts them
   * (give secret volumes' values in the options' `secretFiles`); sidecars run when their images
   * are in the same stack (else pass local ones in the options' `sidecars`). The construct tree
   * is `<id>/Image` and `<id>/Service`.
   *
   * @param options local settings that override or add to the app's (e.g. `hostPort`,
   * `environment` for the secrets)
   */
  public static local(
    scope: Construct,
    id: string,
    props: CloudRunAppProps,
    options?: LocalServiceOptions,
  ): LocalService {
    // Loaded on first use: most programs deploy and never build the local twin.
    const { localTwin } = require("./local-twin") as typeof import("./local-twin");
    return localTwin(scope, id, props, options);
  }

  constructor(scope: Construct, id: string, props: CloudRunAppProps) {
    super(scope, id);
    const owner = ownerName("CloudRunApp", this.node.path);
    checkProps(owner, props, "{ directory, region, ... }");
    // Reported once, here, for the repository and the service created in the same region.
    checkRegion(this, owner, props.region);
    const serviceName = resolveServiceName(owner, id, props.serviceName ?? undefined);

    this.repository =
      props.repository ??
      new DockerRepository(this, "Repository", {
        location: props.region,
        project: props.project,
      });

    this.image = new ContainerImage(this, "Image", {
      ...appImageProps(props, id, serviceName),
      repository: this.repository,
    });

    this.service = new CloudRunService(this, "Service", {
      ...serviceOptions(props),
      serviceName,
      image: this.image,
    });
  }

  /**
   * Mounts a volume into the service's main container and grants the service's identity what
   * it needs (see `CloudRunService.addVolume`).
   */
  public addVolume(path: string, volume: Volume): void {
    this.service.addVolume(path, volume);
  }

  /**
   * Adds a sidecar container to the service (see `CloudRunService.addSidecar`).
   */
  public addSidecar(options: SidecarOptions): void {
    this.service.addSidecar(options);
  }
}

/** The service settings of app props (without the build settings). */
function serviceOptions(props: CloudRunAppProps): CloudRunServiceOptions {
  const {
    directory: _directory,
    dockerfile: _dockerfile,
    generatedDockerfile: _generated,
    buildArgs: _buildArgs,
    target: _target,
    imageName: _imageName,
    platform: _platform,
    repository: _repository,
    ...options
  } = props;
  return options;
}
