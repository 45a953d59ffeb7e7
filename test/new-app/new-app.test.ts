/**
 * `npm run test:new-app`: a new user's first app, made by exactly the README's "Start a new app"
 * steps. The library is built and packed (`npm run build`, `npm pack`), then in a temp directory
 * each command of the README's `new-app: setup` block runs as written — the one difference: the
 * library is installed from the packed tarball instead of the registry, as the README says to do
 * until a release is published — then the README's `CloudRunApp` example becomes `main.ts` and
 * the `new-app: synth` block runs. The synthesized stack must hold the service, the repository
 * and the content-hashed image, and no path of this machine.
 *
 * Needs the npm registry (cdktf-cli, the template's dependencies, the provider bindings); with a
 * warm npm cache it takes about a minute and a half.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { newAppBlock, newAppBlocks, ShellStep, shellSteps } from "../support/readme-steps";
import { tempDir } from "../support/temp";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = { [key: string]: any };

const ROOT = path.resolve(__dirname, "../..");
const STEP_TIMEOUT_MS = 8 * 60 * 1000;
const TAIL_LINES = 60;

/**
 * The environment of a user's shell: no npm run-script variables of this repository (its
 * `node_modules/.bin` on PATH, its package and prefix), and npm told not to audit, ask for
 * funding or prompt (npx would otherwise ask before fetching cdktf-cli), and to use its cache
 * first.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    const npmRunVariable =
      (lower.startsWith("npm_") && !lower.startsWith("npm_config_")) ||
      lower === "npm_config_local_prefix" ||
      lower === "init_cwd";
    if (!npmRunVariable && key !== "NODE_ENV" && !key.startsWith("JEST_")) {
      env[key] = value;
    }
  }
  env.PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => !dir.endsWith(`${path.sep}node_modules${path.sep}.bin`))
    .filter((dir) => !dir.includes(`${path.sep}@npmcli${path.sep}run-script${path.sep}`))
    .join(path.delimiter);
  return {
    ...env,
    CHECKPOINT_DISABLE: "1",
    npm_config_yes: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
  };
}

function tail(text: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split("\n");
  return lines.slice(-TAIL_LINES).join("\n");
}

interface StepResult {
  readonly cwd: string;
  readonly seconds: number;
}

/** Where each step's shell writes the directory it ended in. */
let cwdFile: string | undefined;

/**
 * Runs one command in bash in `cwd` and returns the directory it ended in (a step may `cd`).
 * A failure names the step, its README line, the command and the end of its output.
 */
function runStep(what: string, command: string, cwd: string, env: NodeJS.ProcessEnv): StepResult {
  cwdFile ??= path.join(tempDir("cdktf-cloud-run-new-app-cwd-"), "cwd");
  const started = Date.now();
  const result = spawnSync(
    "bash",
    ["-c", `set -eo pipefail\n${command}\npwd > ${shellQuote(cwdFile)}\n`],
    { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: STEP_TIMEOUT_MS },
  );
  const seconds = (Date.now() - started) / 1000;
  if (result.error || result.status !== 0) {
    const how = result.error
      ? `${result.error.message}${(result.error as NodeJS.ErrnoException).code === "ETIMEDOUT" ? ` (after ${STEP_TIMEOUT_MS / 1000} s)` : ""}`
      : result.signal
        ? `killed by ${result.signal}`
        : `exit code ${result.status}`;
    throw new Error(
      `${what} failed (${how}) after ${seconds.toFixed(1)} s in ${cwd}:\n$ ${command}\n` +
        `--- last ${TAIL_LINES} lines of its output ---\n${tail(`${result.stdout ?? ""}\n${result.stderr ?? ""}`)}`,
    );
  }
  return { cwd: fs.readFileSync(cwdFile, "utf8").trim(), seconds };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The step with `cdktf-cloud-run` (the registry name) replaced by the packed tarball. */
function withTarball(step: ShellStep, tarball: string): string {
  return step.command.replace(/(^|\s)cdktf-cloud-run(?=\s|$)/, `$1${shellQuote(tarball)}`);
}

interface NewApp {
  readonly dir: string;
  readonly stackName: string;
  readonly stackDir: string;
  readonly json: Json;
  readonly timings: string[];
}

let newApp: NewApp | undefined;
let setupError: unknown;

beforeAll(
  () => {
    try {
      newApp = makeNewApp();
    } catch (e) {
      setupError = e;
    }
  },
  30 * 60 * 1000,
);

function app(): NewApp {
  if (!newApp) {
    throw setupError;
  }
  return newApp;
}

function makeNewApp(): NewApp {
  const blocks = newAppBlocks();
  const setup = shellSteps(newAppBlock(blocks, "setup"));
  const synth = shellSteps(newAppBlock(blocks, "synth"));
  const mainTs = newAppBlock(blocks, "main.ts");
  const env = userEnvironment();
  const timings: string[] = [];
  const started = Date.now();

  // The package a user would install: built from this checkout and packed.
  const build = runStep("npm run build (this repository)", "npm run build", ROOT, env);
  timings.push(`npm run build: ${build.seconds.toFixed(1)} s`);
  const packDir = tempDir("cdktf-cloud-run-pack-");
  const pack = runStep(
    "npm pack (this repository)",
    `npm pack --pack-destination ${shellQuote(packDir)}`,
    ROOT,
    env,
  );
  timings.push(`npm pack: ${pack.seconds.toFixed(1)} s`);
  const tarballs = fs.readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  if (tarballs.length !== 1) {
    throw new Error(`npm pack wrote ${JSON.stringify(tarballs)} in ${packDir}, not one tarball`);
  }
  const tarball = path.join(packDir, tarballs[0]);

  const libraryInstalls = setup.filter((s) => withTarball(s, tarball) !== s.command);
  if (libraryInstalls.length !== 1 || !/^npm install /.test(libraryInstalls[0].command)) {
    throw new Error(
      `README.md's setup block must install cdktf-cloud-run in exactly one "npm install" command; found ${libraryInstalls.length}`,
    );
  }

  let cwd = tempDir("cdktf-cloud-run-new-app-");
  const steps = [...setup, ...synth];
  steps.forEach((step, index) => {
    const what = `README.md step ${index + 1} of ${steps.length} (line ${step.line})`;
    if (step === synth[0]) {
      // "Then replace the generated main.ts with the example of One service".
      if (!fs.existsSync(path.join(cwd, "main.ts"))) {
        throw new Error(
          `${what}: the setup steps left no main.ts to replace in ${cwd}: did cdktf init run there?`,
        );
      }
      fs.writeFileSync(path.join(cwd, "main.ts"), mainTs.text);
      timings.push(`main.ts := README.md line ${mainTs.line}`);
    }
    const result = runStep(what, withTarball(step, tarball), cwd, env);
    timings.push(`${step.command.split("\n")[0]}: ${result.seconds.toFixed(1)} s`);
    cwd = result.cwd;
  });

  const manifest = JSON.parse(
    fs.readFileSync(path.join(cwd, "cdktf.out", "manifest.json"), "utf8"),
  ) as Json;
  const stackNames = Object.keys(manifest.stacks);
  if (stackNames.length !== 1) {
    throw new Error(`the README's example should synthesize one stack, not ${stackNames}`);
  }
  const stack = manifest.stacks[stackNames[0]];
  const stackDir = path.join(cwd, "cdktf.out", stack.workingDirectory);
  const json = JSON.parse(
    fs.readFileSync(path.join(cwd, "cdktf.out", stack.synthesizedStackPath), "utf8"),
  ) as Json;
  timings.push(`in all: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`new app by the README's steps, in ${cwd}:\n  ${timings.join("\n  ")}`);
  return { dir: cwd, stackName: stackNames[0], stackDir, json, timings };
}

function resourcesOf(type: string): Json[] {
  return Object.values(app().json.resource?.[type] ?? {});
}

function only(type: string): Json {
  const all = resourcesOf(type);
  expect(all).toHaveLength(1);
  return all[0];
}

describe("a new app made by exactly the README's steps", () => {
  test("synthesizes a Cloud Run v2 service that runs the pushed image by digest", () => {
    const service = only("google_cloud_run_v2_service");
    const [push] = Object.keys(app().json.resource.docker_registry_image);
    const repositoryImage = only("docker_image").name.replace(/:[0-9a-f]{64}$/, "");
    expect(service.template.containers[0].image).toBe(
      `${repositoryImage}@\${docker_registry_image.${push}.sha256_digest}`,
    );
    expect(service.template.service_account).toMatch(
      /^\$\{google_service_account\.[^.]+\.email\}$/,
    );
  });

  test("creates a Docker Artifact Registry repository that the image is pushed to", () => {
    const repository = only("google_artifact_registry_repository");
    expect(repository.format).toBe("DOCKER");
    const image = only("docker_image");
    expect(image.name.startsWith(`${repository.location}-docker.pkg.dev/`)).toBe(true);
  });

  test("builds the service directory for linux/amd64, tagged by the content hash of its context", () => {
    const image = only("docker_image");
    const tag = /:([0-9a-f]{64})$/.exec(image.name)?.[1];
    expect(tag).toBeDefined();
    expect(image.triggers.fingerprint).toBe(tag);
    expect(image.build.platform).toBe("linux/amd64");
    expect(only("docker_registry_image").triggers.fingerprint).toBe(tag);
    // Terraform runs in the stack directory: the context is the app's service/ seen from there,
    // and the Dockerfile the build uses is the text the non-root proof analysed.
    const { stackDir, dir } = app();
    expect(path.isAbsolute(image.build.context)).toBe(false);
    expect(path.resolve(stackDir, image.build.context)).toBe(path.join(dir, "service"));
    expect(path.isAbsolute(image.build.dockerfile)).toBe(false);
    expect(fs.readFileSync(path.resolve(stackDir, image.build.dockerfile), "utf8")).toBe(
      fs.readFileSync(path.join(dir, "service", "Dockerfile"), "utf8"),
    );
  });

  test("holds no absolute path of this machine, except cdktf's default local state file", () => {
    const { dir, stackName, json } = app();
    // The one documented exception (README, "How the content hash works").
    expect(json.terraform.backend.local.path).toBe(
      path.join(dir, `terraform.${stackName}.tfstate`),
    );
    const withoutBackend = { ...json, terraform: { ...json.terraform, backend: undefined } };
    const machinePaths = [dir, fs.realpathSync(dir), os.tmpdir(), ROOT, `${os.homedir()}/`];
    const outputs: [string, string][] = [["cdk.tf.json", JSON.stringify(withoutBackend)]];
    const walk = (d: string): void => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
        const file = path.join(d, entry.name);
        if (entry.isDirectory()) {
          walk(file);
        } else if (file !== path.join(app().stackDir, "cdk.tf.json")) {
          outputs.push([path.relative(dir, file), fs.readFileSync(file, "utf8")]);
        }
      }
    };
    walk(path.join(dir, "cdktf.out"));
    expect(outputs.length).toBeGreaterThan(2);
    for (const [file, text] of outputs) {
      for (const machinePath of machinePaths) {
        expect({ file, machinePath, found: text.includes(machinePath) }).toEqual({
          file,
          machinePath,
          found: false,
        });
      }
    }
  });

  test("the app's dependency tree is complete: every dependency and peer dependency is satisfied", () => {
    const result = spawnSync("npm", ["ls", "--all"], {
      cwd: app().dir,
      env: userEnvironment(),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
  });
});
