/**
 * Property tests of DockerRepository props: valid props synthesize with their values mapped;
 * one broken rule fails with an Error naming the property and the value.
 *
 * Long soak (see arbitraries.ts): FC_NUM_RUNS=100000 npx jest test/hardening --testTimeout=0
 */
import fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { DockerRepository, DockerRepositoryProps } from "../../src";
import { got, labelKey, nonEmpty, params, repositoryProps, thrown } from "./arbitraries";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function expectedPolicies(props: DockerRepositoryProps): Json {
  if (props.cleanupPolicies === false) {
    return undefined;
  }
  return [
    {
      id: "keep-recent-versions",
      action: "KEEP",
      most_recent_versions: { keep_count: props.keepRecentVersions ?? 10 },
    },
    {
      id: "delete-old-tagged",
      action: "DELETE",
      condition: {
        tag_state: "TAGGED",
        older_than: `${(props.deleteTaggedAfterDays ?? 30) * 86400}s`,
      },
    },
    {
      id: "delete-untagged",
      action: "DELETE",
      condition: {
        tag_state: "UNTAGGED",
        older_than: `${(props.deleteUntaggedAfterDays ?? 7) * 86400}s`,
      },
    },
  ];
}

describe("DockerRepository properties", () => {
  test("valid props synthesize with their values mapped", () => {
    fc.assert(
      fc.property(repositoryProps, (props) => {
        const stack = new TerraformStack(Testing.app(), "S");
        new GoogleProvider(stack, "google", { project: "p" });
        const repository = new DockerRepository(stack, "R", props);
        const json = JSON.parse(Testing.synth(stack, true));
        const resource = Object.values(
          json.resource.google_artifact_registry_repository,
        )[0] as Json;
        expect(resource.format).toBe("DOCKER");
        expect(resource.location).toBe(props.location);
        expect(resource.project).toBe(props.project);
        expect(resource.description).toBe(props.description);
        // An empty map writes no attribute (Terraform plans `{}` as null).
        expect(resource.labels).toEqual(nonEmpty(props.labels));
        expect(resource.repository_id).toBe(props.repositoryId ?? repository.repositoryId);
        expect(repository.repositoryId).toMatch(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
        expect(resource.docker_config).toEqual({ immutable_tags: props.immutableTags ?? false });
        expect(resource.cleanup_policies).toEqual(expectedPolicies(props));
        expect(repository.registryHost).toBe(`${props.location}-docker.pkg.dev`);
      }),
      params(200),
    );
  });

  const badCount = fc.oneof(
    fc.integer({ min: -1000, max: 0 }),
    fc.double({ min: 0.01, max: 999.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
    // Above the upper bounds: 1000 versions, 3650 days.
    fc.integer({ min: 3651, max: 1_000_000 }),
  );
  const breakage: fc.Arbitrary<{
    patch: Partial<DockerRepositoryProps>;
    prop: string;
    got: string;
  }> = fc.oneof(
    fc
      .oneof(
        fc.constantFrom("global", "EU", "europe-west", "us-central-1", "", "europe-west123"),
        fc.stringMatching(/^[a-z]{2,8}[0-9]$/),
      )
      .map((v) => ({ patch: { location: v }, prop: "location", got: got(v) })),
    fc
      .oneof(
        fc.stringMatching(/^[A-Z][a-z0-9-]{0,10}$/),
        fc.stringMatching(/^[0-9-][a-z0-9-]{0,10}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}-$/),
        fc.stringMatching(/^[a-z][a-z0-9_.]{0,10}[_.][a-z]$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{62,70}[a-z]$/),
      )
      .map((v) => ({ patch: { repositoryId: v }, prop: "repositoryId", got: got(v) })),
    fc
      .oneof(
        fc.stringMatching(/^[A-Z0-9_-][a-z0-9_-]{0,10}$/),
        fc.stringMatching(/^[a-z][a-z0-9_-]{63,70}$/),
        fc.stringMatching(/^[a-z]{1,4}[./: ][a-z]{0,4}$/),
      )
      .map((k) => ({ patch: { labels: { [k]: "v" } }, prop: "labels", got: got(k) })),
    fc
      .tuple(labelKey, fc.stringMatching(/^[a-z0-9]{0,4}[A-Z ./:][a-z0-9]{0,4}$/))
      .map(([k, v]) => ({ patch: { labels: { [k]: v } }, prop: `labels.${k}`, got: got(v) })),
    badCount.map((v) => ({
      patch: { keepRecentVersions: v },
      prop: "keepRecentVersions",
      got: got(v),
    })),
    badCount.map((v) => ({
      patch: { deleteUntaggedAfterDays: v },
      prop: "deleteUntaggedAfterDays",
      got: got(v),
    })),
    badCount.map((v) => ({
      patch: { deleteTaggedAfterDays: v },
      prop: "deleteTaggedAfterDays",
      got: got(v),
    })),
  );

  test("one rule broken: an Error naming the property and the value", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    let n = 0;
    fc.assert(
      fc.property(repositoryProps, breakage, (props, b) => {
        const id = `R${n++}`;
        const error = thrown(() => new DockerRepository(stack, id, { ...props, ...b.patch }));
        expect(error).not.toBeInstanceOf(TypeError);
        // A label value is named `labels.<key>` or `labels["<key>"]`.
        const names = b.prop.startsWith("labels.")
          ? [b.prop, `labels["${b.prop.slice("labels.".length)}"]`]
          : [b.prop];
        const prefix = `DockerRepository 'S/${id}': invalid `;
        expect(names.some((p) => error.message.startsWith(`${prefix}${p}: `))).toBe(true);
        expect(error.message.endsWith(b.got)).toBe(true);
      }),
      params(300),
    );
  });

  test("more than 64 labels are refused", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    let n = 0;
    fc.assert(
      fc.property(fc.uniqueArray(labelKey, { minLength: 65, maxLength: 80 }), (keys) => {
        const labels = Object.fromEntries(keys.map((k) => [k, "v"]));
        const error = thrown(
          () => new DockerRepository(stack, `R${n++}`, { location: "us", labels }),
        );
        expect(error.message).toMatch(/: invalid labels: must have at most 64 /);
      }),
      params(50),
    );
  });
});
