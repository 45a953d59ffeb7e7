/**
 * Bad input and faults at the construct level: each case gives a clear Error naming the path
 * or the prop (never a TypeError, never a hang), or completes when Docker would accept it.
 *
 * Covered elsewhere, not repeated here:
 * - test/image/container-image.test.ts: missing `directory` and `""` ("directory"), a
 *   `dockerfile` outside the context or missing ("dockerfile ... is rejected", "a missing
 *   dockerfile is rejected"), an unknown `target` ("an unknown target names the target prop and
 *   the stages"), a build arg value that is a token ("build args"), symlinks out of the context
 *   ("symlinks out of the context are reported as a warning").
 * - test/image/fingerprint.test.ts: symlink loops ("symlinks are hashed as their link text and
 *   never followed; loops terminate"), unreadable files and directories, a file given as the
 *   directory, files larger than the read buffer.
 * - test/dockerfile/bad-input.test.ts: Dockerfiles without FROM, empty, binary, missing or a
 *   directory, given to `Dockerfile.parse` / `Dockerfile.fromFile`; arbitrary text.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Lazy, TerraformStack, Testing } from "cdktf";
import {
  CloudRunApp,
  CloudRunAppProps,
  CloudRunService,
  ContainerImage,
  Dockerfile,
  ContainerImageProps,
} from "../../src";
import { fileModesAreBypassed, tempDir } from "../support/temp";

const NONROOT = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");

/** A copy of the non-root fixture context (or an empty directory). */
function context(copy = true): string {
  const dir = tempDir("bad-input-");
  if (copy) {
    for (const name of fs.readdirSync(NONROOT)) {
      fs.copyFileSync(path.join(NONROOT, name), path.join(dir, name));
    }
  }
  return dir;
}

const testUnlessRoot = fileModesAreBypassed ? test.skip : test;
const canMkfifo = (() => {
  try {
    const fifo = path.join(context(false), "probe");
    execFileSync("mkfifo", [fifo]);
    return true;
  } catch {
    return false;
  }
})();
const testWithFifo = canMkfifo ? test : test.skip;

/** Builds an image (pushed when `pushed`) in a fresh stack. */
function image(props: ContainerImageProps): ContainerImage {
  const stack = new TerraformStack(Testing.app(), "S");
  return new ContainerImage(stack, "Image", props);
}

function app(props: Partial<CloudRunAppProps> & { directory: string }): () => CloudRunApp {
  return () => {
    const stack = new TerraformStack(Testing.app(), "S");
    new GoogleProvider(stack, "google", { project: "p" });
    return new CloudRunApp(stack, "api", { region: "europe-west1", ...props });
  };
}

/** What `fn` throws; it must be an Error, not a TypeError. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    return e as Error;
  }
  throw new Error("expected an error");
}

const OWNER = "ContainerImage 'S/Image'";
const APP_IMAGE = "ContainerImage 'S/api/Image'";

describe("the build context", () => {
  test("a missing directory given to CloudRunApp names the image's directory prop and the value", () => {
    const missing = path.join(context(false), "nope");
    expect(errorOf(app({ directory: missing })).message).toBe(
      `${APP_IMAGE}: invalid directory: must be an existing directory (the Docker build context). Got: ${JSON.stringify(missing)}`,
    );
  });

  test("a file given as the directory", () => {
    const file = path.join(context(), "Dockerfile");
    expect(errorOf(() => image({ directory: file })).message).toBe(
      `${OWNER}: invalid directory: must be an existing directory (the Docker build context). Got: ${JSON.stringify(file)}`,
    );
  });

  test("an empty context: no Dockerfile", () => {
    const dir = context(false);
    expect(errorOf(app({ directory: dir })).message).toBe(
      `${APP_IMAGE}: invalid dockerfile: must name an existing file inside directory ${JSON.stringify(dir)}. Got: "Dockerfile"`,
    );
  });

  test("a context without the default Dockerfile (sources only)", () => {
    const dir = context();
    fs.rmSync(path.join(dir, "Dockerfile"));
    expect(errorOf(() => image({ directory: dir })).message).toContain(
      `${OWNER}: invalid dockerfile: must name an existing file inside directory`,
    );
  });

  test("a directory, a token or an empty string as the directory prop", () => {
    expect(
      errorOf(() => image({ directory: Lazy.stringValue({ produce: () => NONROOT }) })).message,
    ).toMatch(
      /^ContainerImage 'S\/Image': invalid directory: must be known at synth \(it is part of the image's content fingerprint\), not a token\. Got: "\$\{TfToken\[TOKEN\.\d+\]\}"$/,
    );
    expect(errorOf(() => image({ directory: undefined as unknown as string })).message).toBe(
      `${OWNER}: invalid directory: must be a non-empty string. Got: undefined`,
    );
  });

  testUnlessRoot("an unreadable source file names the file and the directory", () => {
    const dir = context();
    const file = path.join(dir, "server");
    fs.chmodSync(file, 0o000);
    try {
      expect(errorOf(() => image({ directory: dir })).message).toContain(
        `${OWNER}: cannot read "server" in the build context ${JSON.stringify(dir)}: EACCES`,
      );
    } finally {
      fs.chmodSync(file, 0o644);
    }
  });

  testUnlessRoot("an unreadable Dockerfile names its path", () => {
    const dir = context();
    fs.chmodSync(path.join(dir, "Dockerfile"), 0o000);
    try {
      const message = errorOf(() => image({ directory: dir })).message;
      expect(message.startsWith(`${OWNER}: `)).toBe(true);
      expect(message).toContain("Dockerfile");
      expect(message).toContain("EACCES");
    } finally {
      fs.chmodSync(path.join(dir, "Dockerfile"), 0o644);
    }
  });

  test("a .dockerignore that is a directory names it", () => {
    const dir = context();
    fs.mkdirSync(path.join(dir, ".dockerignore"));
    expect(errorOf(() => image({ directory: dir })).message).toBe(
      `${OWNER}: cannot read ".dockerignore" in the build context ${JSON.stringify(dir)}: EISDIR: illegal operation on a directory. Make it readable, or exclude it in .dockerignore.`,
    );
  });
});

describe("links, pipes and sizes", () => {
  test("a Dockerfile that is a symlink loop names the dockerfile prop", () => {
    const dir = context();
    fs.rmSync(path.join(dir, "Dockerfile"));
    fs.symlinkSync("Dockerfile", path.join(dir, "Dockerfile"));
    expect(errorOf(() => image({ directory: dir })).message).toBe(
      `${OWNER}: invalid dockerfile: must name an existing file inside directory ${JSON.stringify(dir)}. Got: "Dockerfile"`,
    );
  });

  test("symlink loops and links to directories in the context complete and synthesize", () => {
    const dir = context();
    fs.symlinkSync(".", path.join(dir, "self"));
    fs.symlinkSync("b", path.join(dir, "a"));
    fs.symlinkSync("a", path.join(dir, "b"));
    fs.mkdirSync(path.join(dir, "sub"));
    fs.symlinkSync("..", path.join(dir, "sub", "up"));
    const built = image({ directory: dir });
    expect(built.tag).toMatch(/^[0-9a-f]{64}$/);
    expect(() => Testing.synth(TerraformStack.of(built), true)).not.toThrow();
  });

  test("a Dockerfile that links out of the context is used, with a warning naming the link", () => {
    const outside = context();
    const dir = context();
    fs.rmSync(path.join(dir, "Dockerfile"));
    fs.symlinkSync(path.join(outside, "Dockerfile"), path.join(dir, "Dockerfile"));
    const built = image({ directory: dir });
    expect(built.runtimeUser.isRoot).toBe(false);
    expect(built.node.metadata.map((m) => m.data)).toContain(
      `${OWNER}: 1 symlink in the build context points outside it (Dockerfile -> ${path.join(outside, "Dockerfile")}). Docker sends the link, not the file it points to, so that file is not in the image.`,
    );
  });

  testWithFifo("a FIFO as the Dockerfile is refused without reading it (no hang)", () => {
    const dir = context();
    fs.rmSync(path.join(dir, "Dockerfile"));
    execFileSync("mkfifo", [path.join(dir, "Dockerfile")]);
    expect(errorOf(() => image({ directory: dir })).message).toBe(
      `${OWNER}: invalid dockerfile: must name an existing file inside directory ${JSON.stringify(dir)}. Got: "Dockerfile"`,
    );
  });

  testWithFifo("Dockerfile.fromFile refuses a FIFO without waiting for a writer", () => {
    const dir = context();
    const fifo = path.join(dir, "fifo.Dockerfile");
    execFileSync("mkfifo", [fifo]);
    expect(errorOf(() => Dockerfile.fromFile(fifo)).message).toBe(
      `${fifo}: is not a regular file (a FIFO, socket or device), not a Dockerfile.`,
    );
  });

  testWithFifo("a FIFO in the context is not read (no hang)", () => {
    const dir = context();
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    expect(image({ directory: dir }).tag).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a deeply nested context completes", () => {
    const dir = context();
    const deep = path.join(dir, ...Array.from({ length: 300 }, () => "d"));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, "leaf"), "x");
    expect(image({ directory: dir }).tag).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a huge (2 GiB + 1 byte, sparse) file is hashed without loading it into memory", () => {
    const dir = context();
    const file = path.join(dir, "huge.bin");
    const fd = fs.openSync(file, "w");
    try {
      fs.ftruncateSync(fd, 2 * 1024 ** 3 + 1);
    } finally {
      fs.closeSync(fd);
    }
    const before = process.memoryUsage().rss;
    const first = image({ directory: dir }).tag;
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    // The same huge file in an ignored directory costs nothing and is not part of the tag.
    fs.mkdirSync(path.join(dir, "target"));
    fs.renameSync(file, path.join(dir, "target", "huge.bin"));
    fs.writeFileSync(path.join(dir, ".dockerignore"), "target\n");
    const start = Date.now();
    const ignored = image({ directory: dir }).tag;
    expect(Date.now() - start).toBeLessThan(2000);
    expect(ignored).not.toBe(first);
    fs.rmSync(path.join(dir, "target"), { recursive: true });
    expect(image({ directory: dir }).tag).toBe(ignored);
  });
});

describe("the Dockerfile and the build settings", () => {
  test("a Dockerfile without FROM names the owner and the Dockerfile", () => {
    const dir = context();
    fs.writeFileSync(path.join(dir, "Dockerfile"), "# a comment\nRUN echo hi\n");
    const message = errorOf(app({ directory: dir })).message;
    expect(message).toMatch(
      /^ContainerImage 'S\/api\/Image': .*Dockerfile: no FROM instruction found; a Dockerfile needs at least one FROM instruction\.$/,
    );
  });

  test("a target passed through CloudRunApp that does not exist lists the stages", () => {
    expect(errorOf(app({ directory: NONROOT, target: "prod" })).message).toMatch(
      /^ContainerImage 'S\/api\/Image': invalid target: must be .*\. Got: "prod"$/,
    );
  });

  test.each([
    ["target", { target: Lazy.stringValue({ produce: () => "runtime" }) }],
    ["dockerfile", { dockerfile: Lazy.stringValue({ produce: () => "Dockerfile" }) }],
    ["platform", { platform: Lazy.stringValue({ produce: () => "linux/amd64" }) }],
    ["imageName", { imageName: Lazy.stringValue({ produce: () => "api" }) }],
  ])("a token as %s is refused: it is part of the fingerprint", (prop, props) => {
    expect(errorOf(() => image({ directory: NONROOT, ...props })).message).toMatch(
      new RegExp(
        `^ContainerImage 'S/Image': invalid ${prop}: must be known at synth \\(it is part of the image's content fingerprint\\), not a token\\. Got: "\\$\\{TfToken\\[TOKEN\\.\\d+\\]\\}"$`,
      ),
    );
  });

  test("null build args, target and dockerfile (from JavaScript) mean not set", () => {
    const plain = image({ directory: NONROOT }).tag;
    const nulls = image({
      directory: NONROOT,
      buildArgs: null as unknown as { [key: string]: string },
      target: null as unknown as string,
      dockerfile: null as unknown as string,
    });
    expect(nulls.tag).toBe(plain);
  });

  test("build args that are a token as a whole, or whose values are not strings", () => {
    const lazy = Lazy.anyValue({ produce: () => ({ A: "1" }) }) as unknown as {
      [key: string]: string;
    };
    expect(errorOf(() => image({ directory: NONROOT, buildArgs: lazy })).message).toMatch(
      /^ContainerImage 'S\/Image': invalid buildArgs: must be known at synth \(they are part of the image's content fingerprint\), not a token\. Got: /,
    );
    expect(
      errorOf(() => image({ directory: NONROOT, buildArgs: { A: 1 as unknown as string } }))
        .message,
    ).toBe(
      `${OWNER}: invalid buildArgs["A"]: must be a string known at synth (build args are part of the image's content fingerprint), not a token. Got: 1`,
    );
  });
});

/**
 * Found by these tests and reported; not fixed here because the code belongs to other areas.
 * Each test starts failing once the input gives a clear Error: make it a plain test then.
 */
describe("known gaps", () => {
  test("an object that is not a ContainerImage as a service's image", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    const error = errorOf(
      () =>
        new CloudRunService(stack, "api", {
          image: {} as unknown as ContainerImage,
          region: "europe-west1",
        }),
    );
    expect(error.message).toBe(
      "CloudRunService 'S/api': invalid image: is required: a ContainerImage with a repository. Got: {}",
    );
  });

  test("a malformed .dockerignore pattern gives an Error naming .dockerignore and the line", () => {
    const dir = context();
    fs.writeFileSync(path.join(dir, ".dockerignore"), "# comment\ntarget/\n[\n");
    expect(errorOf(() => image({ directory: dir })).message).toMatch(
      /^ContainerImage '.*': invalid pattern "\[" at line 3 of \.dockerignore in the build context ".*" \(Invalid regular expression: .*\); Docker refuses it too\.$/,
    );
  });
});
