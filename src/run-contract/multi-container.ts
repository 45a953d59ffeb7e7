/**
 * The containers of a workload that can run sidecars (a service, and its local twin): the main
 * (ingress) container and its sidecars with the volumes each mounts, checked when they are given
 * or added, and, for Cloud Run, rendered into the template's `containers`. This module is not
 * re-exported by `src/index.ts`.
 * @internal
 */
import { IConstruct } from "constructs";
import { knownList } from "../util/check";
import { RenderedContainer, renderContainer, RunnableImage } from "./container";
import { RuntimeSettings } from "./resources";
import { MAIN_CONTAINER_NAME } from "./sidecar-start-order";
import { CheckedSidecar, SidecarInput, WorkloadSidecars } from "./sidecars";
import { Volume, VOLUME_MOUNTS, VolumeMount } from "./volumes";
import { ExecutionEnvironmentChoice, WorkloadVolumes } from "./workload-volumes";

/** The props the containers are made from. @internal */
export interface MultiContainerProps {
  readonly volumes?: VolumeMount[];
  readonly sidecars?: SidecarInput[];
}

/** How the containers are checked. @internal */
export interface MultiContainerOptions {
  /** Who complains, e.g. `CloudRunService 'Stack/api'`. */
  readonly owner: string;
  /** The workload construct (warnings and synth-time checks). */
  readonly scope: IConstruct;
  /**
   * The execution environment, for a workload that can choose one.
   * @default - none chosen (see {@link WorkloadVolumes})
   */
  readonly executionEnvironment?: ExecutionEnvironmentChoice;
  /** The main container's CPU and memory (checked), for the instance totals and its volumes. */
  readonly mainCpu: string;
  readonly mainMemory: string;
  /** Checks a sidecar's image given in `prop` (pushed and non-root on Cloud Run, non-root locally). */
  readonly checkImage: (prop: string, image: unknown) => void;
}

/**
 * The key of the main container in the workload's volumes: its name, which no sidecar may take.
 * @internal
 */
export const MAIN = MAIN_CONTAINER_NAME;

/**
 * The main container and the sidecars of one workload: `props.volumes` are mounted into the main
 * container and `props.sidecars` added (with their volumes) at construction, and their start order
 * checked at once; {@link addVolume} and {@link addSidecar} add more later (the start order is
 * then checked at synth).
 * @internal
 */
export class MultiContainer {
  public readonly volumes: WorkloadVolumes;
  public readonly sidecars: WorkloadSidecars;

  constructor(props: MultiContainerProps, options: MultiContainerOptions) {
    const owner = options.owner;
    this.volumes = new WorkloadVolumes({
      owner,
      scope: options.scope,
      executionEnvironment: options.executionEnvironment,
    });
    this.volumes.addContainer(MAIN, "the main container", options.mainMemory);
    this.sidecars = new WorkloadSidecars({
      owner,
      scope: options.scope,
      mainCpu: options.mainCpu,
      mainMemory: options.mainMemory,
      checkImage: options.checkImage,
    });
    knownList(owner, "volumes", props.volumes, VOLUME_MOUNTS).forEach((mount, index) =>
      this.volumes.mount(`volumes[${index}]`, MAIN, mount),
    );
    knownList(owner, "sidecars", props.sidecars).forEach((sidecar, index) =>
      this.add(`sidecars[${index}]`, sidecar),
    );
    this.sidecars.assertStartOrder();
  }

  /** Mounts `volume` at `path` in the main container (the rules of `volumes`). */
  public addVolume(path: string, volume: Volume): void {
    this.volumes.mount(`volumes[${this.volumes.mountsOf(MAIN).length}]`, MAIN, { path, volume });
  }

  /** Adds a sidecar (the rules of `sidecars`) and mounts its volumes. */
  public addSidecar(sidecar: SidecarInput): void {
    this.add(`sidecars[${this.sidecars.list.length}]`, sidecar);
  }

  /**
   * The template's containers: the main one, named "main" when there are sidecars, then the
   * sidecars with the main container's runtime settings and their own CPU and memory.
   */
  public render(spec: {
    readonly main: RenderedContainer;
    readonly runtime: RuntimeSettings;
    readonly startupCpuBoost?: boolean;
  }): RenderedContainer[] {
    const sidecars = this.sidecars.list;
    return [
      sidecars.length > 0 ? { ...spec.main, name: MAIN_CONTAINER_NAME } : spec.main,
      ...sidecars.map((s) => this.renderSidecar(s, spec.runtime, spec.startupCpuBoost)),
    ];
  }

  /** Adds the sidecar given in `prop` and mounts its volumes. */
  private add(prop: string, input: SidecarInput): void {
    const sidecar = this.sidecars.add(prop, input);
    this.volumes.addContainer(sidecar.name, `sidecar '${sidecar.name}'`, sidecar.memory);
    sidecar.volumes.forEach((mount, index) =>
      this.volumes.mount(`${prop}.volumes[${index}]`, sidecar.name, mount),
    );
  }

  private renderSidecar(
    sidecar: CheckedSidecar,
    runtime: RuntimeSettings,
    startupCpuBoost: boolean | undefined,
  ): RenderedContainer {
    return renderContainer({
      name: sidecar.name,
      image: (sidecar.input.image as RunnableImage).imageRef,
      runtime: { ...runtime, cpu: sidecar.cpu, memory: sidecar.memory },
      startupCpuBoost,
      environment: sidecar.environment,
      startupProbe: sidecar.startupProbe,
      dependsOn: sidecar.dependsOn,
      volumeMounts: this.volumes.renderMounts(sidecar.name),
    });
  }
}
