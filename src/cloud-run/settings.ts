import { EXECUTION_ENVIRONMENT_GEN1, EXECUTION_ENVIRONMENT_GEN2 } from "./limits";

/**
 * Which network sources may reach a Cloud Run service.
 *
 * @see https://cloud.google.com/run/docs/securing/ingress
 */
export class Ingress {
  /** All traffic, including from the internet (`INGRESS_TRAFFIC_ALL`). IAM still applies. */
  public static readonly ALL = new Ingress("INGRESS_TRAFFIC_ALL");
  /** Only traffic from the project's VPC networks and Shared VPC (`INGRESS_TRAFFIC_INTERNAL_ONLY`). */
  public static readonly INTERNAL_ONLY = new Ingress("INGRESS_TRAFFIC_INTERNAL_ONLY");
  /**
   * Internal traffic and traffic through an external Application Load Balancer
   * (`INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER`).
   */
  public static readonly INTERNAL_AND_CLOUD_LOAD_BALANCING = new Ingress(
    "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
  );

  /** The API value, e.g. `INGRESS_TRAFFIC_ALL`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** True when traffic from the internet can reach the service directly. */
  public get isInternetFacing(): boolean {
    return this.value === "INGRESS_TRAFFIC_ALL";
  }

  /** The API value. */
  public toString(): string {
    return this.value;
  }
}

/**
 * The sandbox a revision runs in.
 *
 * @see https://cloud.google.com/run/docs/about-execution-environments
 */
export class ExecutionEnvironment {
  /** First generation (`EXECUTION_ENVIRONMENT_GEN1`): fast cold starts; needed for CPU below 1. */
  public static readonly GEN1 = new ExecutionEnvironment(EXECUTION_ENVIRONMENT_GEN1);
  /** Second generation (`EXECUTION_ENVIRONMENT_GEN2`): full Linux compatibility, at least 512Mi. */
  public static readonly GEN2 = new ExecutionEnvironment(EXECUTION_ENVIRONMENT_GEN2);

  /** The API value, e.g. `EXECUTION_ENVIRONMENT_GEN2`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The API value. */
  public toString(): string {
    return this.value;
  }
}

/**
 * Which outbound traffic goes through the VPC with direct VPC egress.
 *
 * @see https://cloud.google.com/run/docs/configuring/vpc-direct-vpc
 */
export class VpcEgress {
  /** All outbound traffic goes through the VPC (`ALL_TRAFFIC`). */
  public static readonly ALL_TRAFFIC = new VpcEgress("ALL_TRAFFIC");
  /** Only traffic to private IP ranges goes through the VPC (`PRIVATE_RANGES_ONLY`). */
  public static readonly PRIVATE_RANGES_ONLY = new VpcEgress("PRIVATE_RANGES_ONLY");

  /** The API value, e.g. `PRIVATE_RANGES_ONLY`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The API value. */
  public toString(): string {
    return this.value;
  }
}

/**
 * Direct VPC egress: the service's instances get an address in a VPC subnet.
 *
 * @see https://cloud.google.com/run/docs/configuring/vpc-direct-vpc
 */
export interface VpcAccess {
  /**
   * The VPC network, by name or full resource name. At least one of `network` and `subnetwork`
   * is required.
   * @default - the network of `subnetwork`
   */
  readonly network?: string;

  /**
   * The subnet, by name or full resource name. At least one of `network` and `subnetwork` is
   * required.
   * @default - the subnet with the network's name
   */
  readonly subnetwork?: string;

  /**
   * Network tags applied to the instances (for firewall rules).
   * @default - no tags
   */
  readonly networkTags?: string[];

  /**
   * Which outbound traffic goes through the VPC.
   * @default VpcEgress.PRIVATE_RANGES_ONLY
   */
  readonly egress?: VpcEgress;
}

/**
 * A secret from Secret Manager exposed to the container as an environment variable.
 *
 * The service's identity is granted `roles/secretmanager.secretAccessor` on exactly this secret.
 */
export interface SecretReference {
  /**
   * The secret: its id (`db-password`, a secret in the service's project) or its full name
   * (`projects/<project>/secrets/<id>`), e.g. `secret.id` of a `SecretManagerSecret`.
   */
  readonly secret: string;

  /**
   * The version: a version number such as "3", "latest", or a version alias such as "prod"
   * (1 to 63 letters, digits, `-` or `_`, starting with a letter). Pin a number: with "latest"
   * (or an alias, which can be moved) every new instance may read a different value, and a
   * rollback does not roll the secret back.
   * @default "latest" (with a synth warning)
   */
  readonly version?: string;
}
