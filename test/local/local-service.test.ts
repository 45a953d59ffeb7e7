import * as path from "path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, Lazy, Testing, TerraformStack, TerraformVariable } from "cdktf";
import * as fc from "fast-check";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { ContainerImage } from "../../src/image/container-image";
import { DockerRepository } from "../../src/image/docker-repository";
import { LocalService, LocalServiceProps } from "../../src/local/local-service";
import { RestartPolicy } from "../../src/local/restart-policy";
import { warnings } from "../support/annotations";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const NONROOT = path.join(__dirname, "..", "fixtures", "local-nonroot");
const ROOT = path.join(__dirname, "..", "fixtures", "local-root");
const OWNER = "LocalService 'Stack/api'";

interface Built {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly image: ContainerImage;
  readonly service: LocalService;
  readonly json: Json;
}

/** A stack with no provider declared, a local-only image and a LocalService "api". */
function build(props: Partial<LocalServiceProps> = {}, id = "api"): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Stack");
  const image = new ContainerImage(stack, "Image", { directory: NONROOT });
  const service = new LocalService(stack, id, { image, ...props });
  const json = JSON.parse(Testing.synth(stack, true));
  return { app, stack, image, service, json };
}

/** Constructs a LocalService in a fresh stack, without synthesizing. */
function construct(props: Partial<LocalServiceProps> = {}, id = "api"): LocalService {
  const app = Testing.app();
  const stack = new TerraformStack(app, "Stack");
  const image = new ContainerImage(stack, "Image", { directory: NONROOT });
  return new LocalService(stack, id, { image, ...props });
}

function container(json: Json): Json {
  const all = Object.values(json.resource?.docker_container ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

function googleKeys(json: Json): string[] {
  return [
    ...Object.keys(json.resource ?? {}),
    ...Object.keys(json.data ?? {}),
    ...Object.keys(json.provider ?? {}),
    ...Object.keys(json.terraform?.required_providers ?? {}),
  ].filter((key) => key.startsWith("google"));
}

describe("LocalService: Cloud Run's container contract", () => {
  test("sets PORT, K_SERVICE, K_REVISION and K_CONFIGURATION", () => {
    const { json, image, service } = build();
    const revision = `api-local-${image.tag.slice(0, 8)}`;
    expect(container(json).env).toEqual([
      "PORT=8080",
      "K_SERVICE=api",
      `K_REVISION=${revision}`,
      "K_CONFIGURATION=api",
    ]);
    expect(service.revision).toBe(revision);
    expect(service.serviceName).toBe("api");
  });

  test("the revision follows the image content", () => {
    const a = construct();
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const other = new ContainerImage(stack, "Image", {
      directory: NONROOT,
      buildArgs: { VERSION: "2" },
    });
    const b = new LocalService(stack, "api", { image: other });
    expect(a.revision).not.toBe(b.revision);
    expect(b.revision).toBe(`api-local-${other.tag.slice(0, 8)}`);
  });

  test("runs the locally built image by its image id, named after the service", () => {
    const { json, stack } = build();
    expect(container(json).image).toMatch(/^\$\{docker_image\.[A-Za-z0-9_-]+\.image_id\}$/);
    expect(container(json).name).toBe("api");
    expect(Testing.synth(stack)).toHaveResourceWithProperties(
      { tfResourceType: "docker_container" },
      { name: "api", must_run: true },
    );
  });

  test("appends the given environment after the contract variables", () => {
    const { json } = build({ environment: { RUST_LOG: "info", _DEBUG: "1", a1: "x" } });
    expect(container(json).env.slice(4)).toEqual(["RUST_LOG=info", "_DEBUG=1", "a1=x"]);
  });

  test("addEnvironment adds a variable after construction", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    const service = new LocalService(stack, "api", { image, environment: { A: "1" } });
    service.addEnvironment("B", "2");
    const json = JSON.parse(Testing.synth(stack, true));
    expect(container(json).env.slice(4)).toEqual(["A=1", "B=2"]);
    expect(() => service.addEnvironment("A", "3")).toThrow(
      `${OWNER}: invalid environment: names must be unique: it is already set. Got: "A"`,
    );
  });

  test("a custom container port is published on the same host port and passed in PORT", () => {
    const { json, service } = build({ port: 9000 });
    expect(container(json).ports).toEqual([
      { internal: 9000, external: 9000, ip: "127.0.0.1", protocol: "tcp" },
    ]);
    expect(container(json).env[0]).toBe("PORT=9000");
    expect(service.url).toBe("http://127.0.0.1:9000");
  });
});

describe("LocalService: port binding", () => {
  test("publishes 8080 on the loopback address by default", () => {
    const { json, service } = build();
    expect(container(json).ports).toEqual([
      { internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
    ]);
    expect(service.url).toBe("http://127.0.0.1:8080");
    expect(service.hostAddress).toBe("127.0.0.1");
    expect(service.hostPort).toBe(8080);
  });

  test("custom host port and IPv4 address", () => {
    const { json, service } = build({ hostPort: 3000, hostAddress: "192.168.1.10" });
    expect(container(json).ports).toEqual([
      { internal: 8080, external: 3000, ip: "192.168.1.10", protocol: "tcp" },
    ]);
    expect(service.url).toBe("http://192.168.1.10:3000");
  });

  test("IPv6 addresses are canonical and bracketed in the URL", () => {
    const { json, service } = build({ hostAddress: "0:0:0:0:0:0:0:1", hostPort: 8081 });
    expect(container(json).ports[0].ip).toBe("::1");
    expect(service.url).toBe("http://[::1]:8081");
  });

  test("an unspecified address warns and the URL uses the loopback address", () => {
    const v4 = build({ hostAddress: "0.0.0.0" });
    expect(v4.service.url).toBe("http://127.0.0.1:8080");
    expect(warnings(v4.stack).join("\n")).toContain(
      `${OWNER}: hostAddress "0.0.0.0" publishes port 8080 on every network interface`,
    );
    const v6 = build({ hostAddress: "::" });
    expect(v6.service.url).toBe("http://[::1]:8080");
    expect(container(v6.json).ports[0].ip).toBe("::");
    expect(warnings(build().stack)).toEqual([]);
  });

  test.each(["localhost", "fe80::1%eth0", "", "256.1.1.1", "127.000.0.1", "[::1]"])(
    "rejects host address %j",
    (hostAddress) => {
      expect(() => construct({ hostAddress })).toThrow(
        `${OWNER}: invalid hostAddress: must be an IPv4 or IPv6 address literal such as "127.0.0.1" or "::1" (no host name, no zone index). Got: ${JSON.stringify(hostAddress)}`,
      );
    },
  );

  test("every IPv4 literal is accepted unchanged; every IPv6 literal is canonical", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(construct({ hostAddress: address }).hostAddress).toBe(address);
      }),
      { seed: 42, numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const normalized = construct({ hostAddress: address }).hostAddress;
        // canonical: normalizing again changes nothing
        expect(construct({ hostAddress: normalized }).hostAddress).toBe(normalized);
        expect(normalized).toBe(normalized.toLowerCase());
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  test.each([
    ["port", 0],
    ["port", 65536],
    ["port", 80.5],
    ["hostPort", 0],
    ["hostPort", 70000],
  ])("rejects %s %p", (prop, value) => {
    expect(() => construct({ [prop]: value })).toThrow(
      `${OWNER}: invalid ${prop}: must be an integer from 1 to 65535. Got: ${value}`,
    );
  });

  test.each([
    ["port", 1],
    ["hostPort", 65535],
  ])("accepts %s %p", (prop, value) => {
    expect(() => construct({ [prop]: value })).not.toThrow();
  });
});

describe("LocalService: hardening", () => {
  test("init, read-only root, tmpfs /tmp, no capabilities, no-new-privileges", () => {
    const c = container(build().json);
    expect(c.init).toBe(true);
    expect(c.read_only).toBe(true);
    expect(c.tmpfs).toEqual({ "/tmp": "rw,nosuid,nodev,size=512m" });
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.privileged).toBeUndefined();
  });

  test("the user is the image's (never overridden)", () => {
    expect(container(build().json).user).toBeUndefined();
  });

  test("readOnlyRootFilesystem false keeps the tmpfs /tmp", () => {
    const c = container(build({ readOnlyRootFilesystem: false }).json);
    expect(c.read_only).toBe(false);
    expect(c.tmpfs).toEqual({ "/tmp": "rw,nosuid,nodev,size=512m" });
  });

  test("stops as Cloud Run does: SIGTERM, SIGKILL after 10 s", () => {
    const c = container(build().json);
    expect(c.stop_signal).toBe("SIGTERM");
    expect(c.stop_timeout).toBe(10);
    expect(c.destroy_grace_seconds).toBe(10);
  });

  test("restarts unless stopped by default; rotated json-file logs", () => {
    const c = container(build().json);
    expect(c.restart).toBe("unless-stopped");
    expect(c.log_driver).toBe("json-file");
    expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "3" });
    expect(c.rm).toBeUndefined();
  });

  test.each([
    [RestartPolicy.NO, "no"],
    [RestartPolicy.ON_FAILURE, "on-failure"],
    [RestartPolicy.ALWAYS, "always"],
  ])("restart %s", (restart, value) => {
    expect(container(build({ restart }).json).restart).toBe(value);
  });

  test("rejects a restart policy that is not a RestartPolicy constant", () => {
    expect(() => construct({ restart: "always" as unknown as RestartPolicy })).toThrow(
      `${OWNER}: invalid restart: must be one of the RestartPolicy constants. Got: "always"`,
    );
  });
});

describe("LocalService: CPU and memory", () => {
  test("defaults to Cloud Run's 1 CPU and 512Mi", () => {
    const c = container(build().json);
    expect(c.cpu_period).toBe(100000);
    expect(c.cpu_quota).toBe(100000);
    expect(c.memory).toBe(512);
    expect(c.memory_swap).toBe(512);
    expect(c.cpus).toBeUndefined();
    expect(c.lifecycle).toEqual({ ignore_changes: ["memory_swap"] });
  });

  test.each([
    ["1", "512Mi", 100000, 512],
    ["0.5", "512Mi", 50000, 512],
    ["500m", "256Mi", 50000, 256],
    ["0.08", "128Mi", 8000, 128],
    ["0.333", "128Mi", 33300, 128],
    ["2", "4Gi", 200000, 4096],
    ["2", "1.5Gi", 200000, 1536],
    ["1", "1000M", 100000, 954],
    ["1", "1G", 100000, 954],
    ["4", "2Gi", 400000, 2048],
    ["8", "32Gi", 800000, 32768],
  ])("cpu %s memory %s → cpu_quota %d, memory %d MiB", (cpu, memory, quota, mib) => {
    const c = container(build({ cpu, memory }).json);
    expect(c.cpu_period).toBe(100000);
    expect(c.cpu_quota).toBe(quota);
    expect(c.memory).toBe(mib);
    expect(c.memory_swap).toBe(mib);
    expect(c.tmpfs["/tmp"]).toBe(`rw,nosuid,nodev,size=${mib}m`);
    expect(c.labels).toContainEqual({
      label: "cdktf-cloud-run.limits",
      value: `cpu=${cpu} memory=${memory}`,
    });
  });

  test("every fractional CPU maps to a quota of cores × 100 ms", () => {
    fc.assert(
      fc.property(fc.integer({ min: 80, max: 999 }), (millis) => {
        const app = Testing.app();
        const stack = new TerraformStack(app, "Stack");
        const image = new ContainerImage(stack, "Image", { directory: NONROOT });
        new LocalService(stack, "api", { image, cpu: `${millis}m`, memory: "256Mi" });
        const c = container(JSON.parse(Testing.synth(stack)));
        expect(c.cpu_quota).toBe(millis * 100);
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  test.each([
    [
      { cpu: "3" },
      'cpu: must be "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1 in steps of 0.001 (e.g. "0.5" or "500m"). Got: "3"',
    ],
    [
      { cpu: "0.05" },
      'cpu: must be "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1 in steps of 0.001 (e.g. "0.5" or "500m"). Got: "0.05"',
    ],
    [
      { memory: "512MB" },
      'memory: must be a quantity with a unit of Mi, Gi, M or G (e.g. "512Mi", "2Gi"). Got: "512MB"',
    ],
    [{ memory: "64Gi", cpu: "8" }, 'memory: must be at most 32Gi. Got: "64Gi"'],
    [{ memory: "64Mi" }, 'memory: must be at least 128Mi. Got: "64Mi"'],
    [
      { cpu: "0.25", memory: "1Gi" },
      'memory: above 512Mi needs a cpu of at least 0.5 (cpu is "0.25"). Got: "1Gi"',
    ],
    [
      { cpu: "1", memory: "8Gi" },
      'memory: above 4Gi needs a cpu of at least 2 (cpu is "1"). Got: "8Gi"',
    ],
    [{ cpu: "4", memory: "1Gi" }, 'memory: must be at least 2Gi with a cpu of 4. Got: "1Gi"'],
  ])("rejects %j like CloudRunService", (props, message) => {
    expect(() => construct(props)).toThrow(`${OWNER}: invalid ${message}`);
  });

  test("rejects limits that are tokens (they are converted to Docker's units)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    const cpu = new TerraformVariable(stack, "cpu", { type: "string" }).stringValue;
    expect(() => new LocalService(stack, "api", { image, cpu })).toThrow(
      /^LocalService 'Stack\/api': invalid cpu: must be known at synth for a local service \(it is converted to Docker's units\), not a token\. Got: /,
    );
  });
});

describe("LocalService: names", () => {
  test("the service name is derived from the id like a Cloud Run service name", () => {
    const { json, service } = build({}, "My_Api");
    expect(service.serviceName).toBe("my-api");
    expect(service.containerName).toBe("my-api");
    expect(container(json).name).toBe("my-api");
    expect(container(json).env[1]).toBe("K_SERVICE=my-api");
  });

  test("serviceName and containerName can be set", () => {
    const { json, service } = build({ serviceName: "web", containerName: "web-local_1.dev" });
    expect(container(json).name).toBe("web-local_1.dev");
    expect(container(json).env.slice(1)).toEqual([
      "K_SERVICE=web",
      `K_REVISION=${service.revision}`,
      "K_CONFIGURATION=web",
    ]);
    expect(service.revision).toMatch(/^web-local-[0-9a-f]{8}$/);
  });

  test.each(["Api", "api-", "1api", "a".repeat(50)])("rejects serviceName %j", (serviceName) => {
    expect(() => construct({ serviceName })).toThrow(
      `${OWNER}: invalid serviceName: must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: ${JSON.stringify(serviceName)}`,
    );
  });

  test("an id without a letter needs a serviceName", () => {
    expect(() => construct({}, "123")).toThrow(
      "LocalService 'Stack/123': invalid serviceName: cannot be derived from the construct id (it has no letter); set serviceName. Got: \"123\"",
    );
    expect(construct({ serviceName: "svc" }, "123").serviceName).toBe("svc");
  });

  test.each(["-x", "x", "a b", "a/b"])("rejects containerName %j", (containerName) => {
    expect(() => construct({ containerName })).toThrow(
      `${OWNER}: invalid containerName: must be at least 2 letters, digits, '_', '.' or '-', starting with a letter or digit (a Docker container name). Got: ${JSON.stringify(containerName)}`,
    );
  });

  test("a one-letter service name gets the container name <name>-local (Docker needs 2 characters)", () => {
    const service = construct({ serviceName: "a" });
    expect(service.serviceName).toBe("a");
    expect(service.containerName).toBe("a-local");
    expect(construct({ serviceName: "ab" }).containerName).toBe("ab");
    // An explicit name is never changed.
    expect(() => construct({ serviceName: "a", containerName: "a" })).toThrow(
      /invalid containerName: .*Got: "a"$/,
    );
  });

  test("a one-letter construct id gets a working default container name", () => {
    const { service, json } = build({}, "a");
    expect(service.serviceName).toBe("a");
    expect(service.containerName).toBe("a-local");
    expect(Object.values(json.resource.docker_container)[0]).toMatchObject({ name: "a-local" });
  });
});

describe("LocalService: environment validation", () => {
  test.each(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"])(
    "rejects the reserved name %s",
    (name) => {
      expect(() => construct({ environment: { [name]: "x" } })).toThrow(
        `${OWNER}: invalid environment: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved: Cloud Run sets them (PORT comes from the \`port\` prop). Got: ${JSON.stringify(name)}`,
      );
    },
  );

  test.each(["1A", "A-B", "A B", ""])("rejects the name %j", (name) => {
    expect(() => construct({ environment: { [name]: "x" } })).toThrow(
      `${OWNER}: invalid environment: names must be C identifiers (letters, digits and underscores, not starting with a digit). Got: ${JSON.stringify(name)}`,
    );
  });

  test("accepts C identifiers, and values that are tokens", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    const secret = new TerraformVariable(stack, "db", { type: "string" }).stringValue;
    new LocalService(stack, "api", { image, environment: { DATABASE_URL: secret, k_port: "1" } });
    const c = container(JSON.parse(Testing.synth(stack, true)));
    expect(c.env.slice(4)).toEqual(["DATABASE_URL=${var.db}", "k_port=1"]);
  });
});

describe("LocalService: non-root gate", () => {
  test("an image built from a root Dockerfile is refused", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const displayName = `${path.relative(process.cwd(), ROOT).split(path.sep).join("/")}/Dockerfile`;
    const reason = Dockerfile.fromFile(path.join(ROOT, "Dockerfile")).runtimeUser.reason;
    expect(() => new ContainerImage(stack, "Image", { directory: ROOT })).toThrow(
      `ContainerImage 'Stack/Image': ${displayName} stage #0 (line 1) is not proven to run as a ` +
        `non-root user: ${reason} Fix: add "USER 65532:65532" to the final stage, or build it FROM ` +
        `a distroless ":nonroot" image such as gcr.io/distroless/cc-debian13:nonroot.`,
    );
  });

  test("LocalService applies the gate itself, naming the Dockerfile, the line and the fix", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const real = new ContainerImage(stack, "Image", { directory: NONROOT });
    const root = Dockerfile.parse('FROM debian:trixie-slim\nENTRYPOINT ["/server"]\n', {
      displayName: "local-root/Dockerfile",
    });
    const image = Object.create(real, { dockerfile: { value: root } }) as ContainerImage;
    const message =
      `${OWNER}: local-root/Dockerfile stage #0 (line 1) is not proven to run as a non-root user: ` +
      `${root.runtimeUser.reason} Fix: add "USER 65532:65532" to the final stage, or build it FROM a ` +
      `distroless ":nonroot" image such as gcr.io/distroless/cc-debian13:nonroot.`;
    expect(() => new LocalService(stack, "api", { image })).toThrow(message);
  });

  test("a missing image is an error, not a TypeError", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    expect(() => new LocalService(stack, "api", {} as unknown as LocalServiceProps)).toThrow(
      `${OWNER}: invalid image: is required: a ContainerImage. Got: undefined`,
    );
  });
});

describe("LocalService: providers", () => {
  test("a local-only stack has no Google provider, resource or data source", () => {
    const { json } = build({ environment: { A: "1" } });
    expect(googleKeys(json)).toEqual([]);
    expect(JSON.stringify(json)).not.toMatch(/google/);
    expect(Object.keys(json.resource)).toEqual(["docker_container", "docker_image"]);
  });

  test("the docker provider has no registry_auth", () => {
    const { json, stack } = build();
    expect(json.provider.docker).toHaveLength(1);
    expect(json.provider.docker[0].registry_auth).toBeUndefined();
    expect(Testing.synth(stack)).toHaveProviderWithProperties(DockerProvider, {});
  });

  test("reuses the docker provider the user declared", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    new LocalService(stack, "api", { image });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.docker).toEqual([{ host: "unix:///var/run/docker.sock" }]);
    expect(container(json).provider).toBe("docker");
  });

  test("a pushed image runs from its local build", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    new GoogleProvider(stack, "google", { project: "my-project" });
    const repository = new DockerRepository(stack, "Repo", { location: "europe-west1" });
    const image = new ContainerImage(stack, "Image", { repository, directory: NONROOT });
    new LocalService(stack, "api", { image });
    const json = JSON.parse(Testing.synth(stack, true));
    const [imageId] = Object.keys(json.resource.docker_image);
    expect(container(json).image).toBe(`\${docker_image.${imageId}.image_id}`);
    expect(Object.keys(json.resource.docker_registry_image)).toHaveLength(1);
  });
});

describe("LocalService: environment given as one token", () => {
  test("is refused with a clear message", () => {
    const environment = Lazy.anyValue({ produce: () => ({ A: "1" }) }) as never;
    expect(() => construct({ environment })).toThrow(
      `${OWNER}: invalid environment: must be a map known at synth (use individual token values instead). Got:`,
    );
    expect(() => construct({ environment })).not.toThrow(/postProcessors/);
  });
});

describe("LocalService: one host port per host address", () => {
  function twoServices(a: Partial<LocalServiceProps>, b: Partial<LocalServiceProps>) {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    new LocalService(stack, "api", { image, ...a });
    new LocalService(stack, "web", { image, ...b });
    return stack;
  }

  test("two services publishing the same address and port fail at synth, naming both", () => {
    const stack = twoServices({}, {});
    expect(() => Testing.synth(stack, true)).toThrow(
      `${OWNER}: invalid hostPort: must not be published twice on the same host address: LocalService 'Stack/web' publishes 127.0.0.1 port 8080 too (set hostPort or hostAddress). Got: 8080 on 127.0.0.1`,
    );
    expect(() => Testing.synth(stack, true)).toThrow(
      /LocalService 'Stack\/web': invalid hostPort: .* LocalService 'Stack\/api' publishes/,
    );
  });

  test("an unspecified address collides with every address of its family", () => {
    expect(() => Testing.synth(twoServices({ hostAddress: "0.0.0.0" }, {}), true)).toThrow(
      /invalid hostPort/,
    );
    expect(() =>
      Testing.synth(twoServices({ hostAddress: "::" }, { hostAddress: "::1" }), true),
    ).toThrow(/invalid hostPort/);
  });

  test("different ports, or addresses that do not overlap, are fine", () => {
    expect(() => Testing.synth(twoServices({}, { hostPort: 8081 }), true)).not.toThrow();
    expect(() => Testing.synth(twoServices({}, { hostAddress: "127.0.0.2" }), true)).not.toThrow();
    expect(() => Testing.synth(twoServices({ hostAddress: "::1" }, {}), true)).not.toThrow();
    expect(() =>
      Testing.synth(twoServices({ hostAddress: "0.0.0.0" }, { hostAddress: "::1" }), true),
    ).not.toThrow();
  });

  test("services in two stacks of one app share the host too", () => {
    const app = Testing.app();
    const one = new TerraformStack(app, "One");
    const two = new TerraformStack(app, "Two");
    new LocalService(one, "api", {
      image: new ContainerImage(one, "Image", { directory: NONROOT }),
    });
    new LocalService(two, "api", {
      image: new ContainerImage(two, "Image", { directory: NONROOT }),
    });
    expect(() => Testing.synth(one, true)).toThrow(
      "LocalService 'One/api': invalid hostPort: must not be published twice on the same host address: LocalService 'Two/api' publishes 127.0.0.1 port 8080 too",
    );
  });

  test("a host port that is a token is not compared", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "Stack");
    const port = new TerraformVariable(stack, "port", { type: "number" }).numberValue;
    const image = new ContainerImage(stack, "Image", { directory: NONROOT });
    new LocalService(stack, "api", { image, hostPort: port });
    new LocalService(stack, "web", { image, hostPort: port });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

describe("LocalService: null and missing props from JavaScript callers", () => {
  test.each([
    ["props undefined", undefined],
    ["props null", null],
  ])("%s is an Error naming the prop, not a TypeError", (_label, props) => {
    const run = () =>
      new LocalService(new TerraformStack(Testing.app(), "Stack"), "api", props as never);
    expect(run).toThrow(`${OWNER}: invalid image: is required: a ContainerImage.`);
    expect(run).not.toThrow(TypeError);
  });

  test("environment: null means no environment", () => {
    const { json } = build({ environment: null as never });
    const c = Object.values(json.resource.docker_container)[0] as Json;
    expect(c.env.map((e: string) => e.split("=")[0])).toEqual([
      "PORT",
      "K_SERVICE",
      "K_REVISION",
      "K_CONFIGURATION",
    ]);
  });
});
