/**
 * Runs the provisioned Terraform (or OpenTofu) on synthesized stacks: init from the offline
 * mirror, validate, plan with a dummy Google access token, and show the plan as JSON.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { tempDir } from "../../support/temp";
import { providerVersion, tool, toolchain } from "./toolchain";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type TfJson = { [key: string]: any };

/** A dummy token: the google provider plans offline with it (no API call needs it at plan). */
export const DUMMY_GOOGLE_TOKEN = "ya29.offline-plan-token";

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's directory, where Terraform runs (`<outdir>/stacks/<name>`). */
  readonly dir: string;
  /** The JSON exactly as the library synthesized it. */
  readonly json: TfJson;
}

/**
 * Synthesizes an app into a fresh temp outdir (or `outdir`, to synthesize again where
 * Terraform already ran: its state and .terraform stay) and returns its stacks.
 */
export function synthApp(
  build: (app: App) => void,
  prefix = "real-synth-",
  outdir: string = tempDir(prefix),
): SynthesizedStack[] {
  const app = new App({ outdir, skipValidation: false });
  build(app);
  app.synth();
  const stacksDir = path.join(outdir, "stacks");
  return fs
    .readdirSync(stacksDir)
    .sort()
    .map((name) => {
      const dir = path.join(stacksDir, name);
      const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as TfJson;
      return { name, dir, json };
    });
}

export interface PrepareOptions {
  /**
   * Keep the docker provider's daemon check (a Docker engine must answer). By default the
   * check is disabled, so that plans need no engine.
   * @default false
   */
  readonly dockerDaemon?: boolean;
  /** Provider versions to pin instead of the provisioned ones, by provider name ("google"). */
  readonly versions?: { [name: string]: string };
}

/**
 * Rewrites what only this machine needs, in place, and returns the changes made:
 * - `required_providers` versions → the versions in the mirror (the same as the JSON's unless
 *   a substitute was provisioned, or `versions` asks for another);
 * - the local backend's state path → inside the stack directory;
 * - `disable_docker_daemon_check` on docker providers, unless `dockerDaemon`.
 */
export function prepare(stack: SynthesizedStack, options: PrepareOptions = {}): string[] {
  const json = JSON.parse(JSON.stringify(stack.json)) as TfJson;
  const changes: string[] = [];
  const required = json.terraform?.required_providers ?? {};
  for (const [name, spec] of Object.entries<any>(required)) {
    // cdktf writes "google" for "hashicorp/google", as Terraform reads it.
    const source = String(spec.source).includes("/") ? spec.source : `hashicorp/${spec.source}`;
    const wanted = options.versions?.[name] ?? providerVersion(source);
    if (spec.version !== wanted) {
      changes.push(`${name}: version ${spec.version} -> ${wanted}`);
      spec.version = wanted;
    }
  }
  if (json.terraform?.backend?.local) {
    json.terraform.backend.local.path = "terraform.tfstate";
  }
  if (!options.dockerDaemon && Array.isArray(json.provider?.docker)) {
    for (const provider of json.provider.docker) {
      provider.disable_docker_daemon_check = true;
    }
  }
  fs.writeFileSync(path.join(stack.dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  return changes;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform (or tofu) in a stack directory with the provisioned environment. */
export function terraform(
  dir: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
  timeoutMs = 10 * 60 * 1000,
): RunResult {
  const env = {
    ...toolchain().env,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    GOOGLE_OAUTH_ACCESS_TOKEN: DUMMY_GOOGLE_TOKEN,
    ...extraEnv,
  };
  const result = spawnSync(tool("terraform"), [...args], {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function ok(dir: string, args: string[], result: RunResult): RunResult {
  if (result.status !== 0) {
    throw new Error(
      `terraform ${args.join(" ")} failed in ${dir} (exit ${result.status}):\n${result.stderr}\n${result.stdout}`.slice(
        0,
        20000,
      ),
    );
  }
  return result;
}

export function init(dir: string): void {
  const args = ["init", "-input=false", "-no-color", "-backend=true"];
  ok(dir, args, terraform(dir, args));
}

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

/** `terraform validate -json`: whether it is valid, and every diagnostic. */
export function validate(dir: string): { valid: boolean; diagnostics: Diagnostic[] } {
  const result = terraform(dir, ["validate", "-json", "-no-color"]);
  let parsed: { valid: boolean; diagnostics: Diagnostic[] };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(
      `terraform validate -json printed no JSON in ${dir}:\n${result.stderr}${result.stdout}`,
    );
  }
  return { valid: parsed.valid, diagnostics: parsed.diagnostics ?? [] };
}

/** `terraform plan` then `terraform show -json` of the saved plan. */
export function plan(dir: string, extraEnv: NodeJS.ProcessEnv = {}): TfJson {
  const planArgs = ["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"];
  ok(dir, planArgs, terraform(dir, planArgs, extraEnv));
  const showArgs = ["show", "-json", "-no-color", "tfplan"];
  const shown = ok(dir, showArgs, terraform(dir, showArgs, extraEnv));
  return JSON.parse(shown.stdout) as TfJson;
}

/** `terraform plan` that is expected to fail: its output. */
export function planFailure(dir: string): string {
  const result = terraform(dir, ["plan", "-input=false", "-no-color", "-lock=false"]);
  if (result.status === 0) {
    throw new Error(`terraform plan succeeded in ${dir}, but a failure was expected`);
  }
  return `${result.stderr}\n${result.stdout}`;
}

/** `terraform apply -auto-approve` (or `destroy` with `destroy: true`). */
export function apply(dir: string, { destroy = false } = {}): RunResult {
  return terraform(dir, [
    destroy ? "destroy" : "apply",
    "-input=false",
    "-no-color",
    "-auto-approve",
    "-lock=false",
  ]);
}

/** `terraform plan -detailed-exitcode`: 0 when there are no changes, 2 when there are. */
export function planExitCode(dir: string, extraArgs: string[] = []): RunResult {
  return terraform(dir, [
    "plan",
    "-input=false",
    "-no-color",
    "-lock=false",
    "-detailed-exitcode",
    ...extraArgs,
  ]);
}

/** init, then `terraform validate`: valid, with no diagnostics. */
export function expectValid(dir: string): void {
  init(dir);
  const result = validate(dir);
  expect(result.diagnostics).toEqual([]);
  expect(result.valid).toBe(true);
}

/** Where the real toolchain refuses a value: at validate, at plan, or not before apply. */
export type Stage = "validate" | "plan" | "apply";

/**
 * Writes `mutate`'s change into a copy of `base`'s JSON, then runs `terraform validate` and an
 * offline plan on it: the first stage that refuses it, with its output.
 */
export function refusalStage(
  base: SynthesizedStack,
  mutate: (json: TfJson) => void,
): { stage: Stage; output: string } {
  const json = JSON.parse(JSON.stringify(base.json)) as TfJson;
  mutate(json);
  prepare({ ...base, json });
  const validated = validate(base.dir);
  if (!validated.valid) {
    return { stage: "validate", output: JSON.stringify(validated.diagnostics) };
  }
  // -detailed-exitcode: 0 (no changes) and 2 (changes) got through the plan; 1 is an error.
  const planned = planExitCode(base.dir, ["-refresh=false"]);
  if (planned.status !== 0 && planned.status !== 2) {
    return { stage: "plan", output: planned.stderr };
  }
  return { stage: "apply", output: "" };
}
