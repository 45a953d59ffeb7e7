/**
 * Direct VPC egress of a Cloud Run workload: the `VpcAccess` prop and `VpcEgress` constants, and
 * how they are checked and rendered into the template's `vpc_access` block.
 *
 * @see https://cloud.google.com/run/docs/configuring/vpc-direct-vpc
 */
import { checkConstant, checkText, invalidProp, isUnresolved, matches } from "../util/check";

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

const NETWORK_TAG_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Network tags: RFC 1035 labels, 1–63 characters. @internal */
export function validateNetworkTag(owner: string, prop: string, tag: string): void {
  checkText(
    owner,
    prop,
    tag,
    "network tags must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen",
    matches(NETWORK_TAG_PATTERN),
  );
}

/**
 * The template's `vpc_access` block (provider field names).
 * @internal
 */
export interface RenderedVpcAccess {
  readonly egress: string;
  readonly networkInterfaces: {
    readonly network?: string;
    readonly subnetwork?: string;
    readonly tags?: string[];
  }[];
}

/**
 * Checks the `vpcAccess` prop and renders it; `undefined` when not set.
 * @internal
 */
export function renderVpcAccess(
  owner: string,
  vpcAccess: VpcAccess | undefined,
): RenderedVpcAccess | undefined {
  if (vpcAccess === undefined || vpcAccess === null) {
    return undefined;
  }
  if (typeof vpcAccess !== "object") {
    throw invalidProp(owner, "vpcAccess", "must be { network?, subnetwork?, ... }", vpcAccess);
  }
  if (
    (vpcAccess.network ?? undefined) === undefined &&
    (vpcAccess.subnetwork ?? undefined) === undefined
  ) {
    throw invalidProp(owner, "vpcAccess", "needs a network, a subnetwork or both", vpcAccess);
  }
  const egress = vpcAccess.egress ?? VpcEgress.PRIVATE_RANGES_ONLY;
  checkConstant(owner, "vpcAccess.egress", egress, (v) => v instanceof VpcEgress, "VpcEgress");
  const networkTags = vpcAccess.networkTags ?? undefined;
  if (networkTags !== undefined && !isUnresolved(networkTags) && !Array.isArray(networkTags)) {
    throw invalidProp(
      owner,
      "vpcAccess.networkTags",
      "must be a list of network tags",
      networkTags,
    );
  }
  for (const tag of networkTags ?? []) {
    validateNetworkTag(owner, "vpcAccess.networkTags", tag);
  }
  return {
    egress: egress.value,
    networkInterfaces: [
      {
        network: vpcAccess.network ?? undefined,
        subnetwork: vpcAccess.subnetwork ?? undefined,
        tags: networkTags !== undefined && networkTags.length > 0 ? networkTags : undefined,
      },
    ],
  };
}
