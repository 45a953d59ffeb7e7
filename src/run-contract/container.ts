/**
 * The container contract of every Cloud Run workload: which images may run, and how one
 * container block (image, port, resources, environment, probes) is rendered for the provider's
 * `template.containers` of a service (and of jobs, worker pools and sidecars, whose blocks are
 * the same fields or a subset). This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { invalidProp, isUnresolved } from "../util/check";
import { RenderedValue } from "../util/rendered-value";
import { ContainerEnvironment } from "./environment";
import { RenderedProbe } from "./probe";
import { RuntimeSettings } from "./resources";

/**
 * What the container contract needs of an image (a `ContainerImage` of the image layer, which
 * sits above this one).
 * @internal
 */
export interface RunnableImage {
  /** `<uri>@<digest>` for a pushed image. */
  readonly imageRef: string;
  readonly isPushed: boolean;
  readonly localImageName: string;
  readonly repository?: { readonly isArtifactRegistry: boolean; readonly registryHost: string };
  readonly dockerfile: { assertNonRoot(owner: string): void };
  readonly node: { readonly path: string };
}

/**
 * Checks the image a Cloud Run container runs: a `ContainerImage` pushed to Artifact Registry
 * (Cloud Run pulls from nowhere else), proven to run as a non-root user (defence in depth next
 * to the image's own check).
 * @internal
 */
export function checkCloudRunImage(owner: string, prop: string, image: RunnableImage): void {
  if (
    image === undefined ||
    image === null ||
    typeof image.dockerfile?.assertNonRoot !== "function"
  ) {
    throw invalidProp(owner, prop, "is required: a ContainerImage with a repository", image);
  }
  if (!image.isPushed) {
    throw invalidProp(
      owner,
      prop,
      "must be pushed to a registry (give the ContainerImage a `repository`): a local-only image cannot run on Cloud Run",
      image.localImageName ?? image.node.path,
    );
  }
  if (image.repository?.isArtifactRegistry === false) {
    throw invalidProp(
      owner,
      prop,
      "must be pushed to an Artifact Registry repository: Cloud Run pulls images from Artifact Registry, not from " +
        `${image.repository.registryHost} (mirror it with an Artifact Registry remote repository)`,
      image.localImageName,
    );
  }
  image.dockerfile.assertNonRoot(owner);
}

/**
 * Checks a container's `command` or `args` prop: a list of strings (tokens allowed as
 * elements), `command` not empty. They replace the image's `ENTRYPOINT` and `CMD` (the Cloud
 * Run container fields, https://cloud.google.com/run/docs/reference/rest/v2/Container); a
 * whole list only known at apply cannot be checked and is refused.
 * @internal
 */
export function checkCommandLine(
  owner: string,
  prop: "command" | "args",
  value: string[] | undefined,
): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const what =
    prop === "command"
      ? "must be a non-empty list of strings known at synth (the executable and its first arguments; it replaces the image's ENTRYPOINT)"
      : "must be a list of strings known at synth (it replaces the image's CMD)";
  if (isUnresolved(value) || !Array.isArray(value) || (prop === "command" && value.length === 0)) {
    throw invalidProp(owner, prop, what, value);
  }
  value.forEach((item, index) => {
    if (typeof item !== "string") {
      throw invalidProp(owner, `${prop}[${index}]`, "must be a string", item);
    }
  });
  if (prop === "command" && !isUnresolved(value[0]) && value[0].trim() === "") {
    throw invalidProp(owner, "command[0]", "must name the executable, not be empty", value[0]);
  }
  return [...value];
}

/** One container of a workload, checked. @internal */
export interface ContainerSpec {
  /**
   * The container's name (a DNS label), needed when a workload has several containers.
   * @default - no name
   */
  readonly name?: string;
  /** What runs: the image's `imageRef`. */
  readonly image: string;
  /** The port the container listens on (services; absent for jobs and worker pools). */
  readonly port?: number;
  readonly runtime: RuntimeSettings;
  readonly startupCpuBoost?: boolean;
  readonly environment: ContainerEnvironment;
  readonly startupProbe?: RenderedProbe;
  readonly livenessProbe?: RenderedProbe;
  /** Replaces the image's `ENTRYPOINT` (checked with {@link checkCommandLine}). */
  readonly command?: string[];
  /** Replaces the image's `CMD` (checked with {@link checkCommandLine}). */
  readonly args?: string[];
  /**
   * Whether the block carries a service's billing settings (`cpu_idle`, `startup_cpu_boost`).
   * Jobs and worker pools have neither field.
   * @default true
   */
  readonly serviceBilling?: boolean;
  /**
   * The names of the containers that must have started (passed their startup probes) first.
   * @default - none
   */
  readonly dependsOn?: readonly string[];
  /**
   * The container's `volume_mounts`, rendered at synth (mounts can be added after construction),
   * from `WorkloadVolumes.renderMounts`.
   * @default - no mounts
   */
  readonly volumeMounts?: RenderedValue;
}

/** A container block (the provider's field names). @internal */
export interface RenderedContainer {
  readonly name?: string;
  readonly image: string;
  readonly ports?: { readonly containerPort: number };
  readonly resources: {
    readonly limits: { readonly [key: string]: string };
    readonly cpuIdle?: boolean;
    readonly startupCpuBoost?: boolean;
  };
  readonly command?: string[];
  readonly args?: string[];
  /** Rendered at synth: variables can be added after construction. */
  readonly env: RenderedValue;
  readonly startupProbe?: RenderedProbe;
  readonly livenessProbe?: RenderedProbe;
  readonly dependsOn?: string[];
  /** Rendered at synth: mounts can be added after construction. */
  readonly volumeMounts?: RenderedValue;
}

/**
 * Renders a container block.
 * @internal
 */
export function renderContainer(spec: ContainerSpec): RenderedContainer {
  const limits = { cpu: spec.runtime.cpu, memory: spec.runtime.memory };
  return {
    name: spec.name,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    ports: spec.port !== undefined ? { containerPort: spec.port } : undefined,
    resources:
      (spec.serviceBilling ?? true)
        ? { limits, cpuIdle: spec.runtime.cpuIdle, startupCpuBoost: spec.startupCpuBoost }
        : { limits },
    env: spec.environment.render(),
    startupProbe: spec.startupProbe,
    livenessProbe: spec.livenessProbe,
    dependsOn:
      spec.dependsOn !== undefined && spec.dependsOn.length > 0 ? [...spec.dependsOn] : undefined,
    volumeMounts: spec.volumeMounts,
  };
}

/** The container block of a job or worker pool: no port. @internal */
export type PortlessContainer = Omit<RenderedContainer, "ports">;

/**
 * Renders the container block of a job or a worker pool: neither listens on a port, and
 * neither has a service's billing settings (`cpu_idle`, `startup_cpu_boost`) or liveness probe.
 * @internal
 */
export function renderPortlessContainer(
  spec: Omit<ContainerSpec, "port" | "serviceBilling" | "startupCpuBoost" | "livenessProbe">,
): PortlessContainer {
  const { ports: _ports, ...container } = renderContainer({ ...spec, serviceBilling: false });
  return container;
}
