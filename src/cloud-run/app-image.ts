import type { ContainerImageProps } from "../image/container-image";
import type { CloudRunAppProps } from "./cloud-run-app";
import { defaultImageName } from "./limits";

/**
 * The image props of a CloudRunApp's props, shared by the app and its local twin.
 */
export function appImageProps(
  props: CloudRunAppProps,
  id: string,
  serviceName: string,
): ContainerImageProps {
  return {
    directory: props.directory,
    dockerfile: props.dockerfile,
    generatedDockerfile: props.generatedDockerfile,
    buildArgs: props.buildArgs,
    target: props.target,
    imageName: props.imageName ?? defaultImageName(id, serviceName),
    platform: props.platform,
  };
}
