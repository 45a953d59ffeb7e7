/**
 * Pure conversions from Cloud Run's settings to the docker provider's `docker_container` fields.
 * This module is not re-exported by `src/index.ts`.
 * @internal
 */
import * as net from "net";
import { parseCpu, parseMemory, resolveRuntime } from "../run-contract/resources";
import { checkKnown, checkText, invalidProp, isUnresolved, matches } from "../util/check";

/**
 * The CFS scheduler period Docker uses for `--cpus` (100 ms, in microseconds).
 * @internal
 */
export const CPU_PERIOD_MICROSECONDS = 100_000;

const MIB = 1024 * 1024;

/**
 * Docker's resource limits for a Cloud Run `cpu` and `memory`.
 * @internal
 */
export interface DockerLimits {
  /** The CPU limit in cores, as Cloud Run counts them. */
  readonly cores: number;
  /** `cpu_period`: always {@link CPU_PERIOD_MICROSECONDS}. */
  readonly cpuPeriod: number;
  /** `cpu_quota`: microseconds of CPU time per period, `cores × period`. */
  readonly cpuQuota: number;
  /** `memory` and `memory_swap`, in MiB (the provider's "MB" are MiB), rounded up. */
  readonly memoryMib: number;
}

/**
 * Checks `cpu` and `memory` with exactly the rules of `CloudRunService` (values and their
 * combinations) and converts them to Docker's units.
 *
 * - CPU: a hard cap, the CFS quota that `docker run --cpus=<cpu>` sets, written as
 *   `cpu_period`/`cpu_quota` integers. Unlike `cpus`, a quota above the machine's CPU count is
 *   accepted (Docker refuses `--cpus` above it), and the integers read back unchanged.
 * - Memory: MiB, rounded up, so the container never gets less than the service on Cloud Run.
 *
 * Both must be known at synth: they are converted to other units. `instanceRules: false` skips
 * the instance's CPU and memory combinations (for a sidecar).
 * @internal
 */
export function dockerLimits(
  owner: string,
  cpu: string,
  memory: string,
  instanceRules = true,
): DockerLimits {
  for (const [prop, value] of [
    ["cpu", cpu],
    ["memory", memory],
  ] as const) {
    checkKnown(
      owner,
      prop,
      value,
      "must be known at synth for a local service (it is converted to Docker's units), not a token",
    );
  }
  if (instanceRules) {
    // A sidecar's values are checked by the sidecar rules; the instance's combinations apply
    // to the main container.
    resolveRuntime(owner, { cpu, memory });
  }
  const cores = parseCpu(owner, cpu);
  const bytes = parseMemory(owner, memory);
  return {
    cores,
    cpuPeriod: CPU_PERIOD_MICROSECONDS,
    cpuQuota: Math.round(cores * CPU_PERIOD_MICROSECONDS),
    memoryMib: Math.ceil(bytes / MIB),
  };
}

/**
 * A host address to publish the port on: an IPv4 or IPv6 literal (no host name, no zone index).
 * IPv6 addresses are returned in their canonical (compressed, lowercase) form, the form Docker
 * reports back. Tokens are returned unchanged.
 * @internal
 */
export function normalizeHostAddress(owner: string, value: string): string {
  if (isUnresolved(value)) {
    return value;
  }
  if (typeof value === "string" && net.isIPv4(value)) {
    return value;
  }
  if (typeof value === "string" && !value.includes("%") && net.isIPv6(value)) {
    return new URL(`http://[${value}]/`).hostname.replace(/^\[|\]$/g, "");
  }
  throw invalidProp(
    owner,
    "hostAddress",
    'must be an IPv4 or IPv6 address literal such as "127.0.0.1" or "::1" (no host name, no zone index)',
    value,
  );
}

/**
 * True for an address that publishes the port on every interface (`0.0.0.0`, `::`).
 * @internal
 */
export function isUnspecifiedAddress(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}

/**
 * True when ports published on two (normalized) host addresses of the same port collide on the
 * host: the same address, or an unspecified address and any address of its family (`0.0.0.0`
 * covers every IPv4 address, `::` every IPv6 address).
 * @internal
 */
export function addressesOverlap(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  const covers = (wildcard: string, address: string) =>
    (wildcard === "0.0.0.0" && net.isIPv4(address)) || (wildcard === "::" && net.isIPv6(address));
  return covers(a, b) || covers(b, a);
}

/**
 * The host part of a URL that reaches a port published on `address`: the loopback address of the
 * same family for an unspecified address, IPv6 in brackets.
 * @internal
 */
export function urlHost(address: string): string {
  if (isUnresolved(address)) {
    return address;
  }
  if (address === "0.0.0.0") {
    return "127.0.0.1";
  }
  if (address === "::") {
    return "[::1]";
  }
  return address.includes(":") ? `[${address}]` : address;
}

const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * True for a valid Docker container name.
 * @internal
 */
export function isValidContainerName(value: string): boolean {
  return typeof value === "string" && CONTAINER_NAME_PATTERN.test(value);
}

/**
 * A Docker container name: at least two of `[a-zA-Z0-9_.-]`, starting with a letter or digit.
 * @internal
 */
export function validateContainerName(owner: string, value: string): void {
  checkText(
    owner,
    "containerName",
    value,
    "must be at least 2 letters, digits, '_', '.' or '-', starting with a letter or digit (a Docker container name)",
    matches(CONTAINER_NAME_PATTERN),
  );
}
