/**
 * The environment variables of a Cloud Run container: plain values and values read from Secret
 * Manager, their names, sizes and count, and how they are rendered. Shared by every workload and
 * by the local twin. This module is not re-exported by `src/index.ts`.
 *
 * Sources:
 * - [env]    https://cloud.google.com/run/docs/configuring/services/environment-variables
 * - [quotas] https://cloud.google.com/run/quotas
 * @internal
 */
import { IConstruct } from "constructs";
import { checkText, invalidProp, isUnresolved, matches } from "../util/check";
import { C_IDENTIFIER } from "../util/names";
import { RenderedValue } from "../util/rendered-value";
import { DEFAULTS } from "./defaults";
import { checkSecretReference, SecretReference, warnLatestSecretVersion } from "./secrets";

/** Names Cloud Run sets itself. [env], DESIGN §3 @internal */
export const RESERVED_ENV_NAMES: readonly string[] = [
  "PORT",
  "K_SERVICE",
  "K_REVISION",
  "K_CONFIGURATION",
];

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
 * Names Cloud Run sets in the containers of a job's tasks, reserved like the others: "The
 * environment variables defined in the container runtime contract are reserved and cannot be
 * set" (https://cloud.google.com/run/docs/configuring/jobs/environment-variables; the list:
 * https://cloud.google.com/run/docs/container-contract#env-vars).
 * @internal
 */
export const JOB_RESERVED_ENV_NAMES: readonly string[] = [
  "CLOUD_RUN_JOB",
  "CLOUD_RUN_EXECUTION",
  "CLOUD_RUN_TASK_INDEX",
  "CLOUD_RUN_TASK_ATTEMPT",
  "CLOUD_RUN_TASK_COUNT",
];

/** Names a kind of workload reserves besides {@link RESERVED_ENV_NAMES}. @internal */
export interface ReservedEnvNames {
  readonly names: readonly string[];
  /** Completes "... are reserved: ", e.g. "Cloud Run sets them in every task of a job". */
  readonly reason: string;
}

/**
 * Environment variable name: a C identifier that Cloud Run does not reserve.
 * @internal
 */
export function validateEnvName(
  owner: string,
  prop: string,
  name: string,
  reserved?: ReservedEnvNames,
): void {
  checkText(
    owner,
    prop,
    name,
    "names must be C identifiers (letters, digits and underscores, not starting with a digit)",
    matches(C_IDENTIFIER),
  );
  if (!isUnresolved(name) && RESERVED_ENV_NAMES.includes(name)) {
    throw invalidProp(
      owner,
      prop,
      `${RESERVED_ENV_NAMES.join(", ")} are reserved: Cloud Run sets them (PORT comes from the \`port\` prop)`,
      name,
    );
  }
  if (reserved !== undefined && !isUnresolved(name) && reserved.names.includes(name)) {
    throw invalidProp(
      owner,
      prop,
      `${reserved.names.join(", ")} are reserved: ${reserved.reason}`,
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

/** One variable: a plain value or a secret (and its version). @internal */
export interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly secret?: { readonly secret: string; readonly version: string };
}

/** How a container's environment behaves. @internal */
export interface ContainerEnvironmentOptions {
  /**
   * What follows "names must be unique: " when a name is given twice, e.g. "this variable is
   * already set".
   */
  readonly alreadySet: string;
  /**
   * Whether Cloud Run's limit of {@link ENV_MAX_COUNT} variables applies.
   * @default true
   */
  readonly countLimit?: boolean;
  /**
   * Names this kind of workload reserves besides {@link RESERVED_ENV_NAMES}.
   * @default - none
   */
  readonly reserved?: ReservedEnvNames;
}

/**
 * The environment of one container, in the order the variables were added. Every variable is
 * checked when it is added: a C identifier that Cloud Run does not reserve, not in use yet, a
 * value of at most 32 KiB and, on Cloud Run, at most 1000 variables.
 * @internal
 */
export class ContainerEnvironment {
  private readonly entries: EnvEntry[] = [];

  constructor(
    private readonly owner: string,
    private readonly options: ContainerEnvironmentOptions,
  ) {}

  /** The names of all variables (plain and from secrets). */
  public get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The names of the variables read from Secret Manager. */
  public get secretNames(): string[] {
    return this.entries.filter((e) => e.secret !== undefined).map((e) => e.name);
  }

  /** The plain variables, in order. */
  public get plain(): { readonly name: string; readonly value: string }[] {
    return this.entries
      .filter((e) => e.secret === undefined)
      .map((e) => ({ name: e.name, value: e.value as string }));
  }

  /** Checks and adds a plain variable given in `prop`. */
  public addPlain(prop: string, name: string, value: string): void {
    validateEnvName(this.owner, prop, name, this.options.reserved);
    validateEnvValue(this.owner, prop, name, value);
    this.assertNewName(prop, name);
    this.checkCount(prop, 1, name);
    this.entries.push({ name, value });
  }

  /**
   * Checks a variable read from a secret, given in `prop`, without adding it: the
   * `position`-th of the secrets about to be added (from 1), so that a prop's secrets are all
   * checked before anything is created.
   */
  public checkSecret(prop: string, name: string, ref: SecretReference, position = 1): void {
    validateEnvName(this.owner, prop, name, this.options.reserved);
    checkSecretReference(this.owner, prop, name, ref);
    this.assertNewName(prop, name);
    this.checkCount(prop, position, name);
  }

  /**
   * Adds a variable read from a secret, checked with {@link checkSecret}, and returns the
   * secret it reads. Reading version "latest" is a warning on `scope`.
   */
  public addSecret(
    scope: IConstruct,
    name: string,
    ref: SecretReference,
  ): { readonly secret: string; readonly version: string } {
    const version = ref.version ?? DEFAULTS.secretVersion;
    if (version === "latest") {
      warnLatestSecretVersion(scope, this.owner, `secret environment variable ${name}`, ref.secret);
    }
    const secret = { secret: ref.secret, version };
    this.entries.push({ name, secret });
    return secret;
  }

  /**
   * The container's `env` block, rendered at synth (variables can be added after construction),
   * in Terraform's field names; absent when there are no variables.
   */
  public render(): RenderedValue {
    return new RenderedValue(() =>
      this.entries.length === 0
        ? undefined
        : this.entries.map((e) =>
            e.secret !== undefined
              ? {
                  name: e.name,
                  value_source: {
                    secret_key_ref: { secret: e.secret.secret, version: e.secret.version },
                  },
                }
              : { name: e.name, value: e.value },
          ),
    );
  }

  private assertNewName(prop: string, name: string): void {
    if (!isUnresolved(name) && this.entries.some((e) => e.name === name)) {
      throw invalidProp(this.owner, prop, `names must be unique: ${this.options.alreadySet}`, name);
    }
  }

  private checkCount(prop: string, added: number, name: string): void {
    if (this.options.countLimit ?? true) {
      validateEnvCount(this.owner, prop, this.entries.length + added, name);
    }
  }
}
