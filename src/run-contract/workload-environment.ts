/**
 * The environment of a workload's container together with the grants of the secrets it reads:
 * the `environment` and `secrets` props checked before anything is created, the secrets granted
 * to the workload's identity once its resource exists, and variables added later. This module
 * is not re-exported by `src/index.ts`.
 * @internal
 */
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { knownMap } from "../util/check";
import { ContainerEnvironment, ContainerEnvironmentOptions } from "./environment";
import { SecretAccessGrants, SecretReference } from "./secrets";
import { VolumeGrants } from "./volume-grants";
import type { WorkloadVolumes } from "./workload-volumes";

/** The props a workload reads its environment from. @internal */
export interface EnvironmentProps {
  readonly environment?: { [name: string]: string };
  readonly secrets?: { [name: string]: SecretReference };
}

/**
 * A workload's environment and secret grants.
 * @internal
 */
export class WorkloadEnvironment {
  /** The container's variables (rendered into its `env` block). */
  public readonly container: ContainerEnvironment;
  private pending: Array<[string, SecretReference]>;
  private grants?: { readonly scope: Construct; readonly secrets: SecretAccessGrants };

  /** Checks `props.environment` and `props.secrets`; adds the plain variables. */
  constructor(owner: string, props: EnvironmentProps, options: ContainerEnvironmentOptions) {
    this.container = new ContainerEnvironment(owner, options);
    for (const [name, value] of Object.entries(knownMap(owner, "environment", props.environment))) {
      this.container.addPlain("environment", name, value);
    }
    this.pending = Object.entries(knownMap(owner, "secrets", props.secrets));
    for (const [index, [name, ref]] of this.pending.entries()) {
      this.container.checkSecret("secrets", name, ref, index + 1);
    }
  }

  /**
   * Once the workload's resource exists: grants `member` (its identity) access to every secret
   * of `secrets` and adds those variables, and what every volume of `volumes` needs (secret
   * volumes share the secret grants); later secrets and volumes are granted when added. Each
   * grant is a dependency of `resource`.
   */
  public bind(
    scope: Construct,
    member: string,
    project: string | undefined,
    resource: TerraformResource,
    volumes: WorkloadVolumes,
  ): void {
    const secrets = new SecretAccessGrants(scope, member, project, resource);
    this.grants = { scope, secrets };
    const pending = this.pending;
    this.pending = [];
    for (const [name, ref] of pending) {
      this.addChecked(name, ref);
    }
    volumes.attachGrants(new VolumeGrants(scope, member, resource, secrets));
  }

  /** Adds a plain variable (the rules of `environment`). */
  public addPlain(name: string, value: string): void {
    this.container.addPlain("environment", name, value);
  }

  /** Adds a variable read from Secret Manager and grants access to its secret. */
  public addSecret(name: string, ref: SecretReference): void {
    this.container.checkSecret("secrets", name, ref);
    this.addChecked(name, ref);
  }

  private addChecked(name: string, ref: SecretReference): void {
    if (this.grants === undefined) {
      throw new Error("WorkloadEnvironment: bind() must run before secrets are added");
    }
    const { secret } = this.container.addSecret(this.grants.scope, name, ref);
    this.grants.secrets.grant(secret);
  }
}
