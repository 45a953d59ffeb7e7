import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as fc from "fast-check";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { Dockerignore } from "../../src/image/dockerignore";
import { ContextFingerprint } from "../../src/image/fingerprint";
import { FingerprintOptions } from "../../src/image/fingerprint-options";
import { fileModesAreBypassed } from "../support/temp";

const OWNER = "ContainerImage 'Stack/Image'";
const DOCKERFILE =
  'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n';

const dirs: string[] = [];

const testWithFileModes = fileModesAreBypassed ? test.skip : test;

function compute(directory: string, options: Partial<FingerprintOptions> = {}) {
  return ContextFingerprint.compute({
    directory,
    dockerfilePath: "Dockerfile",
    dockerfileText: DOCKERFILE,
    platform: "linux/amd64",
    imageName: "api",
    owner: OWNER,
    ...options,
  });
}
afterAll(() => {
  for (const dir of dirs) {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Creates a context directory from a map of relative path -> content. */
function context(files: { [path: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fingerprint-test-"));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    write(dir, rel, content);
  }
  return dir;
}

function write(dir: string, rel: string, content: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function tag(directory: string, options: Partial<FingerprintOptions> = {}): string {
  return compute(directory, options).tag;
}

const BASE = {
  Dockerfile: DOCKERFILE,
  ".dockerignore": "target\n*.log\n",
  "src/main.rs": "fn main() {}\n",
  "Cargo.toml": '[package]\nname = "api"\n',
  "target/release/api": "binary",
};

describe("ContextFingerprint", () => {
  test("the tag is 64 lowercase hex digits, a valid Docker tag", () => {
    expect(tag(context(BASE))).toMatch(/^[0-9a-f]{64}$/);
  });

  test("identical trees in different directories give identical tags", () => {
    expect(tag(context(BASE))).toBe(tag(context(BASE)));
  });

  test("the order in which files were created does not matter", () => {
    const a = context({});
    const b = context({});
    const names = ["b.txt", "a.txt", "C.txt", "sub/z", "sub/a", "ä.txt", "a-b", "a.b", "a/b"];
    names.forEach((n) => write(a, n, n));
    [...names].reverse().forEach((n) => write(b, n, n));
    expect(tag(a)).toBe(tag(b));
  });

  test("a source change changes the tag", () => {
    const dir = context(BASE);
    const before = tag(dir);
    write(dir, "src/main.rs", 'fn main() { println!("hi"); }\n');
    expect(tag(dir)).not.toBe(before);
  });

  test("renaming a file changes the tag", () => {
    const dir = context(BASE);
    const before = tag(dir);
    fs.renameSync(path.join(dir, "src/main.rs"), path.join(dir, "src/lib.rs"));
    expect(tag(dir)).not.toBe(before);
  });

  test("a change inside an ignored directory (target/) does not change the tag", () => {
    const dir = context(BASE);
    const before = tag(dir);
    write(dir, "target/release/api", "another binary");
    write(dir, "target/debug/new-file", "x");
    expect(tag(dir)).toBe(before);
  });

  test("a change to a file excluded by a glob does not change the tag", () => {
    const dir = context({ ...BASE, "build.log": "one" });
    const before = tag(dir);
    write(dir, "build.log", "two");
    write(dir, "other.log", "three");
    expect(tag(dir)).toBe(before);
  });

  test("ignore patterns are case-sensitive, like Docker on Linux", () => {
    const dir = context({ ...BASE, "BUILD.LOG": "one" });
    const before = tag(dir);
    write(dir, "BUILD.LOG", "two");
    expect(tag(dir)).not.toBe(before);
  });

  test("an ignored directory is not listed at all (pruned)", () => {
    const dir = context(BASE);
    const before = compute(dir);
    // root and src/
    expect(before.directoriesRead).toBe(2);
    for (let i = 0; i < 20; i++) {
      write(dir, `target/deps/d${i}/file`, "x");
    }
    expect(compute(dir).directoriesRead).toBe(2);
  });

  testWithFileModes("an ignored directory that cannot be read is not an error", () => {
    const dir = context(BASE);
    const before = tag(dir);
    const target = path.join(dir, "target");
    fs.chmodSync(target, 0o000);
    try {
      expect(tag(dir)).toBe(before);
    } finally {
      fs.chmodSync(target, 0o755);
    }
  });

  test("a '!' pattern re-includes a file inside an ignored directory", () => {
    const dir = context({
      ...BASE,
      ".dockerignore": "target\n!target/release/keep.txt\n",
      "target/release/keep.txt": "one",
    });
    const before = tag(dir);
    write(dir, "target/release/keep.txt", "two");
    const changed = tag(dir);
    expect(changed).not.toBe(before);
    write(dir, "target/release/api", "ignored change");
    expect(tag(dir)).toBe(changed);
  });

  test("a '!' pattern with wildcards re-includes below an ignored directory", () => {
    const dir = context({
      Dockerfile: DOCKERFILE,
      ".dockerignore": "vendor\n!vendor/*/LICENSE\n",
      "vendor/a/LICENSE": "MIT",
      "vendor/a/code.c": "int x;",
    });
    const before = tag(dir);
    write(dir, "vendor/a/LICENSE", "Apache-2.0");
    expect(tag(dir)).not.toBe(before);
    const after = tag(dir);
    write(dir, "vendor/a/code.c", "int y;");
    expect(tag(dir)).toBe(after);
  });

  test("the Dockerfile and .dockerignore are hashed even when .dockerignore excludes them", () => {
    const dir = context({ ...BASE, ".dockerignore": "Dockerfile\n.dockerignore\nsecret\n" });
    const before = tag(dir);
    write(dir, "Dockerfile", `${DOCKERFILE}# comment\n`);
    const afterDockerfile = tag(dir);
    expect(afterDockerfile).not.toBe(before);
    write(dir, ".dockerignore", "Dockerfile\n.dockerignore\nsecret\nmore\n");
    expect(tag(dir)).not.toBe(afterDockerfile);
  });

  test("a Dockerfile inside an ignored directory is still hashed", () => {
    const dir = context({
      ".dockerignore": "docker\n",
      "docker/Dockerfile": DOCKERFILE,
      "docker/other": "x",
    });
    const options = { dockerfilePath: "docker/Dockerfile" };
    const before = tag(dir, options);
    write(dir, "docker/other", "y");
    expect(tag(dir, options)).toBe(before);
    write(dir, "docker/Dockerfile", `${DOCKERFILE}\n`);
    expect(tag(dir, options)).not.toBe(before);
  });

  test("the Dockerfile bytes read for the analysis give the tag that reading the file gives", () => {
    for (const mode of [0o644, 0o755]) {
      const dir = context({ ...BASE, "docker/Dockerfile": `${DOCKERFILE}# in docker/\n` });
      const file = path.join(dir, "docker/Dockerfile");
      fs.chmodSync(file, mode);
      const { content } = Dockerfile._readFile(file);
      expect(content).toEqual({
        size: fs.statSync(file).size,
        executable: mode === 0o755,
        sha256: crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"),
      });
      const options = { dockerfilePath: "docker/Dockerfile" };
      expect(tag(dir, { ...options, dockerfileContent: content })).toBe(tag(dir, options));
    }
  });

  test("given Dockerfile bytes do not stand for a look-alike name in another Unicode form", () => {
    const composed = "Dockerfile.\u00e9";
    const decomposed = "Dockerfile.e\u0301";
    const dir = context({ ...BASE, [composed]: DOCKERFILE });
    write(dir, decomposed, "one");
    if (fs.readdirSync(dir).filter((n) => n.startsWith("Dockerfile.")).length < 2) {
      return; // a file system that folds Unicode forms: only one file exists
    }
    const content = Dockerfile._readFile(path.join(dir, composed)).content;
    const options = { dockerfilePath: composed, dockerfileContent: content };
    const before = tag(dir, options);
    write(dir, decomposed, "two");
    expect(tag(dir, options)).not.toBe(before);
    expect(tag(dir, options)).toBe(tag(dir, { dockerfilePath: composed }));
  });

  test("given Dockerfile bytes stand for the file, and only for a regular file at that path", () => {
    const dir = context(BASE);
    const other = { size: 3, executable: false, sha256: "0".repeat(64) };
    // Used for the Dockerfile (the analysed bytes are what the tag covers)...
    expect(tag(dir, { dockerfileContent: other })).not.toBe(tag(dir));
    // ...but a symlinked Dockerfile is hashed as a link, as always.
    fs.rmSync(path.join(dir, "Dockerfile"));
    write(dir, "real.Dockerfile", DOCKERFILE);
    fs.symlinkSync("real.Dockerfile", path.join(dir, "Dockerfile"));
    expect(tag(dir, { dockerfileContent: other })).toBe(tag(dir));
  });

  test("build args, target, platform, image name and Dockerfile text change the tag", () => {
    const dir = context(BASE);
    const base = tag(dir);
    const variants = [
      tag(dir, { buildArgs: { VERSION: "1" } }),
      tag(dir, { buildArgs: { VERSION: "2" } }),
      tag(dir, { target: "runtime" }),
      tag(dir, { platform: "linux/arm64" }),
      tag(dir, { imageName: "web" }),
      tag(dir, { dockerfileText: `${DOCKERFILE}\n` }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  test("build args are order-independent", () => {
    const dir = context(BASE);
    expect(tag(dir, { buildArgs: { A: "1", B: "2" } })).toBe(
      tag(dir, { buildArgs: { B: "2", A: "1" } }),
    );
  });

  test("the executable bit counts, other mode bits do not", () => {
    const dir = context(BASE);
    const file = path.join(dir, "src/main.rs");
    fs.chmodSync(file, 0o644);
    const before = tag(dir);
    fs.chmodSync(file, 0o664);
    expect(tag(dir)).toBe(before);
    fs.chmodSync(file, 0o755);
    expect(tag(dir)).not.toBe(before);
  });

  test("modification times do not count", () => {
    const dir = context(BASE);
    const before = tag(dir);
    fs.utimesSync(path.join(dir, "src/main.rs"), new Date(0), new Date(0));
    expect(tag(dir)).toBe(before);
  });

  test("an empty directory counts (COPY creates it); an ignored one does not", () => {
    const dir = context(BASE);
    const before = tag(dir);
    fs.mkdirSync(path.join(dir, "target/empty"));
    expect(tag(dir)).toBe(before);
    fs.mkdirSync(path.join(dir, "empty"));
    expect(tag(dir)).not.toBe(before);
  });

  test("symlinks are hashed as their link text and never followed; loops terminate", () => {
    const dir = context(BASE);
    fs.symlinkSync(".", path.join(dir, "self"));
    fs.symlinkSync("b", path.join(dir, "a"));
    fs.symlinkSync("a", path.join(dir, "b"));
    fs.symlinkSync("src", path.join(dir, "src-link"));
    const result = compute(dir);
    // Dockerfile, .dockerignore, Cargo.toml, src/main.rs: the linked directory is not walked.
    expect(result.fileCount).toBe(4);
    expect(result.externalSymlinks).toEqual([]);
    const before = result.tag;
    // Changing the file behind a link to a directory changes the tag through the real file only.
    fs.unlinkSync(path.join(dir, "a"));
    fs.symlinkSync("c", path.join(dir, "a"));
    expect(tag(dir)).not.toBe(before);
  });

  test("symlinks pointing outside the context are reported", () => {
    const outside = context({ "secret.txt": "s" });
    const dir = context(BASE);
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "abs-link"));
    fs.symlinkSync("../../elsewhere", path.join(dir, "src/rel-link"));
    const result = compute(dir);
    expect(result.externalSymlinks).toEqual([
      `abs-link -> ${path.join(outside, "secret.txt")}`,
      "src/rel-link -> ../../elsewhere",
    ]);
    // The target's content is not part of the fingerprint.
    const before = result.tag;
    write(outside, "secret.txt", "changed");
    expect(tag(dir)).toBe(before);
  });

  testWithFileModes("an unreadable file is an error naming the file and the directory", () => {
    const dir = context(BASE);
    const file = path.join(dir, "src/main.rs");
    fs.chmodSync(file, 0o000);
    try {
      expect(() => tag(dir, { directoryProp: "./api" })).toThrow(
        `${OWNER}: cannot read "src/main.rs" in the build context "./api": EACCES: permission denied. Make it readable, or exclude it in .dockerignore.`,
      );
    } finally {
      fs.chmodSync(file, 0o644);
    }
  });

  testWithFileModes("an unreadable directory is an error naming it", () => {
    const dir = context(BASE);
    fs.chmodSync(path.join(dir, "src"), 0o000);
    try {
      expect(() => tag(dir, { directoryProp: "api" })).toThrow(
        `${OWNER}: cannot read "src" in the build context "api": EACCES: permission denied.`,
      );
    } finally {
      fs.chmodSync(path.join(dir, "src"), 0o755);
    }
  });

  testWithFileModes("an unreadable file that .dockerignore excludes is not an error", () => {
    const dir = context({ ...BASE, "private.key": "k", ".dockerignore": "private.key\n" });
    fs.chmodSync(path.join(dir, "private.key"), 0o000);
    try {
      expect(tag(dir)).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      fs.chmodSync(path.join(dir, "private.key"), 0o644);
    }
  });

  test("a missing directory is an error naming the directory prop and value", () => {
    expect(() =>
      tag(path.join(os.tmpdir(), "does-not-exist-fingerprint"), { directoryProp: "./missing" }),
    ).toThrow(
      `${OWNER}: invalid directory: must be an existing directory (the Docker build context). Got: "./missing"`,
    );
  });

  test("a file given as directory is an error", () => {
    const dir = context(BASE);
    expect(() => tag(path.join(dir, "Cargo.toml"), { directoryProp: "Cargo.toml" })).toThrow(
      `${OWNER}: invalid directory: must be an existing directory (the Docker build context). Got: "Cargo.toml"`,
    );
  });

  test("a file larger than the read buffer is hashed completely", () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const dir = context(BASE);
    fs.writeFileSync(path.join(dir, "big.bin"), big);
    const before = compute(dir);
    expect(before.byteCount).toBeGreaterThan(big.length);
    big[big.length - 1] = 8;
    fs.writeFileSync(path.join(dir, "big.bin"), big);
    expect(tag(dir)).not.toBe(before.tag);
  });
});

describe("Dockerignore.couldMatchBelow", () => {
  const split = (p: string) => (p === "" ? [] : p.split("/"));
  test.each([
    ["target/keep", "target", true],
    ["target/*/keep", "target/a", true],
    ["target/a/keep", "target/b", false],
    ["target", "target", false],
    ["target", "target/a", false],
    ["other/keep", "target", false],
    ["**/keep", "target/a/b", true],
    ["t*t/keep", "target", true],
    ["t?rget/keep", "target", true],
    ["t?rget/keep", "tarrget", false],
    // Segments the matcher would read as syntax of a line of their own.
    ["!x/keep", "!x", true],
    ["!x/keep", "x", false],
    ["#c/keep", "#c", true],
    ["a /keep", "a ", true],
    ["a /keep", "a", false],
    ["[ab]/keep", "b", true],
    ["[ab]/keep", "c", false],
  ])("pattern %s below %s: %s", (pattern, dir, expected) => {
    expect(Dockerignore.couldMatchBelow(split(pattern), split(dir))).toBe(expected);
  });

  test("reincludePatterns cleans patterns like Docker", () => {
    expect(
      Dockerignore.reincludePatterns(
        "# comment\n!/target/keep/\n  ! spaced \nignored\n!\n!a/../b\r\n",
      ),
    ).toEqual([["target", "keep"], ["spaced"], ["b"]]);
  });

  test("pruning never drops a file that the ignore rules keep (property)", () => {
    // For random ignore files and trees: every file @balena/dockerignore keeps must be hashed,
    // i.e. the fingerprint changes when it changes.
    const segment = fc.constantFrom("a", "b", "keep", "*", "k*");
    const patternArb = fc
      .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 3 }))
      .map(([negated, segs]) => `${negated ? "!" : ""}${segs.join("/")}`);
    const fileArb = fc
      .array(fc.constantFrom("a", "b", "keep"), { minLength: 1, maxLength: 3 })
      .map((segs) => segs.join("/"));
    fc.assert(
      fc.property(
        fc.array(patternArb, { maxLength: 4 }),
        fc.uniqueArray(fileArb, { minLength: 1, maxLength: 5 }),
        (patterns, files) => {
          // A path cannot be both a file and a directory.
          const valid = files.filter(
            (f) => !files.some((g) => g !== f && (g.startsWith(`${f}/`) || f.startsWith(`${g}/`))),
          );
          if (valid.length === 0) {
            return;
          }
          const ignoreText = patterns.join("\n");
          const dir = context({ Dockerfile: DOCKERFILE, ".dockerignore": ignoreText });
          for (const f of valid) {
            write(dir, `files/${f}`, "1");
          }
          // Patterns apply to paths under files/: rewrite them to be rooted there.
          const rooted = patterns
            .map((p) => (p.startsWith("!") ? `!files/${p.slice(1)}` : `files/${p}`))
            .join("\n");
          write(dir, ".dockerignore", rooted);
          const matcher = require("@balena/dockerignore")({ ignorecase: false }).add(rooted);
          for (const f of valid) {
            const before = tag(dir);
            write(dir, `files/${f}`, "2");
            const changed = tag(dir) !== before;
            write(dir, `files/${f}`, "1");
            expect(changed).toBe(!matcher.ignores(`files/${f}`));
          }
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
