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
