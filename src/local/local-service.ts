import type { Container } from "@cdktf/provider-docker/lib/container";
import { Annotations, Lazy } from "cdktf";
import { Construct } from "constructs";
import type { ContainerImage } from "../image/container-image";
import { dockerProviderFor } from "../image/docker-provider";
import { DEFAULTS } from "../run-contract/defaults";
import { ContainerEnvironment } from "../run-contract/environment";
import { resolveServiceName } from "../run-contract/metadata";
import { MAIN, MultiContainer } from "../run-contract/multi-container";
import { validatePort } from "../run-contract/ports";
import { checkConstant, isUnresolved, knownMap, numberText, ownerName } from "../util/check";
import type { DockerLimits } from "./docker-settings";
import {
  checkLocalImage,
  containerLabels,
  contractEnv,
  createSidecarContainers,
  hardening,
} from "./local-containers";
import { checkSecretFiles, LocalMounts } from "./local-mounts";
import { LocalServiceOptions } from "./local-service-options";
import { RestartPolicy } from "./restart-policy";

const DEFAULT_HOST_ADDRESS = "127.0.0.1";

/**
 * Properties of a {@link LocalService}.
 */
export interface LocalServiceProps extends LocalServiceOptions {
  /**
   * The image to run: its locally built image is used, whether or not it is also pushed. Its
   * final stage must be proven to run as a non-root user.
   */
  readonly image: ContainerImage;
}

/**
 * Runs a `ContainerImage` on the local Docker engine (`docker_container`) with Cloud Run's
 * container contract, so that the same program can deploy to Cloud Run or run locally:
 *
 * - `PORT`, `K_SERVICE`, `K_REVISION` (`<service>-local-<first 8 characters of the image tag>`)
 *   and `K_CONFIGURATION` set, plus the environment given;
 * - the port published on `127.0.0.1` only (see `hostAddress`, `hostPort`);
 * - the image's own non-root user (never overridden; the image must be proven non-root),
 *   an init process as PID 1 (`docker run --init`), all capabilities dropped,
 *   `no-new-privileges`, a read-only root filesystem and a tmpfs `/tmp`;
 * - the CPU and memory limits of the Cloud Run service, no swap;
 * - SIGTERM, then SIGKILL after 10 seconds on stop and on destroy, as on Cloud Run;
 * - restarted by Docker when it exits (see `restart`); logs in `docker logs`, rotated
 *   (json-file, 3 × 10 MB).
 *
 * It needs only the docker provider: a stack with local-only images and local services declares
 * no Google provider, resource or data source.
 */
export class LocalService extends Construct {
  /** The `docker_container` resource (escape hatch). */
  public readonly container: Container;

  /**
   * The URL of the service on this machine, e.g. `http://127.0.0.1:8080` (`http://[::1]:8080`
   * for IPv6; the loopback address for `0.0.0.0` and `::`).
   */
  public readonly url: string;

  /** The service name (`K_SERVICE`, `K_CONFIGURATION`). */
  public readonly serviceName: string;

  /** The revision name in `K_REVISION`. */
  public readonly revision: string;

  /** The Docker container name. */
  public readonly containerName: string;

  /** The container port (`PORT`). */
  public readonly port: number;

  /** The port published on the host. */
  public readonly hostPort: number;

  /** The host address the port is published on. */
  public readonly hostAddress: string;

  /** The image that runs. */
  public readonly image: ContainerImage;

  /**
   * The Docker containers of the sidecars, by sidecar name (escape hatch).
   */
  public readonly sidecarContainers: { [name: string]: Container };

  private readonly environment: ContainerEnvironment;

  constructor(scope: Construct, id: string, props: LocalServiceProps) {
    super(scope, id);
    const owner = ownerName("LocalService", this.node.path);
    // Cloud Run's rules for names and values; the 1000-variable limit is Cloud Run's own.
    this.environment = new ContainerEnvironment(owner, {
      alreadySet: "it is already set",
      countLimit: false,
    });

    // --- image: non-root, as on Cloud Run (the user is never overridden here)
    checkLocalImage(owner, "image", props?.image);
    this.image = props.image;

    // --- names
    const serviceName = resolveServiceName(owner, id, props.serviceName);
    this.serviceName = serviceName;
    this.revision = `${serviceName}-local-${props.image.tag.slice(0, 8)}`;
    this.containerName = props.containerName ?? defaultContainerName(serviceName);
    const settings = loadDockerSettings();
    settings.validateContainerName(owner, this.containerName);

    // --- network
    this.port = props.port ?? DEFAULTS.port;
    validatePort(owner, "port", this.port);
    this.hostPort = props.hostPort ?? this.port;
    validatePort(owner, "hostPort", this.hostPort);
    this.hostAddress = settings.normalizeHostAddress(
      owner,
      props.hostAddress ?? DEFAULT_HOST_ADDRESS,
    );
    if (!isUnresolved(this.hostAddress) && settings.isUnspecifiedAddress(this.hostAddress)) {
      Annotations.of(this).addWarning(
        `${owner}: hostAddress ${JSON.stringify(this.hostAddress)} publishes port ${this.hostPort} on every ` +
          "network interface: other machines can reach the service. Use 127.0.0.1 (the default) to keep it local.",
      );
    }
    this.url = `http://${settings.urlHost(this.hostAddress)}:${numberText(this.hostPort)}`;

    // --- limits, with Cloud Run's rules
    const cpu = props.cpu ?? DEFAULTS.cpu;
    const memory = props.memory ?? DEFAULTS.memory;
    const limits: DockerLimits = settings.dockerLimits(owner, cpu, memory);

    // --- environment (validated before anything is created)
    for (const [name, value] of Object.entries(knownMap(owner, "environment", props.environment))) {
      this.addEnvironment(name, value);
    }

    const restart = props.restart ?? RestartPolicy.UNLESS_STOPPED;
    checkConstant(owner, "restart", restart, (v) => v instanceof RestartPolicy, "RestartPolicy");

    // --- volumes and sidecars, with Cloud Run's rules
    const containers = new MultiContainer(props, {
      owner,
      scope: this,
      mainCpu: cpu,
      mainMemory: memory,
      checkImage: (prop, image) => checkLocalImage(owner, prop, image),
    });
    const sidecars = containers.sidecars.list;
    const secretFiles = checkSecretFiles(owner, props.secretFiles);

    const provider = dockerProviderFor(this);
    const mounts = new LocalMounts({
      owner,
      scope: this,
      provider,
      containerName: this.containerName,
      serviceName,
      secretFiles,
      image: props.image,
      volumes: containers.volumes,
    });
    const mainMounts = mounts.mountsFor(MAIN, "the main container");
    const readOnly = props.readOnlyRootFilesystem ?? true;

    const { Container: ContainerResource } = loadContainerModule();
    this.container = new ContainerResource(this, "Container", {
      provider,
      name: this.containerName,
      image: props.image.imageId,
      // Cloud Run's container contract
      env: Lazy.listValue({ produce: () => this.renderEnv() }),
      ports: [
        {
          internal: this.port,
          external: this.hostPort,
          ip: this.hostAddress,
          protocol: "tcp",
        },
      ],
      mounts: mainMounts,
      ...hardening(readOnly, limits, restart, mainMounts),
      labels: containerLabels({ serviceName, revision: this.revision, cpu, memory }),
      lifecycle: {
        // A Docker engine without swap accounting reports memory_swap as -1.
        ignoreChanges: ["memory_swap"],
      },
    });

    // --- sidecars: in the main container's network namespace, as on Cloud Run
    this.sidecarContainers = createSidecarContainers(sidecars, {
      scope: this,
      provider,
      main: this.container,
      containerName: this.containerName,
      serviceName,
      revision: this.revision,
      readOnly,
      restart,
      mounts,
      containerClass: ContainerResource,
      dockerLimits: (sidecarCpu, sidecarMemory) =>
        settings.dockerLimits(owner, sidecarCpu, sidecarMemory, false),
    });
    mounts.warnUnusedSecretFiles();

    this.node.addValidation({ validate: () => this.validateHostPort() });
  }

  /**
   * Adds a plain environment variable. The same rules as `environment` apply, and the name must
   * not be in use.
   */
  public addEnvironment(name: string, value: string): void {
    this.environment.addPlain("environment", name, value);
  }

  /** Two local services of one app that publish the same port on overlapping host addresses. */
  private validateHostPort(): string[] {
    if (isUnresolved(this.hostPort) || isUnresolved(this.hostAddress)) {
      return [];
    }
    const errors: string[] = [];
    for (const other of this.node.root.node.findAll()) {
      if (
        other === this ||
        !(other instanceof LocalService) ||
        isUnresolved(other.hostPort) ||
        isUnresolved(other.hostAddress) ||
        other.hostPort !== this.hostPort ||
        !loadDockerSettings().addressesOverlap(this.hostAddress, other.hostAddress)
      ) {
        continue;
      }
      errors.push(
        `${ownerName("LocalService", this.node.path)}: invalid hostPort: must not be published twice on the same host address: ` +
          `${ownerName("LocalService", other.node.path)} publishes ${other.hostAddress} port ${other.hostPort} too ` +
          `(set hostPort or hostAddress). Got: ${this.hostPort} on ${this.hostAddress}`,
      );
    }
    return errors;
  }

  private renderEnv(): string[] {
    return [
      `PORT=${numberText(this.port)}`,
      ...contractEnv(this.serviceName, this.revision),
      ...this.environment.plain.map((entry) => `${entry.name}=${entry.value}`),
    ];
  }
}

/**
 * The docker provider's `docker_container` module, loaded on first use: it is one of the
 * largest modules the library would otherwise load at import (~0.5 MB of JavaScript, ~8 ms
 * and ~1.7 MB of memory), and only programs that run services locally need it.
 */
function loadContainerModule(): typeof import("@cdktf/provider-docker/lib/container") {
  return require("@cdktf/provider-docker/lib/container");
}

/**
 * The default container name: the service name, when Docker accepts it (at least two
 * characters), else `<service name>-local`.
 */
function defaultContainerName(serviceName: string): string {
  return isUnresolved(serviceName) || loadDockerSettings().isValidContainerName(serviceName)
    ? serviceName
    : `${serviceName}-local`;
}

/**
 * Cloud Run's settings in Docker's terms (and Node's `net`), loaded with the first
 * `LocalService`: programs that only deploy to Cloud Run never need them.
 */
function loadDockerSettings(): typeof import("./docker-settings") {
  return require("./docker-settings");
}
