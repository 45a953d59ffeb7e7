/**
 * The provisioned Docker engine, for the real-run tests: the `docker` CLI with its DOCKER_HOST,
 * loopback HTTP checks, and a copy of a build context to edit.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../../support/temp";
import { toolchain } from "./toolchain";

export interface DockerResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the docker CLI against the provisioned engine. */
export function docker(
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): DockerResult {
  const { manifest, env } = toolchain();
  if (!manifest.docker?.host) {
    throw new Error(
      "no Docker engine is provisioned: run npm run provision and see its MISSING list",
    );
  }
  const result = spawnSync("docker", args, {
    env: { ...env, DOCKER_HOST: manifest.docker.host },
    encoding: "utf8",
    input: options.input,
    timeout: options.timeoutMs ?? 10 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** docker ... that must succeed: its stdout, trimmed. */
export function dockerOk(args: string[]): string {
  const result = docker(args);
  if (result.status !== 0) {
    throw new Error(`docker ${args.join(" ")} failed (exit ${result.status}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** `docker inspect` of one object, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inspect(name: string): any {
  return JSON.parse(dockerOk(["inspect", name]))[0];
}

/** The repository:tag names of every image in the engine. */
export function imageNames(): string[] {
  return dockerOk(["images", "--format", "{{.Repository}}:{{.Tag}}"])
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}

/**
 * Polls `url` (loopback only) until it answers 200, at most `timeoutMs`; resolves to the
 * milliseconds it took. Bounded in count and time.
 */
export async function waitFor200(url: string, timeoutMs = 30000): Promise<number> {
  if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(url)) {
    throw new Error(`test traffic goes to loopback only, not ${url}`);
  }
  const started = Date.now();
  let last = "";
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) {
        return Date.now() - started;
      }
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** A copy of a directory (without `target/`), to edit without touching the repository. */
export function copyContext(source: string, prefix: string): string {
  const dir = path.join(tempDir(prefix), path.basename(source));
  fs.cpSync(source, dir, {
    recursive: true,
    filter: (file) => !file.split(path.sep).includes("target"),
  });
  return dir;
}
