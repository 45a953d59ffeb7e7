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
 * A startup or liveness probe of a Cloud Run service. Bounds are checked by the service, since
 * they depend on whether it is a startup or a liveness probe.
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
}
