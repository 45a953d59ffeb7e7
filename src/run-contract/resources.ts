/**
 * The CPU and memory of a Cloud Run container, their combinations, and what a fractional CPU
 * implies (concurrency, billing, execution environment). This module is not re-exported by
 * `src/index.ts`.
 *
 * Sources:
 * - [cpu]    https://cloud.google.com/run/docs/configuring/services/cpu
 * - [memory] https://cloud.google.com/run/docs/configuring/services/memory-limits
 * @internal
 */
import { checkInteger, invalidProp, isUnresolved } from "../util/check";
import { EXECUTION_ENVIRONMENT_GEN1, EXECUTION_ENVIRONMENT_GEN2 } from "./execution-environment";

const MI = 1024 * 1024;
const GI = 1024 * MI;

// ---------------------------------------------------------------------------------------------
// CPU [cpu], DESIGN §3

const CPU_WHOLE_VALUES = [1, 2, 4, 6, 8];
const CPU_ALLOWED_TEXT =
  'must be "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1 in steps of 0.001 (e.g. "0.5" or "500m")';

/**
 * Parses a CPU limit in Kubernetes CPU units ("1", "2.0", "0.5", "500m", "2000m") and checks it
 * against Cloud Run's values: 1, 2, 4, 6, 8, or a fraction from 0.08 to below 1 in steps of 0.001.
 * Returns the number of cores.
 * @internal
 */
export function parseCpu(owner: string, value: string, prop = "cpu"): number {
  if (typeof value !== "string") {
    throw invalidProp(owner, prop, CPU_ALLOWED_TEXT, value);
  }
  let millis: number;
  const milli = /^([0-9]+)m$/.exec(value);
  const decimal = /^([0-9]+)(?:\.([0-9]+))?$/.exec(value);
  if (milli) {
    millis = Number(milli[1]);
  } else if (decimal) {
    const fraction = decimal[2] ?? "";
    // More than three decimals (after trailing zeros) is below Cloud Run's 0.001 step.
    if (fraction.replace(/0+$/, "").length > 3) {
      throw invalidProp(owner, prop, CPU_ALLOWED_TEXT, value);
    }
    millis = Number(decimal[1]) * 1000 + Number((fraction + "000").slice(0, 3));
  } else {
    throw invalidProp(owner, prop, CPU_ALLOWED_TEXT, value);
  }
  const cores = millis / 1000;
  const ok = millis < 1000 ? millis >= 80 : millis % 1000 === 0 && CPU_WHOLE_VALUES.includes(cores);
  if (!ok) {
    throw invalidProp(owner, prop, CPU_ALLOWED_TEXT, value);
  }
  return cores;
}

// ---------------------------------------------------------------------------------------------
// Memory [memory], DESIGN §3

const MEMORY_UNITS: { [unit: string]: number } = {
  Mi: MI,
  Gi: GI,
  M: 1000 * 1000,
  G: 1000 * 1000 * 1000,
};
const MEMORY_FORMAT_TEXT = 'must be a quantity with a unit of Mi, Gi, M or G (e.g. "512Mi", "2Gi")';

/**
 * Parses a memory limit ("512Mi", "1Gi", "1.5Gi", "1000M", "2G") into bytes. `prop` names the
 * prop in the error (an emptyDir size limit is a quantity of the same form).
 * @internal
 */
export function parseMemory(owner: string, value: string, prop = "memory"): number {
  const match = typeof value === "string" ? /^([0-9]+(?:\.[0-9]+)?)(Mi|Gi|M|G)$/.exec(value) : null;
  if (!match) {
    throw invalidProp(owner, prop, MEMORY_FORMAT_TEXT, value);
  }
  return Math.round(Number(match[1]) * MEMORY_UNITS[match[2]]);
}

/** @internal */
export function formatBytes(bytes: number): string {
  if (bytes % GI === 0) {
    return `${bytes / GI}Gi`;
  }
  if (bytes % MI === 0) {
    return `${bytes / MI}Mi`;
  }
  return `${bytes} bytes`;
}

/** Memory above the threshold needs at least `cpu` cores. [memory] */
const MEMORY_MIN_CPU: ReadonlyArray<{ above: number; cpu: number }> = [
  { above: 24 * GI, cpu: 8 },
  { above: 16 * GI, cpu: 6 },
  { above: 8 * GI, cpu: 4 },
  { above: 4 * GI, cpu: 2 },
];

/** CPU values that need a minimum amount of memory. [cpu] */
const CPU_MIN_MEMORY: ReadonlyArray<{ cpu: number; memory: number }> = [
  { cpu: 4, memory: 2 * GI },
  { cpu: 6, memory: 4 * GI },
  { cpu: 8, memory: 4 * GI },
];

/**
 * The input of `resolveRuntime`: the service's props as given (undefined = not set).
 * @internal
 */
export interface RuntimeInput {
  readonly cpu: string;
  readonly memory: string;
  readonly concurrency?: number;
  readonly cpuIdle?: boolean;
  readonly executionEnvironment?: string;
  /**
   * Set for workloads that take whole CPUs only (jobs, worker pools): why, completing
   * `must be "1", "2", "4", "6" or "8": ...`.
   * @default - fractions from 0.08 are allowed (services)
   */
  readonly wholeCpuOnly?: string;
}

/**
 * The settings to write, after defaults and the implications of a fractional CPU.
 * @internal
 */
export interface RuntimeSettings {
  readonly cpu: string;
  readonly memory: string;
  readonly concurrency: number;
  readonly cpuIdle: boolean;
  readonly executionEnvironment?: string;
  /** True when the CPU is known to be below 1. */
  readonly fractionalCpu: boolean;
}

/** Default request concurrency (Cloud Run's default for CPU >= 1). @internal */
export const DEFAULT_CONCURRENCY = 80;

/**
 * Checks CPU, memory and their combinations, applies the implications of a fractional CPU and
 * rejects contradictions. [cpu] [memory], DESIGN §3.
 *
 * - CPU below 1 needs concurrency 1, request-based billing (`cpuIdle: true`) and the first
 *   generation execution environment: set when not given, an error when given otherwise.
 * - With CPU below 1, memory above 512Mi needs at least 0.5 CPU and above 1Gi at least 1 CPU.
 * - Memory from 128Mi (gen1) or 512Mi (gen2) to 32Gi; above 4Gi needs 2 CPU, above 8Gi 4, above
 *   16Gi 6, above 24Gi 8; 4 CPU needs at least 2Gi, 6 or 8 CPU at least 4Gi.
 * - Concurrency 1–1000.
 * @internal
 */
export function resolveRuntime(owner: string, input: RuntimeInput): RuntimeSettings {
  const cpuKnown = !isUnresolved(input.cpu);
  const memoryKnown = !isUnresolved(input.memory);
  const cores = cpuKnown ? parseCpu(owner, input.cpu) : undefined;
  const bytes = memoryKnown ? parseMemory(owner, input.memory) : undefined;
  const envKnown = !isUnresolved(input.executionEnvironment);
  if (input.wholeCpuOnly !== undefined && cores !== undefined && cores < 1) {
    throw invalidProp(
      owner,
      "cpu",
      `must be "1", "2", "4", "6" or "8": ${input.wholeCpuOnly}`,
      input.cpu,
    );
  }

  if (
    input.executionEnvironment !== undefined &&
    envKnown &&
    input.executionEnvironment !== EXECUTION_ENVIRONMENT_GEN1 &&
    input.executionEnvironment !== EXECUTION_ENVIRONMENT_GEN2
  ) {
    throw invalidProp(
      owner,
      "executionEnvironment",
      `must be ${EXECUTION_ENVIRONMENT_GEN1} or ${EXECUTION_ENVIRONMENT_GEN2}`,
      input.executionEnvironment,
    );
  }
  checkInteger(owner, "concurrency", input.concurrency, { min: 1, max: 1000 });

  const fractional = cores !== undefined && cores < 1;
  let concurrency = input.concurrency;
  let cpuIdle = input.cpuIdle;
  let executionEnvironment = input.executionEnvironment;

  if (fractional) {
    const why = `a cpu below 1 needs`;
    if (concurrency !== undefined && !isUnresolved(concurrency) && concurrency !== 1) {
      throw invalidProp(
        owner,
        "concurrency",
        `${why} concurrency 1 (cpu is ${JSON.stringify(input.cpu)})`,
        concurrency,
      );
    }
    if (cpuIdle !== undefined && !isUnresolved(cpuIdle) && cpuIdle !== true) {
      throw invalidProp(
        owner,
        "cpuIdle",
        `${why} request-based billing, cpuIdle true (cpu is ${JSON.stringify(input.cpu)})`,
        cpuIdle,
      );
    }
    if (
      executionEnvironment !== undefined &&
      envKnown &&
      executionEnvironment !== EXECUTION_ENVIRONMENT_GEN1
    ) {
      throw invalidProp(
        owner,
        "executionEnvironment",
        `${why} the first generation execution environment, GEN1 (cpu is ${JSON.stringify(input.cpu)})`,
        executionEnvironment,
      );
    }
    concurrency = concurrency ?? 1;
    cpuIdle = cpuIdle ?? true;
    executionEnvironment = executionEnvironment ?? EXECUTION_ENVIRONMENT_GEN1;
  }

  if (bytes !== undefined) {
    const gen2 = envKnown && executionEnvironment === EXECUTION_ENVIRONMENT_GEN2;
    const min = gen2 ? 512 * MI : 128 * MI;
    if (bytes < min) {
      throw invalidProp(
        owner,
        "memory",
        gen2
          ? "must be at least 512Mi in the second generation execution environment"
          : "must be at least 128Mi",
        input.memory,
      );
    }
    if (bytes > 32 * GI) {
      throw invalidProp(owner, "memory", "must be at most 32Gi", input.memory);
    }
  }

  if (cores !== undefined && bytes !== undefined) {
    const cpuText = `cpu is ${JSON.stringify(input.cpu)}`;
    if (fractional) {
      if (bytes > GI) {
        throw invalidProp(
          owner,
          "memory",
          `above 1Gi needs a cpu of at least 1 (${cpuText})`,
          input.memory,
        );
      }
      if (bytes > 512 * MI && cores < 0.5) {
        throw invalidProp(
          owner,
          "memory",
          `above 512Mi needs a cpu of at least 0.5 (${cpuText})`,
          input.memory,
        );
      }
    }
    for (const rule of MEMORY_MIN_CPU) {
      if (bytes > rule.above) {
        if (cores < rule.cpu) {
          throw invalidProp(
            owner,
            "memory",
            `above ${formatBytes(rule.above)} needs a cpu of at least ${rule.cpu} (${cpuText})`,
            input.memory,
          );
        }
        break;
      }
    }
    for (const rule of CPU_MIN_MEMORY) {
      if (cores === rule.cpu && bytes < rule.memory) {
        throw invalidProp(
          owner,
          "memory",
          `must be at least ${formatBytes(rule.memory)} with a cpu of ${rule.cpu}`,
          input.memory,
        );
      }
    }
  }

  return {
    cpu: input.cpu,
    memory: input.memory,
    concurrency: concurrency ?? DEFAULT_CONCURRENCY,
    cpuIdle: cpuIdle ?? true,
    executionEnvironment,
    fractionalCpu: fractional,
  };
}
