import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Construct } from "constructs";
import { MemberBindings, RUN_INVOKER_ROLE } from "../iam/member-bindings";
import { PUBLIC_MEMBERS } from "../iam/members";
import type { ContainerImage } from "../image/container-image";
import { checkCloudRunImage, RenderedContainer, renderContainer } from "../run-contract/container";
import { DEFAULTS } from "../run-contract/defaults";
import { CLIENT_IGNORE_CHANGES } from "../run-contract/ignore-changes";
import { Ingress } from "../run-contract/ingress";
import { resolveServiceName, validateDescription, validateLabels } from "../run-contract/metadata";
import { MAIN, MultiContainer } from "../run-contract/multi-container";
import { validatePort } from "../run-contract/ports";
import { renderProbe } from "../run-contract/probe";
import { checkRegion } from "../run-contract/region";
import { resolveRuntime, RuntimeSettings } from "../run-contract/resources";
import { validateScaling } from "../run-contract/scaling";
import { SecretReference } from "../run-contract/secrets";
import { workloadIdentity } from "../run-contract/service-account";
import { durationSeconds, validateTimeoutSeconds } from "../run-contract/timeouts";
import { requireUniqueNames } from "../run-contract/unique-names";
import { renderVpcAccess } from "../run-contract/vpc-access";
import { Volume } from "../run-contract/volumes";
import { WorkloadEnvironment } from "../run-contract/workload-environment";
import { SecurityPosture } from "../security/security-posture";
import { checkConstant, checkProps, ownerName } from "../util/check";
import { nonEmptyMap } from "../util/maps";
import { CloudRunServiceOptions } from "./cloud-run-service-options";
import { SidecarOptions } from "./sidecar-options";

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

  private readonly environment: WorkloadEnvironment;
  private readonly invokerBindings: MemberBindings<CloudRunV2ServiceIamMember>;
  private readonly containers: MultiContainer;
  private readonly runtime: RuntimeSettings;
  private readonly startupCpuBoost?: boolean;
  private readonly mainContainer: RenderedContainer;

  constructor(scope: Construct, id: string, props: CloudRunServiceProps) {
    super(scope, id);
    Object.defineProperty(this, SERVICE_MARK, { value: true });
    const owner = ownerName("CloudRunService", this.node.path);
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
    this.environment = new WorkloadEnvironment(owner, props, {
      alreadySet: "this variable is already set",
    });

    // --- volumes and sidecars (validated before anything is created)
    this.runtime = runtime;
    this.startupCpuBoost = props.startupCpuBoost;
    this.containers = new MultiContainer(props, {
      owner,
      scope: this,
      executionEnvironment: {
        given: props.executionEnvironment?.value,
        implied: runtime.executionEnvironment,
        impliedBecause: runtime.fractionalCpu
          ? `a cpu below 1 (${JSON.stringify(runtime.cpu)}) needs the first generation (GEN1): use a cpu of at least 1`
          : undefined,
      },
      mainCpu: runtime.cpu,
      mainMemory: runtime.memory,
      checkImage: (prop, image) => checkCloudRunImage(owner, prop, image as ContainerImage),
    });

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
    this.mainContainer = renderContainer({
      image: props.image.imageRef,
      port: this.port,
      runtime,
      startupCpuBoost: props.startupCpuBoost,
      environment: this.environment.container,
      startupProbe,
      livenessProbe,
      volumeMounts: this.containers.volumes.renderMounts(MAIN),
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
        timeout: durationSeconds(timeoutSeconds),
        maxInstanceRequestConcurrency: runtime.concurrency,
        executionEnvironment: this.containers.volumes.executionEnvironment(),
        scaling: { minInstanceCount: minInstances, maxInstanceCount: maxInstances },
        vpcAccess,
        containers: this.renderContainers(),
        volumes: this.containers.volumes.renderVolumes(),
      },
      lifecycle:
        (props.ignoreClientChanges ?? true)
          ? { ignoreChanges: [...CLIENT_IGNORE_CHANGES] }
          : undefined,
    });

    this.invokerBindings = new MemberBindings(
      this,
      owner,
      "grantInvoke member",
      "Invoker",
      (id, member) =>
        new CloudRunV2ServiceIamMember(this, id, {
          project: this.resource.project,
          location: this.resource.location,
          name: this.resource.name,
          role: RUN_INVOKER_ROLE,
          member,
        }),
    );
    this.environment.bind(
      this,
      this.serviceAccountMember,
      props.project,
      this.resource,
      this.containers.volumes,
    );
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
    const sidecars = this.containers.sidecars;
    SecurityPosture.of(this)._addWorkload({
      construct: this,
      kind: "CloudRunService",
      resource: this.resource,
      image: this.image,
      get sidecars() {
        return sidecars.list.map((s) => ({ name: s.name, image: s.input.image as ContainerImage }));
      },
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
    return this.invokerBindings.members.some((m) => PUBLIC_MEMBERS.includes(m));
  }

  /** The members granted `roles/run.invoker` on the service, in the order granted. */
  public get invokers(): string[] {
    return this.invokerBindings.members;
  }

  /** The names of the environment variables read from Secret Manager. */
  public get secretEnvironment(): string[] {
    return this.environment.container.secretNames;
  }

  /** The names of all environment variables (plain and from secrets). */
  public get environmentNames(): string[] {
    return this.environment.container.names;
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
    this.environment.addPlain(name, value);
  }

  /**
   * Adds an environment variable read from Secret Manager and grants the service's identity
   * `roles/secretmanager.secretAccessor` on that secret.
   */
  public addSecretEnvironment(name: string, secret: SecretReference): void {
    this.environment.addSecret(name, secret);
  }

  /**
   * Lets `member` invoke the service (`roles/run.invoker` on this service only). Granting the
   * same member twice declares one binding.
   *
   * @param member an IAM member, e.g. `serviceAccount:caller@my-project.iam.gserviceaccount.com`;
   * `allUsers` makes the service public
   */
  public grantInvoke(member: string): void {
    this.invokerBindings.grant(member);
  }

  /**
   * Mounts a volume into the main container at `path` and grants the service's identity what the
   * volume needs (see `Volume`). The rules of `volumes` apply.
   *
   * @param path an absolute path, unique in the main container
   * @param volume the volume
   */
  public addVolume(path: string, volume: Volume): void {
    this.containers.addVolume(path, volume);
    this.syncTemplate();
  }

  /**
   * Adds a sidecar container (see `sidecars`): its image must be proven non-root, its volumes are
   * mounted and granted as the main container's. Its `dependsOn` is checked at synth.
   */
  public addSidecar(options: SidecarOptions): void {
    this.containers.addSidecar(options);
    this.syncTemplate();
  }

  /** The names of the sidecars, in the order added. */
  public get sidecarNames(): string[] {
    return this.containers.sidecars.list.map((s) => s.name);
  }

  /**
   * The containers: the main one, named "main" when there are sidecars, then the sidecars.
   */
  private renderContainers(): RenderedContainer[] {
    return this.containers.render({
      main: this.mainContainer,
      runtime: this.runtime,
      startupCpuBoost: this.startupCpuBoost,
    });
  }

  /**
   * After a sidecar or a volume is added: the containers, and the execution environment a
   * volume may need (the template's escape-hatch fields stay plain values).
   */
  private syncTemplate(): void {
    this.resource.template.putContainers(this.renderContainers());
    const environment = this.containers.volumes.executionEnvironment();
    if (environment !== undefined) {
      this.resource.template.executionEnvironment = environment;
    }
  }
}
