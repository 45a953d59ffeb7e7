/**
 * The local twin of a `CloudRunApp` (behind `CloudRunApp.local()`). This module is not
 * re-exported by `src/index.ts`.
 * @internal
 */
import { Annotations, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ContainerImage } from "../image/container-image";
import { LocalService } from "../local/local-service";
import { LocalServiceOptions } from "../local/local-service-options";
import { resolveServiceName } from "../run-contract/metadata";
import { checkProps, invalidProp, knownMap, ownerName } from "../util/check";
import { appImageProps } from "./app-image";
import type { CloudRunAppProps } from "./cloud-run-app-props";

/**
 * Builds a local-only image from the app's build settings (same directory, Dockerfile, build
 * args, target, platform and image name; no repository, no push) and runs it as a
 * `LocalService` with the app's service name, port, environment, CPU and memory. `options`
 * override or add local settings (e.g. `hostPort`, extra `environment`).
 *
 * The construct tree mirrors `CloudRunApp`: `<id>/Image` and `<id>/Service`. Cloud Run–only
 * props (region, project, scaling, IAM, probes, VPC, ...) are ignored; secrets, which come from
 * Secret Manager on Cloud Run, are not set locally (a warning names them). The app's volumes are
 * mounted as `LocalService` mounts them (secret files from the options' `secretFiles`); its
 * sidecars run when their images are in the twin's stack (else the options' `sidecars`).
 * @internal
 */
export function localTwin(
  scope: Construct,
  id: string,
  props: CloudRunAppProps,
  localOptions?: LocalServiceOptions,
): LocalService {
  const group = new Construct(scope, id);
  const owner = ownerName("CloudRunApp", group.node.path);
  checkProps(owner, props, "the CloudRunApp's props");
  // null, from JavaScript callers, means "no options", like undefined.
  const options: LocalServiceOptions = localOptions ?? {};
  if (typeof options !== "object") {
    throw invalidProp(owner, "options", "must be the LocalService options", options);
  }
  const appEnvironment = knownMap(owner, "environment", props.environment);
  const localEnvironment = knownMap(owner, "options.environment", options.environment);
  const serviceName = resolveServiceName(
    owner,
    id,
    options.serviceName ?? props.serviceName ?? undefined,
  );

  const image = new ContainerImage(group, "Image", appImageProps(props, id, serviceName));

  const environment = { ...appEnvironment, ...localEnvironment };
  // The app's sidecars run locally when their images are in this stack (a local stack cannot
  // use the cloud stack's images); the options' sidecars replace them.
  const skipped: string[] = [];
  const sidecars =
    options.sidecars ??
    (Array.isArray(props.sidecars)
      ? props.sidecars.filter((s) => {
          const local =
            typeof s?.image?.node === "object" &&
            TerraformStack.of(s.image) === TerraformStack.of(group);
          if (!local) {
            skipped.push(String(s?.name));
          }
          return local;
        })
      : props.sidecars);
  const service = new LocalService(group, "Service", {
    ...options,
    serviceName,
    image,
    port: options.port ?? props.port,
    cpu: options.cpu ?? props.cpu,
    memory: options.memory ?? props.memory,
    environment,
    volumes: options.volumes ?? props.volumes,
    sidecars,
  });
  if (skipped.length > 0) {
    Annotations.of(service).addWarning(
      `${ownerName("LocalService", service.node.path)}: the app's sidecar${skipped.length === 1 ? "" : "s"} ${skipped.join(", ")} ` +
        `${skipped.length === 1 ? "runs an image" : "run images"} of another stack and ${skipped.length === 1 ? "is" : "are"} not run locally; ` +
        `pass local sidecars (images without a repository, in this stack) in the options' sidecars.`,
    );
  }

  const missing = Object.keys(props.secrets ?? {}).filter((name) => !(name in environment));
  if (missing.length > 0) {
    Annotations.of(service).addWarning(
      `${ownerName("LocalService", service.node.path)}: ${missing.join(", ")} ` +
        `${missing.length === 1 ? "is a secret" : "are secrets"} from Secret Manager on Cloud Run and ` +
        `${missing.length === 1 ? "is" : "are"} not set locally; pass local values in the options' environment.`,
    );
  }
  return service;
}
