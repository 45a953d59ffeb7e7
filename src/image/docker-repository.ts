import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { bindingId } from "../iam/binding-id";
import { PUBLIC_MEMBERS, validateMember } from "../iam/members";
import { invalidProp, isUnresolved, ownerName } from "../util/check";
import { validateGcpLabels } from "../util/gcp-labels";
import { LocationKind, warnUnknownLocation } from "../util/gcp-regions";
import { nonEmptyMap } from "../util/maps";
import { cleanupPolicies, validatePolicyCount } from "./cleanup-policies";
import type { RegistryCredentials } from "./docker-provider";
import { googleClientConfigFor } from "./google-client-config";
import { checkImageName, defaultRepositoryId } from "./names";
import { DockerRepositoryAttributes, OciRegistryAttributes } from "./repository-attributes";
import {
  checkKmsKeyName,
  checkLocation,
  checkRegistryCredentials,
  checkRegistryHost,
  checkRepositoryId,
  registryAuthOf,
} from "./repository-checks";

/**
 * Properties of a {@link DockerRepository}.
 */
export interface DockerRepositoryProps {
  /**
   * The repository's location: a region such as `europe-west1`, or a multi-region (`us`,
   * `europe`, `asia`). Images are pushed to `<location>-docker.pkg.dev`. A well-formed location
   * that is not in the library's list of Artifact Registry locations is a synth warning naming
   * the nearest known ones.
   */
  readonly location: string;

  /**
   * The project that holds the repository.
   * @default - the Google provider's project
   */
  readonly project?: string;

  /**
   * The repository ID: lowercase letters, digits and hyphens, starting with a letter, not
   * ending with a hyphen, at most 63 characters.
   * @default - derived from the construct path (readable part plus a short hash), stable as
   * long as the construct path does not change
   */
  readonly repositoryId?: string;

  /**
   * A description of the repository.
   * @default - no description
   */
  readonly description?: string;

  /**
   * Labels of the repository (Google Cloud label rules, the same as a Cloud Run service's: at
   * most 64; keys 1-63 characters of lowercase letters (international ones included), digits,
   * `_` and `-`, starting with a letter; values at most 63 of the same; at most 128 bytes each).
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * Whether tags are immutable (a tag, once pushed, cannot be moved to another image).
   *
   * Off by default: image tags of this library are content hashes of the build inputs, not of
   * the image bytes. Docker builds are not byte-for-byte reproducible, so building the same
   * inputs again (another machine, a replaced `docker_image`) gives a new digest under the
   * same tag, and an immutable repository would refuse that push. Services are deployed by
   * digest, so a moved tag never changes what runs.
   * @default false
   */
  readonly immutableTags?: boolean;

  /**
   * Whether the repository gets the cleanup policies described by `keepRecentVersions`,
   * `deleteTaggedAfterDays` and `deleteUntaggedAfterDays`. `false` declares no cleanup policies
   * (nothing is ever deleted), e.g. to declare your own on `resource` (at most 10 per
   * repository, checked at synth).
   * @default true
   */
  readonly cleanupPolicies?: boolean;

  /**
   * The number of most recent versions of each image that are always kept, from 1 to 1000 (a
   * KEEP policy; Artifact Registry applies KEEP over every DELETE policy, so these stay
   * available for rollbacks however old they are).
   *
   * This is also what keeps the images that services run: a service runs its image by digest,
   * and the library deploys a digest right after pushing it, so the digest a service runs is
   * the most recent version of its image until the next push, and among the
   * `keepRecentVersions` most recent ones after it. A digest deployed some other way (an older
   * revision rolled back to by hand, an image name that other stacks push to more often) is
   * only safe while it is one of them or younger than `deleteTaggedAfterDays`.
   * @default 10
   */
  readonly keepRecentVersions?: number;

  /**
   * Versions with a tag that are older than this many days, from 1 to 3650, are deleted,
   * except the `keepRecentVersions` most recent ones of each image (a DELETE policy). Every
   * image this library pushes is tagged with its content hash, so this is the policy that
   * removes old images. Set `cleanupPolicies: false` to keep every image.
   * @default 30
   */
  readonly deleteTaggedAfterDays?: number;

  /**
   * Versions without a tag that are older than this many days, from 1 to 3650, are deleted,
   * except the `keepRecentVersions` most recent ones of each image (a DELETE policy). A version
   * loses its tag when the same tag is pushed again with a new digest (a rebuild of unchanged
   * inputs on another machine).
   * @default 7
   */
  readonly deleteUntaggedAfterDays?: number;

  /**
   * Evaluate cleanup policies without deleting anything (`cleanup_policy_dry_run`).
   * @default - the API default (policies are applied)
   */
  readonly cleanupPolicyDryRun?: boolean;

  /**
   * A Cloud KMS key to encrypt the repository's content with (customer-managed encryption,
   * `kms_key_name`): `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`,
   * in the repository's location. The Artifact Registry service agent
   * (`service-<project number>@gcp-sa-artifactregistry.iam.gserviceaccount.com`) needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key before the repository is created.
   * It cannot be changed later (the repository is replaced).
   * @default - Google-managed encryption keys
   */
  readonly kmsKeyName?: string;
}

const READER_ROLE = "roles/artifactregistry.reader";
const WRITER_ROLE = "roles/artifactregistry.writer";
const IMPORT = Symbol.for("cdktf-cloud-run.DockerRepository.import");
const REGISTRY = Symbol.for("cdktf-cloud-run.DockerRepository.registry");

/**
 * A Docker repository in Artifact Registry (`google_artifact_registry_repository`, format
 * `DOCKER`), with cleanup policies on by default: the 10 most recent versions of each image are
 * always kept; older versions are deleted 30 days after they were pushed (7 days when they lost
 * their tag).
 */
export class DockerRepository extends Construct {
  /**
   * Uses an existing repository. Creates no repository resource; grants still work.
   */
  public static fromRepositoryAttributes(
    scope: Construct,
    id: string,
    attrs: DockerRepositoryAttributes,
  ): DockerRepository {
    if (attrs === undefined || attrs === null || typeof attrs !== "object") {
      const path = [scope.node.path, id].filter((part) => part !== "").join("/");
      const owner = ownerName("DockerRepository", path);
      throw invalidProp(
        owner,
        "attrs",
        "are required: { location, repositoryId, project? }",
        attrs,
      );
    }
    const props = { location: attrs.location, [IMPORT]: attrs };
    return new DockerRepository(scope, id, props as DockerRepositoryProps);
  }

  /**
   * Uses another OCI registry than Artifact Registry (`<registryHost>[/<namespace>]/<image>`):
   * a local registry for development and tests, or one the organisation runs. Images are
   * pushed with the docker provider's credentials for that host (its `registry_auth`, or the
   * Docker config file); the library adds none. Cloud Run pulls from Artifact Registry only,
   * so a `CloudRunService` refuses an image pushed here; `ContainerImage` and `LocalService`
   * work with it. IAM grants do not apply.
   */
  public static fromRegistry(
    scope: Construct,
    id: string,
    attrs: OciRegistryAttributes,
  ): DockerRepository {
    const path = [scope.node.path, id].filter((part) => part !== "").join("/");
    const owner = ownerName("DockerRepository", path);
    if (attrs === undefined || attrs === null || typeof attrs !== "object") {
      throw invalidProp(owner, "attrs", "are required: { registryHost, namespace? }", attrs);
    }
    checkRegistryHost(owner, attrs.registryHost);
    if (attrs.namespace !== undefined && attrs.namespace !== null) {
      checkImageName(owner, "namespace", attrs.namespace);
    }
    checkRegistryCredentials(owner, attrs);
    const props = { location: "", [REGISTRY]: attrs };
    return new DockerRepository(scope, id, props as DockerRepositoryProps);
  }

  /**
   * True for an Artifact Registry repository; false for another OCI registry
   * (`fromRegistry`).
   */
  public readonly isArtifactRegistry: boolean;

  /** The repository's location, e.g. `europe-west1` (empty for another OCI registry). */
  public readonly location: string;

  /** The repository ID (for another OCI registry: its namespace, or empty). */
  public readonly repositoryId: string;

  /**
   * The project of the repository: the one given, otherwise a reference resolved by
   * Terraform (the repository's or the Google provider's project).
   */
  public readonly project: string;

  /**
   * The registry host images are pushed to: `<location>-docker.pkg.dev` for Artifact Registry,
   * the given host for another OCI registry.
   */
  public readonly registryHost: string;

  /**
   * The `google_artifact_registry_repository` resource (escape hatch).
   * @default - none for a repository from `fromRepositoryAttributes`
   */
  public readonly resource?: ArtifactRegistryRepository;

  /**
   * How the docker provider authenticates to `registryHost`, for another OCI registry.
   * @internal
   */
  public readonly _credentials?: RegistryCredentials;

  private readonly owner: string;
  private readonly grants = new Set<string>();

  constructor(scope: Construct, id: string, props: DockerRepositoryProps) {
    super(scope, id);
    this.owner = ownerName("DockerRepository", this.node.path);
    if (props === undefined || props === null || typeof props !== "object") {
      throw invalidProp(this.owner, "props", "are required: { location, ... }", props);
    }
    const imported = (props as { [IMPORT]?: DockerRepositoryAttributes })[IMPORT];
    const registry = (props as { [REGISTRY]?: OciRegistryAttributes })[REGISTRY];
    this.isArtifactRegistry = registry === undefined;

    if (registry !== undefined) {
      this.location = "";
      this.repositoryId = registry.namespace ?? "";
      this.project = "";
      this.registryHost = registry.registryHost;
      this._credentials = () => registryAuthOf(registry);
      if (registry.password !== undefined && !isUnresolved(registry.password)) {
        Annotations.of(this).addWarning(
          `${this.owner}: the password for ${registry.registryHost} is a literal: it is written into the synthesized ` +
            "Terraform JSON. Pass a sensitive TerraformVariable or a secret's reference instead.",
        );
      }
      return;
    }

    if (imported !== undefined) {
      checkLocation(this.owner, imported.location);
      warnUnknownLocation(
        this,
        this.owner,
        "location",
        imported.location,
        LocationKind.ARTIFACT_REGISTRY,
      );
      checkRepositoryId(this.owner, imported.repositoryId);
      this.location = imported.location;
      this.repositoryId = imported.repositoryId;
      this.project = imported.project ?? googleClientConfigFor(this).project;
      this.registryHost = `${this.location}-docker.pkg.dev`;
      return;
    }

    checkLocation(this.owner, props.location);
    warnUnknownLocation(
      this,
      this.owner,
      "location",
      props.location,
      LocationKind.ARTIFACT_REGISTRY,
    );
    if (props.repositoryId !== undefined) {
      checkRepositoryId(this.owner, props.repositoryId);
    }
    validateGcpLabels(this.owner, "labels", props.labels);
    checkKmsKeyName(this.owner, props.kmsKeyName);
    const policies = cleanupPolicies(this.owner, props);

    this.location = props.location;
    this.repositoryId = props.repositoryId ?? defaultRepositoryId(this.node.path);

    this.resource = new ArtifactRegistryRepository(this, "Resource", {
      format: "DOCKER",
      location: props.location,
      repositoryId: this.repositoryId,
      project: props.project,
      description: props.description,
      labels: nonEmptyMap(props.labels),
      dockerConfig: { immutableTags: props.immutableTags ?? false },
      cleanupPolicies: policies.length > 0 ? policies : undefined,
      cleanupPolicyDryRun: props.cleanupPolicyDryRun,
      kmsKeyName: props.kmsKeyName,
    });
    this.project = props.project ?? this.resource.project;
    this.registryHost = `${this.location}-docker.pkg.dev`;
    const resource = this.resource;
    this.node.addValidation({ validate: () => validatePolicyCount(this.owner, resource) });
  }

  /**
   * The URI of an image in this repository, without tag or digest:
   * `<location>-docker.pkg.dev/<project>/<repositoryId>/<imageName>`.
   *
   * @param imageName the image name: one or more `/`-separated components of lowercase
   * letters and digits, separated inside a component by `.`, `_`, `__` or hyphens
   */
  public imageUri(imageName: string): string {
    checkImageName(this.owner, "imageName", imageName);
    if (!this.isArtifactRegistry) {
      return [this.registryHost, this.repositoryId, imageName]
        .filter((part) => part !== "")
        .join("/");
    }
    return `${this.registryHost}/${this.project}/${this.repositoryId}/${imageName}`;
  }

  /**
   * Lets `member` pull images (`roles/artifactregistry.reader` on this repository). Granting
   * the same member twice declares one binding.
   *
   * @param member an IAM member, e.g. `serviceAccount:run@my-project.iam.gserviceaccount.com`
   */
  public grantReader(member: string): void {
    this.grant(member, READER_ROLE, "Reader");
  }

  /**
   * Lets `member` push images (`roles/artifactregistry.writer` on this repository). Granting
   * the same member twice declares one binding. Public members are refused.
   *
   * @param member an IAM member, e.g. `serviceAccount:ci@my-project.iam.gserviceaccount.com`
   */
  public grantWriter(member: string): void {
    this.grant(member, WRITER_ROLE, "Writer");
  }

  private grant(member: string, role: string, idPrefix: string): void {
    const method = idPrefix === "Reader" ? "grantReader" : "grantWriter";
    if (!this.isArtifactRegistry) {
      throw new Error(
        `${this.owner}: ${method} grants an Artifact Registry IAM role, but this repository is the OCI registry ` +
          `${this.registryHost}: give ${member} access there in that registry's own way.`,
      );
    }
    validateMember(this.owner, `${method} member`, member);
    if (!isUnresolved(member)) {
      if (PUBLIC_MEMBERS.includes(member)) {
        if (role === WRITER_ROLE) {
          throw invalidProp(
            this.owner,
            `${method} member`,
            "must not be public (allUsers, allAuthenticatedUsers): anyone could push images",
            member,
          );
        }
        Annotations.of(this).addWarning(
          `${this.owner}: ${member} can pull every image of this repository (the repository is public).`,
        );
      }
    }
    const id = bindingId(this, idPrefix, member);
    if (this.grants.has(id)) {
      return;
    }
    this.grants.add(id);
    new ArtifactRegistryRepositoryIamMember(this, id, {
      project: this.project,
      location: this.location,
      repository: this.resource !== undefined ? this.resource.repositoryId : this.repositoryId,
      role,
      member,
    });
  }
}
