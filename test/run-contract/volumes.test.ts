import fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { TerraformStack, Testing } from "cdktf";
import { Volume } from "../../src";
import { SecretAccessGrants } from "../../src/run-contract/secrets";
import { VolumeGrants } from "../../src/run-contract/volume-grants";
import {
  uniqueName,
  validateMountPath,
  volumeNameFromPath,
} from "../../src/run-contract/mount-paths";
import { isBucketName } from "../../src/run-contract/volume-checks";
import { renderVolume } from "../../src/run-contract/volume-spec";
import { WorkloadVolumes } from "../../src/run-contract/workload-volumes";
import { warnings } from "../support/annotations";

const OWNER = "CloudRunService 'Stack/api'";

describe("Volume.secret", () => {
  test("defaults: version latest, the file named after the secret id", () => {
    expect(renderVolume("db", Volume.secret({ secret: "db-password" })._spec())).toEqual({
      name: "db",
      secret: { secret: "db-password", items: [{ path: "db-password", version: "latest" }] },
    });
    const full = Volume.secret({ secret: "projects/other/secrets/token", version: "3" });
    expect(renderVolume("t", full._spec())).toEqual({
      name: "t",
      secret: {
        secret: "projects/other/secrets/token",
        items: [{ path: "token", version: "3" }],
      },
    });
    expect(full.kind).toBe("secret");
  });

  test("fileName and an alias version", () => {
    const v = Volume.secret({ secret: "db", version: "prod", fileName: "conf/password" });
    expect(renderVolume("x", v._spec())).toMatchObject({
      secret: { items: [{ path: "conf/password", version: "prod" }] },
    });
  });

  test.each([
    [{ secret: "" }, "Volume.secret: invalid secret: must be a secret id"],
    [{ secret: "a/b" }, 'Got: "a/b"'],
    [{ secret: "s", version: "0" }, 'Volume.secret: invalid version: must be "latest"'],
    [{ secret: "s", version: "new" }, 'Got: "new"'],
    [
      { secret: "s", fileName: "/abs" },
      "Volume.secret: invalid fileName: must be a relative file name",
    ],
    [{ secret: "s", fileName: "a/../b" }, 'Got: "a/../b"'],
    [{ secret: "s", fileName: "a b" }, 'Got: "a b"'],
    [undefined, "Volume.secret: invalid options: are required: { secret, version?, fileName? }"],
  ])("%j is refused", (options, message) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(() => Volume.secret(options as any)).toThrow(message);
  });

  test("a secret only known at apply: Terraform takes the id from it", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    const account = new ServiceAccount(stack, "sa", { accountId: "abcdef" });
    const spec = Volume.secret({ secret: account.name, version: "1" })._spec();
    expect(spec.kind === "secret" && spec.fileName).toMatch(
      /^\$\{element\(reverse\(split\("\/", .*\)\), 0\)\}$/,
    );
  });
});

describe("Volume.emptyDir", () => {
  test("in memory, with or without a size limit", () => {
    expect(renderVolume("c", Volume.emptyDir()._spec())).toEqual({
      name: "c",
      empty_dir: { medium: "MEMORY", size_limit: undefined },
    });
    expect(
      renderVolume("c", Volume.emptyDir({ sizeLimit: "64Mi", inMemory: true })._spec()),
    ).toEqual({
      name: "c",
      empty_dir: { medium: "MEMORY", size_limit: "64Mi" },
    });
  });

  test.each([
    [{ sizeLimit: "64" }, "Volume.emptyDir: invalid sizeLimit: must be a quantity with a unit"],
    [{ sizeLimit: "0Mi" }, "Volume.emptyDir: invalid sizeLimit: must be above 0 and at most 32Gi"],
    [{ sizeLimit: "33Gi" }, 'Got: "33Gi"'],
    [
      { inMemory: false },
      "Volume.emptyDir: invalid inMemory: must be true: Cloud Run's emptyDir volumes are in memory only",
    ],
  ])("%j is refused", (options, message) => {
    expect(() => Volume.emptyDir(options)).toThrow(message);
  });
});

describe("Volume.cloudStorage", () => {
  test("read-only by default, writable on request", () => {
    expect(renderVolume("b", Volume.cloudStorage({ bucket: "my-bucket" })._spec())).toEqual({
      name: "b",
      gcs: { bucket: "my-bucket", read_only: true },
    });
    expect(
      renderVolume("b", Volume.cloudStorage({ bucket: "my.bucket_1", readOnly: false })._spec()),
    ).toEqual({ name: "b", gcs: { bucket: "my.bucket_1", read_only: false } });
  });

  test.each([
    ["gs://my-bucket", 'give the name without "gs://": "my-bucket"'],
    ["ab", 'Got: "ab"'],
    ["My-Bucket", 'Got: "My-Bucket"'],
    ["-bucket", 'Got: "-bucket"'],
    ["192.168.5.4", 'Got: "192.168.5.4"'],
    ["goog-bucket", 'Got: "goog-bucket"'],
    ["my-google-bucket", 'Got: "my-google-bucket"'],
    ["my-g00gle-bucket", 'Got: "my-g00gle-bucket"'],
    ["a".repeat(64), "Got:"],
  ])("bucket %s is refused", (bucket, message) => {
    expect(() => Volume.cloudStorage({ bucket })).toThrow(
      "Volume.cloudStorage: invalid bucket: must be a bucket name",
    );
    expect(() => Volume.cloudStorage({ bucket })).toThrow(message);
  });

  test("bucket names: 63 characters, or 222 with dots of at most 63 between them", () => {
    expect(isBucketName("a".repeat(63))).toBe(true);
    expect(isBucketName(`${"a".repeat(63)}.${"b".repeat(63)}`)).toBe(true);
    expect(isBucketName(`${"a".repeat(64)}.b`)).toBe(false);
    expect(isBucketName("a..b")).toBe(false);
  });
});

describe("Volume.nfs", () => {
  test("read-only by default", () => {
    expect(renderVolume("n", Volume.nfs({ server: "10.0.0.2", path: "/share1" })._spec())).toEqual({
      name: "n",
      nfs: { server: "10.0.0.2", path: "/share1", read_only: true },
    });
  });

  test.each([
    [
      { server: "", path: "/s" },
      "Volume.nfs: invalid server: must be a host name or an IP address",
    ],
    [{ server: "nfs_server", path: "/s" }, 'Got: "nfs_server"'],
    [{ server: "300.1.1.1", path: "/s" }, 'Got: "300.1.1.1"'],
    [
      { server: "nfs.internal", path: "share" },
      "Volume.nfs: invalid path: must be the absolute path the server exports",
    ],
  ])("%j is refused", (options, message) => {
    expect(() => Volume.nfs(options)).toThrow(message);
  });

  test("host names and IPv6 addresses are servers", () => {
    expect(() => Volume.nfs({ server: "filer-1.example.internal", path: "/x" })).not.toThrow();
    expect(() => Volume.nfs({ server: "fd00::2", path: "/x" })).not.toThrow();
  });
});

describe("Volume.cloudSql", () => {
  test("instance connection names, domain-scoped projects too", () => {
    const v = Volume.cloudSql({
      instances: ["my-project:europe-west1:db", "example.com:my-project:us-central1:db2"],
    });
    expect(renderVolume("cloudsql", v._spec())).toEqual({
      name: "cloudsql",
      cloud_sql_instance: {
        instances: ["my-project:europe-west1:db", "example.com:my-project:us-central1:db2"],
      },
    });
  });

  test.each([
    [[], "Volume.cloudSql: invalid instances: must be a list (known at synth) of at least one"],
    [
      ["db"],
      'Volume.cloudSql: invalid instances[0]: must be an instance connection name "<project>:<region>:<instance>"',
    ],
    [["my-project:europe-west1"], 'Got: "my-project:europe-west1"'],
    [["My-Project:europe-west1:db"], 'Got: "My-Project:europe-west1:db"'],
    [["my-project:europe-west1:1db"], 'Got: "my-project:europe-west1:1db"'],
    [
      ["my-project:europe-west1:db", "my-project:europe-west1:db"],
      "invalid instances: must not name an instance twice",
    ],
    [[`my-project:europe-west1:${"d".repeat(90)}`], "Got:"],
  ])("%j is refused", (instances, message) => {
    expect(() => Volume.cloudSql({ instances })).toThrow(message);
  });
});

describe("mount paths", () => {
  test.each([
    ["data", 'must be an absolute path such as "/data"'],
    ["/", 'must be an absolute path such as "/data" (not "/", no ":")'],
    ["/a:b", 'no ":"'],
    [
      "/data/",
      'must be a normalized path (no trailing "/", no empty, "." or ".." segments): "/data"',
    ],
    ["/a//b", ': "/a/b"'],
    ["/a/./b", ': "/a/b"'],
    ["/a/../b", ': "/b"'],
    ["/dev", "must not be /dev or below it: Cloud Run does not mount volumes at /dev, /proc, /sys"],
    ["/proc/self", "must not be /proc or below it"],
    ["/sys/fs", "must not be /sys or below it"],
    ["/a b", "must be an absolute path"],
  ])("%s is refused", (path, message) => {
    expect(() => validateMountPath(OWNER, "volumes[0].path", path)).toThrow(
      `${OWNER}: invalid volumes[0].path: `,
    );
    expect(() => validateMountPath(OWNER, "volumes[0].path", path)).toThrow(message);
  });

  test.each(["/data", "/devices", "/var/run/secrets", "/cloudsql", "/a.b/c-d_e"])(
    "%s is accepted",
    (path) => {
      expect(() => validateMountPath(OWNER, "p", path)).not.toThrow();
    },
  );

  const segment = fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((s) => s !== "." && s !== "..");
  test("property: a normalized absolute path outside /dev, /proc and /sys is accepted", () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        fc.pre(!["dev", "proc", "sys"].includes(segments[0]));
        validateMountPath(OWNER, "p", `/${segments.join("/")}`);
      }),
      { seed: 18, numRuns: 500 },
    );
  });

  test("property: every path with an empty, '.' or '..' segment or a trailing '/' is refused", () => {
    const bad = fc.constantFrom("", ".", "..");
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 4 }),
        bad,
        fc.array(segment, { maxLength: 4 }),
        (before, b, after) => {
          const path = `/${[...before, b, ...after].join("/")}`;
          expect(() => validateMountPath(OWNER, "p", path)).toThrow(`${OWNER}: invalid p: `);
        },
      ),
      { seed: 1818, numRuns: 500 },
    );
  });

  test("property: a derived volume name is a DNS label, and uniqueName never repeats one", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 90 }), { maxLength: 12 }), (paths) => {
        const taken = new Set<string>();
        for (const p of paths) {
          const name = uniqueName(volumeNameFromPath(p), taken);
          expect(name).toMatch(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
          expect(taken.has(name)).toBe(false);
          taken.add(name);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  test("names: the path's letters and digits, 'volume' when it has no letter", () => {
    expect(volumeNameFromPath("/var/cache/App_Data")).toBe("var-cache-app-data");
    expect(volumeNameFromPath("/123")).toBe("volume");
    expect(uniqueName("cache", new Set(["cache"]))).toBe("cache-2");
    expect(uniqueName("cache", new Set(["cache", "cache-2"]))).toBe("cache-3");
    expect(uniqueName("a".repeat(63), new Set(["a".repeat(63)]))).toBe(`${"a".repeat(61)}-2`);
  });
});

describe("WorkloadVolumes", () => {
  function setup(choice?: { given?: string; implied?: string; impliedBecause?: string }) {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    new GoogleProvider(stack, "google", { project: "p" });
    const dependent = new ServiceAccount(stack, "dependent", { accountId: "dependent" });
    const volumes = new WorkloadVolumes({
      owner: OWNER,
      scope: stack,
      executionEnvironment: choice ?? {},
    });
    const member = "serviceAccount:api@p.iam.gserviceaccount.com";
    const grants = new VolumeGrants(
      stack,
      member,
      dependent,
      new SecretAccessGrants(stack, member, undefined, dependent),
    );
    return { app, stack, volumes, grants, dependent };
  }

  test("one volume block per volume, named from its first path, mounts per container", () => {
    const { volumes } = setup();
    volumes.addContainer("main", "the main container", "1Gi");
    volumes.addContainer("proxy", "sidecar 'proxy'", "256Mi");
    const shared = Volume.emptyDir({ sizeLimit: "64Mi" });
    volumes.mount("volumes[0]", "main", { path: "/shared", volume: shared });
    volumes.mount("sidecars[0].volumes[0]", "proxy", { path: "/var/shared", volume: shared });
    volumes.mount("volumes[1]", "main", { path: "/shared-2", volume: Volume.emptyDir() });
    volumes.mount("volumes[2]", "main", { path: "/Shared", volume: Volume.emptyDir() });
    expect(volumes.all.map((v) => v.name)).toEqual(["shared", "shared-2", "shared-3"]);
    expect(volumes.mountsOf("proxy").map((m) => [m.name, m.path])).toEqual([
      ["shared", "/var/shared"],
    ]);
  });

  test("the same path twice in one container is refused, in two containers accepted", () => {
    const { volumes } = setup();
    volumes.addContainer("main", "the main container", "1Gi");
    volumes.addContainer("proxy", "sidecar 'proxy'", "1Gi");
    volumes.mount("volumes[0]", "main", { path: "/data", volume: Volume.emptyDir() });
    volumes.mount("sidecars[0].volumes[0]", "proxy", { path: "/data", volume: Volume.emptyDir() });
    expect(() =>
      volumes.mount("volumes[1]", "main", {
        path: "/data",
        volume: Volume.secret({ secret: "s" }),
      }),
    ).toThrow(
      `${OWNER}: invalid volumes[1].path: must be unique per container: the main container already mounts in-memory emptyDir volume there (volumes[0]). Got: "/data"`,
    );
  });

  test("a Cloud SQL volume is mounted at /cloudsql", () => {
    const { volumes } = setup();
    volumes.addContainer("main", "the main container", "512Mi");
    const sql = Volume.cloudSql({ instances: ["p1-abc:europe-west1:db"] });
    expect(() => volumes.mount("volumes[0]", "main", { path: "/sql", volume: sql })).toThrow(
      `${OWNER}: invalid volumes[0].path: must be /cloudsql for a Cloud SQL volume`,
    );
    volumes.mount("volumes[0]", "main", { path: "/cloudsql", volume: sql });
  });

  test("something else than a Volume is refused", () => {
    const { volumes } = setup();
    volumes.addContainer("main", "the main container", "512Mi");
    expect(() =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      volumes.mount("volumes[0]", "main", { path: "/x", volume: { kind: "emptyDir" } as any }),
    ).toThrow(`${OWNER}: invalid volumes[0].volume: must be made with Volume.secret()`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(() => volumes.mount("volumes[1]", "main", null as any)).toThrow(
      `${OWNER}: invalid volumes[1]: must be a volume mount { path, volume }`,
    );
  });

  describe("execution environment", () => {
    const bucket = () => Volume.cloudStorage({ bucket: "my-bucket" });
    test("GEN2 when a Cloud Storage or NFS volume is mounted and none was given", () => {
      const { volumes } = setup();
      volumes.addContainer("main", "the main container", "512Mi");
      volumes.mount("volumes[0]", "main", { path: "/s", volume: Volume.secret({ secret: "s" }) });
      expect(volumes.executionEnvironment()).toBeUndefined();
      volumes.mount("volumes[1]", "main", {
        path: "/n",
        volume: Volume.nfs({ server: "10.0.0.2", path: "/x" }),
      });
      expect(volumes.executionEnvironment()).toBe("EXECUTION_ENVIRONMENT_GEN2");
    });

    test("an explicit GEN1 is an error naming the volume; an explicit GEN2 stays", () => {
      const gen1 = setup({ given: "EXECUTION_ENVIRONMENT_GEN1" }).volumes;
      gen1.addContainer("main", "the main container", "512Mi");
      expect(() => gen1.mount("volumes[0]", "main", { path: "/b", volume: bucket() })).toThrow(
        `${OWNER}: invalid volumes[0].volume: the Cloud Storage volume (bucket my-bucket) at "/b" needs the second generation execution environment (GEN2), but executionEnvironment is ExecutionEnvironment.GEN1: set ExecutionEnvironment.GEN2, or leave executionEnvironment unset and GEN2 is set. Got: "cloudStorage"`,
      );
      const gen2 = setup({ given: "EXECUTION_ENVIRONMENT_GEN2" }).volumes;
      gen2.addContainer("main", "the main container", "512Mi");
      gen2.mount("volumes[0]", "main", { path: "/b", volume: bucket() });
      expect(gen2.executionEnvironment()).toBe("EXECUTION_ENVIRONMENT_GEN2");
    });

    test("GEN1 implied by a fractional CPU is an error saying why", () => {
      const { volumes } = setup({
        implied: "EXECUTION_ENVIRONMENT_GEN1",
        impliedBecause: 'a cpu below 1 ("0.5") needs GEN1: use a cpu of at least 1',
      });
      volumes.addContainer("main", "the main container", "512Mi");
      expect(() => volumes.mount("volumes[0]", "main", { path: "/b", volume: bucket() })).toThrow(
        'needs the second generation execution environment (GEN2), but a cpu below 1 ("0.5") needs GEN1: use a cpu of at least 1',
      );
    });

    test("GEN2 needs 512Mi per instance", () => {
      const { volumes } = setup();
      volumes.addContainer("main", "the main container", "256Mi");
      expect(() => volumes.mount("volumes[0]", "main", { path: "/b", volume: bucket() })).toThrow(
        `${OWNER}: invalid memory: must be at least 512Mi: the Cloud Storage volume (bucket my-bucket) at "/b" needs the second generation execution environment (GEN2), where an instance has at least 512Mi. Got: "256Mi"`,
      );
    });

    test("jobs and worker pools (no choice) write nothing", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "Stack");
      const volumes = new WorkloadVolumes({ owner: OWNER, scope: stack });
      volumes.addContainer("main", "the main container", "128Mi");
      volumes.mount("volumes[0]", "main", { path: "/b", volume: bucket() });
      expect(volumes.executionEnvironment()).toBeUndefined();
    });
  });

  describe("in-memory accounting", () => {
    test("the size limits a container mounts must add up to less than its memory", () => {
      const { volumes } = setup();
      volumes.addContainer("main", "the main container", "512Mi");
      volumes.addContainer("proxy", "sidecar 'proxy'", "128Mi");
      const a = Volume.emptyDir({ sizeLimit: "256Mi" });
      volumes.mount("volumes[0]", "main", { path: "/a", volume: a });
      // The same volume twice counts once.
      volumes.mount("volumes[1]", "main", { path: "/a2", volume: a });
      volumes.mount("volumes[2]", "main", {
        path: "/b",
        volume: Volume.emptyDir({ sizeLimit: "255Mi" }),
      });
      expect(() =>
        volumes.mount("volumes[3]", "main", {
          path: "/c",
          volume: Volume.emptyDir({ sizeLimit: "1Mi" }),
        }),
      ).toThrow(
        `${OWNER}: invalid volumes[3].volume: the size limits of the in-memory volumes the main container mounts (1Mi + 256Mi + 255Mi = 512Mi) must add up to less than its memory limit 512Mi: what is written to an in-memory volume counts as the memory of the container that writes it. Got: "1Mi"`,
      );
      expect(() =>
        volumes.mount("sidecars[0].volumes[0]", "proxy", { path: "/a", volume: a }),
      ).toThrow(
        "sidecar 'proxy' mounts (256Mi = 256Mi) must add up to less than its memory limit 128Mi",
      );
    });

    test("no size limit: a warning when Cloud Run's default reaches a container's memory", () => {
      const { stack, volumes } = setup();
      volumes.addContainer("main", "the main container", "512Mi");
      volumes.addContainer("proxy", "sidecar 'proxy'", "128Mi");
      const shared = Volume.emptyDir();
      volumes.mount("volumes[0]", "main", { path: "/shared", volume: shared });
      Testing.synth(stack, true);
      expect(warnings(stack).filter((w) => w.includes("sizeLimit"))).toEqual([]);
      volumes.mount("sidecars[0].volumes[0]", "proxy", { path: "/shared", volume: shared });
      Testing.synth(stack, true);
      Testing.synth(stack, true);
      expect(warnings(stack).filter((w) => w.includes("sizeLimit"))).toEqual([
        `${OWNER}: the in-memory volume at "/shared" has no sizeLimit, so Cloud Run limits it to half of the memory of all containers (320Mi); with the other in-memory volumes of sidecar 'proxy' that is 320Mi, as much as its memory limit 128Mi: filling it would stop the container. Set sizeLimit below 128Mi.`,
      ]);
    });
  });

  describe("grants", () => {
    function grantsOf(json: string) {
      const out = JSON.parse(json);
      return out.resource;
    }

    test("each volume grants exactly its resource, deduplicated, and the workload depends on them", () => {
      const { stack, volumes, grants, dependent } = setup();
      volumes.addContainer("main", "the main container", "1Gi");
      volumes.mount("volumes[0]", "main", {
        path: "/s",
        volume: Volume.secret({ secret: "db", version: "1" }),
      });
      volumes.mount("volumes[1]", "main", {
        path: "/ro",
        volume: Volume.cloudStorage({ bucket: "assets" }),
      });
      volumes.attachGrants(grants);
      // Mounted after the grants are attached: granted at once.
      volumes.mount("volumes[2]", "main", {
        path: "/rw",
        volume: Volume.cloudStorage({ bucket: "uploads", readOnly: false }),
      });
      volumes.mount("volumes[3]", "main", {
        path: "/cloudsql",
        volume: Volume.cloudSql({
          instances: [
            "proj-a:europe-west1:db",
            "proj-a:europe-west1:db2",
            "example.com:proj-b:us-east1:x",
          ],
        }),
      });
      volumes.mount("volumes[4]", "main", { path: "/e", volume: Volume.emptyDir() });
      volumes.mount("volumes[5]", "main", {
        path: "/n",
        volume: Volume.nfs({ server: "10.0.0.2", path: "/s" }),
      });
      volumes.mount("volumes[6]", "main", {
        path: "/s2",
        volume: Volume.secret({ secret: "db", version: "2" }),
      });
      const resource = grantsOf(Testing.synth(stack));
      const secretGrants = Object.values(resource.google_secret_manager_secret_iam_member);
      expect(secretGrants).toEqual([
        expect.objectContaining({ secret_id: "db", role: "roles/secretmanager.secretAccessor" }),
      ]);
      const bucketGrants = Object.values(resource.google_storage_bucket_iam_member).map(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (g: any) => [g.bucket, g.role, g.member],
      );
      bucketGrants.sort((a, b) => a[0].localeCompare(b[0]));
      expect(bucketGrants).toEqual([
        ["assets", "roles/storage.objectViewer", "serviceAccount:api@p.iam.gserviceaccount.com"],
        ["uploads", "roles/storage.objectUser", "serviceAccount:api@p.iam.gserviceaccount.com"],
      ]);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const sql = Object.values(resource.google_project_iam_member).map((g: any) => [
        g.project,
        g.role,
      ]);
      sql.sort((a, b) => a[0].localeCompare(b[0]));
      expect(sql).toEqual([
        ["example.com:proj-b", "roles/cloudsql.client"],
        ["proj-a", "roles/cloudsql.client"],
      ]);
      expect(dependent.dependsOn).toHaveLength(5);
    });
  });
});
