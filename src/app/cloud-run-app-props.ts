import { CloudRunServiceOptions } from "../cloud-run/cloud-run-service-options";
import { ContainerImageOptions } from "../image/container-image-options";
import { DockerRepository } from "../image/docker-repository";

/**
 * Properties of a {@link CloudRunApp}: the service settings plus what to build
 * (`ContainerImageOptions`) and where to push it.
 */
export interface CloudRunAppProps extends CloudRunServiceOptions, ContainerImageOptions {
  /**
   * The repository to push to; pass one to share it between apps.
   * @default - a repository is created for this app in `region`
   */
  readonly repository?: DockerRepository;
}
