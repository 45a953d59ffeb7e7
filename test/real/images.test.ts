/**
 * The base-image stand-ins, and the non-root proof against the runtime: for every generator
 * output whose base images have local stand-ins, the user the library proves at synth is the
 * uid the process has when the image runs. A root variant is refused at synth with the line and
 * the fix; the same Dockerfile with the fix builds and runs as 65532.
 */
import * as fs from "fs";
import * as path from "path";
import { Dockerfile } from "../../src";
import { RUST_SERVICE_DIR } from "../../examples/rust-service/main";
import { copyContext, docker, dockerOk, inspect, waitFor200 } from "./support/docker";

const STAND_INS = [
  "gcr.io/distroless/cc-debian13:nonroot",
  "gcr.io/distroless/static-debian13:nonroot",
];

describe("the distroless stand-ins", () => {
  test.each(STAND_INS)(
    "%s: User 65532, no shell, no package manager, passwd with root, nonroot, nobody",
    (name) => {
      const image = inspect(name);
      expect(image.Config.User).toBe("65532");
      expect(image.Architecture).toBe("amd64");
      const container = dockerOk(["create", name, "/nothing"]);
      try {
        for (const absent of [
          "/bin/sh",
          "/usr/bin/sh",
          "/bin/bash",
          "/usr/bin/apt-get",
          "/usr/bin/dpkg",
        ]) {
          expect([absent, docker(["cp", `${container}:${absent}`, "-"]).status]).toEqual([
            absent,
            1,
          ]);
        }
        const passwd = docker(["cp", `${container}:/etc/passwd`, "-"]);
        expect(passwd.status).toBe(0);
        // docker cp writes a tar stream: the file's lines are in it.
        expect(passwd.stdout).toContain("root:x:0:0:");
        expect(passwd.stdout).toContain("nonroot:x:65532:65532:");
        expect(passwd.stdout).toContain("nobody:x:65534:65534:");
        expect(docker(["cp", `${container}:/etc/ssl/certs/ca-certificates.crt`, "-"]).status).toBe(
          0,
        );
      } finally {
        docker(["rm", "-f", container]);
      }
    },
  );

  test("the cc stand-in carries glibc and the C++ runtime; the static one no libc", () => {
    const check = (name: string, file: string) => {
      const container = dockerOk(["create", name, "/nothing"]);
      try {
        return docker(["cp", `${container}:${file}`, "-"]).status === 0;
      } finally {
        docker(["rm", "-f", container]);
      }
    };
    expect(check(STAND_INS[0], "/lib64/ld-linux-x86-64.so.2")).toBe(true);
    expect(check(STAND_INS[0], "/usr/lib/x86_64-linux-gnu/libstdc++.so.6")).toBe(true);
    expect(check(STAND_INS[1], "/usr/lib/x86_64-linux-gnu/libc.so.6")).toBe(false);
  });

  test("the cargo-chef stand-in is the one the generator names, with Rust, cargo-chef and no network need", () => {
    const text = Dockerfile.rustCargoChef().render();
    const builder = /^FROM (\S+) AS planner$/m.exec(text)![1];
    const image = inspect(builder);
    expect(image.Config.Env).toContain("CARGO_NET_OFFLINE=true");
    const version = dockerOk([
      "run",
      "--rm",
      "--network",
      "none",
      builder,
      "cargo",
      "chef",
      "--version",
    ]);
    expect(version).toMatch(/^cargo-chef-chef \d+\.\d+\.\d+|^cargo-chef \d+\.\d+\.\d+/);
    expect(dockerOk(["run", "--rm", "--network", "none", builder, "rustc", "--version"])).toMatch(
      /^rustc \d+\.\d+\.\d+/,
    );
  });

  test("the cargo-chef stand-in carries exactly the crates the example's Cargo.lock names", () => {
    const lock = fs.readFileSync(path.join(RUST_SERVICE_DIR, "Cargo.lock"), "utf8");
    const locked = lock
      .split("[[package]]")
      .slice(1)
      .filter((block) => /^source = "registry\+/m.test(block))
      .map((block) => {
        const field = (name: string) => new RegExp(`^${name} = "(.+)"$`, "m").exec(block)![1];
        return `${field("name")}-${field("version")}.crate`;
      })
      .sort();
    expect(locked.length).toBeGreaterThan(10);
    const builder = /^FROM (\S+) AS planner$/m.exec(Dockerfile.rustCargoChef().render())![1];
    const carried = dockerOk([
      "run",
      "--rm",
      "--network",
      "none",
      builder,
      "sh",
      "-c",
      "ls /usr/local/cargo/registry/cache/*/",
    ]);
    expect(carried.split("\n").sort()).toEqual(locked);
  });
});

/**
 * Builds `text` as the example's Dockerfile in a copy of its context, with no network; returns
 * the image name.
 */
function build(text: string, tag: string): string {
  const context = copyContext(RUST_SERVICE_DIR, "real-agree-");
  fs.writeFileSync(path.join(context, "Dockerfile"), text);
  // No network inside the build: the builder stand-in carries every crate the lock file names.
  const result = docker([
    "build",
    "--platform",
    "linux/amd64",
    "--network",
    "none",
    "-t",
    tag,
    context,
  ]);
  if (result.status !== 0) {
    throw new Error(`docker build failed: ${result.stderr}\n${result.stdout.slice(-3000)}`);
  }
  return tag;
}

/** Runs the image on loopback and returns the uid/gid the service reports. */
async function runAndAsk(image: string, port: number): Promise<{ uid: number; gid: number }> {
  const name = `cdktf-cloud-run-test-agree-${port}`;
  docker(["rm", "-f", name]);
  dockerOk(["run", "-d", "--name", name, "-p", `127.0.0.1:${port}:8080`, image]);
  try {
    await waitFor200(`http://127.0.0.1:${port}/healthz`);
    return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as {
      uid: number;
      gid: number;
    };
  } finally {
    docker(["rm", "-f", name]);
  }
}

describe("the analysis and the runtime agree", () => {
  const base = Dockerfile.rustCargoChef({ binaryName: "cloud-run-app" }).render();
  const images: string[] = [];
  afterAll(() => {
    // The tagged images go; the build cache stays for the rest of the run (scripts/test-real.sh
    // prunes it at the end).
    for (const image of images) {
      docker(["rmi", "-f", image]);
    }
  });

  test("the generator's output (USER 65532:65532 on distroless cc :nonroot): proven 65532, runs as 65532", async () => {
    expect(Dockerfile.parse(base).runtimeUser).toMatchObject({ isRoot: false, uid: 65532 });
    images.push(build(base, "cdktf-cloud-run-test/agree:generated"));
    expect(await runAndAsk(images[images.length - 1], 18291)).toMatchObject({
      uid: 65532,
      gid: 65532,
    });
  });

  test("USER root is refused at synth with the line and the fix; with the fix it runs as 65532", async () => {
    const root = base.replace("USER 65532:65532", "USER root");
    const line = root.split("\n").indexOf("USER root") + 1;
    const parsed = Dockerfile.parse(root, { displayName: "Dockerfile" });
    expect(parsed.runtimeUser.isRoot).toBe(true);
    expect(() => parsed.assertNonRoot("ContainerImage 'S/app'")).toThrow(
      new RegExp(`line ${line}[\\s\\S]*USER 65532:65532`),
    );
    // The runtime agrees that it is root.
    images.push(build(root, "cdktf-cloud-run-test/agree:root"));
    expect(await runAndAsk(images[images.length - 1], 18292)).toMatchObject({ uid: 0 });
  });

  test("no USER on the :nonroot base: proven non-root by the base, runs as 65532", async () => {
    const inherited = base.replace("USER 65532:65532\n", "");
    expect(Dockerfile.parse(inherited).runtimeUser.isRoot).toBe(false);
    images.push(build(inherited, "cdktf-cloud-run-test/agree:base-user"));
    expect(await runAndAsk(images[images.length - 1], 18293)).toMatchObject({
      uid: 65532,
      gid: 65532,
    });
  });

  test("USER 10001:10001: proven 10001, runs as 10001", async () => {
    const other = base.replace("USER 65532:65532", "USER 10001:10001");
    expect(Dockerfile.parse(other).runtimeUser).toMatchObject({ isRoot: false, uid: 10001 });
    images.push(build(other, "cdktf-cloud-run-test/agree:10001"));
    expect(await runAndAsk(images[images.length - 1], 18294)).toMatchObject({
      uid: 10001,
      gid: 10001,
    });
  });
});
