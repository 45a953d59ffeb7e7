import * as fs from "fs";
import * as path from "path";
import { App, Testing, TerraformStack } from "cdktf";
import {
  CloudRunApp,
  ContainerImage,
  LocalService,
  LocalServiceProps,
  Probe,
  Volume,
} from "../../src";
import { warnings } from "../support/annotations";
import { tempDir } from "../support/temp";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const NONROOT = path.join(__dirname, "..", "fixtures", "local-nonroot");
const ROOT = path.join(__dirname, "..", "fixtures", "local-root");
const OWNER = "LocalService 'Stack/api'";

function setup(
  build: (stack: TerraformStack, image: ContainerImage) => Partial<LocalServiceProps>,
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Stack");
  const image = new ContainerImage(stack, "Image", { directory: NONROOT });
  const service = new LocalService(stack, "api", { image, ...build(stack, image) });
  const text = Testing.synth(stack, true);
  return { app, stack, image, service, text, json: JSON.parse(text) as Json };
}

function containers(json: Json): { [name: string]: Json } {
  return Object.fromEntries(
    Object.values(json.resource.docker_container).map((c: Json) => [c.name, c]),
  );
}

function secretFile(mode = 0o444): string {
  const dir = tempDir("local-secret-");
  const file = path.join(dir, "db-password");
  fs.writeFileSync(file, "s3cret-value\n");
  fs.chmodSync(file, mode);
  return file;
}

describe("volumes", () => {
  test("an emptyDir is one tmpfs Docker volume of its size limit, shared by the containers that mount it", () => {
    const cache = Volume.emptyDir({ sizeLimit: "64Mi" });
    const { json, service } = setup((stack) => ({
      volumes: [{ path: "/cache", volume: cache }],
      sidecars: [
        {
          name: "proxy",
          image: new ContainerImage(stack, "ProxyImage", {
            directory: NONROOT,
            imageName: "proxy",
          }),
          memory: "128Mi",
          volumes: [{ path: "/var/cache", volume: cache }],
        },
      ],
    }));
    const volumes = Object.values(json.resource.docker_volume);
    expect(volumes).toEqual([
      {
        provider: "docker",
        name: "api-cache",
        driver: "local",
        driver_opts: { type: "tmpfs", device: "tmpfs", o: `size=${64 * 1024 * 1024},nosuid,nodev` },
        labels: [
          { label: "cdktf-cloud-run.service", value: "api" },
          { label: "cdktf-cloud-run.volume", value: "cache" },
        ],
      },
    ]);
    const byName = containers(json);
    const volumeRef = expect.stringMatching(/^\$\{docker_volume\.[^.]+\.name\}$/);
    expect(byName.api.mounts).toEqual([{ type: "volume", source: volumeRef, target: "/cache" }]);
    expect(byName["api-proxy"].mounts).toEqual([
      {
        type: "volume",
        source: volumeRef,
        target: "/var/cache",
      },
    ]);
    expect(byName.api.mounts[0].source).toBe(byName["api-proxy"].mounts[0].source);
    expect(Object.keys(service.sidecarContainers)).toEqual(["proxy"]);
  });

  test("without a size limit: Cloud Run's default, half of all containers' memory", () => {
    const { json } = setup(() => ({
      memory: "1Gi",
      volumes: [{ path: "/scratch", volume: Volume.emptyDir() }],
    }));
    const [volume] = Object.values(json.resource.docker_volume) as Json[];
    expect(volume.driver_opts.o).toBe(`size=${512 * 1024 * 1024},nosuid,nodev`);
  });

  test("a secret is its local file, bind-mounted read-only at <path>/<fileName>, by a relative path", () => {
    const file = secretFile();
    const { json, text } = setup(() => ({
      volumes: [
        { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "3" }) },
        {
          path: "/etc/app",
          volume: Volume.secret({
            secret: "projects/p/secrets/db-password",
            version: "3",
            fileName: "pw",
          }),
        },
      ],
      secretFiles: { "db-password": file, "projects/p/secrets/db-password": file },
    }));
    const [mount, second] = containers(json).api.mounts;
    expect(mount).toEqual({
      type: "bind",
      source: expect.stringMatching(
        /^\$\{abspath\("(\.\.\/)+.*local-secret-[^"]*\/db-password"\)\}$/,
      ),
      target: "/secrets/db/db-password",
      read_only: true,
    });
    expect(second.target).toBe("/etc/app/pw");
    // The value never enters the configuration, nor does an absolute path.
    expect(text).not.toContain("s3cret-value");
    expect(text).not.toContain(path.dirname(file));
    expect(Object.keys(json.resource)).not.toContain("docker_volume");
  });

  test("a secret without a local file is not mounted, with a warning naming the mount", () => {
    const { json, stack } = setup(() => ({
      volumes: [
        { path: "/secrets/db", volume: Volume.secret({ secret: "db-password", version: "3" }) },
      ],
    }));
    expect(containers(json).api.mounts).toBeUndefined();
    expect(warnings(stack)).toContain(
      `${OWNER}: volumes[0] (secret db-password at "/secrets/db" of the main container) is not mounted: there is no Secret Manager locally; give the file that holds its value in secretFiles (e.g. secretFiles: { "db-password": "./local-secrets/db-password" }).`,
    );
  });

  test("a secret file the image's user cannot read, or missing, is a warning", () => {
    const unreadable = secretFile(0o600);
    const { stack } = setup(() => ({
      volumes: [
        { path: "/a", volume: Volume.secret({ secret: "a", version: "1" }) },
        { path: "/b", volume: Volume.secret({ secret: "b", version: "1" }) },
      ],
      secretFiles: { a: unreadable, b: path.join(path.dirname(unreadable), "missing") },
    }));
    const text = warnings(stack).join("\n");
    expect(text).toContain(
      `is not readable by the image's user (uid 65532); Cloud Run mounts secrets with mode 0444: chmod 444`,
    );
    expect(text).toContain("which does not exist");
  });

  test("Cloud Storage, NFS and Cloud SQL volumes are not reproduced: a warning names each mount", () => {
    const { json, stack } = setup(() => ({
      volumes: [
        { path: "/assets", volume: Volume.cloudStorage({ bucket: "my-assets" }) },
        { path: "/share", volume: Volume.nfs({ server: "10.0.0.2", path: "/x" }) },
        { path: "/cloudsql", volume: Volume.cloudSql({ instances: ["p-1234:us-east1:db"] }) },
      ],
    }));
    expect(containers(json).api.mounts).toBeUndefined();
    const text = warnings(stack).join("\n");
    expect(text).toContain(
      `${OWNER}: volumes[0], the Cloud Storage volume (bucket my-assets) at "/assets" of the main container, cannot be reproduced locally and is not mounted: the local twin has no Cloud Storage FUSE`,
    );
    expect(text).toContain(
      `${OWNER}: volumes[1], the NFS volume (10.0.0.2:/x) at "/share" of the main container, cannot be reproduced locally`,
    );
    expect(text).toContain(
      `${OWNER}: volumes[2], the Cloud SQL volume (p-1234:us-east1:db) at "/cloudsql" of the main container, cannot be reproduced locally`,
    );
  });

  test("a volume at /tmp replaces the default tmpfs /tmp", () => {
    const { json } = setup(() => ({
      volumes: [{ path: "/tmp", volume: Volume.emptyDir({ sizeLimit: "32Mi" }) }],
    }));
    expect(containers(json).api.tmpfs).toBeUndefined();
    expect(containers(json).api.mounts[0].target).toBe("/tmp");
  });

  test("Cloud Run's mount rules apply locally too", () => {
    expect(() =>
      setup(() => ({ volumes: [{ path: "/proc/x", volume: Volume.emptyDir() }] })),
    ).toThrow(`${OWNER}: invalid volumes[0].path: must not be /proc or below it`);
    expect(() =>
      setup(() => ({
        memory: "256Mi",
        volumes: [{ path: "/x", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) }],
      })),
    ).toThrow(
      `${OWNER}: invalid volumes[0].volume: the size limits of the in-memory volumes the main container mounts`,
    );
  });

  test("unused secretFiles are a warning", () => {
    const { stack } = setup(() => ({ secretFiles: { token: "./token" } }));
    expect(warnings(stack)).toContain(
      `${OWNER}: secretFiles is given, but no secret volume is mounted: nothing reads token.`,
    );
  });
});

describe("sidecars", () => {
  test("each a container in the main container's network namespace, hardened, no port, K_* but no PORT", () => {
    const { json } = setup((stack) => {
      const image = new ContainerImage(stack, "ProxyImage", {
        directory: NONROOT,
        imageName: "proxy",
      });
      return {
        sidecars: [
          {
            name: "proxy",
            image,
            cpu: "0.5",
            memory: "256Mi",
            environment: { MODE: "proxy" },
            startupProbe: Probe.tcp({ port: 9000 }),
          },
          { name: "agent", image, dependsOn: ["proxy", "main"] },
        ],
      };
    });
    const byName = containers(json);
    const proxy = byName["api-proxy"];
    expect(proxy.network_mode).toMatch(
      /^container:\$\{docker_container\.api_Container_[0-9A-F]+\.id\}$/,
    );
    expect(proxy.ports).toBeUndefined();
    expect(proxy.image).toMatch(/^\$\{docker_image\.ProxyImage_[^.]+\.image_id\}$/);
    expect(proxy.env).toEqual([
      "K_SERVICE=api",
      expect.stringMatching(/^K_REVISION=api-local-[0-9a-f]{8}$/),
      "K_CONFIGURATION=api",
      "MODE=proxy",
    ]);
    expect(proxy).toMatchObject({
      init: true,
      read_only: true,
      capabilities: { drop: ["ALL"] },
      security_opts: ["no-new-privileges:true"],
      cpu_period: 100000,
      cpu_quota: 50000,
      memory: 256,
      memory_swap: 256,
      tmpfs: { "/tmp": "rw,nosuid,nodev,size=256m" },
      stop_signal: "SIGTERM",
    });
    expect(byName["api-agent"].depends_on).toEqual([
      expect.stringMatching(/^docker_container\.api_Sidecar-proxy_[0-9A-F]+$/),
    ]);
    expect(byName.api.ports).toHaveLength(1);
  });

  test("a sidecar image must be proven non-root; names and dependsOn follow Cloud Run's rules", () => {
    expect(() =>
      setup((stack) => ({
        sidecars: [
          {
            name: "root",
            image: new ContainerImage(stack, "RootImage", { directory: ROOT, imageName: "root" }),
          },
        ],
      })),
    ).toThrow("is not proven to run as a non-root user");
    expect(() =>
      setup((_stack, image) => ({ sidecars: [{ name: "a", image, dependsOn: ["b"] }] })),
    ).toThrow(
      `${OWNER}: invalid sidecars[0].dependsOn[0]: must name a container of the service: "main", "a". Got: "b"`,
    );
  });
});

describe("CloudRunApp.local", () => {
  test("mounts the app's volumes; runs its sidecars of the same stack; warns for another stack's", () => {
    const app = new App({ outdir: tempDir("twin-volumes-") });
    const cloud = new TerraformStack(app, "cloud");
    const cloudImage = new ContainerImage(cloud, "Agent", {
      directory: NONROOT,
      imageName: "agent",
    });
    const local = new TerraformStack(app, "local");
    const localImage = new ContainerImage(local, "Proxy", {
      directory: NONROOT,
      imageName: "proxy",
    });
    const service = CloudRunApp.local(
      local,
      "web",
      {
        directory: NONROOT,
        region: "europe-west1",
        volumes: [{ path: "/cache", volume: Volume.emptyDir({ sizeLimit: "16Mi" }) }],
        sidecars: [
          { name: "proxy", image: localImage },
          { name: "agent", image: cloudImage },
        ],
      },
      { hostPort: 18999 },
    );
    const json = JSON.parse(Testing.synth(local, true));
    expect(
      Object.values(json.resource.docker_container)
        .map((c: Json) => c.name)
        .sort(),
    ).toEqual(["web", "web-proxy"]);
    expect(Object.keys(json.resource.docker_volume)).toHaveLength(1);
    expect(warnings(service)).toContain(
      "LocalService 'local/web/Service': the app's sidecar agent runs an image of another stack and is not run locally; pass local sidecars (images without a repository, in this stack) in the options' sidecars.",
    );
  });
});
