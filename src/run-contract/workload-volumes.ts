/**
 * The volumes of one workload (a service, a job, a worker pool): its containers' mounts,
 * checked when they are added (path, duplicates, Cloud SQL's path, execution environment,
 * in-memory accounting), the `template.volumes` and `volume_mounts` blocks they render to, and
 * the grants of its identity. This module is not re-exported by `src/index.ts`.
 *
 * Sources: see `volumes.ts` ([in-memory], [gen2], [nfs], [sql]) and
 * - [memory] https://cloud.google.com/run/docs/configuring/services/memory-limits (512Mi at
 *            least in the second generation execution environment)
 * @internal
 */
import { Annotations } from "cdktf";
import { IConstruct } from "constructs";
import { describeValue, invalidProp, isAbsent, isUnresolved } from "../util/check";
import { RenderedValue } from "../util/rendered-value";
import { EXECUTION_ENVIRONMENT_GEN1, EXECUTION_ENVIRONMENT_GEN2 } from "./execution-environment";
import { formatBytes, parseMemory } from "./resources";
import {
  CLOUD_SQL_MOUNT_PATH,
  uniqueName,
  validateMountPath,
  volumeNameFromPath,
} from "./mount-paths";
import { warnLatestSecretVersion } from "./secrets";
import { VolumeGrants } from "./volume-grants";
import { describeKind, needsGen2, renderVolume, VolumeSpec } from "./volume-spec";
import { Volume, VolumeMount } from "./volumes";

const MI = 1024 * 1024;
/** The least memory of an instance in the second generation environment [memory]. */
const GEN2_MIN_MEMORY_BYTES = 512 * MI;

/**
 * The execution environment of a workload that can choose one (a service). Jobs and worker
 * pools always run in the second generation [gen2] and give none.
 * @internal
 */
export interface ExecutionEnvironmentChoice {
  /** The value the user gave (API value), if any. */
  readonly given?: string;
  /** The value the other settings imply when none is given (GEN1 for a cpu below 1). */
  readonly implied?: string;
  /** Why `implied`, completing "but ...", e.g. 'a cpu below 1 ("0.5") needs GEN1'. */
  readonly impliedBecause?: string;
}

/** How a workload's volumes behave. @internal */
export interface WorkloadVolumesOptions {
  /** Who complains, e.g. `CloudRunService 'Stack/api'`. */
  readonly owner: string;
  /** Where warnings are reported and the synth-time check is registered. */
  readonly scope: IConstruct;
  /**
   * The execution environment, for a workload that can choose one.
   * @default - the workload always runs in the second generation environment
   */
  readonly executionEnvironment?: ExecutionEnvironmentChoice;
}

/** One mount of one container. @internal */
export interface MountEntry {
  /** The prop it was given in, e.g. "volumes[0]" or "sidecars[1].volumes[0]". */
  readonly prop: string;
  readonly path: string;
  readonly volume: Volume;
  readonly spec: VolumeSpec;
  /** The volume's name in `template.volumes`. */
  readonly name: string;
}

interface ContainerEntry {
  /** How messages name it: "the main container", "sidecar 'proxy'". */
  readonly label: string;
  readonly memory?: string;
  readonly memoryBytes?: number;
  readonly mounts: MountEntry[];
}

/**
 * The volumes and mounts of one workload. Declare each container with its memory limit
 * ({@link addContainer}), then mount volumes into it ({@link mount}); render
 * `template.volumes` with {@link renderVolumes} and each container's `volume_mounts` with
 * {@link renderMounts}. After the workload's resource exists, {@link attachGrants} grants what
 * every volume mounted so far needs, and every later one when it is mounted.
 * @internal
 */
export class WorkloadVolumes {
  private readonly containers = new Map<string, ContainerEntry>();
  private readonly volumes = new Map<Volume, string>();
  private readonly names = new Set<string>();
  private readonly warned = new Set<string>();
  private grants?: VolumeGrants;

  constructor(private readonly options: WorkloadVolumesOptions) {
    options.scope.node.addValidation({
      validate: () => {
        this.warnDefaultSizes();
        return [];
      },
    });
  }

  /** True when a volume is mounted. */
  public get isEmpty(): boolean {
    return this.volumes.size === 0;
  }

  /**
   * Declares a container: `key` identifies it in {@link mount} and {@link renderMounts}, `label`
   * names it in messages, `memory` is its memory limit (a token skips the memory checks).
   */
  public addContainer(key: string, label: string, memory: string | undefined): void {
    const memoryBytes =
      memory === undefined || isUnresolved(memory)
        ? undefined
        : parseMemory(this.options.owner, memory);
    this.containers.set(key, { label, memory, memoryBytes, mounts: [] });
  }

  /**
   * Checks a mount of the container `key`, given in `prop` (e.g. "volumes[0]"), adds it and,
   * when the grants are attached, grants what its volume needs.
   */
  public mount(prop: string, key: string, mount: VolumeMount): MountEntry {
    const owner = this.options.owner;
    const container = this.containers.get(key);
    if (container === undefined) {
      throw new Error(`${owner}: no container ${key} to mount ${prop} into`);
    }
    if (isAbsent(mount) || typeof mount !== "object" || isUnresolved(mount)) {
      throw invalidProp(owner, prop, "must be a volume mount { path, volume }", mount);
    }
    if (!Volume.isVolume(mount.volume)) {
      throw invalidProp(
        owner,
        `${prop}.volume`,
        "must be made with Volume.secret(), Volume.emptyDir(), Volume.cloudStorage(), Volume.nfs() or Volume.cloudSql()",
        mount.volume,
      );
    }
    const path = mount.path;
    validateMountPath(owner, `${prop}.path`, path);
    const spec = mount.volume._spec();
    if (spec.kind === "cloudSql" && !isUnresolved(path) && path !== CLOUD_SQL_MOUNT_PATH) {
      throw invalidProp(
        owner,
        `${prop}.path`,
        `must be ${CLOUD_SQL_MOUNT_PATH} for a Cloud SQL volume: Cloud Run mounts each instance's socket at ${CLOUD_SQL_MOUNT_PATH}/<instance connection name>`,
        path,
      );
    }
    const clash = container.mounts.find((m) => !isUnresolved(path) && m.path === path);
    if (clash !== undefined) {
      throw invalidProp(
        owner,
        `${prop}.path`,
        `must be unique per container: ${container.label} already mounts ${describeKind(clash.spec)} there (${clash.prop})`,
        path,
      );
    }
    this.checkExecutionEnvironment(prop, path, spec);
    this.checkInMemory(prop, container, mount.volume, spec);
    this.warnFor(prop, path, spec);

    let name = this.volumes.get(mount.volume);
    if (name === undefined) {
      name = uniqueName(isUnresolved(path) ? "volume" : volumeNameFromPath(path), this.names);
      this.names.add(name);
      this.volumes.set(mount.volume, name);
      this.grants?.grant(spec);
    }
    const entry: MountEntry = { prop, path, volume: mount.volume, spec, name };
    container.mounts.push(entry);
    return entry;
  }

  /**
   * Grants what each volume mounted so far needs, and from now on what each new one needs when
   * it is mounted.
   */
  public attachGrants(grants: VolumeGrants): void {
    this.grants = grants;
    for (const volume of this.volumes.keys()) {
      grants.grant(volume._spec());
    }
  }

  /** The mounts of container `key`, in the order they were added. */
  public mountsOf(key: string): readonly MountEntry[] {
    return this.containers.get(key)?.mounts ?? [];
  }

  /** Every volume, once, in the order they were first mounted, with its name. */
  public get all(): ReadonlyArray<{ readonly name: string; readonly volume: Volume }> {
    return [...this.volumes.entries()].map(([volume, name]) => ({ name, volume }));
  }

  /**
   * The first mount whose volume needs the second generation execution environment.
   */
  public get gen2Mount(): MountEntry | undefined {
    for (const container of this.containers.values()) {
      const found = container.mounts.find((m) => needsGen2(m.spec));
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }

  /**
   * The execution environment to write (API value): the one given, else GEN2 when a volume
   * needs it, else the implied one (undefined: Cloud Run's choice).
   */
  public executionEnvironment(): string | undefined {
    const choice = this.options.executionEnvironment;
    if (choice === undefined) {
      return undefined;
    }
    if (choice.given !== undefined) {
      return choice.given;
    }
    return this.gen2Mount !== undefined ? EXECUTION_ENVIRONMENT_GEN2 : choice.implied;
  }

  /** `template.volumes`, rendered at synth (absent without volumes). */
  public renderVolumes(): RenderedValue {
    return new RenderedValue(() =>
      this.volumes.size === 0
        ? undefined
        : [...this.volumes.entries()].map(([volume, name]) => renderVolume(name, volume._spec())),
    );
  }

  /** The `volume_mounts` of container `key`, rendered at synth (absent without mounts). */
  public renderMounts(key: string): RenderedValue {
    return new RenderedValue(() => {
      const mounts = this.mountsOf(key);
      return mounts.length === 0
        ? undefined
        : mounts.map((m) => ({ name: m.name, mount_path: m.path }));
    });
  }

  /** A volume that needs GEN2 in a workload that does not run in it: an error naming the volume. */
  private checkExecutionEnvironment(prop: string, path: string, spec: VolumeSpec): void {
    const choice = this.options.executionEnvironment;
    if (choice === undefined || !needsGen2(spec)) {
      return;
    }
    const what = `${describeKind(spec)} at ${describeValue(path)} needs the second generation execution environment (GEN2)`;
    if (choice.given !== undefined && !isUnresolved(choice.given)) {
      if (choice.given === EXECUTION_ENVIRONMENT_GEN1) {
        throw invalidProp(
          this.options.owner,
          `${prop}.volume`,
          `the ${what}, but executionEnvironment is ExecutionEnvironment.GEN1: set ExecutionEnvironment.GEN2, or leave executionEnvironment unset and GEN2 is set`,
          spec.kind,
        );
      }
    } else if (choice.given === undefined && choice.implied === EXECUTION_ENVIRONMENT_GEN1) {
      throw invalidProp(
        this.options.owner,
        `${prop}.volume`,
        `the ${what}, but ${choice.impliedBecause ?? "the workload needs GEN1"}`,
        spec.kind,
      );
    }
    const total = this.totalMemoryBytes();
    if (total !== undefined && total < GEN2_MIN_MEMORY_BYTES) {
      const memories = [...this.containers.values()].map((c) => c.memory).join(" + ");
      throw invalidProp(
        this.options.owner,
        "memory",
        `must be at least 512Mi: the ${what}, where an instance has at least 512Mi`,
        memories,
      );
    }
  }

  /**
   * The size limits of the in-memory volumes a container mounts must stay below its memory
   * limit: the data written there is its memory [in-memory].
   */
  private checkInMemory(
    prop: string,
    container: ContainerEntry,
    volume: Volume,
    spec: VolumeSpec,
  ): void {
    if (spec.kind !== "emptyDir" || spec.sizeBytes === undefined) {
      return;
    }
    if (container.memoryBytes === undefined) {
      return;
    }
    const volumes = new Map<Volume, VolumeSpec>([[volume, spec]]);
    for (const m of container.mounts) {
      if (m.spec.kind === "emptyDir") {
        volumes.set(m.volume, m.spec);
      }
    }
    const sized = [...volumes.values()].filter(
      (s): s is Extract<VolumeSpec, { kind: "emptyDir" }> =>
        s.kind === "emptyDir" && s.sizeBytes !== undefined,
    );
    const sum = sized.reduce((total, s) => total + (s.sizeBytes ?? 0), 0);
    if (sum >= container.memoryBytes) {
      const sizes = sized.map((s) => s.sizeLimit).join(" + ");
      throw invalidProp(
        this.options.owner,
        `${prop}.volume`,
        `the size limits of the in-memory volumes ${container.label} mounts (${sizes} = ${formatBytes(sum)}) must add up to less than its memory limit ${container.memory}: what is written to an in-memory volume counts as the memory of the container that writes it`,
        spec.sizeLimit,
      );
    }
  }

  private warnFor(prop: string, path: string, spec: VolumeSpec): void {
    const scope = this.options.scope;
    const owner = this.options.owner;
    if (spec.kind === "secret" && !spec.versionGiven) {
      warnLatestSecretVersion(
        scope,
        owner,
        `the secret volume ${prop} at ${describeValue(path)}`,
        spec.secret,
      );
    }
    if (spec.kind === "nfs" && !spec.readOnly) {
      Annotations.of(scope).addWarning(
        `${owner}: the NFS volume ${prop} at ${describeValue(path)} is writable, but the workload's images run as a non-root user: ` +
          `Cloud Run documents that writing to an NFS volume needs root unless the share's directory belongs to the container's user ` +
          `(change its owner to the image's uid, e.g. 65532), else writes fail.`,
      );
    }
  }

  /**
   * Volumes without a size limit get Cloud Run's: half of the memory of all containers
   * [in-memory]. A warning when that, with the container's other in-memory volumes, is as much
   * as the memory of a container that mounts it.
   */
  private warnDefaultSizes(): void {
    const defaultSize = this.defaultEmptyDirSizeBytes();
    if (defaultSize === undefined) {
      return;
    }
    for (const container of this.containers.values()) {
      const emptyDirs = new Map<Volume, MountEntry>();
      for (const m of container.mounts) {
        if (m.spec.kind === "emptyDir" && !emptyDirs.has(m.volume)) {
          emptyDirs.set(m.volume, m);
        }
      }
      const unsized = [...emptyDirs.values()].filter(
        (m) => m.spec.kind === "emptyDir" && m.spec.sizeLimit === undefined,
      );
      if (unsized.length === 0 || container.memoryBytes === undefined) {
        continue;
      }
      const sum = [...emptyDirs.values()].reduce(
        (s, m) => s + (m.spec.kind === "emptyDir" ? (m.spec.sizeBytes ?? defaultSize) : 0),
        0,
      );
      if (sum < container.memoryBytes) {
        continue;
      }
      const paths = unsized.map((m) => describeValue(m.path)).join(", ");
      const warning =
        `${this.options.owner}: the in-memory volume${unsized.length > 1 ? "s" : ""} at ${paths} ` +
        `${unsized.length > 1 ? "have" : "has"} no sizeLimit, so Cloud Run limits ${unsized.length > 1 ? "each" : "it"} to half of the memory of all containers (${formatBytes(defaultSize)}); ` +
        `with the other in-memory volumes of ${container.label} that is ${formatBytes(sum)}, as much as its memory limit ${container.memory}: ` +
        `filling ${unsized.length > 1 ? "them" : "it"} would stop the container. Set sizeLimit below ${container.memory}.`;
      if (!this.warned.has(warning)) {
        this.warned.add(warning);
        Annotations.of(this.options.scope).addWarning(warning);
      }
    }
  }

  /**
   * The size Cloud Run gives an in-memory volume without a size limit: half of the memory of all
   * containers [in-memory]; undefined when a memory limit is a token.
   */
  public defaultEmptyDirSizeBytes(): number | undefined {
    const total = this.totalMemoryBytes();
    return total === undefined ? undefined : Math.floor(total / 2);
  }

  /** The memory limits of all containers added up; undefined when one is a token. */
  private totalMemoryBytes(): number | undefined {
    const sizes = [...this.containers.values()].map((c) => c.memoryBytes);
    return sizes.includes(undefined) ? undefined : sizes.reduce((a, b) => a! + b!, 0);
  }
}
