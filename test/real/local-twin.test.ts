/**
 * The Rust example's local twin, deployed for real: `terraform apply` of its synthesized stack
 * (what `cdktf deploy rust-service-local` runs) builds the four-stage cargo-chef image through
 * the docker provider on the provisioned engine and starts the container through LocalService.
 * Then, over loopback and `docker inspect`: Cloud Run's contract and the hardening; plans that
 * rebuild exactly when the inputs change; a graceful SIGTERM; and a destroy that leaves nothing.
 *
 * The build context is a copy of examples/rust-service, so the edits below do not touch the
 * repository. The props are the example's (`rustServiceProps`), with that directory.
 */
import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { CloudRunApp } from "../../src";
import { RUST_SERVICE_DIR, rustServiceProps } from "../../examples/rust-service/main";
import { tempDir } from "../support/temp";
import { copyContext, docker, dockerOk, imageNames, inspect, waitFor200 } from "./support/docker";
import {
  apply,
  init,
  planExitCode,
  prepare,
  synthApp,
  SynthesizedStack,
  terraform,
} from "./support/terraform";

/* eslint-disable @typescript-eslint/no-explicit-any */

const HOST_PORT = 18281;
const CONTAINER = "cdktf-cloud-run-test-twin";
const URL = `http://127.0.0.1:${HOST_PORT}`;
const context = copyContext(RUST_SERVICE_DIR, "real-twin-context-");
const outdir = tempDir("real-twin-out-");

function synth(buildArgs?: { [key: string]: string }): SynthesizedStack {
  const [stack] = synthApp(
    (app) => {
      const s = new TerraformStack(app, "rust-service-local");
      CloudRunApp.local(
        s,
        "cloud-run-app",
        {
          ...rustServiceProps({ projectId: "unused", region: "europe-west1" }),
          directory: context,
          buildArgs,
        },
        { hostPort: HOST_PORT, containerName: CONTAINER },
      );
    },
    "real-twin-",
    outdir,
  );
  prepare(stack, { dockerDaemon: true });
  return stack;
}

/** `terraform plan -detailed-exitcode`: the planned actions by resource type, or none. */
function planActions(stack: SynthesizedStack): { [type: string]: string[] } {
  const result = planExitCode(stack.dir, ["-out=tfplan"]);
  if (result.status === 0) {
    return {};
  }
  if (result.status !== 2) {
    throw new Error(`terraform plan failed: ${result.stderr}`);
  }
  const shown = JSON.parse(terraform(stack.dir, ["show", "-json", "tfplan"]).stdout);
  const actions: { [type: string]: string[] } = {};
  for (const change of shown.resource_changes ?? []) {
    if (JSON.stringify(change.change.actions) !== JSON.stringify(["no-op"])) {
      actions[change.type] = change.change.actions;
    }
  }
  return actions;
}

/** The container's log, one JSON object per line (a line that is not JSON fails the parse). */
function logEntries(): any[] {
  const logs = docker(["logs", CONTAINER]);
  return `${logs.stdout}${logs.stderr}`
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

let stack: SynthesizedStack;
let imageName: string;
/** Tagged images before the test (untagged ones are earlier builds' cache, pruned below). */
const imagesBefore = imageNames().filter((name) => name !== "<none>:<none>");

beforeAll(() => {
  docker(["rm", "-f", CONTAINER]);
  stack = synth();
  init(stack.dir);
  imageName = (Object.values(stack.json.resource.docker_image)[0] as any).name;
});

afterAll(() => {
  // Whatever a failed test left: the container and the image it built.
  docker(["rm", "-f", CONTAINER]);
  if (imageName) {
    docker(["rmi", "-f", imageName]);
  }
});

describe("rust-service-local, deployed with terraform apply", () => {
  test("apply builds the image and starts the container", () => {
    const started = Date.now();
    const result = apply(stack.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    console.log(`terraform apply (build + start): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(inspect(CONTAINER).State.Running).toBe(true);
  });

  test("GET / answers over loopback with K_SERVICE and uid/gid 65532", async () => {
    await waitFor200(`${URL}/healthz`);
    const body = (await (await fetch(`${URL}/`)).json()) as any;
    expect(body).toMatchObject({
      service: "cloud-run-app",
      configuration: "cloud-run-app",
      uid: 65532,
      gid: 65532,
      euid: 65532,
      egid: 65532,
    });
    expect(body.revision).toMatch(/^cloud-run-app-local-[0-9a-f]{8}$/);
  });

  test("the service logs JSON lines Cloud Logging reads, one request entry per request", () => {
    const entries = logEntries();
    expect(entries[0]).toMatchObject({ severity: "INFO", message: "listening on 0.0.0.0:8080" });
    const root = entries.find((e) => e.message === "GET / 200");
    expect(root).toMatchObject({
      severity: "INFO",
      httpRequest: { requestMethod: "GET", requestUrl: "/", status: 200, protocol: "HTTP/1.1" },
    });
  });

  test("docker inspect: the user, a read-only root, all capabilities dropped, no-new-privileges, loopback only", () => {
    const container = inspect(CONTAINER);
    const image = inspect(imageName);
    expect(image.Config.User).toBe("65532:65532");
    expect(container.HostConfig.ReadonlyRootfs).toBe(true);
    expect(container.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(container.HostConfig.CapAdd ?? []).toEqual([]);
    expect(container.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    expect(container.HostConfig.Privileged).toBe(false);
    expect(container.HostConfig.PortBindings["8080/tcp"]).toEqual([
      { HostIp: "127.0.0.1", HostPort: String(HOST_PORT) },
    ]);
    expect(container.HostConfig.Tmpfs).toEqual({ "/tmp": "rw,nosuid,nodev,size=512m" });
    expect(container.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(container.HostConfig.NanoCpus || container.HostConfig.CpuQuota).toBeTruthy();
  });

  test("the final image has no shell", () => {
    for (const shell of ["/bin/sh", "/bin/bash", "/usr/bin/dash"]) {
      const result = docker(["run", "--rm", "--entrypoint", shell, imageName, "-c", "true"]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/no such file or directory/);
    }
  });

  test("a second plan shows no changes", () => {
    expect(planActions(synth())).toEqual({});
  });

  test("an edit to a file .dockerignore excludes changes nothing", () => {
    fs.appendFileSync(path.join(context, "README.md"), "\nAn edit the image never sees.\n");
    fs.writeFileSync(path.join(context, "tests", "extra.rs"), "// not in the image\n");
    expect(planActions(synth())).toEqual({});
  });

  test("an edit to a source file rebuilds the image and replaces the container", () => {
    const main = path.join(context, "src", "main.rs");
    const original = fs.readFileSync(main, "utf8");
    fs.writeFileSync(main, `${original}\n// a one-line change\n`);
    try {
      const actions = planActions(synth());
      expect(actions.docker_image).toEqual(["delete", "create"]);
      expect(actions.docker_container).toEqual(["delete", "create"]);
    } finally {
      fs.writeFileSync(main, original);
    }
    expect(planActions(synth())).toEqual({});
  });

  test("a changed build arg rebuilds the image", () => {
    const actions = planActions(synth({ RUST_LOG: "debug" }));
    expect(actions.docker_image).toEqual(["delete", "create"]);
    expect(actions.docker_container).toEqual(["delete", "create"]);
    synth();
  });

  test("SIGTERM stops it within the grace period, with exit code 0", () => {
    const started = Date.now();
    dockerOk(["stop", "--time", "10", CONTAINER]);
    const seconds = (Date.now() - started) / 1000;
    const state = inspect(CONTAINER).State;
    expect(state.Running).toBe(false);
    expect(state.ExitCode).toBe(0);
    expect(seconds).toBeLessThan(10);
    // The service handled the signal itself (as PID 1, with no init) and said so.
    const messages = logEntries().map((e) => e.message);
    expect(messages.slice(-2)).toEqual([
      "SIGTERM: no new connections, finishing requests in progress",
      "stopped",
    ]);
  });

  test("destroy removes the container and the image, and leaves nothing behind", () => {
    const result = apply(stack.dir, { destroy: true });
    expect(result.status).toBe(0);
    expect(docker(["inspect", CONTAINER]).status).not.toBe(0);
    expect(docker(["image", "inspect", imageName]).status).not.toBe(0);
    // The builder stages' images are the engine's build cache, untagged: prune them, and the
    // engine holds exactly the images it held before the test, and none untagged.
    dockerOk(["image", "prune", "--force"]);
    // The provider builds through the engine's BuildKit: its snapshots are build cache too.
    dockerOk(["builder", "prune", "--all", "--force"]);
    expect(imageNames()).toEqual(imagesBefore);
    expect(dockerOk(["system", "df", "--format", "{{.Type}} {{.TotalCount}}"])).toMatch(
      /^Build Cache 0$/m,
    );
  });
});
