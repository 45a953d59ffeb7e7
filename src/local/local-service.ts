import type { Container, ContainerMounts } from "@cdktf/provider-docker/lib/container";
import { Annotations, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import type { SidecarOptions } from "../cloud-run/sidecar-options";
import { DEFAULTS } from "../run-contract/defaults";
import { ContainerEnvironment } from "../run-contract/environment";
import { resolveServiceName } from "../run-contract/metadata";
import { validatePort } from "../run-contract/ports";
import { parseMemory } from "../run-contract/resources";
import { CheckedSidecar, MAIN_CONTAINER_NAME, WorkloadSidecars } from "../run-contract/sidecars";
import type { VolumeMount } from "../run-contract/volumes";
import { WorkloadVolumes } from "../run-contract/workload-volumes";
import { dependencyOn } from "../util/depends-on";
import { dockerProviderFor } from "../image/docker-provider";
import type { ContainerImage } from "../image/container-image";
import {
  checkConstant,
  checkKnown,
  invalidProp,
  isUnresolved,
  knownMap,
  ownerName,
} from "../util/check";
import type { DockerLimits } from "./docker-settings";
import type { LocalVolumes } from "./local-volumes";
import { RestartPolicy } from "./restart-policy";

/**
 * Settings of a {@link LocalService}, without the image: what `CloudRunApp.local()` accepts next
 * to the app's own props.
 */
export interface LocalServiceOptions {
  /**
   * The service name: `K_SERVICE` and `K_CONFIGURATION`, the prefix of `K_REVISION`, and the
   * container name. The rules of Cloud Run service names apply.
   * @default - derived from the construct id, like a Cloud Run service name
   */
  readonly serviceName?: string;

  /**
   * The Docker container name. It must be unique on the Docker engine.
   * @default - the service name, or `<service name>-local` when the service name is not a valid
   * container name (Docker needs at least two characters)
   */
  readonly containerName?: string;

  /**
   * The port the container listens on (1–65535), passed in `PORT`.
   * @default 8080
   */
  readonly port?: number;

  /**
   * The port published on the host (1–65535).
   * @default - the container port
   */
  readonly hostPort?: number;

  /**
   * The host address the port is published on: an IPv4 or IPv6 literal. `0.0.0.0` or `::`
   * makes the service reachable from other machines.
   * @default "127.0.0.1"
   */
  readonly hostAddress?: string;

  /**
   * Environment variables. The rules of `CloudRunService` apply: names are C identifiers, and
   * `PORT`, `K_SERVICE`, `K_REVISION` and `K_CONFIGURATION` are reserved (they are set here as
   * Cloud Run sets them).
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The CPU limit, with the values and rules of `CloudRunService` ("1", "2", "4", "6", "8", or a
   * fraction from "0.08" to below 1). Applied as a hard cap, like `docker run --cpus`.
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit, with the values and rules of `CloudRunService` (e.g. "512Mi", "2Gi").
   * Swap is off, as on Cloud Run.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * Mount the root filesystem read-only. `/tmp` is always a writable in-memory filesystem
   * (tmpfs), sized and counted against the memory limit as Cloud Run's in-memory filesystem is.
   * Cloud Run's root filesystem is writable (in memory): set `false` for an app that writes
   * outside `/tmp`.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * What Docker does when the process exits.
   * @default RestartPolicy.UNLESS_STOPPED
   */
  readonly restart?: RestartPolicy;

  /**
   * Volumes mounted into the main container, with the rules of `CloudRunService`'s `volumes`.
   * Reproduced locally: an in-memory `Volume.emptyDir` is a tmpfs-backed Docker volume of its
   * size limit (Cloud Run's default without one: half of all containers' memory), shared by the
   * containers that mount it; a `Volume.secret` is the file given in `secretFiles`, mounted
   * read-only at `<path>/<fileName>`. Cloud Storage, NFS and Cloud SQL volumes are not mounted
   * (a synth warning names each mount).
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * Sidecar containers, with the rules of `CloudRunService`'s `sidecars`: each runs as its own
   * Docker container, named `<containerName>-<sidecar name>`, in the main container's network
   * namespace (`network_mode = "container:<id>"`), so the containers reach each other on
   * `localhost` as on Cloud Run; only the main container publishes a port. Each runs its image's
   * locally built image with the main container's hardening, and is created after the containers
   * it `dependsOn` (Docker does not wait for their startup probes).
   * @default - none
   */
  readonly sidecars?: SidecarOptions[];

  /**
   * The local value of each secret mounted by a `Volume.secret`: the secret (as given to
   * `Volume.secret`) → a file on this machine holding its value, absolute or relative to the
   * working directory. The file is bind-mounted read-only, so its content never enters the
   * Terraform configuration or state, only its path (relative to the stack's directory). It must
   * be readable by the image's user (Cloud Run mounts secrets with mode 0444: `chmod 444`). A
   * secret volume without an entry is not mounted (a synth warning says so).
   * @default - none
   */
  readonly secretFiles?: { [secret: string]: string };
}

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

/** Seconds between SIGTERM and SIGKILL when Cloud Run shuts an instance down. */
const SHUTDOWN_GRACE_SECONDS = 10;
const LABEL_PREFIX = "cdktf-cloud-run";
const DEFAULT_HOST_ADDRESS = "127.0.0.1";

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
    if (
      props === undefined ||
      props === null ||
      props.image === undefined ||
      props.image === null ||
      typeof props.image.dockerfile?.assertNonRoot !== "function"
    ) {
      throw invalidProp(owner, "image", "is required: a ContainerImage", props?.image);
    }
    props.image.dockerfile.assertNonRoot(owner);
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
    const volumes = new WorkloadVolumes({ owner, scope: this });
    volumes.addContainer(MAIN, "the main container", memory);
    const sidecars = new WorkloadSidecars({
      owner,
      scope: this,
      mainCpu: cpu,
      mainMemory: memory,
      checkImage: (prop, image) => checkLocalImage(owner, prop, image),
    });
    listProp(owner, "volumes", props.volumes).forEach((mount, index) =>
      volumes.mount(`volumes[${index}]`, MAIN, mount),
    );
    listProp(owner, "sidecars", props.sidecars).forEach((options, index) => {
      const prop = `sidecars[${index}]`;
      const sidecar = sidecars.add(prop, options);
      volumes.addContainer(sidecar.name, `sidecar '${sidecar.name}'`, sidecar.memory);
      sidecar.volumes.forEach((mount, i) =>
        volumes.mount(`${prop}.volumes[${i}]`, sidecar.name, mount),
      );
    });
    sidecars.assertStartOrder();
    const secretFiles = knownMap(owner, "secretFiles", props.secretFiles);
    for (const [secret, file] of Object.entries(secretFiles)) {
      checkKnown(
        owner,
        `secretFiles.${secret}`,
        file,
        "must be a file path known at synth, not a token",
      );
      if (typeof file !== "string" || file === "") {
        throw invalidProp(owner, `secretFiles.${secret}`, "must be the path of a file", file);
      }
    }

    const provider = dockerProviderFor(this);
    const totalMemory = [memory, ...sidecars.list.map((s) => s.memory)].reduce(
      (sum, m) => sum + parseMemory(owner, m),
      0,
    );
    let localVolumes: LocalVolumes | undefined;
    const mountsOf = (key: string, label: string): ContainerMounts[] | undefined => {
      const entries = volumes.mountsOf(key);
      if (entries.length === 0) {
        return undefined;
      }
      localVolumes ??= new (loadLocalVolumes().LocalVolumes)({
        owner,
        scope: this,
        provider,
        containerName: this.containerName,
        serviceName,
        secretFiles,
        uid: props.image.runtimeUser.uid,
        defaultSizeBytes: Math.floor(totalMemory / 2),
      });
      const mounts = localVolumes.mountsFor(entries, label);
      return mounts.length > 0 ? mounts : undefined;
    };
    const mainMounts = mountsOf(MAIN, "the main container");
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
      // The provider updates limits in place but not the tmpfs size; the limits label changes
      // with them and forces a new container, so every setting takes effect.
      labels: [
        { label: `${LABEL_PREFIX}.service`, value: serviceName },
        { label: `${LABEL_PREFIX}.revision`, value: this.revision },
        { label: `${LABEL_PREFIX}.limits`, value: `cpu=${cpu} memory=${memory}` },
      ],
      lifecycle: {
        // A Docker engine without swap accounting reports memory_swap as -1.
        ignoreChanges: ["memory_swap"],
      },
    });

    // --- sidecars: in the main container's network namespace, as on Cloud Run
    this.sidecarContainers = {};
    for (const sidecar of sidecars.list) {
      const label = `sidecar '${sidecar.name}'`;
      const mounts = mountsOf(sidecar.name, label);
      const sidecarLimits = settings.dockerLimits(owner, sidecar.cpu, sidecar.memory, false);
      const resource = new ContainerResource(this, `Sidecar-${sidecar.name}`, {
        provider,
        name: `${this.containerName}-${sidecar.name}`,
        image: (sidecar.input.image as ContainerImage).imageId,
        env: this.sidecarEnv(sidecar),
        networkMode: `container:${this.container.id}`,
        mounts,
        ...hardening(readOnly, sidecarLimits, restart, mounts),
        labels: [
          { label: `${LABEL_PREFIX}.service`, value: serviceName },
          { label: `${LABEL_PREFIX}.revision`, value: this.revision },
          { label: `${LABEL_PREFIX}.sidecar`, value: sidecar.name },
          {
            label: `${LABEL_PREFIX}.limits`,
            value: `cpu=${sidecar.cpu} memory=${sidecar.memory}`,
          },
        ],
        lifecycle: { ignoreChanges: ["memory_swap"] },
      });
      this.sidecarContainers[sidecar.name] = resource;
    }
    // Created after the containers they depend on (the main container: its network namespace).
    for (const sidecar of sidecars.list) {
      const deps = sidecar.dependsOn
        .filter((d) => d !== MAIN_CONTAINER_NAME)
        .map((d) => this.sidecarContainers[d])
        .filter((c) => c !== undefined);
      if (deps.length > 0) {
        this.sidecarContainers[sidecar.name].dependsOn = deps.map((d) => dependencyOn(d));
      }
    }
    (localVolumes as LocalVolumes | undefined)?.warnUnusedSecretFiles();
    if (localVolumes === undefined && Object.keys(secretFiles).length > 0) {
      Annotations.of(this).addWarning(
        `${owner}: secretFiles is given, but no secret volume is mounted: nothing reads ${Object.keys(secretFiles).join(", ")}.`,
      );
    }

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
    const contract = [
      `PORT=${numberText(this.port)}`,
      `K_SERVICE=${this.serviceName}`,
      `K_REVISION=${this.revision}`,
      `K_CONFIGURATION=${this.serviceName}`,
    ];
    return [...contract, ...this.environment.plain.map((entry) => `${entry.name}=${entry.value}`)];
  }

  /** A sidecar's environment: Cloud Run's `K_*` variables (PORT is the ingress container's only). */
  private sidecarEnv(sidecar: CheckedSidecar): string[] {
    return [
      `K_SERVICE=${this.serviceName}`,
      `K_REVISION=${this.revision}`,
      `K_CONFIGURATION=${this.serviceName}`,
      ...sidecar.environment.plain.map((entry) => `${entry.name}=${entry.value}`),
    ];
  }
}

/** The key of the main container in the service's volumes. */
const MAIN = "main";

/**
 * The hardening and lifecycle every container of a local service gets: the image's own user, an
 * init process, no capabilities, `no-new-privileges`, a read-only root filesystem with a tmpfs
 * `/tmp` (unless a volume is mounted there), Cloud Run's limits without swap, SIGTERM then
 * SIGKILL after 10 seconds, Docker's restart policy and rotated json-file logs.
 */
function hardening(
  readOnly: boolean,
  limits: DockerLimits,
  restart: RestartPolicy,
  mounts: ContainerMounts[] | undefined,
) {
  const tmpMounted = (mounts ?? []).some((m) => m.target === "/tmp");
  return {
    // Hardening; the user comes from the image, proven non-root.
    init: true,
    readOnly,
    tmpfs: tmpMounted ? undefined : { "/tmp": `rw,nosuid,nodev,size=${limits.memoryMib}m` },
    capabilities: { drop: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
    // Limits: a hard CPU cap and memory without swap.
    cpuPeriod: limits.cpuPeriod,
    cpuQuota: limits.cpuQuota,
    memory: limits.memoryMib,
    memorySwap: limits.memoryMib,
    // Shutdown as on Cloud Run: SIGTERM, SIGKILL 10 s later.
    stopSignal: "SIGTERM",
    stopTimeout: SHUTDOWN_GRACE_SECONDS,
    destroyGraceSeconds: SHUTDOWN_GRACE_SECONDS,
    restart: restart.value,
    mustRun: true,
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
  };
}

/** A sidecar's image locally: any `ContainerImage` (built locally), proven non-root. */
function checkLocalImage(owner: string, prop: string, image: unknown): void {
  const candidate = image as ContainerImage | undefined;
  if (
    candidate === undefined ||
    candidate === null ||
    typeof candidate.dockerfile?.assertNonRoot !== "function"
  ) {
    throw invalidProp(owner, prop, "is required: a ContainerImage", image);
  }
  candidate.dockerfile.assertNonRoot(owner);
}

/** A list prop (volumes, sidecars): absent is empty; a token or a non-list is an error. */
function listProp<T>(owner: string, prop: string, value: T[] | undefined): T[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (isUnresolved(value) || !Array.isArray(value)) {
    throw invalidProp(owner, prop, "must be a list known at synth", value);
  }
  return value;
}

/** The local volumes, loaded with the first mount. */
function loadLocalVolumes(): typeof import("./local-volumes") {
  return require("./local-volumes");
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

/** A number as text: plain digits, or a token string when only known at apply. */
function numberText(value: number): string {
  return isUnresolved(value) ? Token.asString(value) : String(value);
}

/**
 * Cloud Run's settings in Docker's terms (and Node's `net`), loaded with the first
 * `LocalService`: programs that only deploy to Cloud Run never need them.
 */
function loadDockerSettings(): typeof import("./docker-settings") {
  return require("./docker-settings");
}
