/**
 * The sidecars of a multi-container workload: their names, images, CPU and memory (and the
 * instance's totals), environment, startup probes and `dependsOn` lists, checked as each is
 * added; the start order as a whole is checked with `sidecar-start-order.ts`. This module is not
 * re-exported by `src/index.ts`.
 *
 * Sources:
 * - [sidecars]  https://cloud.google.com/run/docs/deploying#sidecars ("You can deploy up to 10
 *               containers per instance including the ingress container"; the ingress container
 *               is the one that has the port, the others are sidecars reached on localhost;
 *               "If you have containers that depend on other containers, you must use
 *               healthchecks in your deployment. If you use healthchecks, Cloud Run follows the
 *               container startup order and inspects the health of each container, making sure
 *               each passes successfully before Cloud Run starts up the next container")
 * - [contract]  https://cloud.google.com/run/docs/container-contract ("A Cloud Run instance always
 *               has one single ingress container that listens for requests, and optionally one or
 *               more sidecar containers"; PORT is injected into the ingress container)
 * - [v2]        the v2 `Container` message: `name` is a DNS_LABEL; `depends_on` names the
 *               containers that must start first
 * - [quotas]    https://cloud.google.com/run/quotas (at most 8 CPU and 32 GiB per instance)
 * @internal
 */
import { IConstruct } from "constructs";
import {
  checkKnown,
  checkText,
  invalidProp,
  isAbsent,
  isUnresolved,
  knownList,
  knownMap,
} from "../util/check";
import { DEFAULTS } from "./defaults";
import { ContainerEnvironment } from "./environment";
import { Probe, RenderedProbe, renderProbe } from "./probe";
import { formatBytes, parseCpu, parseMemory } from "./resources";
import {
  checkDependsOnList,
  MAIN_CONTAINER_NAME,
  MAX_CONTAINERS,
  SidecarNode,
  startOrderErrors,
} from "./sidecar-start-order";
import { VOLUME_MOUNTS, type VolumeMount } from "./volumes";

/** RFC 1123 label: lowercase letters, digits and inner hyphens, 1 to 63 characters [v2]. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A container name: an RFC 1123 label (1 to 63 lowercase letters, digits and inner hyphens),
 * not the main container's name.
 * @internal
 */
export function validateContainerName(owner: string, prop: string, name: string): void {
  checkText(
    owner,
    prop,
    name,
    "must be 1 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit (a DNS label)",
    (n) => DNS_LABEL.test(n),
  );
  if (name === MAIN_CONTAINER_NAME) {
    throw invalidProp(
      owner,
      prop,
      `must not be "${MAIN_CONTAINER_NAME}": that is the name of the main (ingress) container`,
      name,
    );
  }
}

/** What a sidecar is given as (a `SidecarOptions` of the cloud-run layer). @internal */
export interface SidecarInput {
  readonly name: string;
  readonly image: unknown;
  readonly cpu?: string;
  readonly memory?: string;
  readonly environment?: { [name: string]: string };
  readonly startupProbe?: Probe;
  readonly volumes?: VolumeMount[];
  readonly dependsOn?: string[];
}

/** A sidecar, checked. @internal */
export interface CheckedSidecar extends SidecarNode {
  readonly input: SidecarInput;
  readonly cpu: string;
  readonly memory: string;
  readonly environment: ContainerEnvironment;
  readonly startupProbe?: RenderedProbe;
  /** The mounts given, in order (mounted by the workload with its `WorkloadVolumes`). */
  readonly volumes: readonly VolumeMount[];
}

/** How a workload's sidecars are checked. @internal */
export interface WorkloadSidecarsOptions {
  readonly owner: string;
  /** Where the start-order check runs at synth. */
  readonly scope: IConstruct;
  /** The main container's CPU and memory, for the instance totals. */
  readonly mainCpu: string;
  readonly mainMemory: string;
  /** Checks a sidecar's image given in `prop` (pushed and non-root on Cloud Run, non-root locally). */
  readonly checkImage: (prop: string, image: unknown) => void;
}

const MAX_INSTANCE_CPU = 8;
const MAX_INSTANCE_MEMORY_BYTES = 32 * 1024 * 1024 * 1024;

/**
 * The sidecars of one workload, in the order added: each checked when added (name, image,
 * CPU, memory, instance totals, environment, startup probe, `dependsOn` list, count); the start
 * order (known names, probes, cycles) at synth, or at once with {@link assertStartOrder}.
 * @internal
 */
export class WorkloadSidecars {
  private readonly sidecars: CheckedSidecar[] = [];

  constructor(private readonly options: WorkloadSidecarsOptions) {
    options.scope.node.addValidation({
      validate: () => startOrderErrors(options.owner, this.sidecars),
    });
  }

  /** The sidecars, in the order added. */
  public get list(): readonly CheckedSidecar[] {
    return this.sidecars;
  }

  /** Checks and adds the sidecar given in `prop` (e.g. "sidecars[0]"). */
  public add(prop: string, input: SidecarInput): CheckedSidecar {
    const owner = this.options.owner;
    if (isAbsent(input) || typeof input !== "object" || isUnresolved(input)) {
      throw invalidProp(owner, prop, "must be { name, image, ... }", input);
    }
    if (this.sidecars.length + 1 >= MAX_CONTAINERS) {
      throw invalidProp(
        owner,
        prop,
        `is one sidecar too many: Cloud Run runs at most ${MAX_CONTAINERS} containers per instance, the main (ingress) container included`,
        input.name,
      );
    }
    checkKnown(owner, `${prop}.name`, input.name, "must be known at synth, not a token");
    validateContainerName(owner, `${prop}.name`, input.name);
    const twin = this.sidecars.find((s) => s.name === input.name);
    if (twin !== undefined) {
      throw invalidProp(
        owner,
        `${prop}.name`,
        `must be unique: ${twin.prop} has it already`,
        input.name,
      );
    }
    this.options.checkImage(`${prop}.image`, input.image);

    const cpu = input.cpu ?? DEFAULTS.cpu;
    const memory = input.memory ?? DEFAULTS.memory;
    const cores = isUnresolved(cpu) ? undefined : parseCpu(owner, cpu, `${prop}.cpu`);
    const bytes = isUnresolved(memory) ? undefined : parseMemory(owner, memory, `${prop}.memory`);
    if (bytes !== undefined && bytes < 128 * 1024 * 1024) {
      throw invalidProp(owner, `${prop}.memory`, "must be at least 128Mi", memory);
    }
    this.checkTotals(prop, cpu, memory, cores, bytes);

    const environment = new ContainerEnvironment(owner, {
      alreadySet: "this variable is already set",
    });
    for (const [name, value] of Object.entries(
      knownMap(owner, `${prop}.environment`, input.environment),
    )) {
      environment.addPlain(`${prop}.environment`, name, value);
    }

    let startupProbe: RenderedProbe | undefined;
    if (!isAbsent(input.startupProbe)) {
      const probe = input.startupProbe;
      if (probe instanceof Probe && probe.port === undefined) {
        throw invalidProp(
          owner,
          `${prop}.startupProbe.port`,
          "is required: a sidecar has no container port, so its probe must name the port it checks",
          probe.port,
        );
      }
      // The port is always given: the default port is never used.
      startupProbe = renderProbe(owner, `${prop}.startupProbe`, probe, true, 0);
    }

    const dependsOn = checkDependsOnList(owner, `${prop}.dependsOn`, input.name, input.dependsOn);
    const volumes = knownList(owner, `${prop}.volumes`, input.volumes, VOLUME_MOUNTS);
    const sidecar: CheckedSidecar = {
      prop,
      name: input.name,
      input,
      cpu,
      memory,
      environment,
      startupProbe,
      hasStartupProbe: startupProbe !== undefined,
      dependsOn,
      volumes: [...volumes],
    };
    this.sidecars.push(sidecar);
    return sidecar;
  }

  /** Throws the first start-order error (for sidecars given as props, checked at once). */
  public assertStartOrder(): void {
    const errors = startOrderErrors(this.options.owner, this.sidecars);
    if (errors.length > 0) {
      throw new Error(errors[0]);
    }
  }

  /** The instance's CPU and memory, the sums of its containers', stay within its limits [quotas]. */
  private checkTotals(
    prop: string,
    cpu: string,
    memory: string,
    cores: number | undefined,
    bytes: number | undefined,
  ): void {
    const owner = this.options.owner;
    const all = [
      { cpu: this.options.mainCpu, memory: this.options.mainMemory },
      ...this.sidecars.map((s) => ({ cpu: s.cpu, memory: s.memory })),
    ];
    if (cores !== undefined && all.every((c) => !isUnresolved(c.cpu))) {
      const total = all.reduce((sum, c) => sum + parseCpu(owner, c.cpu), cores);
      if (total > MAX_INSTANCE_CPU) {
        throw invalidProp(
          owner,
          `${prop}.cpu`,
          `must keep the instance's CPU, the sum of its containers', at most ${MAX_INSTANCE_CPU} (it would be ${total})`,
          cpu,
        );
      }
    }
    if (bytes !== undefined && all.every((c) => !isUnresolved(c.memory))) {
      const total = all.reduce((sum, c) => sum + parseMemory(owner, c.memory), bytes);
      if (total > MAX_INSTANCE_MEMORY_BYTES) {
        throw invalidProp(
          owner,
          `${prop}.memory`,
          `must keep the instance's memory, the sum of its containers', at most 32Gi (it would be ${formatBytes(total)})`,
          memory,
        );
      }
    }
  }
}
