import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { ComposedStack } from "../../examples/composed-stack/main";
import { exampleConfig } from "../../examples/config";
import { RustServiceLocalStack, RustServiceStack } from "../../examples/rust-service/main";

/**
 * The examples' synth output, byte for byte: every file `npx cdktf synth` writes under
 * `cdktf.out/stacks/` (Terraform JSON, security reports, staged Dockerfiles) is compared with
 * the copy in `__golden__/`. A change to the library that changes what the examples synthesize
 * fails here; when the change is intended, regenerate the copy with
 *
 *   UPDATE_GOLDEN=1 npx jest test/examples/golden.test.ts
 *
 * and review the diff.
 *
 * The app is the one examples/main.ts builds, with the configuration of a machine where
 * GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_REGION and TF_STATE_BUCKET are not set. It is synthesized
 * into a directory beside `cdktf.out` (at the same depth below the repository, so the relative
 * build-context paths are those of `cdktf synth`). The one machine-dependent value, the
 * absolute path of the default local state file (cdktf puts the working directory of the synth
 * there), is replaced by `<working directory>`; nothing else is normalised.
 */

const ROOT = path.resolve(__dirname, "../..");
const GOLDEN = path.join(__dirname, "__golden__");
const WORKING_DIRECTORY = "<working directory>";

function synthExamples(outdir: string): void {
  const config = exampleConfig({});
  const app = new App({ outdir });
  new RustServiceStack(app, "rust-service", config);
  new RustServiceLocalStack(app, "rust-service-local", config);
  new ComposedStack(app, "composed-stack", config, {});
  app.synth();
}

/** Every file below `directory`, as sorted POSIX paths relative to it. */
function listFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else {
        files.push(child);
      }
    }
  };
  walk("");
  return files.sort();
}

/** The file as compared: the local state path's working directory replaced, nothing else. */
function normalise(content: Buffer): Buffer {
  const quotedRoot = JSON.stringify(process.cwd()).slice(1, -1);
  const text = content.toString("utf8");
  const marker = `"path": "${quotedRoot}/terraform.`;
  if (!text.includes(marker)) {
    return content;
  }
  return Buffer.from(text.split(marker).join(`"path": "${WORKING_DIRECTORY}/terraform.`), "utf8");
}

describe("examples' synth output (golden copy)", () => {
  let outdir: string;
  let stacks: string;
  let files: string[];

  beforeAll(() => {
    // The same depth below the repository as cdktf.out, so context paths are those of the CLI.
    outdir = fs.mkdtempSync(path.join(ROOT, "cdktf.out.golden-"));
    synthExamples(outdir);
    stacks = path.join(outdir, "stacks");
    files = listFiles(stacks);
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.rmSync(GOLDEN, { recursive: true, force: true });
      for (const file of files) {
        const target = path.join(GOLDEN, ...file.split("/"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, normalise(fs.readFileSync(path.join(stacks, ...file.split("/")))));
      }
    }
  });

  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test("the same files as the golden copy", () => {
    expect(files).toEqual(listFiles(GOLDEN));
    // Every stack of the app, each with its Terraform JSON.
    expect(files.filter((f) => f.endsWith("/cdk.tf.json"))).toEqual([
      "composed-stack/cdk.tf.json",
      "rust-service-local/cdk.tf.json",
      "rust-service/cdk.tf.json",
    ]);
  });

  test("only the local state path depends on the machine", () => {
    const raw = files.map((f) => fs.readFileSync(path.join(stacks, ...f.split("/")), "utf8"));
    const normalised = files.map((f) =>
      normalise(fs.readFileSync(path.join(stacks, ...f.split("/")))).toString("utf8"),
    );
    for (const text of normalised) {
      expect(text).not.toContain(ROOT);
    }
    expect(raw.filter((text, i) => text !== normalised[i]).length).toBeGreaterThan(0);
  });

  test("every file is byte-identical to the golden copy", () => {
    for (const file of files) {
      const actual = normalise(fs.readFileSync(path.join(stacks, ...file.split("/"))));
      const golden = fs.readFileSync(path.join(GOLDEN, ...file.split("/")));
      if (!actual.equals(golden)) {
        // Shows the difference as text.
        expect(`${file}:\n${actual.toString("utf8")}`).toBe(`${file}:\n${golden.toString("utf8")}`);
      }
    }
  });
});
