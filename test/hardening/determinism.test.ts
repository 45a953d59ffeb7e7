/**
 * Determinism and machine independence: the same program gives byte-identical output when it is
 * synthesized twice, and when it is synthesized from two checkouts in different directories
 * whose files were created in a different order, at different times, with different ignored
 * content. The only difference cdktf itself allows is the path of its default local backend
 * state file, which is absolute.
 *
 * Each synthesis runs in a fresh `node` process, as `cdktf synth` does (the program is
 * test/hardening/support/program.ts).
 *
 * Related: test/image/container-image.test.ts ("two checkouts give identical JSON") covers
 * images alone; test/image/fingerprint.test.ts covers the fingerprint's order and time
 * independence.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { program } from "./support/program";
import { tempDir } from "../support/temp";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const REPO_ROOT = path.join(__dirname, "..", "..");

/** The files of a checkout: the fixture contexts plus a Rust context for a generated Dockerfile. */
function checkoutFiles(): Array<[string, string | Buffer]> {
  const files: Array<[string, string | Buffer]> = [];
  for (const [fixture, target] of [
    ["cloud-run-nonroot", "services/api"],
    ["cloud-run-multistage", "services/jobs"],
  ]) {
    for (const name of fs.readdirSync(path.join(FIXTURES, fixture))) {
      files.push([`${target}/${name}`, fs.readFileSync(path.join(FIXTURES, fixture, name))]);
    }
  }
  files.push(["services/worker/Cargo.toml", '[package]\nname = "worker"\nversion = "0.1.0"\n']);
  files.push(["services/worker/src/main.rs", "fn main() {}\n"]);
  files.push(["services/worker/.dockerignore", "target\n"]);
  return files;
}

/**
 * Writes a checkout into `root`. `variant` changes what must not matter: the order in which
 * files are created, their times, and the content of ignored directories.
 */
function makeCheckout(root: string, variant: number): void {
  const files = checkoutFiles();
  const ordered = variant % 2 === 0 ? files : [...files].reverse();
  for (const [rel, content] of ordered) {
    const file = path.join(root, ...rel.split("/"));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    const when = new Date(Date.UTC(2020 + variant, variant, 1 + variant));
    fs.utimesSync(file, when, when);
  }
  const ignored = path.join(root, "services", "worker", "target", `build-${variant}`);
  fs.mkdirSync(ignored, { recursive: true });
  fs.writeFileSync(path.join(ignored, "artifact"), `built at ${Date.now()} in ${root}`);
}

/** Every file under `outdir`, by relative POSIX path. */
function readTree(outdir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        files.set(
          path.relative(outdir, full).split(path.sep).join("/"),
          fs.readFileSync(full, "utf8"),
        );
      }
    }
  };
  walk(outdir);
  return files;
}

const REGISTER = path.join(__dirname, "support", "swc-register.js");
const PROGRAM = path.join(__dirname, "support", "program.ts");

/** Synthesizes the program of a checkout into `<root>/cdktf.out`, in a fresh process. */
function synthIn(root: string): Map<string, string> {
  const outdir = path.join(root, "cdktf.out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const child = spawnSync(process.execPath, ["-r", REGISTER, PROGRAM, root, outdir], {
    cwd: root,
    encoding: "utf8",
    timeout: 60000,
  });
  if (child.status !== 0) {
    throw new Error(`synth failed (${child.status ?? child.signal}): ${child.stderr}`);
  }
  return readTree(outdir);
}

/** cdktf's default local backend holds an absolute path; nothing else may. */
function withoutLocalBackend(json: string): string {
  const parsed = JSON.parse(json);
  if (parsed.terraform?.backend?.local?.path !== undefined) {
    parsed.terraform.backend.local.path = "<local backend>";
  }
  return JSON.stringify(parsed, null, 2);
}

function expectNoMachineTraces(name: string, text: string, roots: string[]): void {
  // Directories as path prefixes ("/tmp/..."): a container path such as a "/tmp" mount is fine.
  const forbidden = [
    ...roots,
    REPO_ROOT,
    process.cwd(),
    ...[os.tmpdir(), fs.realpathSync(os.tmpdir()), os.homedir()].map((d) => d + path.sep),
  ];
  for (const needle of forbidden) {
    if (text.includes(needle)) {
      throw new Error(`${name} contains the machine path ${needle}`);
    }
  }
  // ISO dates and epoch times in seconds or milliseconds.
  expect(text).not.toMatch(/\b(19|20)\d\d-\d\d-\d\dT\d\d:\d\d/);
  expect(text).not.toMatch(/\b1[5-9]\d{8}(\d{3})?\b/);
}

describe("determinism", () => {
  let a: string;
  let b: string;
  let first: Map<string, string>;

  beforeAll(() => {
    a = tempDir("checkout-a-");
    b = tempDir("checkout-b-");
    makeCheckout(a, 0);
    makeCheckout(b, 1);
    first = synthIn(a);
  });

  test("the output has the stacks, the reports and the generated Dockerfile", () => {
    const names = [...first.keys()].sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "manifest.json",
        "stacks/cloud/cdk.tf.json",
        "stacks/cloud/security-report.md",
        "stacks/local/cdk.tf.json",
      ]),
    );
    expect(names.some((n) => /^stacks\/cloud\/assets\/.+\/Dockerfile$/.test(n))).toBe(true);
  });

  test("synthesizing the same program twice gives byte-identical files", () => {
    const second = synthIn(a);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, text] of first) {
      expect({ name, text: second.get(name) }).toEqual({ name, text });
    }
  });

  test("a second checkout in another directory gives byte-identical files (but cdktf's local backend path)", () => {
    const other = synthIn(b);
    expect([...other.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, text] of first) {
      const mine = other.get(name)!;
      if (name.endsWith("cdk.tf.json")) {
        expect({ name, text: withoutLocalBackend(mine) }).toEqual({
          name,
          text: withoutLocalBackend(text),
        });
      } else {
        expect({ name, text: mine }).toEqual({ name, text });
      }
    }
  });

  test("no machine paths and no times in the output", () => {
    for (const [name, text] of first) {
      expectNoMachineTraces(name, name.endsWith("cdk.tf.json") ? withoutLocalBackend(text) : text, [
        a,
        b,
      ]);
    }
  });

  test("a source change changes the tags, and undoing it restores the first output", () => {
    const file = path.join(a, "services", "jobs", "server");
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
    const changed = synthIn(a);
    expect(changed.get("stacks/cloud/cdk.tf.json")).not.toBe(first.get("stacks/cloud/cdk.tf.json"));
    fs.writeFileSync(file, original);
    expect(synthIn(a).get("stacks/cloud/cdk.tf.json")).toBe(first.get("stacks/cloud/cdk.tf.json"));
  });
});

describe("determinism inside one process", () => {
  // Synthesizing one program twice in one process moves cdktf's token counter: nothing may
  // depend on the text of a token (e.g. the ids of IAM grants to references).
  test("the same program synthesized twice in one process gives identical files", () => {
    const root = tempDir("in-process-");
    makeCheckout(root, 0);
    const [first, second] = [0, 1].map(() => {
      const outdir = path.join(root, "cdktf.out");
      fs.rmSync(outdir, { recursive: true, force: true });
      program(root, outdir).synth();
      return readTree(outdir);
    });
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, text] of first) {
      expect({ name, text: second.get(name) }).toEqual({ name, text });
    }
  });
});
