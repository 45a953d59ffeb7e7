/**
 * Health check probes of a Cloud Run container: the `Probe` value class, which checks its bounds
 * and renders itself into a container's `startup_probe` or `liveness_probe`.
 *
 * Source: [probes] https://cloud.google.com/run/docs/configuring/healthchecks and the v2
 * `Probe` message (https://cloud.google.com/run/docs/reference/rest/v2/Container#probe).
 */
import { checkInteger, checkText, invalidProp, isUnresolved } from "../util/check";
import { validatePort } from "./ports";

/**
 * Timing of a health check probe. Unset fields take Cloud Run's defaults.
 *
 * @see https://cloud.google.com/run/docs/configuring/healthchecks
 */
export interface ProbeTiming {
  /**
   * Seconds after the container starts before the first probe: 0–240 for a startup probe,
   * 0–3600 for a liveness probe.
   * @default 0
   */
  readonly initialDelaySeconds?: number;

  /**
   * Seconds between probes: 1–240 for a startup probe, 1–3600 for a liveness probe; at least
   * `timeoutSeconds`.
   * @default 10
   */
  readonly periodSeconds?: number;

  /**
   * Seconds after which one probe times out: 1–3600, at most `periodSeconds`.
   * @default 1
   */
  readonly timeoutSeconds?: number;

  /**
   * Consecutive failures before the probe counts as failed: at least 1. For a startup probe,
   * `failureThreshold × periodSeconds` must be at most 240 seconds.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/**
 * An HTTP GET probe: any status from 200 to 399 is a success.
 */
export interface HttpProbeOptions extends ProbeTiming {
  /**
   * The path to request.
   * @default "/"
   */
  readonly path?: string;

  /**
   * The container port to probe (1–65535).
   * @default - the service's container port
   */
  readonly port?: number;

  /**
   * Headers sent with the request.
   * @default - none
   */
  readonly httpHeaders?: { [name: string]: string };
}

/**
 * A TCP probe: a connection that opens is a success. Startup probes only.
 */
export interface TcpProbeOptions extends ProbeTiming {
  /**
   * The container port to probe (1–65535).
   * @default - the service's container port
   */
  readonly port?: number;
}

/**
 * A gRPC health checking probe (grpc.health.v1).
 */
export interface GrpcProbeOptions extends ProbeTiming {
  /**
   * The service name sent in the `HealthCheckRequest`.
   * @default - the server's overall health
   */
  readonly service?: string;

  /**
   * The container port to probe (1–65535).
   * @default - the service's container port
   */
  readonly port?: number;
}

/**
 * A probe as a container block takes it (the provider's field names).
 * @internal
 */
export interface RenderedProbe {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly httpGet?: {
    readonly path?: string;
    readonly port?: number;
    readonly httpHeaders?: { readonly name: string; readonly value: string }[];
  };
  readonly tcpSocket?: { readonly port: number };
  readonly grpc?: { readonly port?: number; readonly service?: string };
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
  timing: ProbeTiming,
  startup: boolean,
): void {
  const max = startup ? 240 : 3600;
  checkInteger(owner, `${prop}.initialDelaySeconds`, timing.initialDelaySeconds, { min: 0, max });
  checkInteger(owner, `${prop}.periodSeconds`, timing.periodSeconds, { min: 1, max });
  checkInteger(owner, `${prop}.timeoutSeconds`, timing.timeoutSeconds, { min: 1, max: 3600 });
  checkInteger(owner, `${prop}.failureThreshold`, timing.failureThreshold, { min: 1 });
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
  if (path === undefined) {
    return;
  }
  checkText(
    owner,
    prop,
    path,
    'must be an absolute path such as "/healthz"',
    (p) => p.startsWith("/") && !/\s/.test(p),
  );
}

/**
 * The kind of a probe.
 */
export enum ProbeType {
  /** HTTP GET. */
  HTTP = "http",
  /** TCP connect. */
  TCP = "tcp",
  /** gRPC health checking protocol. */
  GRPC = "grpc",
}

/**
 * A startup or liveness probe of a Cloud Run service. Bounds are checked when the service renders
 * it, since they depend on whether it is a startup or a liveness probe.
 *
 * @see https://cloud.google.com/run/docs/configuring/healthchecks
 */
export class Probe {
  /** An HTTP GET probe. */
  public static http(options?: HttpProbeOptions): Probe {
    const o = options ?? {};
    return new Probe(ProbeType.HTTP, o, o.port, o.path ?? "/", undefined, o.httpHeaders);
  }

  /** A TCP probe (Cloud Run supports TCP for startup probes only). */
  public static tcp(options?: TcpProbeOptions): Probe {
    const o = options ?? {};
    return new Probe(ProbeType.TCP, o, o.port, undefined, undefined, undefined);
  }

  /** A gRPC health checking probe. */
  public static grpc(options?: GrpcProbeOptions): Probe {
    const o = options ?? {};
    return new Probe(ProbeType.GRPC, o, o.port, undefined, o.service, undefined);
  }

  /** The kind of probe. */
  public readonly type: ProbeType;
  /** The timing given. */
  public readonly timing: ProbeTiming;
  /**
   * The port probed.
   * @default - the service's container port
   */
  public readonly port?: number;
  /**
   * The HTTP path (HTTP probes).
   * @default - not an HTTP probe
   */
  public readonly path?: string;
  /**
   * The gRPC service name (gRPC probes).
   * @default - none
   */
  public readonly grpcService?: string;
  /**
   * HTTP headers (HTTP probes).
   * @default - none
   */
  public readonly httpHeaders?: { [name: string]: string };

  private constructor(
    type: ProbeType,
    timing: ProbeTiming,
    port: number | undefined,
    path: string | undefined,
    grpcService: string | undefined,
    httpHeaders: { [name: string]: string } | undefined,
  ) {
    this.type = type;
    this.timing = {
      initialDelaySeconds: timing.initialDelaySeconds,
      periodSeconds: timing.periodSeconds,
      timeoutSeconds: timing.timeoutSeconds,
      failureThreshold: timing.failureThreshold,
    };
    this.port = port;
    this.path = path;
    this.grpcService = grpcService;
    this.httpHeaders = httpHeaders;
  }

  /**
   * Checks the probe's bounds (which depend on whether it is a startup or a liveness probe) and
   * renders it as a container's `startup_probe` / `liveness_probe` block (provider field names).
   * `containerPort` is the port a TCP probe connects to when it names none.
   * @internal
   */
  public _render(
    owner: string,
    prop: string,
    startup: boolean,
    containerPort: number,
  ): RenderedProbe {
    if (!startup && this.type === ProbeType.TCP) {
      throw invalidProp(
        owner,
        prop,
        "must be an HTTP or gRPC probe: Cloud Run supports TCP for startup probes only",
        "tcp",
      );
    }
    validateProbeTiming(owner, prop, this.timing, startup);
    validatePort(owner, `${prop}.port`, this.port);
    const timing = {
      initialDelaySeconds: this.timing.initialDelaySeconds,
      periodSeconds: this.timing.periodSeconds,
      timeoutSeconds: this.timing.timeoutSeconds,
      failureThreshold: this.timing.failureThreshold,
    };
    switch (this.type) {
      case ProbeType.HTTP: {
        validateProbePath(owner, `${prop}.path`, this.path);
        const headers = Object.entries(this.httpHeaders ?? {}).map(([name, value]) => ({
          name,
          value,
        }));
        return {
          ...timing,
          httpGet: {
            path: this.path,
            port: this.port,
            httpHeaders: headers.length > 0 ? headers : undefined,
          },
        };
      }
      case ProbeType.TCP:
        return { ...timing, tcpSocket: { port: this.port ?? containerPort } };
      case ProbeType.GRPC:
        return { ...timing, grpc: { port: this.port, service: this.grpcService } };
    }
  }
}

/**
 * A probe prop of a workload, rendered: `undefined` when not set, an error when it is not a
 * `Probe`.
 * @internal
 */
export function renderProbe(
  owner: string,
  prop: string,
  probe: Probe | undefined,
  startup: boolean,
  containerPort: number,
): RenderedProbe | undefined {
  if (probe === undefined || probe === null) {
    return undefined;
  }
  if (!(probe instanceof Probe)) {
    throw invalidProp(
      owner,
      prop,
      "must be made with Probe.http(), Probe.tcp() or Probe.grpc()",
      probe,
    );
  }
  return probe._render(owner, prop, startup, containerPort);
}
