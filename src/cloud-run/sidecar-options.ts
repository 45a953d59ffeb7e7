import type { ContainerImage } from "../image/container-image";
import type { Probe } from "../run-contract/probe";
import type { VolumeMount } from "../run-contract/volumes";

/**
 * A sidecar: a container that runs next to a service's main (ingress) container in every
 * instance, reached on `localhost` (the containers share the network), e.g. a proxy or a
 * collector. Only the main container has a port and receives requests; a sidecar listens on
 * `localhost` on whatever port it chooses, and is not reachable from outside the instance.
 */
export interface SidecarOptions {
  /**
   * The container name: 1 to 63 lowercase letters, digits or hyphens, starting and ending with a
   * letter or digit; unique in the service, and not "main" (the main container's name when the
   * service has sidecars).
   */
  readonly name: string;

  /**
   * The image: a `ContainerImage` pushed to Artifact Registry, whose final stage is proven to run
   * as a non-root user (as the main image).
   */
  readonly image: ContainerImage;

  /**
   * The CPU limit of the sidecar: "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1
   * (e.g. "0.5" or "500m"). The instance's CPU is the sum of its containers' (at most 8).
   * @default "1" (Cloud Run's default for a container)
   */
  readonly cpu?: string;

  /**
   * The memory limit of the sidecar, e.g. "256Mi" (units Mi, Gi, M, G). The instance's memory is
   * the sum of its containers' (at most 32Gi).
   * @default "512Mi" (Cloud Run's default for a container)
   */
  readonly memory?: string;

  /**
   * Environment variables of the sidecar, with the rules of the service's `environment` (C
   * identifiers; `PORT`, `K_SERVICE`, `K_REVISION` and `K_CONFIGURATION` are reserved). Values
   * are stored in plain text in the Terraform configuration and state.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The startup probe (HTTP, TCP or gRPC). A sidecar has no container port, so the probe must
   * name its `port`. Required when another container lists this sidecar in its `dependsOn`:
   * Cloud Run starts that container once this probe passes.
   * @default - no startup probe
   */
  readonly startupProbe?: Probe;

  /**
   * Volumes mounted into the sidecar: mount a `Volume` that the main container mounts too (the
   * same object) to share it, e.g. an in-memory `Volume.emptyDir()`.
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * The names of the containers that must have started (passed their startup probes) before this
   * one: other sidecars, or "main" for the main container. No cycles.
   * @default - none: Cloud Run starts it with the others
   */
  readonly dependsOn?: string[];
}
