import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { bindingId } from "../iam/binding-id";
import { PUBLIC_MEMBERS, validateMember } from "../iam/members";
import type { ContainerImage } from "../image/container-image";
import { checkCloudRunImage, renderContainer } from "../run-contract/container";
import { DEFAULTS } from "../run-contract/defaults";
import { ContainerEnvironment } from "../run-contract/environment";
import { CLIENT_IGNORE_CHANGES } from "../run-contract/ignore-changes";
import { Ingress } from "../run-contract/ingress";
import { resolveServiceName, validateDescription, validateLabels } from "../run-contract/metadata";
import { validatePort } from "../run-contract/ports";
import { renderProbe } from "../run-contract/probe";
import { checkRegion } from "../run-contract/region";
import { resolveRuntime } from "../run-contract/resources";
import { validateScaling } from "../run-contract/scaling";
import { SecretAccessGrants, SecretReference } from "../run-contract/secrets";
import { workloadIdentity } from "../run-contract/service-account";
import { validateTimeoutSeconds } from "../run-contract/timeouts";
import { requireUniqueNames } from "../run-contract/unique-names";
import { renderVpcAccess } from "../run-contract/vpc-access";
import { SecurityPosture } from "../security/security-posture";
import { checkConstant, checkProps, isUnresolved, knownMap, ownerName } from "../util/check";
import { nonEmptyMap } from "../util/maps";
import { CloudRunServiceOptions } from "./cloud-run-service-options";

/**
 * Properties of a {@link CloudRunService}.
 */
export interface CloudRunServiceProps extends CloudRunServiceOptions {
  /**
   * The image to run: a `ContainerImage` pushed to a repository (it runs pinned by digest), whose
   * final stage is proven to run as a non-root user.
   */
  readonly image: ContainerImage;
}

const INVOKER_ROLE = "roles/run.invoker";
const SERVICE_MARK = Symbol.for("cdktf-cloud-run.CloudRunService");

/**
 * A Cloud Run v2 service (`google_cloud_run_v2_service`) running a pushed `ContainerImage` pinned
 * by digest, as a non-root user, under its own service account with no project-level roles.
 * Private by default; every Cloud Run limit is checked at synth.
 */
export class CloudRunService extends Construct {
  /**
   * True when `x` is a CloudRunService (also across copies of this library).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static isCloudRunService(x: any): x is CloudRunService {
    return typeof x === "object" && x !== null && SERVICE_MARK in x;
  }

  /** The `google_cloud_run_v2_service` resource (escape hatch). */
  public readonly resource: CloudRunV2Service;

  /** The service name. */
  public readonly serviceName: string;

  /** The region of the service. */
  public readonly region: string;

  /** The HTTPS URL of the service (`https://<name>-<hash>.<region>.run.app`), known at apply. */
  public get uri(): string {
    // Created on first use: every attribute reference is a token that costs time at synth.
    this._uri ??= this.resource.uri;
    return this._uri;
  }
  private _uri?: string;

  /** The e-mail of the service account the service runs as. */
  public readonly serviceAccountEmail: string;

  /**
   * The dedicated service account (escape hatch).
   * @default - none when `serviceAccountEmail` was given
   */
  public readonly serviceAccount?: ServiceAccount;

  /** The image the service runs. */
  public readonly image: ContainerImage;

  /** The ingress setting. */
  public readonly ingress: Ingress;

  /** The container port. */
  public readonly port: number;

  /** Whether Terraform refuses to delete the service. */
  public readonly deletionProtection: boolean;

  private readonly owner: string;
  private readonly environment: ContainerEnvironment;
  private readonly secretGrants: SecretAccessGrants;
  private readonly invokerMembers = new Map<string, CloudRunV2ServiceIamMember>();

  constructor(scope: Construct, id: string, props: CloudRunServiceProps) {
    super(scope, id);
    Object.defineProperty(this, SERVICE_MARK, { value: true });
    const owner = ownerName("CloudRunService", this.node.path);
    this.owner = owner;
    checkProps(owner, props, "{ image, region, ... }");

    // --- image: pushed to Artifact Registry, non-root
    checkCloudRunImage(owner, "image", props.image);
    this.image = props.image;

    // --- names and placement
    checkRegion(this, owner, props.region);
    const serviceName = resolveServiceName(owner, id, props.serviceName);
    validateDescription(owner, props.description);
    this.serviceName = serviceName;
    this.region = props.region;

    // --- container and scaling
    this.port = props.port ?? DEFAULTS.port;
    validatePort(owner, "port", this.port);
    const runtime = resolveRuntime(owner, {
      cpu: props.cpu ?? DEFAULTS.cpu,
      memory: props.memory ?? DEFAULTS.memory,
      concurrency: props.concurrency,
      cpuIdle: props.cpuIdle,
      executionEnvironment: props.executionEnvironment?.value,
    });
    const timeoutSeconds = props.timeoutSeconds ?? DEFAULTS.timeoutSeconds;
    validateTimeoutSeconds(owner, timeoutSeconds);
    const minInstances = props.minInstances ?? DEFAULTS.minInstances;
    const maxInstances = props.maxInstances ?? DEFAULTS.maxInstances;
    validateScaling(owner, minInstances, maxInstances);
    validateLabels(owner, "labels", props.labels);
    const startupProbe = renderProbe(owner, "startupProbe", props.startupProbe, true, this.port);
    const livenessProbe = renderProbe(
      owner,
      "livenessProbe",
      props.livenessProbe,
      false,
      this.port,
    );
    const vpcAccess = renderVpcAccess(owner, props.vpcAccess);
    this.ingress = props.ingress ?? Ingress.ALL;
    checkConstant(owner, "ingress", this.ingress, (v) => v instanceof Ingress, "Ingress");
    this.deletionProtection = props.deletionProtection ?? true;

    // --- environment (validated before anything is created)
    this.environment = new ContainerEnvironment(owner, {
      alreadySet: "this variable is already set",
    });
    for (const [name, value] of Object.entries(knownMap(owner, "environment", props.environment))) {
      this.environment.addPlain("environment", name, value);
    }
    const pendingSecrets = Object.entries(knownMap(owner, "secrets", props.secrets));
    for (const [index, [name, ref]] of pendingSecrets.entries()) {
      this.environment.checkSecret("secrets", name, ref, index + 1);
    }

    // --- identity
    const identity = workloadIdentity(this, {
      owner,
      kind: "Cloud Run service",
      id,
      name: serviceName,
      project: props.project,
      serviceAccountEmail: props.serviceAccountEmail,
    });
    this.serviceAccountEmail = identity.email;
    this.serviceAccount = identity.serviceAccount;

    // --- the service
    const container = renderContainer({
      image: props.image.imageRef,
      port: this.port,
      runtime,
      startupCpuBoost: props.startupCpuBoost,
      environment: this.environment,
      startupProbe,
      livenessProbe,
    });
    this.resource = new CloudRunV2Service(this, "Resource", {
      name: serviceName,
      location: props.region,
      project: props.project,
      description: props.description,
      ingress: this.ingress.value,
      labels: nonEmptyMap(props.labels),
      deletionProtection: this.deletionProtection,
      template: {
        serviceAccount: this.serviceAccountEmail,
        timeout: `${isUnresolved(timeoutSeconds) ? Token.asString(timeoutSeconds) : timeoutSeconds}s`,
        maxInstanceRequestConcurrency: runtime.concurrency,
        executionEnvironment: runtime.executionEnvironment,
        scaling: { minInstanceCount: minInstances, maxInstanceCount: maxInstances },
        vpcAccess,
        containers: [container],
      },
      lifecycle:
        (props.ignoreClientChanges ?? true)
          ? { ignoreChanges: [...CLIENT_IGNORE_CHANGES] }
          : undefined,
    });

    this.secretGrants = new SecretAccessGrants(
      this,
      this.serviceAccountMember,
      props.project,
      this.resource,
    );
    for (const [name, ref] of pendingSecrets) {
      this.addCheckedSecret(name, ref);
    }
    if (props.allowUnauthenticated ?? false) {
      this.grantInvoke("allUsers");
    }

    requireUniqueNames({
      construct: this,
      kind: "CloudRunService",
      nameProp: "serviceName",
      name: serviceName,
      region: props.region,
      project: props.project,
      accountId: identity.accountId,
    });
    SecurityPosture.of(this)._addWorkload({
      construct: this,
      kind: "CloudRunService",
      resource: this.resource,
      image: this.image,
      serviceAccountEmail: this.serviceAccountEmail,
      dedicatedServiceAccount: this.serviceAccount !== undefined,
      allowUnauthenticated: props.allowUnauthenticated === true,
    });
  }

  /**
   * Whether anyone may invoke the service (`allUsers` or `allAuthenticatedUsers` hold
   * `roles/run.invoker`).
   */
  public get isPublic(): boolean {
    return [...this.invokerMembers.keys()].some((m) => PUBLIC_MEMBERS.includes(m));
  }

  /** The members granted `roles/run.invoker` on the service, in the order granted. */
  public get invokers(): string[] {
    return [...this.invokerMembers.keys()];
  }

  /** The names of the environment variables read from Secret Manager. */
  public get secretEnvironment(): string[] {
    return this.environment.secretNames;
  }

  /** The names of all environment variables (plain and from secrets). */
  public get environmentNames(): string[] {
    return this.environment.names;
  }

  /**
   * The IAM member of the service's identity: `serviceAccount:<email>`.
   */
  public get serviceAccountMember(): string {
    return `serviceAccount:${this.serviceAccountEmail}`;
  }

  /**
   * Adds a plain environment variable. The same rules as `environment` apply, and the name must
   * not be in use.
   */
  public addEnvironment(name: string, value: string): void {
    this.environment.addPlain("environment", name, value);
  }

  /**
   * Adds an environment variable read from Secret Manager and grants the service's identity
   * `roles/secretmanager.secretAccessor` on that secret.
   */
  public addSecretEnvironment(name: string, secret: SecretReference): void {
    this.environment.checkSecret("secrets", name, secret);
    this.addCheckedSecret(name, secret);
  }

  /**
   * Lets `member` invoke the service (`roles/run.invoker` on this service only). Granting the
   * same member twice declares one binding.
   *
   * @param member an IAM member, e.g. `serviceAccount:caller@my-project.iam.gserviceaccount.com`;
   * `allUsers` makes the service public
   */
  public grantInvoke(member: string): void {
    validateMember(this.owner, "grantInvoke member", member);
    const id = bindingId(this, "Invoker", member);
    if (this.invokerMembers.has(member) || this.node.tryFindChild(id) !== undefined) {
      return;
    }
    const binding = new CloudRunV2ServiceIamMember(this, id, {
      project: this.resource.project,
      location: this.resource.location,
      name: this.resource.name,
      role: INVOKER_ROLE,
      member,
    });
    this.invokerMembers.set(member, binding);
  }

  /** Adds a secret variable already checked, and grants access to its secret. */
  private addCheckedSecret(name: string, ref: SecretReference): void {
    const { secret } = this.environment.addSecret(this, name, ref);
    this.secretGrants.grant(secret);
  }
}
