/**
 * Volumes and sidecars with the real toolchain:
 *
 * 1. A Cloud Run service with every volume kind and two sidecars is valid for the real google
 *    provider (`terraform validate`) and plans offline (`terraform plan`) with the values the
 *    library wrote: the volumes and mounts, GEN2, and the grants on exactly each resource.
 * 2. A LocalService with a sidecar, an in-memory emptyDir and a secret-file volume, applied with
 *    Terraform on the Docker engine: the emptyDir is a tmpfs of its size shared by both
 *    containers, the secret is a read-only file the image's uid 65532 reads, and the containers
 *    reach each other on localhost. The image is a std-only Rust program built from the
 *    cargo-chef and distroless stand-ins (no registry is reachable).
 */
import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { TerraformStack } from "cdktf";
import {
  CloudRunService,
  ContainerImage,
  Dockerfile,
  DockerRepository,
  LocalService,
  Probe,
  Volume,
} from "../../src";
import { tempDir } from "../support/temp";
import { docker, dockerOk, inspect, waitFor200 } from "./support/docker";
import { compareWithPlan, plannedResources } from "./support/plan-values";
import {
  apply,
  expectValid,
  init,
  plan,
  prepare,
  synthApp,
  SynthesizedStack,
  TfJson,
} from "./support/terraform";

/* eslint-disable @typescript-eslint/no-explicit-any */

const PREFIX = "cdktf-cloud-run-test-i18a";
const FIXTURE = path.join(__dirname, "..", "fixtures", "local-probe");
const NONROOT = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");

describe("a Cloud Run service with every volume kind and sidecars", () => {
  let stack: SynthesizedStack;
  let planned: TfJson;

  beforeAll(() => {
    [stack] = synthApp((app) => {
      const s = new TerraformStack(app, "volumes");
      new GoogleProvider(s, "google", { project: "my-project" });
      const repository = new DockerRepository(s, "Repo", { location: "europe-west1" });
      const image = new ContainerImage(s, "Image", { repository, directory: NONROOT });
      const proxy = new ContainerImage(s, "Proxy", {
        repository,
        directory: NONROOT,
        imageName: "proxy",
      });
      const bucket = new StorageBucket(s, "uploads", {
        name: "my-project-uploads",
        location: "EU",
      });
      const sql = new SqlDatabaseInstance(s, "db", {
        name: "db",
        databaseVersion: "POSTGRES_16",
        region: "europe-west1",
        settings: { tier: "db-f1-micro" },
        deletionProtection: false,
      });
      const cache = Volume.emptyDir({ sizeLimit: "64Mi" });
      new CloudRunService(s, "api", {
        image,
        region: "europe-west1",
        memory: "1Gi",
        volumes: [
          { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "1" }) },
          { path: "/cache", volume: cache },
          { path: "/assets", volume: Volume.cloudStorage({ bucket: "my-project-assets" }) },
          {
            path: "/uploads",
            volume: Volume.cloudStorage({ bucket: bucket.name, readOnly: false }),
          },
          { path: "/share", volume: Volume.nfs({ server: "10.0.0.2", path: "/vol1" }) },
          {
            path: "/cloudsql",
            volume: Volume.cloudSql({
              instances: ["other-project:europe-west1:legacy", sql.connectionName],
            }),
          },
        ],
        sidecars: [
          {
            name: "proxy",
            image: proxy,
            cpu: "0.5",
            memory: "256Mi",
            environment: { UPSTREAM: "http://localhost:8080" },
            startupProbe: Probe.tcp({ port: 9000 }),
            volumes: [{ path: "/var/cache", volume: cache }],
          },
          { name: "agent", image: proxy, memory: "256Mi", dependsOn: ["proxy", "main"] },
        ],
      });
    }, "real-volumes-");
    prepare(stack);
  });

  test("terraform validate: valid, no diagnostics", () => {
    expectValid(stack.dir);
  });

  test("terraform plan: every resource planned, literal values unchanged", () => {
    planned = plan(stack.dir);
    const { missing, mismatches } = compareWithPlan(stack.json, planned);
    expect(missing).toEqual([]);
    expect(mismatches).toEqual([]);
  });

  test("the plan carries the volumes, mounts, containers and GEN2", () => {
    const resources = plannedResources(planned);
    const service = [...resources.values()].find((r) => r.type === "google_cloud_run_v2_service")!;
    const template = service.values.template[0];
    expect(template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
    const volumes = Object.fromEntries(template.volumes.map((v: any) => [v.name, v]));
    expect(Object.keys(volumes)).toEqual([
      "secrets-db",
      "cache",
      "assets",
      "uploads",
      "share",
      "cloudsql",
    ]);
    expect(volumes["secrets-db"].secret[0]).toMatchObject({
      secret: "db-password",
      items: [{ path: "db-password", version: "1" }],
    });
    expect(volumes.cache.empty_dir[0]).toMatchObject({ medium: "MEMORY", size_limit: "64Mi" });
    expect(volumes.assets.gcs[0]).toMatchObject({ bucket: "my-project-assets", read_only: true });
    expect(volumes.uploads.gcs[0]).toMatchObject({ read_only: false });
    expect(volumes.share.nfs[0]).toMatchObject({
      server: "10.0.0.2",
      path: "/vol1",
      read_only: true,
    });
    const [main, proxy, agent] = template.containers;
    expect([main.name, proxy.name, agent.name]).toEqual(["main", "proxy", "agent"]);
    expect(main.ports[0].container_port).toBe(8080);
    expect(proxy.ports ?? []).toEqual([]);
    expect(agent.depends_on).toEqual(["proxy", "main"]);
    expect(proxy.volume_mounts).toEqual([{ name: "cache", mount_path: "/var/cache" }]);
    expect(main.volume_mounts.map((m: any) => m.mount_path)).toEqual([
      "/secrets/db",
      "/cache",
      "/assets",
      "/uploads",
      "/share",
      "/cloudsql",
    ]);
  });

  test("the grants: exactly each resource, to the service's own account", () => {
    const byType = (type: string) =>
      [...plannedResources(planned).values()].filter((r) => r.type === type).map((r) => r.values);
    expect(byType("google_secret_manager_secret_iam_member")).toEqual([
      expect.objectContaining({
        secret_id: "db-password",
        role: "roles/secretmanager.secretAccessor",
      }),
    ]);
    const buckets = byType("google_storage_bucket_iam_member").map((g) => `${g.bucket} ${g.role}`);
    expect(buckets.sort()).toEqual([
      "my-project-assets roles/storage.objectViewer",
      "my-project-uploads roles/storage.objectUser",
    ]);
    // The legacy instance's project is known; the stack's instance's project is computed by
    // Terraform from its connection name (unknown until apply).
    const projects = byType("google_project_iam_member");
    expect(projects.map((g) => g.role)).toEqual(["roles/cloudsql.client", "roles/cloudsql.client"]);
    expect(projects.map((g) => g.project).filter((p) => p !== undefined)).toEqual([
      "other-project",
    ]);
  });
});

describe("a LocalService with a sidecar, an emptyDir and a secret file, applied on Docker", () => {
  const HOST_PORT = 18383;
  const CONTAINER = `${PREFIX}-api`;
  const SIDECAR = `${CONTAINER}-helper`;
  const VOLUME = `${CONTAINER}-cache`;
  const IMAGE = `${PREFIX}-probe`;
  const URL = `http://127.0.0.1:${HOST_PORT}`;
  let stack: SynthesizedStack;
  let secretFile: string;

  const cleanUp = () => {
    docker(["rm", "-f", SIDECAR, CONTAINER]);
    docker(["volume", "rm", "-f", VOLUME]);
  };

  beforeAll(() => {
    cleanUp();
    // The probe's build context: the std-only program, built in the cargo-chef stand-in (the
    // tag the generator names) and run on the distroless cc stand-in as 65532.
    const context = tempDir("real-probe-context-");
    fs.copyFileSync(path.join(FIXTURE, "probe.rs"), path.join(context, "probe.rs"));
    const builder = /^FROM (\S+) AS planner$/m.exec(Dockerfile.rustCargoChef().render())![1];
    fs.writeFileSync(
      path.join(context, "Dockerfile"),
      [
        `FROM ${builder} AS build`,
        "WORKDIR /src",
        "COPY probe.rs .",
        "RUN rustc -O -o /probe probe.rs",
        "",
        "FROM gcr.io/distroless/cc-debian13:nonroot",
        "COPY --from=build /probe /probe",
        "USER 65532:65532",
        'ENTRYPOINT ["/probe"]',
        "",
      ].join("\n"),
    );
    secretFile = path.join(tempDir("real-secret-"), "db-password");
    fs.writeFileSync(secretFile, "local-db-password\n");
    fs.chmodSync(secretFile, 0o444);

    [stack] = synthApp((app) => {
      const s = new TerraformStack(app, "local-volumes");
      const image = new ContainerImage(s, "Probe", { directory: context, imageName: IMAGE });
      const cache = Volume.emptyDir({ sizeLimit: "16Mi" });
      new LocalService(s, "api", {
        image,
        containerName: CONTAINER,
        hostPort: HOST_PORT,
        memory: "512Mi",
        environment: { ROLE: "main" },
        volumes: [
          { path: "/cache", volume: cache },
          { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "1" }) },
        ],
        sidecars: [
          {
            name: "helper",
            image,
            cpu: "0.5",
            memory: "128Mi",
            environment: { ROLE: "sidecar", WRITE_DIR: "/shared", MAIN_PORT: "8080" },
            startupProbe: Probe.tcp({ port: 9000 }),
            volumes: [{ path: "/shared", volume: cache }],
          },
        ],
        secretFiles: { "db-password": secretFile },
      });
    }, "real-local-volumes-");
    prepare(stack, { dockerDaemon: true });
    init(stack.dir);
  });

  afterAll(() => {
    cleanUp();
    docker(["rmi", "-f", IMAGE]);
  });

  test("terraform apply builds the image, creates the volume and starts both containers", async () => {
    const started = Date.now();
    const result = apply(stack.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    console.log(`terraform apply (build + start): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(inspect(CONTAINER).State.Running).toBe(true);
    expect(inspect(SIDECAR).State.Running).toBe(true);
    await waitFor200(`${URL}/healthz`);
  });

  test("both containers run as uid 65532 with the main container's hardening", async () => {
    expect(await text("/whoami")).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    const sidecar = inspect(SIDECAR);
    expect(sidecar.Config.User).toBe("65532:65532");
    expect(sidecar.HostConfig.ReadonlyRootfs).toBe(true);
    expect(sidecar.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(sidecar.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    expect(sidecar.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(sidecar.HostConfig.CpuQuota).toBe(50000);
  });

  test("the emptyDir is a tmpfs of its size limit, writable by 65532, shared with the sidecar", async () => {
    const mounts = await text("/mounts");
    expect(mounts).toMatch(/^tmpfs \/cache tmpfs rw,nosuid,nodev,[^ ]*size=16384k/m);
    expect(await text("/read?path=/cache/from-sidecar")).toBe("written by the sidecar\n");
    expect(await text("/write?path=/cache/from-main")).toBe("written");
    const volume = inspect(VOLUME);
    expect(volume.Options).toEqual({
      type: "tmpfs",
      device: "tmpfs",
      o: `size=${16 * 1024 * 1024},nosuid,nodev`,
    });
  });

  test("the secret is a read-only file the image's user reads", async () => {
    expect(await text("/read?path=/secrets/db/db-password")).toBe("local-db-password\n");
    const refused = await fetch(`${URL}/write?path=/secrets/db/db-password`);
    expect(refused.status).toBe(500);
    expect(await refused.text()).toMatch(/Read-only file system/);
    expect(await text("/mounts")).toMatch(/ \/secrets\/db\/db-password \S+ ro[, ]/);
    // The state holds the file's path, never its content.
    expect(fs.readFileSync(path.join(stack.dir, "terraform.tfstate"), "utf8")).not.toContain(
      "local-db-password",
    );
  });

  test("the containers reach each other on localhost; only the main container publishes a port", async () => {
    // main → sidecar (127.0.0.1:9000, not published) → main (127.0.0.1:8080).
    expect(await text("/fetch?port=9000&path=/relay")).toBe("hello from main (relayed by sidecar)");
    const main = inspect(CONTAINER);
    const sidecar = inspect(SIDECAR);
    expect(sidecar.HostConfig.NetworkMode).toBe(`container:${main.Id}`);
    expect(sidecar.HostConfig.PortBindings ?? {}).toEqual({});
    expect(Object.keys(main.HostConfig.PortBindings)).toEqual(["8080/tcp"]);
  });

  test("terraform destroy removes both containers and the volume", () => {
    const result = apply(stack.dir, { destroy: true });
    expect(result.status).toBe(0);
    expect(docker(["inspect", CONTAINER]).status).not.toBe(0);
    expect(docker(["inspect", SIDECAR]).status).not.toBe(0);
    expect(dockerOk(["volume", "ls", "--format", "{{.Name}}"]).split("\n")).not.toContain(VOLUME);
  });

  async function text(route: string): Promise<string> {
    const response = await fetch(`${URL}${route}`, { signal: AbortSignal.timeout(10000) });
    const body = await response.text();
    if (response.status !== 200) {
      throw new Error(`GET ${route}: ${response.status} ${body}`);
    }
    return body;
  }
});
