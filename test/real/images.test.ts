/**
 * The base-image stand-ins, and the non-root proof against the runtime: for every generator
 * output whose base images have local stand-ins, the user the library proves at synth is the
 * uid the process has when the image runs. A root variant is refused at synth with the line and
 * the fix; the same Dockerfile with the fix builds and runs as 65532. The example's image runs
 * its jobs, arguments after its ENTRYPOINT as a Cloud Run job passes them, on a mounted directory.
 */
import * as fs from "fs";
import * as path from "path";
import { Dockerfile } from "../../src";
import { RUST_SERVICE_DIR } from "../../examples/rust-service/main";
import { tempDir } from "../support/temp";
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

/** A JSON log line of the example. */
interface Log {
  readonly [field: string]: unknown;
}

describe("the example's image runs its jobs as a Cloud Run job runs them", () => {
  const image = "cdktf-cloud-run-test/jobs:generated";
  afterAll(() => {
    docker(["rmi", "-f", image]);
  });

  /** `docker run` of the image with `args` after its ENTRYPOINT, `dir` mounted at /mnt/uploads. */
  function runJob(dir: string, args: string[]): { status: number; logs: Log[] } {
    const result = docker([
      "run",
      "--rm",
      "--network",
      "none",
      "--read-only",
      "-v",
      `${dir}:/mnt/uploads`,
      image,
      ...args,
    ]);
    const logs = result.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
    return { status: result.status, logs };
  }

  test("migrate, then cleanup, on a mounted directory, as uid 65532", () => {
    build(Dockerfile.rustCargoChef({ binaryName: "cloud-run-app" }).render(), image);
    const dir = tempDir("real-jobs-");
    // The container's user (65532) writes into it, as into a writable Cloud Storage volume.
    fs.chmodSync(dir, 0o777);
    const leapDay = new Date("2024-02-29T12:00:00Z");
    fs.writeFileSync(path.join(dir, "old.txt"), "old");
    fs.utimesSync(path.join(dir, "old.txt"), leapDay, leapDay);
    fs.writeFileSync(path.join(dir, "new.txt"), "new");
    if (process.getuid?.() === 0) {
      // Files of the container's user, as on a volume it writes: it may then set their times.
      for (const file of ["old.txt", "new.txt"]) {
        fs.chownSync(path.join(dir, file), 65532, 65532);
      }
    }
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "/");

    const migrate = runJob(dir, ["migrate", "--dir", "/mnt/uploads"]);
    expect(migrate.status).toBe(0);
    // (Not running as root, the files stay this user's, and a warning says that their times
    // could not be set back: a local rename keeps them anyway.)
    const info = migrate.logs.filter((l) => l.severity === "INFO");
    expect(info.map((l) => l.message)).toEqual([
      `moved new.txt to ${today}/new.txt`,
      "moved old.txt to 2024/02/29/old.txt",
      "migrate: 2 moved, 0 completed, 0 conflicts, 0 failed",
    ]);
    expect(fs.readFileSync(path.join(dir, "2024/02/29/old.txt"), "utf8")).toBe("old");
    expect(fs.statSync(path.join(dir, "2024/02/29/old.txt")).mtime).toEqual(leapDay);
    // The directories it made belong to the image's non-root user.
    expect(fs.statSync(path.join(dir, "2024")).uid).toBe(65532);

    const cleanup = runJob(dir, ["cleanup", "--dir", "/mnt/uploads", "--older-than-days", "30"]);
    expect(cleanup.status).toBe(0);
    expect(cleanup.logs[cleanup.logs.length - 1].message).toBe(
      "cleanup: 1 deleted, 1 kept, 3 empty directories removed, 0 failed",
    );
    expect(fs.existsSync(path.join(dir, "2024"))).toBe(false);
    expect(fs.readFileSync(path.join(dir, today, "new.txt"), "utf8")).toBe("new");

    // Invalid arguments: one JSON error line, exit status 2.
    const invalid = runJob(dir, ["cleanup", "--dir", "/mnt/uploads"]);
    expect(invalid.status).toBe(2);
    expect(invalid.logs).toEqual([
      expect.objectContaining({
        severity: "ERROR",
        message: expect.stringMatching(/^invalid arguments: the following required arguments/),
      }),
    ]);
  });
});
