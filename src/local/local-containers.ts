/**
 * The Docker containers of a `LocalService`: the hardening and lifecycle every one of them gets,
 * their labels, and the containers of its sidecars (in the main container's network namespace, as
 * on Cloud Run). This module is not re-exported by `src/index.ts`.
 * @internal
 */
import type { Container, ContainerMounts } from "@cdktf/provider-docker/lib/container";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { ContainerImage } from "../image/container-image";
import { MAIN_CONTAINER_NAME } from "../run-contract/sidecar-start-order";
import type { CheckedSidecar } from "../run-contract/sidecars";
import { invalidProp } from "../util/check";
import { dependencyOn } from "../util/depends-on";
import type { DockerLimits } from "./docker-settings";
import { LABEL_PREFIX } from "./labels";
import type { LocalMounts } from "./local-mounts";
import type { RestartPolicy } from "./restart-policy";

/** Seconds between SIGTERM and SIGKILL when Cloud Run shuts an instance down. */
const SHUTDOWN_GRACE_SECONDS = 10;

/**
 * The hardening and lifecycle every container of a local service gets: the image's own user, an
 * init process, no capabilities, `no-new-privileges`, a read-only root filesystem with a tmpfs
 * `/tmp` (unless a volume is mounted there), Cloud Run's limits without swap, SIGTERM then
 * SIGKILL after 10 seconds, Docker's restart policy and rotated json-file logs.
 * @internal
 */
export function hardening(
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

/**
 * The labels of a container of a local service: its service and revision, the sidecar it runs
 * (for a sidecar) and its limits. The provider updates limits in place but not the tmpfs size; the
 * limits label changes with them and forces a new container, so every setting takes effect.
 * @internal
 */
export function containerLabels(spec: {
  readonly serviceName: string;
  readonly revision: string;
  readonly sidecar?: string;
  readonly cpu: string;
  readonly memory: string;
}): { label: string; value: string }[] {
  return [
    { label: `${LABEL_PREFIX}.service`, value: spec.serviceName },
    { label: `${LABEL_PREFIX}.revision`, value: spec.revision },
    ...(spec.sidecar !== undefined
      ? [{ label: `${LABEL_PREFIX}.sidecar`, value: spec.sidecar }]
      : []),
    { label: `${LABEL_PREFIX}.limits`, value: `cpu=${spec.cpu} memory=${spec.memory}` },
  ];
}

/**
 * A sidecar's image locally: any `ContainerImage` (built locally), proven non-root.
 * @internal
 */
export function checkLocalImage(owner: string, prop: string, image: unknown): void {
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

/** What the sidecar containers of one local service share with its main container. @internal */
export interface LocalSidecarsSpec {
  /** The `LocalService`: the sidecar containers are its children. */
  readonly scope: Construct;
  readonly provider: TerraformProvider;
  /** The main container: the sidecars join its network namespace. */
  readonly main: Container;
  readonly containerName: string;
  readonly serviceName: string;
  readonly revision: string;
  readonly readOnly: boolean;
  readonly restart: RestartPolicy;
  readonly mounts: LocalMounts;
  /** The docker provider's `docker_container` class (its module is loaded on first use). */
  readonly containerClass: typeof Container;
  /** Checks a sidecar's `cpu` and `memory` and converts them to Docker's units. */
  readonly dockerLimits: (cpu: string, memory: string) => DockerLimits;
}

/**
 * The Docker containers of the sidecars, by sidecar name: each in the main container's network
 * namespace (`network_mode = "container:<id>"`), with the main container's hardening, created
 * after the containers it depends on.
 * @internal
 */
export function createSidecarContainers(
  sidecars: readonly CheckedSidecar[],
  spec: LocalSidecarsSpec,
): { [name: string]: Container } {
  const containers: { [name: string]: Container } = {};
  for (const sidecar of sidecars) {
    const label = `sidecar '${sidecar.name}'`;
    const mounts = spec.mounts.mountsFor(sidecar.name, label);
    const limits = spec.dockerLimits(sidecar.cpu, sidecar.memory);
    containers[sidecar.name] = new spec.containerClass(spec.scope, `Sidecar-${sidecar.name}`, {
      provider: spec.provider,
      name: `${spec.containerName}-${sidecar.name}`,
      image: (sidecar.input.image as ContainerImage).imageId,
      env: sidecarEnv(spec, sidecar),
      networkMode: `container:${spec.main.id}`,
      mounts,
      ...hardening(spec.readOnly, limits, spec.restart, mounts),
      labels: containerLabels({
        serviceName: spec.serviceName,
        revision: spec.revision,
        sidecar: sidecar.name,
        cpu: sidecar.cpu,
        memory: sidecar.memory,
      }),
      lifecycle: { ignoreChanges: ["memory_swap"] },
    });
  }
  // Created after the containers they depend on (the main container: its network namespace).
  for (const sidecar of sidecars) {
    const deps = sidecar.dependsOn
      .filter((d) => d !== MAIN_CONTAINER_NAME)
      .map((d) => containers[d])
      .filter((c) => c !== undefined);
    if (deps.length > 0) {
      containers[sidecar.name].dependsOn = deps.map((d) => dependencyOn(d));
    }
  }
  return containers;
}

/**
 * The `K_*` variables Cloud Run sets in every container of a revision, as `NAME=value`.
 * @internal
 */
export function contractEnv(serviceName: string, revision: string): string[] {
  return [`K_SERVICE=${serviceName}`, `K_REVISION=${revision}`, `K_CONFIGURATION=${serviceName}`];
}

/** A sidecar's environment: Cloud Run's `K_*` variables (PORT is the ingress container's only). */
function sidecarEnv(
  spec: { readonly serviceName: string; readonly revision: string },
  sidecar: CheckedSidecar,
): string[] {
  return [
    ...contractEnv(spec.serviceName, spec.revision),
    ...sidecar.environment.plain.map((entry) => `${entry.name}=${entry.value}`),
  ];
}
