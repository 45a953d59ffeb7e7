import type { ContainerImageOptions } from "../image/container-image-options";
import type { CloudRunAppProps } from "./cloud-run-app-props";
import { deriveServiceName } from "../run-contract/metadata";
import { isUnresolved } from "../util/check";

/**
 * The image props of a CloudRunApp's props, shared by the app and its local twin.
 */
export function appImageProps(
  props: CloudRunAppProps,
  id: string,
  serviceName: string,
): ContainerImageOptions {
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

/**
 * The default image name of an app (and of its local twin): its service name, when known at
 * synth. A service name that is a token (only known at apply) cannot name the image, whose name
 * is part of its content fingerprint: the name derived from the construct id is used instead
 * (undefined when the id has no letter; the image then derives its name from its construct path).
 */
export function defaultImageName(id: string, serviceName: string): string | undefined {
  return isUnresolved(serviceName) ? deriveServiceName(id) : serviceName;
}
