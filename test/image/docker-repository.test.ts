import * as path from "path";
import * as fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { Testing, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { DockerRepository, DockerRepositoryProps } from "../../src/image/docker-repository";
import { ContainerImage } from "../../src/image/container-image";
import { warnings } from "../support/annotations";
import { CloudRunService } from "../../src/cloud-run/cloud-run-service";
import { defaultRepositoryId } from "../../src/image/names";
import { validateRegion } from "../../src/run-contract/region";

/** Synthesized Terraform JSON, navigated freely in assertions. */
type TfJson = ReturnType<typeof JSON.parse>;

const OWNER = "DockerRepository 'stack/Repo'";
const NONROOT_CONTEXT = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");

function synthText(build: (stack: TerraformStack) => void): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  new GoogleProvider(stack, "google", { project: "p" });
  build(stack);
  return Testing.synth(stack, true);
}

function synth(build: (stack: TerraformStack) => void): TfJson {
  return JSON.parse(synthText(build));
}

function repositories(json: TfJson): TfJson[] {
  return Object.values(json.resource?.google_artifact_registry_repository ?? {});
}

function members(json: TfJson): TfJson[] {
  return Object.values(json.resource?.google_artifact_registry_repository_iam_member ?? {});
}

function make(props: Partial<DockerRepositoryProps>): () => void {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    new DockerRepository(stack, "Repo", { location: "europe-west1", ...props });
  };
}

describe("DockerRepository", () => {
  test("maps props to a DOCKER repository with cleanup policies on by default", () => {
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", {
        location: "europe-west1",
        project: "my-project",
        repositoryId: "images",
        description: "Service images",
        labels: { team: "platform", env: "" },
      });
    });
    expect(repositories(json)).toEqual([
      {
        format: "DOCKER",
        location: "europe-west1",
        project: "my-project",
        repository_id: "images",
        description: "Service images",
        labels: { team: "platform", env: "" },
        docker_config: { immutable_tags: false },
        cleanup_policies: [
          { id: "keep-recent-versions", action: "KEEP", most_recent_versions: { keep_count: 10 } },
          {
            id: "delete-old-tagged",
            action: "DELETE",
            condition: { tag_state: "TAGGED", older_than: "2592000s" },
          },
          {
            id: "delete-untagged",
            action: "DELETE",
            condition: { tag_state: "UNTAGGED", older_than: "604800s" },
          },
        ],
      },
    ]);
  });

  test("the default policies delete the tagged images the library pushes, except the most recent", () => {
    // Every image ContainerImage pushes is tagged with its content hash: a policy for untagged
    // versions alone would never delete one of them.
    const json = synth((stack) => {
      const repository = new DockerRepository(stack, "Repo", { location: "europe-west1" });
      new ContainerImage(stack, "Image", { repository, directory: NONROOT_CONTEXT });
    });
    const [repo] = repositories(json);
    const [push] = Object.values(json.resource.docker_registry_image) as TfJson[];
    expect(push.name).toMatch(/:[0-9a-f]{64}$/);
    const deletes = repo.cleanup_policies.filter((p: TfJson) => p.action === "DELETE");
    expect(deletes.map((p: TfJson) => p.condition.tag_state).sort()).toEqual([
      "TAGGED",
      "UNTAGGED",
    ]);
    // KEEP wins over DELETE in Artifact Registry: the 10 most recent versions of each image
    // (the one a service runs among them) are never deleted.
    expect(repo.cleanup_policies.filter((p: TfJson) => p.action === "KEEP")).toEqual([
      { id: "keep-recent-versions", action: "KEEP", most_recent_versions: { keep_count: 10 } },
    ]);
  });

  test("cleanup policies follow the provider schema: condition.tag_state, older_than in seconds", () => {
    // google_artifact_registry_repository.cleanup_policies (provider 6.50.0): id, action
    // (DELETE | KEEP), condition { tag_state (TAGGED | UNTAGGED | ANY), older_than (a duration
    // such as "2592000s") }, most_recent_versions { keep_count }.
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", {
        location: "europe-west1",
        keepRecentVersions: 1000,
        deleteTaggedAfterDays: 3650,
        deleteUntaggedAfterDays: 1,
      });
    });
    const [repo] = repositories(json);
    for (const policy of repo.cleanup_policies) {
      expect(Object.keys(policy).sort()).toEqual(
        policy.action === "KEEP"
          ? ["action", "id", "most_recent_versions"]
          : ["action", "condition", "id"],
      );
      if (policy.action === "DELETE") {
        expect(Object.keys(policy.condition).sort()).toEqual(["older_than", "tag_state"]);
        expect(policy.condition.older_than).toMatch(/^[1-9][0-9]*s$/);
        expect(["TAGGED", "UNTAGGED", "ANY"]).toContain(policy.condition.tag_state);
      } else {
        expect(Number.isInteger(policy.most_recent_versions.keep_count)).toBe(true);
      }
    }
    expect(repo.cleanup_policies.map((p: TfJson) => p.condition?.older_than)).toEqual([
      undefined,
      "315360000s",
      "86400s",
    ]);
  });

  test("periods given as Terraform numbers are multiplied by Terraform", () => {
    const json = synth((stack) => {
      const days = new TerraformVariable(stack, "days", { type: "number" });
      new DockerRepository(stack, "Repo", {
        location: "europe-west1",
        deleteTaggedAfterDays: days.numberValue,
      });
    });
    expect(repositories(json)[0].cleanup_policies[1].condition.older_than).toBe(
      "${(var.days * 86400)}s",
    );
  });

  test("at most 10 cleanup policies, counted at synth with the escape hatch's changes", () => {
    const policy = (i: number) => ({
      id: `p${i}`,
      action: "DELETE",
      condition: { olderThan: "86400s" },
    });
    const build = (count: number) => (stack: TerraformStack) => {
      const repo = new DockerRepository(stack, "Repo", { location: "us", cleanupPolicies: false });
      repo.resource!.putCleanupPolicies([...Array(count).keys()].map(policy));
    };
    expect(() => synthText(build(10))).not.toThrow();
    expect(() => synthText(build(11))).toThrow(
      `${OWNER}: invalid cleanup_policies: a repository has at most 10 cleanup policies (Artifact Registry's limit). Got: 11 policies`,
    );
    // An override counts too.
    expect(() =>
      synthText((stack) => {
        const repo = new DockerRepository(stack, "Repo", {
          location: "us",
          cleanupPolicies: false,
        });
        repo.resource!.addOverride(
          "cleanup_policies",
          [...Array(11).keys()].map((i) => ({ id: `p${i}`, action: "DELETE" })),
        );
      }),
    ).toThrow("Got: 11 policies");
  });

  test("cleanup policy props", () => {
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", {
        location: "us",
        repositoryId: "images",
        keepRecentVersions: 3,
        deleteUntaggedAfterDays: 1,
        deleteTaggedAfterDays: 90,
        cleanupPolicyDryRun: true,
        immutableTags: true,
      });
    });
    const [repo] = repositories(json);
    expect(repo.cleanup_policies).toEqual([
      { id: "keep-recent-versions", action: "KEEP", most_recent_versions: { keep_count: 3 } },
      {
        id: "delete-old-tagged",
        action: "DELETE",
        condition: { tag_state: "TAGGED", older_than: "7776000s" },
      },
      {
        id: "delete-untagged",
        action: "DELETE",
        condition: { tag_state: "UNTAGGED", older_than: "86400s" },
      },
    ]);
    expect(repo.cleanup_policy_dry_run).toBe(true);
    expect(repo.docker_config).toEqual({ immutable_tags: true });
  });

  test("cleanupPolicies: false declares no policies", () => {
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", { location: "us", cleanupPolicies: false });
    });
    const [repo] = repositories(json);
    expect(repo.cleanup_policies).toBeUndefined();
    expect(repo.cleanup_policy_dry_run).toBeUndefined();
  });

  test("kmsKeyName: customer-managed encryption with a Cloud KMS key", () => {
    const key = "projects/kms-p/locations/europe-west1/keyRings/images/cryptoKeys/ar";
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", { location: "europe-west1", kmsKeyName: key });
    });
    expect(repositories(json)[0].kms_key_name).toBe(key);
    const plain = synth((stack) => {
      new DockerRepository(stack, "Repo", { location: "europe-west1" });
    });
    expect(repositories(plain)[0].kms_key_name).toBeUndefined();
  });

  test.each([
    "my-key",
    "projects/p/locations/europe-west1/keyRings/r",
    "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
    "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/bad key",
  ])("kmsKeyName %j is refused with the expected form", (kmsKeyName) => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(
      () => new DockerRepository(stack, "Repo", { location: "europe-west1", kmsKeyName }),
    ).toThrow(
      `${OWNER}: invalid kmsKeyName: must be a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>. Got: ${JSON.stringify(kmsKeyName)}`,
    );
  });

  test("registryHost, imageUri and project", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const repo = new DockerRepository(stack, "Repo", {
      location: "europe-west1",
      project: "my-project",
      repositoryId: "images",
    });
    expect(repo.registryHost).toBe("europe-west1-docker.pkg.dev");
    expect(repo.imageUri("api")).toBe("europe-west1-docker.pkg.dev/my-project/images/api");
    expect(repo.imageUri("team/web.app_v2")).toBe(
      "europe-west1-docker.pkg.dev/my-project/images/team/web.app_v2",
    );
    expect(repo.project).toBe("my-project");
    expect(repo.location).toBe("europe-west1");
    expect(repo.repositoryId).toBe("images");
  });

  test("without project, project is the repository's project attribute", () => {
    const json = synth((stack) => {
      const repo = new DockerRepository(stack, "Repo", { location: "us", repositoryId: "images" });
      new TerraformOutput(stack, "project", { value: repo.project });
      new TerraformOutput(stack, "uri", { value: repo.imageUri("api") });
    });
    const [name] = Object.keys(json.resource.google_artifact_registry_repository);
    expect(json.output.project.value).toBe(
      `\${google_artifact_registry_repository.${name}.project}`,
    );
    expect(json.output.uri.value).toBe(
      `us-docker.pkg.dev/\${google_artifact_registry_repository.${name}.project}/images/api`,
    );
  });

  test("the default repository ID is derived from the construct path, valid and stable", () => {
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", { location: "us" });
    });
    const [repo] = repositories(json);
    expect(repo.repository_id).toBe(defaultRepositoryId("stack/Repo"));
    expect(repo.repository_id).toMatch(/^stack-repo-[0-9a-f]{8}$/);
  });

  test("default repository IDs are always valid (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (p) => {
        expect(defaultRepositoryId(p)).toMatch(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(defaultRepositoryId("a/B")).not.toBe(defaultRepositoryId("a/b"));
  });

  describe("validation", () => {
    test.each(["europe-west1", "us-central1", "northamerica-northeast2", "us", "europe", "asia"])(
      "location %s is accepted",
      (location) => {
        expect(make({ location })).not.toThrow();
      },
    );

    test.each(["", "EU", "europe-west", "us-central1-a", "global", "eu"])(
      "location %j is rejected",
      (location) => {
        expect(make({ location })).toThrow(
          `${OWNER}: invalid location: must be a Google Cloud region such as europe-west1, or a multi-region (us, europe, asia). Got: ${JSON.stringify(location)}`,
        );
      },
    );

    test.each(["a", "images", "my-repo-1", "a".repeat(63)])("repositoryId %s is accepted", (id) => {
      expect(make({ repositoryId: id })).not.toThrow();
    });

    test.each(["", "1repo", "Repo", "repo-", "my_repo", "a".repeat(64)])(
      "repositoryId %j is rejected",
      (id) => {
        expect(make({ repositoryId: id })).toThrow(
          `${OWNER}: invalid repositoryId: must be 1-63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: ${JSON.stringify(id)}`,
        );
      },
    );

    test("labels: accepted", () => {
      const labels: { [key: string]: string } = { a: "", "k_1-x": "v_1-x" };
      for (let i = 0; i < 62; i++) {
        labels[`l${i}`] = "x".repeat(63);
      }
      expect(make({ labels })).not.toThrow();
    });

    test("labels: bad key, bad value, too many", () => {
      expect(make({ labels: { Team: "x" } })).toThrow(
        `${OWNER}: invalid labels: keys must be 1 to 63 lowercase letters, digits, underscores or hyphens, starting with a letter. Got: "Team"`,
      );
      expect(make({ labels: { ["a".repeat(64)]: "x" } })).toThrow("invalid labels: keys must be");
      expect(make({ labels: { team: "Platform" } })).toThrow(
        `${OWNER}: invalid labels.team: must be at most 63 lowercase letters, digits, underscores or hyphens. Got: "Platform"`,
      );
      expect(make({ labels: { team: "x".repeat(64) } })).toThrow("invalid labels.team");
      const many: { [key: string]: string } = {};
      for (let i = 0; i < 65; i++) {
        many[`l${i}`] = "x";
      }
      expect(make({ labels: many })).toThrow(
        `${OWNER}: invalid labels: must have at most 64 labels. Got: "65 labels"`,
      );
    });

    test("labels: the Google Cloud rules, the same as a Cloud Run service's", () => {
      // International lowercase letters are allowed in keys and values.
      expect(
        make({ labels: { équipe: "paiements", lang: "français", 部門: "開発" } }),
      ).not.toThrow();
      expect(make({ labels: { Équipe: "x" } })).toThrow("invalid labels: keys must be");
      // Keys and values are at most 128 bytes in UTF-8.
      expect(make({ labels: { k: "開".repeat(42) } })).not.toThrow(); // 126 bytes
      expect(make({ labels: { k: "開".repeat(43) } })).toThrow(
        `${OWNER}: invalid labels.k: must be at most 128 bytes in UTF-8. Got: "${"開".repeat(43)}"`,
      );
      expect(make({ labels: { ["開".repeat(43)]: "v" } })).toThrow(
        `${OWNER}: invalid labels: keys must be at most 128 bytes in UTF-8.`,
      );
      // Cloud Run's reserved namespaces do not apply to a repository, and cannot be valid keys.
      expect(make({ labels: { "run.googleapis.com/x": "v" } })).toThrow(
        "invalid labels: keys must be 1 to 63",
      );
    });

    test.each([
      ["keepRecentVersions", 0, 1000],
      ["keepRecentVersions", 1.5, 1000],
      ["keepRecentVersions", 1001, 1000],
      ["deleteUntaggedAfterDays", 0, 3650],
      ["deleteUntaggedAfterDays", -1, 3650],
      ["deleteUntaggedAfterDays", 3651, 3650],
      ["deleteTaggedAfterDays", 0, 3650],
      ["deleteTaggedAfterDays", 7.5, 3650],
      ["deleteTaggedAfterDays", 3651, 3650],
    ])("%s %p is rejected", (prop, value, max) => {
      expect(make({ [prop]: value })).toThrow(
        `${OWNER}: invalid ${prop}: must be a whole number from 1 to ${max}. Got: ${value}`,
      );
    });

    test.each([
      ["keepRecentVersions", 1],
      ["keepRecentVersions", 1000],
      ["deleteUntaggedAfterDays", 1],
      ["deleteTaggedAfterDays", 365],
      ["deleteTaggedAfterDays", 3650],
    ])("%s %p is accepted", (prop, value) => {
      expect(make({ [prop]: value })).not.toThrow();
    });

    test("imageUri validates the image name", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const repo = new DockerRepository(stack, "Repo", { location: "us", repositoryId: "r" });
      for (const bad of ["", "Api", "api:latest", "api@sha256:x", "-api", "api-", "a//b", "a..b"]) {
        expect(() => repo.imageUri(bad)).toThrow(
          `${OWNER}: invalid imageName: must be one or more '/'-separated components of lowercase letters and digits, separated inside a component by '.', '_', '__' or hyphens (at most 255 characters). Got: ${JSON.stringify(bad)}`,
        );
      }
      for (const good of ["api", "a.b", "a_b", "a__b", "a--b", "team/api", "x9"]) {
        expect(() => repo.imageUri(good)).not.toThrow();
      }
    });
  });

  describe("fromRepositoryAttributes", () => {
    test("creates no repository; project falls back to google_client_config", () => {
      const json = synth((stack) => {
        const repo = DockerRepository.fromRepositoryAttributes(stack, "Existing", {
          location: "europe-west1",
          repositoryId: "shared",
        });
        new TerraformOutput(stack, "uri", { value: repo.imageUri("api") });
        expect(repo.resource).toBeUndefined();
        expect(repo.registryHost).toBe("europe-west1-docker.pkg.dev");
      });
      expect(json.resource?.google_artifact_registry_repository).toBeUndefined();
      const configs = Object.keys(json.data.google_client_config);
      expect(configs).toHaveLength(1);
      expect(json.output.uri.value).toBe(
        `europe-west1-docker.pkg.dev/\${data.google_client_config.${configs[0]}.project}/shared/api`,
      );
    });

    test("with a project, no data source is needed", () => {
      const json = synth((stack) => {
        const repo = DockerRepository.fromRepositoryAttributes(stack, "Existing", {
          location: "us",
          repositoryId: "shared",
          project: "other",
        });
        expect(repo.imageUri("api")).toBe("us-docker.pkg.dev/other/shared/api");
        repo.grantReader("serviceAccount:run@p.iam.gserviceaccount.com");
      });
      expect(json.data).toBeUndefined();
      expect(members(json)).toEqual([
        {
          project: "other",
          location: "us",
          repository: "shared",
          role: "roles/artifactregistry.reader",
          member: "serviceAccount:run@p.iam.gserviceaccount.com",
        },
      ]);
    });

    test("validates the attributes", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      expect(() =>
        DockerRepository.fromRepositoryAttributes(stack, "A", {
          location: "mars",
          repositoryId: "x",
        }),
      ).toThrow("DockerRepository 'stack/A': invalid location:");
      expect(() =>
        DockerRepository.fromRepositoryAttributes(stack, "B", {
          location: "us",
          repositoryId: "X",
        }),
      ).toThrow("DockerRepository 'stack/B': invalid repositoryId:");
    });
  });

  describe("grants", () => {
    test("grantReader and grantWriter declare repository IAM members, once per member and role", () => {
      const text = synthText((stack) => {
        const repo = new DockerRepository(stack, "Repo", {
          location: "us",
          project: "p",
          repositoryId: "images",
        });
        repo.grantReader("serviceAccount:run@p.iam.gserviceaccount.com");
        repo.grantReader("serviceAccount:run@p.iam.gserviceaccount.com");
        repo.grantWriter("serviceAccount:run@p.iam.gserviceaccount.com");
        repo.grantWriter("group:ci@example.com");
        repo.grantWriter("group:ci@example.com");
      });
      const json = JSON.parse(text);
      const all = members(json);
      expect(all).toHaveLength(3);
      const [name] = Object.keys(json.resource.google_artifact_registry_repository);
      const repositoryRef = `\${google_artifact_registry_repository.${name}.repository_id}`;
      expect(text).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
        project: "p",
        location: "us",
        repository: repositoryRef,
        role: "roles/artifactregistry.reader",
        member: "serviceAccount:run@p.iam.gserviceaccount.com",
      });
      expect(
        all
          .filter((m) => m.role === "roles/artifactregistry.writer")
          .map((m) => m.member)
          .sort(),
      ).toEqual(["group:ci@example.com", "serviceAccount:run@p.iam.gserviceaccount.com"]);
    });

    test("malformed members are rejected", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const repo = new DockerRepository(stack, "Repo", { location: "us" });
      for (const bad of [
        "",
        "run@p.iam.gserviceaccount.com",
        "serviceAccount:",
        "user:bob",
        "everyone",
      ]) {
        expect(() => repo.grantReader(bad)).toThrow(`${OWNER}: invalid grantReader member:`);
        expect(() => repo.grantWriter(bad)).toThrow(`${OWNER}: invalid grantWriter member:`);
      }
    });

    test("public readers are allowed with a warning; public writers are refused", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      const repo = new DockerRepository(stack, "Repo", { location: "us" });
      repo.grantReader("allUsers");
      const warnings = repo.node.metadata.filter((m) => m.type === "@cdktf/warn");
      expect(warnings.map((w) => w.data)).toEqual([
        `${OWNER}: allUsers can pull every image of this repository (the repository is public).`,
      ]);
      expect(() => repo.grantWriter("allAuthenticatedUsers")).toThrow(
        `${OWNER}: invalid grantWriter member: must not be public (allUsers, allAuthenticatedUsers): anyone could push images. Got: "allAuthenticatedUsers"`,
      );
    });
  });
});

describe("DockerRepository: grant ids do not depend on unrelated tokens", () => {
  function grantIds(variables: number): string[] {
    const json = synth((stack) => {
      for (let i = 0; i < variables; i++) {
        new TerraformOutput(stack, `out${i}`, {
          value: new TerraformVariable(stack, `var${i}`, { type: "string" }).stringValue,
        });
      }
      const account = new ServiceAccount(stack, "Ci", { accountId: "ci-pusher" });
      const repo = new DockerRepository(stack, "Repo", { location: "us", repositoryId: "r" });
      repo.grantWriter(account.member);
      repo.grantReader(`serviceAccount:${account.email}`);
    });
    return Object.keys(json.resource.google_artifact_registry_repository_iam_member).sort();
  }

  test("0 or 3 variables declared first give the same ids", () => {
    const ids = grantIds(0);
    expect(ids).toHaveLength(2);
    expect(grantIds(3)).toEqual(ids);
  });
});

describe("DockerRepository: null and missing props from JavaScript callers", () => {
  test.each([
    ["props undefined", undefined],
    ["props null", null],
  ])("%s is an Error naming the prop, not a TypeError", (_label, props) => {
    const run = () =>
      new DockerRepository(new TerraformStack(Testing.app(), "stack"), "Repo", props as never);
    expect(run).toThrow(`${OWNER}: invalid props: are required: { location, ... }. Got: ${props}`);
    expect(run).not.toThrow(TypeError);
  });

  test.each([
    ["attrs undefined", undefined],
    ["attrs null", null],
  ])("fromRepositoryAttributes: %s is an Error naming the prop", (_label, attrs) => {
    const run = () =>
      DockerRepository.fromRepositoryAttributes(
        new TerraformStack(Testing.app(), "stack"),
        "Repo",
        attrs as never,
      );
    expect(run).toThrow(
      `${OWNER}: invalid attrs: are required: { location, repositoryId, project? }. Got: ${attrs}`,
    );
    expect(run).not.toThrow(TypeError);
  });

  test("labels: null means no labels", () => {
    const json = synth((stack) => {
      new DockerRepository(stack, "Repo", { location: "us", labels: null as never });
    });
    expect(repositories(json)[0].labels).toBeUndefined();
  });
});

describe("DockerRepository: regions are checked like a Cloud Run service's", () => {
  test("a location is accepted exactly when it is a Cloud Run region or a multi-region", () => {
    const candidates = [
      "europe-west1",
      "europe-west12",
      "europe-west123",
      "northamerica-northeast2",
      "us-central1",
      "me-central2",
      "a-b-c1",
      "us",
      "europe",
      "asia",
      "eu",
      "global",
      "us-central1-a",
    ];
    const repositoryAccepts = (location: string) => {
      try {
        make({ location })();
        return true;
      } catch {
        return false;
      }
    };
    const cloudRunAccepts = (region: string) => {
      try {
        validateRegion("x", region);
        return true;
      } catch {
        return false;
      }
    };
    for (const location of candidates) {
      const multiRegion = ["us", "europe", "asia"].includes(location);
      expect([location, repositoryAccepts(location)]).toEqual([
        location,
        multiRegion || cloudRunAccepts(location),
      ]);
    }
    expect(repositoryAccepts("europe-west12")).toBe(true);
    expect(repositoryAccepts("europe-west123")).toBe(false);
  });
});

describe("DockerRepository.fromRegistry: another OCI registry", () => {
  const fixture = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");

  test("image names go below the host (and namespace); no Google resource; a registry without authentication", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    const local = DockerRepository.fromRegistry(stack, "Local", { registryHost: "127.0.0.1:5000" });
    const team = DockerRepository.fromRegistry(stack, "Team", {
      registryHost: "registry.example.com",
      namespace: "team/images",
    });
    expect(local.isArtifactRegistry).toBe(false);
    expect(local.registryHost).toBe("127.0.0.1:5000");
    expect(local.imageUri("api")).toBe("127.0.0.1:5000/api");
    expect(team.imageUri("api")).toBe("registry.example.com/team/images/api");
    const image = new ContainerImage(stack, "Image", { repository: local, directory: fixture });
    expect(image.isPushed).toBe(true);
    expect(image.localImageName).toBe(`127.0.0.1:5000/image:${image.tag}`);
    expect(image.imageRef).toMatch(/^127\.0\.0\.1:5000\/image@\$\{/);
    const json = JSON.parse(Testing.synth(stack, true));
    // The docker provider needs an entry for every host it pushes to.
    expect(json.provider.docker).toEqual([
      { registry_auth: [{ address: "127.0.0.1:5000", auth_disabled: true }] },
    ]);
    expect(json.data).toBeUndefined();
    expect(json.resource.google_artifact_registry_repository).toBeUndefined();
    expect(Object.values<TfJson>(json.resource.docker_registry_image)[0].name).toBe(
      image.localImageName,
    );
  });

  test("credentials: username and password, or a Docker config file", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const token = new TerraformVariable(stack, "token", { type: "string", sensitive: true });
    const a = DockerRepository.fromRegistry(stack, "A", {
      registryHost: "a.example.com",
      username: "ci",
      password: token.stringValue,
    });
    const b = DockerRepository.fromRegistry(stack, "B", {
      registryHost: "b.example.com",
      configFile: "/home/ci/.docker/config.json",
    });
    new ContainerImage(stack, "ImageA", { repository: a, directory: fixture });
    new ContainerImage(stack, "ImageB", { repository: b, directory: fixture });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.docker[0].registry_auth).toEqual([
      { address: "a.example.com", username: "ci", password: "${var.token}" },
      { address: "b.example.com", config_file: "/home/ci/.docker/config.json" },
    ]);
  });

  test("insecure: the provider reaches the registry over plain HTTP", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const repository = DockerRepository.fromRegistry(stack, "L", {
      registryHost: "127.0.0.1:5000",
      insecure: true,
    });
    new ContainerImage(stack, "Image", { repository, directory: fixture });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.docker[0].registry_auth).toEqual([
      { address: "http://127.0.0.1:5000", auth_disabled: true },
    ]);
  });

  test("a literal password is a warning; half a credential is an error", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const a = DockerRepository.fromRegistry(stack, "A", {
      registryHost: "a.example.com",
      username: "u",
      password: "p",
    });
    expect(warnings(a)).toEqual([
      expect.stringContaining(
        "the password for a.example.com is a literal: it is written into the synthesized Terraform JSON",
      ),
    ]);
    expect(() =>
      DockerRepository.fromRegistry(stack, "B", { registryHost: "b.example.com", username: "u" }),
    ).toThrow(
      "DockerRepository 'stack/B': invalid password: must be given together with username. Got: undefined",
    );
    expect(() =>
      DockerRepository.fromRegistry(stack, "C", {
        registryHost: "c.example.com",
        username: "u",
        password: "p",
        configFile: "/c",
      }),
    ).toThrow(/invalid configFile: must not be set together with username\/password/);
  });

  test("an Artifact Registry repository says so", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(new DockerRepository(stack, "Repo", { location: "us" }).isArtifactRegistry).toBe(true);
  });

  test.each([
    "",
    "http://127.0.0.1:5000",
    "127.0.0.1:5000/path",
    "Registry.Example.com",
    "host:0",
    "host:70000",
    "host name",
  ])("registryHost %j is refused", (registryHost) => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(() => DockerRepository.fromRegistry(stack, "R", { registryHost })).toThrow(
      /^DockerRepository 'stack\/R': invalid registryHost: must be /,
    );
  });

  test("[::1]:5000 and a plain DNS name are accepted", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(
      DockerRepository.fromRegistry(stack, "A", { registryHost: "[::1]:5000" }).imageUri("x"),
    ).toBe("[::1]:5000/x");
    expect(
      DockerRepository.fromRegistry(stack, "B", { registryHost: "localhost" }).imageUri("x"),
    ).toBe("localhost/x");
  });

  test("a namespace follows the image-name grammar", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(() =>
      DockerRepository.fromRegistry(stack, "R", { registryHost: "localhost", namespace: "Team" }),
    ).toThrow(/invalid namespace: must be one or more '\/'-separated components/);
  });

  test("IAM grants are refused, naming the registry", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const repo = DockerRepository.fromRegistry(stack, "R", { registryHost: "127.0.0.1:5000" });
    expect(() => repo.grantReader("user:a@example.com")).toThrow(
      "DockerRepository 'stack/R': grantReader grants an Artifact Registry IAM role, but this repository is the OCI registry 127.0.0.1:5000",
    );
  });

  test("Cloud Run refuses an image pushed to another registry", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    new GoogleProvider(stack, "google", { project: "p" });
    const repository = DockerRepository.fromRegistry(stack, "R", {
      registryHost: "127.0.0.1:5000",
    });
    const image = new ContainerImage(stack, "Image", { repository, directory: fixture });
    expect(() => new CloudRunService(stack, "svc", { region: "europe-west1", image })).toThrow(
      /^CloudRunService 'stack\/svc': invalid image: must be pushed to an Artifact Registry repository: Cloud Run pulls images from Artifact Registry, not from 127\.0\.0\.1:5000/,
    );
  });
});

describe("DockerRepository: locations that are well formed but not known", () => {
  const warningsOf = (repo: DockerRepository) =>
    repo.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));

  test("a new repository and an existing one warn, naming the property, the value and the nearest", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const created = new DockerRepository(stack, "Repo", { location: "us-east3" });
    const existing = DockerRepository.fromRepositoryAttributes(stack, "Old", {
      location: "asia-east9",
      repositoryId: "images",
      project: "p",
    });
    expect(warningsOf(created)).toEqual([
      `${OWNER}: location "us-east3" is not a known Artifact Registry location; did you mean "us-east1", "us-east4" or "us-east5"? A mistyped location is otherwise only found at apply. If it was added after 2026-12-06 (the date of the library's list), ignore this warning.`,
    ]);
    expect(warningsOf(existing)).toEqual([
      expect.stringMatching(
        /^DockerRepository 'stack\/Old': location "asia-east9" is not a known Artifact Registry location; did you mean "asia-east1", "asia-east2" or /,
      ),
    ]);
  });

  test("multi-regions and known regions do not warn", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    for (const location of ["us", "europe", "asia", "europe-west12", "me-central2"]) {
      expect(warningsOf(new DockerRepository(stack, location, { location }))).toEqual([]);
    }
  });
});
