/**
 * Cloud Run v2 limits as small pure functions. Each check throws the library's one error shape
 * (`invalidProp`) and skips values that are unresolved tokens.
 *
 * Sources (also listed next to each rule):
 * - [names]    https://cloud.google.com/run/docs/resource-model (service name: lowercase letters,
 *              digits and hyphens, starts with a letter, no trailing hyphen, at most 49 characters)
 * - [cpu]      https://cloud.google.com/run/docs/configuring/services/cpu
 * - [memory]   https://cloud.google.com/run/docs/configuring/services/memory-limits
 * - [quotas]   https://cloud.google.com/run/quotas
 * - [probes]   https://cloud.google.com/run/docs/configuring/healthchecks and the v2 `Probe`
 *              message (https://cloud.google.com/run/docs/reference/rest/v2/Container#probe)
 * - [labels]   https://cloud.google.com/resource-manager/docs/labels-overview and the provider
 *              documentation of `google_cloud_run_v2_service.labels`
 * - [env]      https://cloud.google.com/run/docs/configuring/services/environment-variables
 * - [secrets]  https://cloud.google.com/secret-manager/docs/creating-and-accessing-secrets
 * - [aliases]  https://cloud.google.com/secret-manager/docs/assign-alias-to-secret-version
 *              ("Alias names must start with a letter, can be up to 63 characters long, and can
 *              contain letters, numbers, hyphens (-), and underscores (_). You cannot use Latest
 *              or New (case-insensitive) as an alias name.")
 * @internal
 */
import { validateGcpLabels } from "../util/gcp-labels";
import { isGcpRegion } from "../util/gcp-regions";
import { C_IDENTIFIER, sanitizeName } from "../util/names";
import { invalidProp, isUnresolved } from "../util/check";

/** @internal */
export const SERVICE_NAME_MAX_LENGTH = 49;
/** @internal */
export const RESERVED_ENV_NAMES: readonly string[] = [
  "PORT",
  "K_SERVICE",
  "K_REVISION",
  "K_CONFIGURATION",
];
/** @internal */
export const RESERVED_LABEL_NAMESPACES: readonly string[] = [
  "run.googleapis.com",
  "cloud.googleapis.com",
  "serving.knative.dev",
  "autoscaling.knative.dev",
];

const MI = 1024 * 1024;
const GI = 1024 * MI;

/** @internal */
export const EXECUTION_ENVIRONMENT_GEN1 = "EXECUTION_ENVIRONMENT_GEN1";
/** @internal */
export const EXECUTION_ENVIRONMENT_GEN2 = "EXECUTION_ENVIRONMENT_GEN2";

function isInteger(value: number): boolean {
  return typeof value === "number" && Number.isInteger(value);
}

/**
 * An integer in [min, max]. `what` completes "must be ...", e.g. "an integer from 1 to 1000".
 * @internal
 */
export function validateIntegerRange(
  owner: string,
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
  note?: string,
): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  if (!isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw invalidProp(owner, prop, `must be an integer ${range}${note ? ` (${note})` : ""}`, value);
  }
}

// ---------------------------------------------------------------------------------------------
// Service name [names]

const SERVICE_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Service name: lowercase letters, digits and hyphens, starts with a letter, does not end with a
 * hyphen, at most 49 characters. [names], DESIGN §3.
 * @internal
 */
export function validateServiceName(owner: string, value: string): void {
  if (isUnresolved(value)) {
    return;
  }
  if (
    typeof value !== "string" ||
    value.length > SERVICE_NAME_MAX_LENGTH ||
    !SERVICE_NAME_PATTERN.test(value)
  ) {
    throw invalidProp(
      owner,
      "serviceName",
      "must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen",
      value,
    );
  }
}

/**
 * The default service name for a construct id: lowercased, every character outside `[a-z0-9-]`
 * replaced by `-`, runs of `-` collapsed, leading characters up to the first letter dropped,
 * cut to 49 characters, trailing `-` dropped. Returns `undefined` when nothing usable is left.
 * @internal
 */
export function deriveServiceName(id: string): string | undefined {
  const name = sanitizeName(id, SERVICE_NAME_MAX_LENGTH);
  return name.length > 0 ? name : undefined;
}

/**
 * The service name a construct uses: the one given, validated, or the one derived from its id.
 * @internal
 */
export function resolveServiceName(owner: string, id: string, given: string | undefined): string {
  const name = given ?? deriveServiceName(id);
  if (name === undefined) {
    throw invalidProp(
      owner,
      "serviceName",
      "cannot be derived from the construct id (it has no letter); set serviceName",
      id,
    );
  }
  validateServiceName(owner, name);
  return name;
}

/**
 * The default image name of an app (and of its local twin): its service name, when known at
 * synth. A service name that is a token (only known at apply) cannot name the image, whose name
 * is part of its content fingerprint: the name derived from the construct id is used instead
 * (undefined when the id has no letter; the image then derives its name from its construct path).
 * @internal
 */
export function defaultImageName(id: string, serviceName: string): string | undefined {
  return isUnresolved(serviceName) ? deriveServiceName(id) : serviceName;
}

// ---------------------------------------------------------------------------------------------
// Region

/**
 * A Cloud Run region such as `europe-west1` (Cloud Run services are regional, never `global`).
 * @internal
 */
export function validateRegion(owner: string, value: string): void {
  if (isUnresolved(value)) {
    return;
  }
  if (!isGcpRegion(value)) {
    throw invalidProp(
      owner,
      "region",
      'must be a Google Cloud region such as "europe-west1"',
      value,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Port [quotas], DESIGN §3

/** Container port 1–65535. @internal */
export function validatePort(owner: string, prop: string, value: number | undefined): void {
  validateIntegerRange(owner, prop, value, 1, 65535);
}

// ---------------------------------------------------------------------------------------------
// Environment variables [env], DESIGN §3

/** Maximum length of one environment variable value, in bytes (32 KiB). [quotas] @internal */
export const ENV_VALUE_MAX_BYTES = 32 * 1024;

/**
 * Maximum number of environment variables of one container, plain and from secrets together.
 * [env]: "You can set a maximum of 1000 environment variables per container"
 * (https://cloud.google.com/run/docs/configuring/services/environment-variables).
 * @internal
 */
export const ENV_MAX_COUNT = 1000;

/**
 * Refuses an environment that would hold more than {@link ENV_MAX_COUNT} variables. `count` is
 * the number of variables the container would have with `name`, the variable that would be the
 * last one.
 * @internal
 */
export function validateEnvCount(owner: string, prop: string, count: number, name: string): void {
  if (count > ENV_MAX_COUNT) {
    throw invalidProp(
      owner,
      prop,
      `a container has at most ${ENV_MAX_COUNT} environment variables, plain and from secrets ` +
        `together (Cloud Run's limit); this one would be number ${count}`,
      name,
    );
  }
}

/**
 * Environment variable name: a C identifier that Cloud Run does not reserve.
 * @internal
 */
export function validateEnvName(owner: string, prop: string, name: string): void {
  if (isUnresolved(name)) {
    return;
  }
  if (typeof name !== "string" || !C_IDENTIFIER.test(name)) {
    throw invalidProp(
      owner,
      prop,
      "names must be C identifiers (letters, digits and underscores, not starting with a digit)",
      name,
    );
  }
  if (RESERVED_ENV_NAMES.includes(name)) {
    throw invalidProp(
      owner,
      prop,
      `${RESERVED_ENV_NAMES.join(", ")} are reserved: Cloud Run sets them (PORT comes from the \`port\` prop)`,
      name,
    );
  }
}

/**
 * Environment variable value: at most 32 KiB. [quotas]
 * @internal
 */
export function validateEnvValue(owner: string, prop: string, name: string, value: string): void {
  if (isUnresolved(value)) {
    return;
  }
  if (typeof value !== "string") {
    throw invalidProp(owner, `${prop}.${name}`, "must be a string", value);
  }
  if (Buffer.byteLength(value, "utf8") > ENV_VALUE_MAX_BYTES) {
    throw invalidProp(
      owner,
      `${prop}.${name}`,
      `must be at most ${ENV_VALUE_MAX_BYTES} bytes`,
      `${value.slice(0, 40)}… (${Buffer.byteLength(value, "utf8")} bytes)`,
    );
  }
}

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
export function parseCpu(owner: string, value: string): number {
  if (typeof value !== "string") {
    throw invalidProp(owner, "cpu", CPU_ALLOWED_TEXT, value);
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
      throw invalidProp(owner, "cpu", CPU_ALLOWED_TEXT, value);
    }
    millis = Number(decimal[1]) * 1000 + Number((fraction + "000").slice(0, 3));
  } else {
    throw invalidProp(owner, "cpu", CPU_ALLOWED_TEXT, value);
  }
  const cores = millis / 1000;
  const ok = millis < 1000 ? millis >= 80 : millis % 1000 === 0 && CPU_WHOLE_VALUES.includes(cores);
  if (!ok) {
    throw invalidProp(owner, "cpu", CPU_ALLOWED_TEXT, value);
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
 * Parses a memory limit ("512Mi", "1Gi", "1.5Gi", "1000M", "2G") into bytes.
 * @internal
 */
export function parseMemory(owner: string, value: string): number {
  const match = typeof value === "string" ? /^([0-9]+(?:\.[0-9]+)?)(Mi|Gi|M|G)$/.exec(value) : null;
  if (!match) {
    throw invalidProp(owner, "memory", MEMORY_FORMAT_TEXT, value);
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
  validateIntegerRange(owner, "concurrency", input.concurrency, 1, 1000);

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

// ---------------------------------------------------------------------------------------------
// Request timeout, scaling [quotas], DESIGN §3

/** Request timeout 1–3600 seconds. @internal */
export function validateTimeoutSeconds(owner: string, value: number | undefined): void {
  validateIntegerRange(owner, "timeoutSeconds", value, 1, 3600);
}

/**
 * minInstances >= 0, maxInstances >= 1, minInstances <= maxInstances. The upper bound of
 * maxInstances is a regional quota ([quotas]: "depends on selected region and CPU and memory"),
 * so it is not checked here.
 * @internal
 */
export function validateScaling(owner: string, minInstances: number, maxInstances: number): void {
  validateIntegerRange(owner, "minInstances", minInstances, 0, Number.MAX_SAFE_INTEGER);
  validateIntegerRange(owner, "maxInstances", maxInstances, 1, Number.MAX_SAFE_INTEGER);
  if (!isUnresolved(minInstances) && !isUnresolved(maxInstances) && minInstances > maxInstances) {
    throw invalidProp(
      owner,
      "minInstances",
      `must not exceed maxInstances (${maxInstances})`,
      minInstances,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Labels [labels], DESIGN §3

/**
 * Labels of a Cloud Run service: the Google Cloud label rules (see `util/gcp-labels`), and no keys
 * in a namespace that the Cloud Run v2 API reserves.
 * @internal
 */
export function validateLabels(
  owner: string,
  prop: string,
  labels: { [key: string]: string } | undefined,
): void {
  validateGcpLabels(owner, prop, labels, {
    reservedNamespaces: RESERVED_LABEL_NAMESPACES,
    reservedBy: "Cloud Run",
  });
}

// ---------------------------------------------------------------------------------------------
// Probes [probes]

/**
 * Probe timing as given by the user.
 * @internal
 */
export interface ProbeTimingInput {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

/** Cloud Run's probe defaults (v2 `Probe`): period 10 s, timeout 1 s, failure threshold 3. */
const PROBE_DEFAULT_PERIOD = 10;
const PROBE_DEFAULT_TIMEOUT = 1;
const PROBE_DEFAULT_FAILURE_THRESHOLD = 3;
/** A startup probe must succeed within failureThreshold × periodSeconds ≤ 240 s. [probes] @internal */
export const STARTUP_PROBE_MAX_WINDOW_SECONDS = 240;

/**
 * Probe timing bounds, from the v2 `Probe` message [probes]:
 * - initialDelaySeconds 0–240 (startup) / 0–3600 (liveness), default 0;
 * - periodSeconds 1–240 (startup) / 1–3600 (liveness), default 10;
 * - timeoutSeconds 1–3600, default 1, and not above periodSeconds;
 * - failureThreshold at least 1, default 3;
 * - startup: failureThreshold × periodSeconds at most 240 s (healthchecks page: "The time is a
 *   maximum of 240 seconds, calculated as failureThreshold * periodSeconds").
 * @internal
 */
export function validateProbeTiming(
  owner: string,
  prop: string,
  timing: ProbeTimingInput,
  startup: boolean,
): void {
  const max = startup ? 240 : 3600;
  validateIntegerRange(owner, `${prop}.initialDelaySeconds`, timing.initialDelaySeconds, 0, max);
  validateIntegerRange(owner, `${prop}.periodSeconds`, timing.periodSeconds, 1, max);
  validateIntegerRange(owner, `${prop}.timeoutSeconds`, timing.timeoutSeconds, 1, 3600);
  validateIntegerRange(
    owner,
    `${prop}.failureThreshold`,
    timing.failureThreshold,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const period = timing.periodSeconds ?? PROBE_DEFAULT_PERIOD;
  const timeout = timing.timeoutSeconds ?? PROBE_DEFAULT_TIMEOUT;
  const failures = timing.failureThreshold ?? PROBE_DEFAULT_FAILURE_THRESHOLD;
  if (!isUnresolved(period) && !isUnresolved(timeout) && timeout > period) {
    throw invalidProp(
      owner,
      `${prop}.timeoutSeconds`,
      `must not exceed periodSeconds (${period})`,
      timeout,
    );
  }
  if (
    startup &&
    !isUnresolved(period) &&
    !isUnresolved(failures) &&
    period * failures > STARTUP_PROBE_MAX_WINDOW_SECONDS
  ) {
    throw invalidProp(
      owner,
      `${prop}.failureThreshold`,
      `failureThreshold × periodSeconds (${period} s) must be at most ${STARTUP_PROBE_MAX_WINDOW_SECONDS} seconds`,
      failures,
    );
  }
}

/**
 * HTTP probe path: absolute.
 * @internal
 */
export function validateProbePath(owner: string, prop: string, path: string | undefined): void {
  if (path === undefined || isUnresolved(path)) {
    return;
  }
  if (typeof path !== "string" || !path.startsWith("/") || /\s/.test(path)) {
    throw invalidProp(owner, prop, 'must be an absolute path such as "/healthz"', path);
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets [secrets]

const SECRET_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const SECRET_NAME_PATTERN = /^projects\/([^/]+)\/secrets\/([A-Za-z0-9_-]{1,255})$/;
/** "latest", a version number, or a version alias [aliases]. */
const SECRET_VERSION_PATTERN = /^(latest|[1-9][0-9]*|[A-Za-z][A-Za-z0-9_-]{0,62})$/;
/** Names Secret Manager refuses as aliases (case-insensitive) [aliases]; "latest" is the keyword. */
const SECRET_RESERVED_ALIASES = ["latest", "new"];

/**
 * A secret reference: a secret id (`db-password`, in the service's project) or a full name
 * (`projects/<project>/secrets/<id>`). Secret ids are 1–255 letters, digits, `_` or `-`.
 * @internal
 */
export function validateSecretName(owner: string, prop: string, secret: string): void {
  if (isUnresolved(secret)) {
    return;
  }
  if (
    typeof secret !== "string" ||
    !(SECRET_ID_PATTERN.test(secret) || SECRET_NAME_PATTERN.test(secret))
  ) {
    throw invalidProp(
      owner,
      prop,
      'must be a secret id (1 to 255 letters, digits, "_" or "-") or a full name "projects/<project>/secrets/<id>"',
      secret,
    );
  }
}

/**
 * A secret version: "latest", a version number, or a version alias (starts with a letter; then
 * letters, digits, `-` and `_`; at most 63 characters; not "latest" or "new" in any case other
 * than the keyword "latest"). [aliases]
 * @internal
 */
export function validateSecretVersion(owner: string, prop: string, version: string): void {
  if (isUnresolved(version)) {
    return;
  }
  if (
    typeof version !== "string" ||
    !SECRET_VERSION_PATTERN.test(version) ||
    (version !== "latest" && SECRET_RESERVED_ALIASES.includes(version.toLowerCase()))
  ) {
    throw invalidProp(
      owner,
      prop,
      'must be "latest", a version number such as "3", or a version alias (1 to 63 letters, ' +
        'digits, "-" or "_", starting with a letter; "new" and other spellings of "latest" are ' +
        "not aliases)",
      version,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Misc

/** Service description: at most 512 characters (provider documentation). @internal */
export function validateDescription(owner: string, value: string | undefined): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  if (typeof value !== "string" || value.length > 512) {
    throw invalidProp(
      owner,
      "description",
      "must be at most 512 characters",
      typeof value === "string" ? `${value.slice(0, 40)}… (${value.length} characters)` : value,
    );
  }
}

const NETWORK_TAG_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Network tags: RFC 1035 labels, 1–63 characters. @internal */
export function validateNetworkTag(owner: string, prop: string, tag: string): void {
  if (isUnresolved(tag)) {
    return;
  }
  if (typeof tag !== "string" || !NETWORK_TAG_PATTERN.test(tag)) {
    throw invalidProp(
      owner,
      prop,
      "network tags must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen",
      tag,
    );
  }
}
