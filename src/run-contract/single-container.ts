/**
 * The one container of a job or a worker pool and what comes with it: its environment and
 * secrets, its volumes, the grants of both to the workload's identity, and its container block.
 * This module is not re-exported by `src/index.ts`.
 * @internal
 */
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { knownList } from "../util/check";
import { RenderedValue } from "../util/rendered-value";
import { PortlessContainer, renderPortlessContainer } from "./container";
import { ContainerEnvironmentOptions } from "./environment";
import { RuntimeSettings } from "./resources";
import { SecretReference } from "./secrets";
import { MAIN_CONTAINER_NAME as MAIN } from "./sidecar-start-order";
import { Volume, VOLUME_MOUNTS, VolumeMount } from "./volumes";
import { WorkloadEnvironment } from "./workload-environment";
import { WorkloadVolumes } from "./workload-volumes";

/** The props the container is made from. @internal */
export interface SingleContainerProps {
  readonly environment?: { [name: string]: string };
  readonly secrets?: { [name: string]: SecretReference };
  readonly volumes?: VolumeMount[];
}

/** How the container is checked. @internal */
export interface SingleContainerOptions {
  /** Who complains, e.g. `CloudRunJob 'Stack/migrate'`. */
  readonly owner: string;
  /** The workload construct (warnings and synth-time checks). */
  readonly scope: Construct;
  /** How messages name the container, e.g. "the job's container". */
  readonly label: string;
  /** The container's memory limit (checked), for the in-memory volumes. */
  readonly memory: string;
  readonly environment: ContainerEnvironmentOptions;
}

/**
 * The one container of a workload that always runs in the second generation execution
 * environment (a job or a worker pool): every prop is checked at construction, before anything
 * is created; {@link bind} grants the workload's identity what its secrets and volumes need once
 * its resource exists.
 * @internal
 */
export class SingleContainer {
  public readonly environment: WorkloadEnvironment;
  public readonly volumes: WorkloadVolumes;
  private bound = false;

  constructor(
    props: SingleContainerProps,
    private readonly options: SingleContainerOptions,
  ) {
    this.environment = new WorkloadEnvironment(options.owner, props, options.environment);
    // No execution environment choice: jobs and worker pools always run in GEN2.
    this.volumes = new WorkloadVolumes({ owner: options.owner, scope: options.scope });
    this.volumes.addContainer(MAIN, options.label, options.memory);
    knownList(options.owner, "volumes", props.volumes, VOLUME_MOUNTS).forEach((mount, index) =>
      this.volumes.mount(`volumes[${index}]`, MAIN, mount),
    );
  }

  /** The container block (image, resources, environment, mounts; no port). */
  public render(spec: {
    readonly image: string;
    readonly runtime: RuntimeSettings;
    readonly command?: string[];
    readonly args?: string[];
  }): PortlessContainer {
    return renderPortlessContainer({
      ...spec,
      environment: this.environment.container,
      volumeMounts: this.volumes.renderMounts(MAIN),
    });
  }

  /** The template's `volumes` block, rendered at synth. */
  public renderVolumes(): RenderedValue {
    return this.volumes.renderVolumes();
  }

  /**
   * Once the workload's resource exists: grants `member` (its identity) what every secret and
   * volume needs, each grant a dependency of `resource`; later ones are granted when added.
   */
  public bind(member: string, project: string | undefined, resource: TerraformResource): void {
    this.environment.bind(this.options.scope, member, project, resource, this.volumes);
    this.bound = true;
  }

  /** Mounts `volume` at `path` (the rules of `volumes`), granting what it needs. */
  public addVolume(path: string, volume: Volume): void {
    if (!this.bound) {
      throw new Error(`${this.options.owner}: volumes are added after construction`);
    }
    const index = this.volumes.mountsOf(MAIN).length;
    this.volumes.mount(`volumes[${index}]`, MAIN, { path, volume });
  }
}
