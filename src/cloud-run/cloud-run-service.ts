import {
  CloudRunV2Service,
  CloudRunV2ServiceTemplateContainersEnv,
  CloudRunV2ServiceTemplateContainersLivenessProbe,
  CloudRunV2ServiceTemplateContainersStartupProbe,
  CloudRunV2ServiceTemplateVpcAccess,
  cloudRunV2ServiceTemplateContainersEnvToTerraform,
} from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Annotations, IResolveContext, ITerraformDependable, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { deriveAccountId } from "../iam/account-id";
import { bindingId } from "../iam/binding-id";
import { PUBLIC_MEMBERS, validateMember, validateServiceAccountEmail } from "../iam/members";
import type { ContainerImage } from "../image/container-image";
import { registerService } from "../security/internal/register";
import { invalidProp, isUnresolved, knownMap, ownerName } from "../util/check";
import { RenderedValue } from "../util/rendered-value";
import {
  resolveServiceName,
  resolveRuntime,
  validateDescription,
  validateEnvCount,
  validateEnvName,
  validateEnvValue,
  validateLabels,
  validateNetworkTag,
  validatePort,
  validateProbePath,
  validateProbeTiming,
  validateRegion,
  validateScaling,
  validateSecretName,
  validateSecretVersion,
  validateTimeoutSeconds,
} from "./limits";
import { CLIENT_IGNORE_CHANGES, DEFAULTS } from "./defaults";
import { Probe, ProbeType } from "./probe";
import { ExecutionEnvironment, Ingress, SecretReference, VpcAccess, VpcEgress } from "./settings";
import { nonEmptyMap } from "../util/maps";
import { LocationKind, warnUnknownLocation } from "../util/gcp-regions";

/**
 * The settings of a Cloud Run service, without its image. Shared by {@link CloudRunServiceProps}
 * and `CloudRunAppProps`.
 */
export interface CloudRunServiceOptions {
  /**
   * The region of the service, e.g. `europe-west1`. A well-formed region that is not in the
   * library's list of Cloud Run regions is a synth warning naming the nearest known ones.
   */
  readonly region: string;

  /**
   * The project of the service, its service account and its IAM bindings.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The service name: 1 to 49 lowercase letters, digits or hyphens, starting with a letter and
   * not ending with a hyphen. It must be unique per project and region.
   * @default - derived from the construct id: lowercased, other characters turned into `-`,
   * leading characters up to the first letter dropped, cut to 49 characters
   */
  readonly serviceName?: string;

  /**
   * A description of the service (at most 512 characters).
   * @default - no description
   */
  readonly description?: string;

  /**
   * The port the container listens on (1–65535). Cloud Run passes it in `PORT`; do not set
   * `PORT` yourself.
   * @default 8080
   */
  readonly port?: number;

  /**
   * The CPU limit of each instance: "1", "2", "4", "6" or "8", or a fraction from 0.08 to
   * below 1 (e.g. "0.5" or "500m"). A fraction implies concurrency 1, `cpuIdle: true` and the
   * first generation execution environment; they are set when not given, and contradicting
   * values are an error.
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit of each instance, e.g. "512Mi" or "2Gi" (units Mi, Gi, M, G), from 128Mi
   * (512Mi in the second generation environment) to 32Gi. Above 4Gi needs 2 CPU, above 8Gi 4,
   * above 16Gi 6, above 24Gi 8; 4 CPU needs 2Gi, 6 or 8 CPU need 4Gi.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * The maximum number of concurrent requests per instance (1–1000).
   * @default 80, or 1 when the CPU is below 1
   */
  readonly concurrency?: number;

  /**
   * The request timeout in seconds (1–3600).
   * @default 300
   */
  readonly timeoutSeconds?: number;

  /**
   * The minimum number of instances kept running (at most `maxInstances`).
   * @default 0
   */
  readonly minInstances?: number;

  /**
   * The maximum number of instances (at least 1). A ceiling on cost and on load on
   * downstream systems; the real upper bound is the region's quota.
   * @default 100 (Cloud Run's own default)
   */
  readonly maxInstances?: number;

  /**
   * Environment variables. Names are C identifiers; `PORT`, `K_SERVICE`, `K_REVISION` and
   * `K_CONFIGURATION` are reserved. At most 1000 per container, together with `secrets`. Values
   * are stored in plain text in the Terraform configuration and state: use `secrets` for
   * secrets.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secret Manager, by variable name. The service's identity
   * gets `roles/secretmanager.secretAccessor` on exactly these secrets.
   * @default - none
   */
  readonly secrets?: { [name: string]: SecretReference };

  /**
   * Which network sources may reach the service. IAM still decides who may invoke it.
   * @default Ingress.ALL
   */
  readonly ingress?: Ingress;

  /**
   * Let anyone invoke the service (`roles/run.invoker` for `allUsers`). Private otherwise:
   * callers need `roles/run.invoker`, see `grantInvoke`.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;

  /**
   * The e-mail of an existing service account the service runs as. Never a default compute
   * or App Engine service account (they hold the project Editor role).
   * @default - a dedicated service account is created, with no project-level roles
   */
  readonly serviceAccountEmail?: string;

  /**
   * The startup probe (HTTP, TCP or gRPC).
   * @default - Cloud Run's default TCP startup probe on the container port
   */
  readonly startupProbe?: Probe;

  /**
   * The liveness probe (HTTP or gRPC).
   * @default - no liveness probe
   */
  readonly livenessProbe?: Probe;

  /**
   * Direct VPC egress.
   * @default - no VPC access
   */
  readonly vpcAccess?: VpcAccess;

  /**
   * Labels of the service. Keys 1–63 lowercase letters (international ones included), digits,
   * `_` or `-` starting with a letter; values at most 63 of the same; at most 128 bytes each;
   * no keys in the `run.googleapis.com`,
   * `cloud.googleapis.com`, `serving.knative.dev` or `autoscaling.knative.dev` namespaces.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * The execution environment.
   * @default - Cloud Run's choice; `ExecutionEnvironment.GEN1` when the CPU is below 1
   */
  readonly executionEnvironment?: ExecutionEnvironment;

  /**
   * Give instances more CPU while they start, to shorten cold starts.
   * @default - off (Cloud Run's default when not set)
   */
  readonly startupCpuBoost?: boolean;

  /**
   * Request-based billing: CPU is only allocated while requests are processed
   * (`cpu_idle = true`). `false` is instance-based billing (CPU always allocated), needed for
   * background work between requests. Must be true when the CPU is below 1.
   * @default true
   */
  readonly cpuIdle?: boolean;

  /**
   * Whether Terraform refuses to delete the service. While true, `cdktf destroy` (or a change
   * that replaces the service) fails: set it to false and deploy first.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Ignore the fields that gcloud, the console and CI tools rewrite on every deploy (`client`,
   * `client_version`, the `client.knative.dev/user-image` annotations and the known
   * `run.googleapis.com/*` annotations and labels), so they do not show as perpetual diffs.
   * The container image is always managed by Terraform.
   * @default true
   */
  readonly ignoreClientChanges?: boolean;
}

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
const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
const SECRET_FULL_NAME = /^projects\/[^/]+\/secrets\/[^/]+$/;

interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly secret?: { readonly secret: string; readonly version: string };
}

/** A `depends_on` entry for a resource added after construction (like the `dependsOn` config). */
function dependencyOn(target: ITerraformDependable): string {
  return Token.asString({
    creationStack: [],
    resolve: (context: IResolveContext) => {
      context.suppressBraces = true;
      return target.fqn;
    },
    toString: () => target.fqn,
  });
}

const SERVICE_MARK = Symbol.for("cdktf-cloud-run.CloudRunService");
const UNIQUENESS_INDEX = Symbol.for("cdktf-cloud-run.CloudRunService.uniquenessIndex");

/** The services of a construct tree by name and account keys, rebuilt when services are added. */
interface UniquenessIndex {
  /** Bumped by every CloudRunService created in the tree. */
  version: number;
  /** The `version` the maps were built for. */
  builtFor: number;
  /** Tree order of the services. */
  readonly order: Map<CloudRunService, number>;
  /** Services by `uniquenessKey` and by `accountKey`. */
  readonly byKey: Map<string, CloudRunService[]>;
}

function uniquenessIndexOf(root: IConstruct): UniquenessIndex {
  const holder = root as unknown as { [UNIQUENESS_INDEX]?: UniquenessIndex };
  let index = holder[UNIQUENESS_INDEX];
  if (index === undefined) {
    index = { version: 0, builtFor: -1, order: new Map(), byKey: new Map() };
    Object.defineProperty(root, UNIQUENESS_INDEX, { value: index, enumerable: false });
  }
  return index;
}

/** `project/region/name` of a service, when all three are known at synth. */
function uniquenessKey(s: CloudRunService): string | undefined {
  const project = (s as unknown as { project?: string }).project ?? "";
  return [s.serviceName, s.region, project].some((v) => isUnresolved(v))
    ? undefined
    : `${project}/${s.region}/${s.serviceName}`;
}

/** The project and derived service account id of a service, when it derived one. */
function accountKey(s: CloudRunService): string | undefined {
  const fields = s as unknown as { project?: string; accountId?: string };
  return fields.accountId === undefined
    ? undefined
    : `\0account\0${fields.project ?? ""}\0${fields.accountId}`;
}

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
  private readonly project?: string;
  private readonly env: EnvEntry[] = [];
  private readonly invokerMembers = new Map<string, CloudRunV2ServiceIamMember>();
  private readonly secretGrants = new Map<string, SecretManagerSecretIamMember>();
  private readonly accountId?: string;

  constructor(scope: Construct, id: string, props: CloudRunServiceProps) {
    super(scope, id);
    Object.defineProperty(this, SERVICE_MARK, { value: true });
    const owner = ownerName("CloudRunService", this.node.path);
    this.owner = owner;

    if (props === undefined || props === null || typeof props !== "object") {
      throw invalidProp(owner, "props", "are required: { image, region, ... }", props);
    }

    // --- image: pushed, non-root (defence in depth next to ContainerImage's own check)
    if (
      props.image === undefined ||
      props.image === null ||
      typeof props.image.dockerfile?.assertNonRoot !== "function"
    ) {
      throw invalidProp(
        owner,
        "image",
        "is required: a ContainerImage with a repository",
        props.image,
      );
    }
    if (!props.image.isPushed) {
      throw invalidProp(
        owner,
        "image",
        "must be pushed to a registry (give the ContainerImage a `repository`): a local-only image cannot run on Cloud Run",
        props.image.localImageName ?? props.image.node.path,
      );
    }
    if (props.image.repository?.isArtifactRegistry === false) {
      throw invalidProp(
        owner,
        "image",
        "must be pushed to an Artifact Registry repository: Cloud Run pulls images from Artifact Registry, not from " +
          `${props.image.repository.registryHost} (mirror it with an Artifact Registry remote repository)`,
        props.image.localImageName,
      );
    }
    props.image.dockerfile.assertNonRoot(owner);
    this.image = props.image;

    // --- names and placement
    validateRegion(owner, props.region);
    warnUnknownLocation(this, owner, "region", props.region, LocationKind.CLOUD_RUN);
    const serviceName = resolveServiceName(owner, id, props.serviceName);
    validateDescription(owner, props.description);
    this.serviceName = serviceName;
    this.region = props.region;
    this.project = props.project;

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
    const startupProbe = this.renderProbe("startupProbe", props.startupProbe, true);
    // TCP is refused for liveness probes, so the shapes agree.
    const livenessProbe = this.renderProbe("livenessProbe", props.livenessProbe, false) as
      CloudRunV2ServiceTemplateContainersLivenessProbe | undefined;
    const vpcAccess = this.renderVpcAccess(props.vpcAccess);
    this.ingress = props.ingress ?? Ingress.ALL;
    if (!(this.ingress instanceof Ingress)) {
      throw invalidProp(owner, "ingress", "must be one of the Ingress constants", this.ingress);
    }
    this.deletionProtection = props.deletionProtection ?? true;

    // --- environment (validated before anything is created)
    for (const [name, value] of Object.entries(knownMap(owner, "environment", props.environment))) {
      this.pushEnvironment("environment", name, value);
    }
    const pendingSecrets = Object.entries(knownMap(owner, "secrets", props.secrets));
    for (const [index, [name, ref]] of pendingSecrets.entries()) {
      this.checkSecret("secrets", name, ref);
      validateEnvCount(owner, "secrets", this.env.length + index + 1, name);
    }

    // --- identity
    if (props.serviceAccountEmail !== undefined) {
      validateServiceAccountEmail(owner, "serviceAccountEmail", props.serviceAccountEmail);
      this.serviceAccountEmail = props.serviceAccountEmail;
    } else {
      const nameForId = isUnresolved(serviceName) ? id : serviceName;
      this.accountId = deriveAccountId(nameForId, this.node.path);
      this.serviceAccount = new ServiceAccount(this, "ServiceAccount", {
        accountId: this.accountId,
        project: props.project,
        displayName: isUnresolved(serviceName)
          ? "Cloud Run service runtime identity"
          : `Cloud Run service ${serviceName}`,
        description: "Runtime identity of a Cloud Run service. No project-level roles.",
      });
      this.serviceAccountEmail = this.serviceAccount.email;
    }

    // --- the service
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
        containers: [
          {
            image: props.image.imageRef,
            ports: { containerPort: this.port },
            resources: {
              limits: { cpu: runtime.cpu, memory: runtime.memory },
              cpuIdle: runtime.cpuIdle,
              startupCpuBoost: props.startupCpuBoost,
            },
            // Variables can be added after construction: rendered at synth, in Terraform's names.
            env: new RenderedValue(() => this.renderEnv()) as unknown as
              CloudRunV2ServiceTemplateContainersEnv[] | undefined,
            startupProbe,
            livenessProbe,
          },
        ],
      },
      lifecycle:
        (props.ignoreClientChanges ?? true)
          ? { ignoreChanges: [...CLIENT_IGNORE_CHANGES] }
          : undefined,
    });

    for (const [name, ref] of pendingSecrets) {
      this.pushSecret(name, ref);
    }
    if (props.allowUnauthenticated ?? false) {
      this.grantInvoke("allUsers");
    }

    uniquenessIndexOf(this.node.root).version++;
    this.node.addValidation({ validate: () => this.validateUniqueness() });
    registerService(this, props.allowUnauthenticated ?? false);
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
    return this.env.filter((e) => e.secret !== undefined).map((e) => e.name);
  }

  /** The names of all environment variables (plain and from secrets). */
  public get environmentNames(): string[] {
    return this.env.map((e) => e.name);
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
    this.pushEnvironment("environment", name, value);
  }

  /**
   * Adds an environment variable read from Secret Manager and grants the service's identity
   * `roles/secretmanager.secretAccessor` on that secret.
   */
  public addSecretEnvironment(name: string, secret: SecretReference): void {
    this.checkSecret("secrets", name, secret);
    validateEnvCount(this.owner, "secrets", this.env.length + 1, name);
    this.pushSecret(name, secret);
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

  // -------------------------------------------------------------------------------------------

  private assertNewName(prop: string, name: string): void {
    if (!isUnresolved(name) && this.env.some((e) => e.name === name)) {
      throw invalidProp(
        this.owner,
        prop,
        "names must be unique: this variable is already set",
        name,
      );
    }
  }

  private pushEnvironment(prop: string, name: string, value: string): void {
    validateEnvName(this.owner, prop, name);
    validateEnvValue(this.owner, prop, name, value);
    this.assertNewName(prop, name);
    validateEnvCount(this.owner, prop, this.env.length + 1, name);
    this.env.push({ name, value });
  }

  private checkSecret(prop: string, name: string, ref: SecretReference): void {
    validateEnvName(this.owner, prop, name);
    if (ref === undefined || ref === null || typeof ref !== "object") {
      throw invalidProp(this.owner, `${prop}.${name}`, "must be { secret, version? }", ref);
    }
    validateSecretName(this.owner, `${prop}.${name}.secret`, ref.secret);
    if (ref.version !== undefined) {
      validateSecretVersion(this.owner, `${prop}.${name}.version`, ref.version);
    }
    this.assertNewName(prop, name);
  }

  private pushSecret(name: string, ref: SecretReference): void {
    const version = ref.version ?? DEFAULTS.secretVersion;
    if (version === "latest") {
      Annotations.of(this).addWarning(
        `${this.owner}: secret environment variable ${name} reads version "latest" of ${ref.secret}: ` +
          `pin a version number (e.g. version: "3") so that every instance reads the same value ` +
          `and a rollback rolls the secret back too.`,
      );
    }
    this.env.push({ name, secret: { secret: ref.secret, version } });
    this.grantSecretAccess(ref.secret);
  }

  private grantSecretAccess(secret: string): void {
    const id = bindingId(this, "SecretAccessor", secret);
    if (this.secretGrants.has(secret) || this.node.tryFindChild(id) !== undefined) {
      return;
    }
    const fullName = !isUnresolved(secret) && SECRET_FULL_NAME.test(secret);
    const grant = new SecretManagerSecretIamMember(this, id, {
      secretId: secret,
      // A short id lives in the service's project; a full name carries its own.
      project: fullName ? undefined : this.project,
      role: SECRET_ACCESSOR_ROLE,
      member: this.serviceAccountMember,
    });
    this.secretGrants.set(secret, grant);
    // The revision cannot start before its identity can read the secret.
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), dependencyOn(grant)];
  }

  private renderEnv(): unknown[] | undefined {
    if (this.env.length === 0) {
      return undefined;
    }
    const env: CloudRunV2ServiceTemplateContainersEnv[] = this.env.map((e) =>
      e.secret !== undefined
        ? {
            name: e.name,
            valueSource: {
              secretKeyRef: { secret: e.secret.secret, version: e.secret.version },
            },
          }
        : { name: e.name, value: e.value },
    );
    return env.map((e) => cloudRunV2ServiceTemplateContainersEnvToTerraform(e));
  }

  private renderProbe(
    prop: string,
    probe: Probe | undefined,
    startup: boolean,
  ):
    | CloudRunV2ServiceTemplateContainersStartupProbe
    | CloudRunV2ServiceTemplateContainersLivenessProbe
    | undefined {
    if (probe === undefined || probe === null) {
      return undefined;
    }
    if (!(probe instanceof Probe)) {
      throw invalidProp(
        this.owner,
        prop,
        "must be made with Probe.http(), Probe.tcp() or Probe.grpc()",
        probe,
      );
    }
    if (!startup && probe.type === ProbeType.TCP) {
      throw invalidProp(
        this.owner,
        prop,
        "must be an HTTP or gRPC probe: Cloud Run supports TCP for startup probes only",
        "tcp",
      );
    }
    validateProbeTiming(this.owner, prop, probe.timing, startup);
    validatePort(this.owner, `${prop}.port`, probe.port);
    const timing = {
      initialDelaySeconds: probe.timing.initialDelaySeconds,
      periodSeconds: probe.timing.periodSeconds,
      timeoutSeconds: probe.timing.timeoutSeconds,
      failureThreshold: probe.timing.failureThreshold,
    };
    switch (probe.type) {
      case ProbeType.HTTP: {
        validateProbePath(this.owner, `${prop}.path`, probe.path);
        const headers = Object.entries(probe.httpHeaders ?? {}).map(([name, value]) => ({
          name,
          value,
        }));
        return {
          ...timing,
          httpGet: {
            path: probe.path,
            port: probe.port,
            httpHeaders: headers.length > 0 ? headers : undefined,
          },
        };
      }
      case ProbeType.TCP:
        return { ...timing, tcpSocket: { port: probe.port ?? this.port } };
      case ProbeType.GRPC:
        return { ...timing, grpc: { port: probe.port, service: probe.grpcService } };
    }
  }

  private renderVpcAccess(
    vpcAccess: VpcAccess | undefined,
  ): CloudRunV2ServiceTemplateVpcAccess | undefined {
    if (vpcAccess === undefined || vpcAccess === null) {
      return undefined;
    }
    if (typeof vpcAccess !== "object") {
      throw invalidProp(
        this.owner,
        "vpcAccess",
        "must be { network?, subnetwork?, ... }",
        vpcAccess,
      );
    }
    if (
      (vpcAccess.network ?? undefined) === undefined &&
      (vpcAccess.subnetwork ?? undefined) === undefined
    ) {
      throw invalidProp(
        this.owner,
        "vpcAccess",
        "needs a network, a subnetwork or both",
        vpcAccess,
      );
    }
    const egress = vpcAccess.egress ?? VpcEgress.PRIVATE_RANGES_ONLY;
    if (!(egress instanceof VpcEgress)) {
      throw invalidProp(
        this.owner,
        "vpcAccess.egress",
        "must be one of the VpcEgress constants",
        egress,
      );
    }
    const networkTags = vpcAccess.networkTags ?? undefined;
    if (networkTags !== undefined && !isUnresolved(networkTags) && !Array.isArray(networkTags)) {
      throw invalidProp(
        this.owner,
        "vpcAccess.networkTags",
        "must be a list of network tags",
        networkTags,
      );
    }
    for (const tag of networkTags ?? []) {
      validateNetworkTag(this.owner, "vpcAccess.networkTags", tag);
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

  /** Two services of one app with the same name and placement, or the same account id. */
  private validateUniqueness(): string[] {
    const errors: string[] = [];
    // One walk of the tree per validation pass for all services (not one per service).
    const index = uniquenessIndexOf(this.node.root);
    if (index.builtFor !== index.version) {
      index.order.clear();
      index.byKey.clear();
      for (const c of this.node.root.node.findAll()) {
        if (CloudRunService.isCloudRunService(c)) {
          index.order.set(c, index.order.size);
          for (const k of [uniquenessKey(c), accountKey(c)]) {
            if (k !== undefined) {
              const list = index.byKey.get(k);
              if (list === undefined) {
                index.byKey.set(k, [c]);
              } else {
                list.push(c);
              }
            }
          }
        }
      }
      index.builtFor = index.version;
    }
    const mine = uniquenessKey(this);
    const candidates = new Set<CloudRunService>();
    for (const k of [mine, accountKey(this)]) {
      for (const c of k === undefined ? [] : (index.byKey.get(k) ?? [])) {
        candidates.add(c);
      }
    }
    const others = [...candidates]
      .filter((c) => c !== this)
      .sort((a, b) => (index.order.get(a) ?? 0) - (index.order.get(b) ?? 0));
    const key = uniquenessKey;
    for (const other of others) {
      if (mine !== undefined && key(other) === mine) {
        errors.push(
          `${this.owner}: invalid serviceName: must be unique per project and region, but ${ownerName("CloudRunService", other.node.path)} uses it too. Got: ${JSON.stringify(this.serviceName)}`,
        );
      }
      if (
        this.accountId !== undefined &&
        other.accountId === this.accountId &&
        (this.project ?? "") === (other.project ?? "")
      ) {
        errors.push(
          `${this.owner}: the derived service account id ${this.accountId} collides with the one of ${ownerName("CloudRunService", other.node.path)}; set serviceAccountEmail or change the serviceName`,
        );
      }
    }
    return errors;
  }
}
