import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { Testing } from "cdktf";
import {
  CloudRunApp,
  CloudRunService,
  CloudRunServiceProps,
  ContainerImage,
  ExecutionEnvironment,
  PostureRule,
  Probe,
  SecurityPosture,
  SidecarOptions,
  Volume,
} from "../../src";
import {
  Json,
  NONROOT_CONTEXT,
  REGION,
  ROOT_CONTEXT,
  fixture,
  only,
  resources,
  synth,
  warnings,
} from "./helpers";

const OWNER = "CloudRunService 'Stack/api'";

function service(props: Partial<CloudRunServiceProps> = {}) {
  const f = fixture();
  const svc = new CloudRunService(f.stack, "api", { image: f.image, region: REGION, ...props });
  return { ...f, svc };
}

function run(json: Json): Json {
  return only(json, "google_cloud_run_v2_service");
}

function synthError(build: () => { stack: Parameters<typeof synth>[0] }): string {
  const { stack } = build();
  try {
    Testing.synth(stack, true);
    return "";
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
}

describe("volumes", () => {
  test("every kind renders into template.volumes and the main container's volume_mounts", () => {
    const { stack } = service({
      volumes: [
        { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "2" }) },
        { path: "/cache", volume: Volume.emptyDir({ sizeLimit: "64Mi" }) },
        { path: "/assets", volume: Volume.cloudStorage({ bucket: "my-assets" }) },
        { path: "/share", volume: Volume.nfs({ server: "10.0.0.2", path: "/vol1" }) },
        {
          path: "/cloudsql",
          volume: Volume.cloudSql({ instances: ["my-project:europe-west1:db"] }),
        },
      ],
    });
    const r = run(synth(stack));
    expect(r.template.volumes).toEqual([
      {
        name: "secrets-db",
        secret: { secret: "db-password", items: [{ path: "db-password", version: "2" }] },
      },
      { name: "cache", empty_dir: { medium: "MEMORY", size_limit: "64Mi" } },
      { name: "assets", gcs: { bucket: "my-assets", read_only: true } },
      { name: "share", nfs: { server: "10.0.0.2", path: "/vol1", read_only: true } },
      { name: "cloudsql", cloud_sql_instance: { instances: ["my-project:europe-west1:db"] } },
    ]);
    expect(r.template.containers).toHaveLength(1);
    expect(r.template.containers[0].name).toBeUndefined();
    expect(r.template.containers[0].volume_mounts).toEqual([
      { name: "secrets-db", mount_path: "/secrets/db" },
      { name: "cache", mount_path: "/cache" },
      { name: "assets", mount_path: "/assets" },
      { name: "share", mount_path: "/share" },
      { name: "cloudsql", mount_path: "/cloudsql" },
    ]);
    // Cloud Storage and NFS need the second generation.
    expect(r.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
  });

  test("no volumes: no volumes block, no mounts, the environment left to Cloud Run", () => {
    const r = run(synth(service().stack));
    expect(r.template.volumes).toBeUndefined();
    expect(r.template.containers[0].volume_mounts).toBeUndefined();
    expect(r.template.execution_environment).toBeUndefined();
  });

  test("grants: exactly each volume's resource, none for emptyDir and NFS, all in depends_on", () => {
    const { stack, svc } = service({
      secrets: { DB: { secret: "db-password", version: "2" } },
      volumes: [
        { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "2" }) },
        { path: "/assets", volume: Volume.cloudStorage({ bucket: "my-assets" }) },
        {
          path: "/uploads",
          volume: Volume.cloudStorage({ bucket: "my-uploads", readOnly: false }),
        },
        { path: "/cache", volume: Volume.emptyDir() },
        { path: "/share", volume: Volume.nfs({ server: "10.0.0.2", path: "/vol1" }) },
      ],
    });
    svc.addVolume(
      "/cloudsql",
      Volume.cloudSql({ instances: ["db-project:europe-west1:db", "db-project:europe-west1:db2"] }),
    );
    const out = synth(stack);
    const member = "serviceAccount:${google_service_account.api_ServiceAccount_";
    const secrets = Object.values(resources(out, "google_secret_manager_secret_iam_member"));
    expect(secrets).toHaveLength(1); // env and volume share one grant
    const buckets = Object.entries(resources(out, "google_storage_bucket_iam_member")).map(
      ([, g]) => `${g.bucket} ${g.role}`,
    );
    expect(buckets.sort()).toEqual([
      "my-assets roles/storage.objectViewer",
      "my-uploads roles/storage.objectUser",
    ]);
    for (const g of Object.values(resources(out, "google_storage_bucket_iam_member"))) {
      expect(g.member).toContain(member);
    }
    const projects = Object.values(resources(out, "google_project_iam_member"));
    expect(projects).toEqual([
      expect.objectContaining({ project: "db-project", role: "roles/cloudsql.client" }),
    ]);
    const ids = [
      ...Object.keys(resources(out, "google_secret_manager_secret_iam_member")).map(
        (id) => `google_secret_manager_secret_iam_member.${id}`,
      ),
      ...Object.keys(resources(out, "google_storage_bucket_iam_member")).map(
        (id) => `google_storage_bucket_iam_member.${id}`,
      ),
      ...Object.keys(resources(out, "google_project_iam_member")).map(
        (id) => `google_project_iam_member.${id}`,
      ),
    ];
    expect([...run(out).depends_on].sort()).toEqual(ids.sort());
  });

  test("without a Cloud SQL volume the service holds no project-level role", () => {
    const out = synth(
      service({
        volumes: [{ path: "/assets", volume: Volume.cloudStorage({ bucket: "my-assets" }) }],
      }).stack,
    );
    expect(Object.keys(out.resource).filter((t) => t.startsWith("google_project_iam"))).toEqual([]);
  });

  test("resources only known at apply: a bucket and a Cloud SQL instance of the stack", () => {
    const f = fixture();
    const bucket = new StorageBucket(f.stack, "bucket", { name: "b-1234", location: "EU" });
    const sql = new SqlDatabaseInstance(f.stack, "sql", {
      databaseVersion: "POSTGRES_16",
      region: REGION,
      settings: { tier: "db-f1-micro" },
    });
    new CloudRunService(f.stack, "api", {
      image: f.image,
      region: REGION,
      volumes: [
        { path: "/b", volume: Volume.cloudStorage({ bucket: bucket.name }) },
        { path: "/cloudsql", volume: Volume.cloudSql({ instances: [sql.connectionName] }) },
      ],
    });
    const out = synth(f.stack);
    expect(only(out, "google_storage_bucket_iam_member").bucket).toBe(
      "${google_storage_bucket.bucket.name}",
    );
    expect(only(out, "google_project_iam_member").project).toBe(
      '${element(regex("^(.+):[^:]+:[^:]+$", google_sql_database_instance.sql.connection_name), 0)}',
    );
  });

  test("a secret volume without a version warns, as a secret variable does", () => {
    const { stack } = service({
      volumes: [{ path: "/s", volume: Volume.secret({ secret: "token" }) }],
    });
    synth(stack);
    expect(warnings(stack)).toContain(
      `${OWNER}: the secret volume volumes[0] at "/s" reads version "latest" of token: pin a version number (e.g. version: "3") so that every instance reads the same value and a rollback rolls the secret back too.`,
    );
  });

  test("a writable NFS volume warns that non-root writes need the share's permissions", () => {
    const { stack } = service({
      volumes: [
        { path: "/n", volume: Volume.nfs({ server: "nfs.internal", path: "/x", readOnly: false }) },
      ],
    });
    synth(stack);
    expect(warnings(stack).join("\n")).toContain(
      'the NFS volume volumes[0] at "/n" is writable, but the workload\'s images run as a non-root user',
    );
  });

  describe("execution environment", () => {
    const bucket = () => Volume.cloudStorage({ bucket: "my-assets" });

    test("an explicit GEN1 with a Cloud Storage volume is an error naming the volume", () => {
      expect(() =>
        service({
          executionEnvironment: ExecutionEnvironment.GEN1,
          volumes: [{ path: "/assets", volume: bucket() }],
        }),
      ).toThrow(
        `${OWNER}: invalid volumes[0].volume: the Cloud Storage volume (bucket my-assets) at "/assets" needs the second generation execution environment (GEN2), but executionEnvironment is ExecutionEnvironment.GEN1`,
      );
    });

    test("a cpu below 1 implies GEN1: an NFS volume is an error saying why", () => {
      expect(() =>
        service({
          cpu: "0.5",
          volumes: [{ path: "/n", volume: Volume.nfs({ server: "10.0.0.2", path: "/x" }) }],
        }),
      ).toThrow(
        'needs the second generation execution environment (GEN2), but a cpu below 1 ("0.5") needs the first generation (GEN1): use a cpu of at least 1',
      );
    });

    test("explicit GEN2 stays; gen1-compatible volumes leave the choice to Cloud Run", () => {
      const gen2 = run(
        synth(
          service({
            executionEnvironment: ExecutionEnvironment.GEN2,
            volumes: [{ path: "/assets", volume: bucket() }],
          }).stack,
        ),
      );
      expect(gen2.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
      const plain = run(
        synth(
          service({
            volumes: [
              { path: "/c", volume: Volume.emptyDir() },
              { path: "/s", volume: Volume.secret({ secret: "s", version: "1" }) },
              { path: "/cloudsql", volume: Volume.cloudSql({ instances: ["p-1234:us-east1:db"] }) },
            ],
          }).stack,
        ),
      );
      expect(plain.template.execution_environment).toBeUndefined();
      const fractional = run(
        synth(
          service({
            cpu: "0.5",
            volumes: [{ path: "/c", volume: Volume.emptyDir({ sizeLimit: "64Mi" }) }],
          }).stack,
        ),
      );
      expect(fractional.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN1");
    });

    test("addVolume after construction sets GEN2 too", () => {
      const { stack, svc } = service();
      svc.addVolume("/assets", bucket());
      const r = run(synth(stack));
      expect(r.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
      expect(r.template.volumes).toEqual([
        { name: "assets", gcs: { bucket: "my-assets", read_only: true } },
      ]);
    });

    test("GEN2 needs 512Mi", () => {
      expect(() =>
        service({ memory: "256Mi", volumes: [{ path: "/assets", volume: bucket() }] }),
      ).toThrow(`${OWNER}: invalid memory: must be at least 512Mi`);
    });
  });

  test("in-memory size limits are counted against the memory of the container that mounts them", () => {
    expect(() =>
      service({
        memory: "512Mi",
        volumes: [
          { path: "/a", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
          { path: "/b", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
        ],
      }),
    ).toThrow(
      `${OWNER}: invalid volumes[1].volume: the size limits of the in-memory volumes the main container mounts (256Mi + 256Mi = 512Mi) must add up to less than its memory limit 512Mi`,
    );
    expect(() =>
      service({
        memory: "1Gi",
        volumes: [
          { path: "/a", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
          { path: "/b", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
        ],
      }),
    ).not.toThrow();
  });

  test.each<[Partial<CloudRunServiceProps>, string]>([
    [
      { volumes: [{ path: "data", volume: Volume.emptyDir() }] },
      `${OWNER}: invalid volumes[0].path: must be an absolute path`,
    ],
    [{ volumes: [{ path: "/", volume: Volume.emptyDir() }] }, `${OWNER}: invalid volumes[0].path`],
    [
      { volumes: [{ path: "/proc/x", volume: Volume.emptyDir() }] },
      "must not be /proc or below it",
    ],
    [
      {
        volumes: [
          { path: "/x", volume: Volume.emptyDir() },
          { path: "/x", volume: Volume.emptyDir() },
        ],
      },
      `${OWNER}: invalid volumes[1].path: must be unique per container`,
    ],
    [
      {
        volumes: [{ path: "/sql", volume: Volume.cloudSql({ instances: ["p-1234:us-east1:db"] }) }],
      },
      `${OWNER}: invalid volumes[0].path: must be /cloudsql for a Cloud SQL volume`,
    ],
    [
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      { volumes: { path: "/x" } as any },
      `${OWNER}: invalid volumes: must be a list of volume mounts { path, volume } known at synth`,
    ],
  ])("invalid volumes: %j", (props, message) => {
    expect(() => service(props)).toThrow(message);
  });
});

describe("sidecars", () => {
  function sidecarImage(f: ReturnType<typeof fixture>, name = "proxy"): ContainerImage {
    return new ContainerImage(f.stack, `${name}Image`, {
      repository: f.repository,
      directory: NONROOT_CONTEXT,
      imageName: name,
    });
  }

  function withSidecars(
    build: (f: ReturnType<typeof fixture>) => SidecarOptions[],
    props: Partial<CloudRunServiceProps> = {},
  ) {
    const f = fixture();
    const svc = new CloudRunService(f.stack, "api", {
      image: f.image,
      region: REGION,
      sidecars: build(f),
      ...props,
    });
    return { ...f, svc };
  }

  test("the main container is named main and alone has the port; sidecars render after it", () => {
    const cache = Volume.emptyDir({ sizeLimit: "32Mi" });
    const { stack, svc } = withSidecars(
      (f) => [
        {
          name: "proxy",
          image: sidecarImage(f),
          cpu: "0.5",
          memory: "256Mi",
          environment: { UPSTREAM: "http://localhost:8080" },
          startupProbe: Probe.tcp({ port: 9000 }),
          volumes: [{ path: "/var/cache", volume: cache }],
        },
        { name: "collector", image: sidecarImage(f, "collector"), dependsOn: ["proxy", "main"] },
      ],
      { volumes: [{ path: "/cache", volume: cache }] },
    );
    const r = run(synth(stack));
    const [main, proxy, collector] = r.template.containers;
    expect(r.template.containers).toHaveLength(3);
    expect(main.name).toBe("main");
    expect(main.ports).toEqual({ container_port: 8080 });
    expect(main.volume_mounts).toEqual([{ name: "cache", mount_path: "/cache" }]);
    expect(proxy).toEqual({
      name: "proxy",
      image: expect.stringMatching(/\/proxy@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/),
      env: [{ name: "UPSTREAM", value: "http://localhost:8080" }],
      resources: { cpu_idle: true, limits: { cpu: "0.5", memory: "256Mi" } },
      startup_probe: { tcp_socket: { port: 9000 } },
      volume_mounts: [{ name: "cache", mount_path: "/var/cache" }],
    });
    expect(collector).toEqual({
      name: "collector",
      image: expect.stringMatching(/\/collector@/),
      resources: { cpu_idle: true, limits: { cpu: "1", memory: "512Mi" } },
      depends_on: ["proxy", "main"],
    });
    // One shared volume.
    expect(r.template.volumes).toEqual([
      { name: "cache", empty_dir: { medium: "MEMORY", size_limit: "32Mi" } },
    ]);
    expect(svc.sidecarNames).toEqual(["proxy", "collector"]);
  });

  test("addSidecar after construction; its volumes are granted", () => {
    const { stack, svc, ...f } = service();
    svc.addSidecar({
      name: "reader",
      image: sidecarImage({ stack, ...f } as ReturnType<typeof fixture>, "reader"),
      volumes: [{ path: "/in", volume: Volume.cloudStorage({ bucket: "inbox-bucket" }) }],
    });
    const out = synth(stack);
    const r = run(out);
    expect(r.template.containers.map((c: Json) => c.name)).toEqual(["main", "reader"]);
    expect(r.template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
    expect(only(out, "google_storage_bucket_iam_member").role).toBe("roles/storage.objectViewer");
  });

  test("a sidecar image must be pushed and proven non-root", () => {
    expect(() =>
      withSidecars((f) => [
        {
          name: "root",
          image: new ContainerImage(f.stack, "RootImage", {
            repository: f.repository,
            directory: ROOT_CONTEXT,
            imageName: "root",
          }),
        },
      ]),
    ).toThrow("is not proven to run as a non-root user");
    expect(() =>
      withSidecars((f) => [
        {
          name: "local",
          image: new ContainerImage(f.stack, "LocalImage", { directory: NONROOT_CONTEXT }),
        },
      ]),
    ).toThrow(`${OWNER}: invalid sidecars[0].image: must be pushed to a registry`);
  });

  test.each<
    [string, (f: ReturnType<typeof fixture>, img: ContainerImage) => SidecarOptions[], string]
  >([
    [
      "a name that is not a DNS label",
      (_f, image) => [{ name: "Proxy", image }],
      `${OWNER}: invalid sidecars[0].name: must be 1 to 63 lowercase letters`,
    ],
    [
      "main",
      (_f, image) => [{ name: "main", image }],
      `${OWNER}: invalid sidecars[0].name: must not be "main": that is the name of the main (ingress) container. Got: "main"`,
    ],
    [
      "a duplicate",
      (_f, image) => [
        { name: "a", image },
        { name: "a", image },
      ],
      `${OWNER}: invalid sidecars[1].name: must be unique: sidecars[0] has it already. Got: "a"`,
    ],
    [
      "ten sidecars",
      (_f, image) =>
        Array.from({ length: 10 }, (_, i) => ({
          name: `s${i}`,
          image,
          cpu: "0.1",
          memory: "128Mi",
        })),
      `${OWNER}: invalid sidecars[9]: is one sidecar too many: Cloud Run runs at most 10 containers per instance, the main (ingress) container included. Got: "s9"`,
    ],
    [
      "volumes that are not a list",
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (_f, image) => [{ name: "a", image, volumes: { path: "/x" } as any }],
      `${OWNER}: invalid sidecars[0].volumes: must be a list of volume mounts { path, volume } known at synth. Got: {"path":"/x"}`,
    ],
    [
      "an unknown dependsOn",
      (_f, image) => [{ name: "a", image, dependsOn: ["db"] }],
      `${OWNER}: invalid sidecars[0].dependsOn[0]: must name a container of the service: "main", "a". Got: "db"`,
    ],
    [
      "itself in dependsOn",
      (_f, image) => [{ name: "a", image, dependsOn: ["a"] }],
      `${OWNER}: invalid sidecars[0].dependsOn[0]: must not name the sidecar itself. Got: "a"`,
    ],
    [
      "a cycle",
      (_f, image) => {
        const probe = Probe.tcp({ port: 1 });
        return [
          { name: "a", image, dependsOn: ["b"], startupProbe: probe },
          { name: "b", image, dependsOn: ["c"], startupProbe: probe },
          { name: "c", image, dependsOn: ["a"], startupProbe: probe },
        ];
      },
      `${OWNER}: invalid sidecars[0].dependsOn: must not form a cycle: a → b → c → a (no container of the cycle could start). Got: ["b"]`,
    ],
    [
      "a dependency without a startup probe",
      (_f, image) => [
        { name: "a", image },
        { name: "b", image, dependsOn: ["a"] },
      ],
      `${OWNER}: invalid sidecars[0].startupProbe: is required: sidecar "b" starts after sidecar "a" (dependsOn), and Cloud Run waits for the startup probe of each container it depends on. Got: undefined`,
    ],
    [
      "a probe without a port",
      (_f, image) => [{ name: "a", image, startupProbe: Probe.http({ path: "/ready" }) }],
      `${OWNER}: invalid sidecars[0].startupProbe.port: is required: a sidecar has no container port`,
    ],
    [
      "a bad cpu",
      (_f, image) => [{ name: "a", image, cpu: "3" }],
      `${OWNER}: invalid sidecars[0].cpu: must be "1", "2", "4", "6" or "8"`,
    ],
    [
      "a bad memory",
      (_f, image) => [{ name: "a", image, memory: "64Mi" }],
      `${OWNER}: invalid sidecars[0].memory: must be at least 128Mi`,
    ],
    [
      "more than 8 CPU per instance",
      (_f, image) => [{ name: "a", image, cpu: "8", memory: "4Gi" }],
      `${OWNER}: invalid sidecars[0].cpu: must keep the instance's CPU, the sum of its containers', at most 8 (it would be 9). Got: "8"`,
    ],
    [
      "a reserved environment name",
      (_f, image) => [{ name: "a", image, environment: { PORT: "1" } }],
      `${OWNER}: invalid sidecars[0].environment: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved`,
    ],
  ])("%s is refused at construction", (_what, build, message) => {
    expect(() => withSidecars((f) => build(f, sidecarImage(f)))).toThrow(message);
  });

  test("a dependsOn that names a sidecar added later is fine; a cycle made by addSidecar fails synth", () => {
    const f = fixture();
    const image = sidecarImage(f);
    const probe = Probe.tcp({ port: 9 });
    const svc = new CloudRunService(f.stack, "api", { image: f.image, region: REGION });
    svc.addSidecar({ name: "a", image, dependsOn: ["b"], startupProbe: probe });
    svc.addSidecar({ name: "b", image, startupProbe: probe });
    expect(() => Testing.synth(f.stack, true)).not.toThrow();
    const g = fixture();
    const image2 = sidecarImage(g);
    const svc2 = new CloudRunService(g.stack, "api", { image: g.image, region: REGION });
    svc2.addSidecar({ name: "a", image: image2, dependsOn: ["b"], startupProbe: probe });
    svc2.addSidecar({ name: "b", image: image2, dependsOn: ["a"], startupProbe: probe });
    expect(synthError(() => g)).toContain(
      "invalid sidecars[0].dependsOn: must not form a cycle: a → b → a",
    );
  });
});

describe("posture and report", () => {
  test("sidecar images are in the report; volume grants are the service account's roles", () => {
    const f = fixture();
    const proxy = new ContainerImage(f.stack, "ProxyImage", {
      repository: f.repository,
      directory: NONROOT_CONTEXT,
      imageName: "proxy",
    });
    new CloudRunService(f.stack, "api", {
      image: f.image,
      region: REGION,
      sidecars: [{ name: "proxy", image: proxy }],
      volumes: [
        { path: "/assets", volume: Volume.cloudStorage({ bucket: "my-assets" }) },
        {
          path: "/cloudsql",
          volume: Volume.cloudSql({ instances: ["db-project:europe-west1:db"] }),
        },
        { path: "/s", volume: Volume.secret({ secret: "token", version: "1" }) },
      ],
    });
    const posture = SecurityPosture.of(f.stack);
    expect(posture.findings()).toEqual([]);
    const report = posture.renderReport();
    expect(report).toContain("main: `");
    expect(report).toMatch(/sidecar `proxy`: `[^`]*proxy:[0-9a-f]+`, pinned by digest/);
    expect(report).toMatch(/sidecar `proxy`: `65532:65532` \(uid 65532\), proven non-root/);
    expect(report).toContain("`roles/cloudsql.client` on project `db-project`");
    expect(report).toContain("`roles/storage.objectViewer` on bucket `my-assets`");
    expect(report).toContain("`roles/secretmanager.secretAccessor` on secret `token`");
  });

  test("SEC005 names a sidecar container whose image was not proven (escape hatch)", () => {
    const { stack, svc } = service();
    svc.resource.addOverride("template.containers.1", {
      name: "shell",
      image: "europe-west1-docker.pkg.dev/p/r/busybox:latest",
    });
    const findings = SecurityPosture.of(stack).findings();
    expect(findings.map((x) => x.rule)).toEqual([PostureRule.UNPROVEN_NON_ROOT_IMAGE]);
    expect(findings[0].message).toContain(
      `container "shell" of CloudRunService 'Stack/api' runs the image "europe-west1-docker.pkg.dev/p/r/busybox:latest"`,
    );
  });
});

describe("CloudRunApp", () => {
  test("volumes and sidecars pass through; addVolume and addSidecar reach the service", () => {
    const f = fixture();
    const app = new CloudRunApp(f.stack, "web", {
      directory: NONROOT_CONTEXT,
      region: REGION,
      repository: f.repository,
      volumes: [{ path: "/cache", volume: Volume.emptyDir({ sizeLimit: "16Mi" }) }],
      sidecars: [{ name: "proxy", image: f.image }],
    });
    app.addVolume("/s", Volume.secret({ secret: "s", version: "1" }));
    app.addSidecar({ name: "second", image: f.image });
    const out = synth(f.stack);
    const services = Object.values(resources(out, "google_cloud_run_v2_service"));
    const web = services.find((s: Json) => s.name === "web") as Json;
    expect(web.template.containers.map((c: Json) => c.name)).toEqual(["main", "proxy", "second"]);
    expect(web.template.volumes.map((v: Json) => v.name)).toEqual(["cache", "s"]);
    expect(web.template.containers[0].volume_mounts).toEqual([
      { name: "cache", mount_path: "/cache" },
      { name: "s", mount_path: "/s" },
    ]);
  });
});
