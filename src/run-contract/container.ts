/**
 * The container contract of every Cloud Run workload: which images may run, and how one
 * container block (image, port, resources, environment, probes) is rendered for the provider's
 * `template.containers` of a service (and of jobs, worker pools and sidecars, whose blocks are
 * the same fields or a subset). This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { invalidProp } from "../util/check";
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
    readonly cpuIdle: boolean;
    readonly startupCpuBoost?: boolean;
  };
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
  return {
    name: spec.name,
    image: spec.image,
    ports: spec.port !== undefined ? { containerPort: spec.port } : undefined,
    resources: {
      limits: { cpu: spec.runtime.cpu, memory: spec.runtime.memory },
      cpuIdle: spec.runtime.cpuIdle,
      startupCpuBoost: spec.startupCpuBoost,
    },
    env: spec.environment.render(),
    startupProbe: spec.startupProbe,
    livenessProbe: spec.livenessProbe,
    dependsOn:
      spec.dependsOn !== undefined && spec.dependsOn.length > 0 ? [...spec.dependsOn] : undefined,
    volumeMounts: spec.volumeMounts,
  };
}
