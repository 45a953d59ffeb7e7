import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { Dockerfile } from "../../src";

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("bad text", () => {
  test.each([
    ["", "Dockerfile: the Dockerfile is empty; it needs at least one FROM instruction."],
    [" \n\t\n", "Dockerfile: the Dockerfile is empty; it needs at least one FROM instruction."],
    [
      "# just a comment\nRUN echo hi\n",
      "Dockerfile: no FROM instruction found; a Dockerfile needs at least one FROM instruction.",
    ],
    [
      "ARG A=1\n",
      "Dockerfile: no FROM instruction found; a Dockerfile needs at least one FROM instruction.",
    ],
    [
      "\u0000\u0001\u0002FROM x",
      "Dockerfile: is not a Dockerfile: it contains binary data (NUL bytes).",
    ],
  ])("%j", (text, message) => {
    const e = errorOf(() => Dockerfile.parse(text));
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e.message).toBe(message);
  });

  test("the display name is used in messages", () => {
    expect(() => Dockerfile.parse("", { displayName: "svc/Dockerfile" })).toThrow(
      /^svc\/Dockerfile: the Dockerfile is empty/,
    );
  });

  test("a text that is not a string", () => {
    expect(() => Dockerfile.parse(undefined as unknown as string)).toThrow(
      "Dockerfile: invalid text: must be the Dockerfile text as a plain string. Got: undefined",
    );
    expect(() => Dockerfile.parse(42 as unknown as string)).toThrow(/Got: 42$/);
  });

  test("bad options", () => {
    expect(() =>
      Dockerfile.parse("FROM a", { buildArgs: "x" as unknown as { [key: string]: string } }),
    ).toThrow('Dockerfile: invalid buildArgs: must be a map of names to strings. Got: "x"');
    expect(() => Dockerfile.parse("FROM a", { target: "" })).toThrow(
      'Dockerfile: invalid target: must be the name of a stage. Got: ""',
    );
  });

  test("an unknown target names the target and lists the stages", () => {
    const text = "FROM a AS build\nFROM b AS Runtime\nFROM c\n";
    expect(() => Dockerfile.parse(text, { target: "prod", displayName: "api/Dockerfile" })).toThrow(
      "api/Dockerfile: target stage \"prod\" does not exist; the named stages are 'build', 'runtime'.",
    );
    expect(() => Dockerfile.parse("FROM a\n", { target: "prod" })).toThrow(
      'Dockerfile: target stage "prod" does not exist; the Dockerfile has no named stages (FROM <image> AS <name>).',
    );
  });

  test("a malformed FROM still gives a model, not proven non-root", () => {
    const df = Dockerfile.parse("FROM\nUSER 1000\n");
    expect(df.stages[0].baseImage).toBe("");
    expect(df.runtimeUser.isRoot).toBe(false);
    const noBase = Dockerfile.parse("FROM\n");
    expect(noBase.runtimeUser.isRoot).toBe(true);
    expect(noBase.runtimeUser.reason).toContain("names no image");
    expect(noBase.findings.some((f) => f.ruleId === "CR007" && f.severity === "error")).toBe(true);
  });
});

describe("fromFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockerfile-test-"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("reads the file and uses the path as display name", () => {
    const file = path.join(dir, "Dockerfile");
    fs.writeFileSync(file, "FROM debian:13\nUSER 1000\n");
    const df = Dockerfile.fromFile(file);
    expect(df.displayName).toBe(file);
    expect(df.runtimeUser.isRoot).toBe(false);
    expect(df.render()).toBe("FROM debian:13\nUSER 1000\n");
    expect(Dockerfile.fromFile(file, { displayName: "api/Dockerfile" }).displayName).toBe(
      "api/Dockerfile",
    );
  });

  test("a missing file names the path", () => {
    const file = path.join(dir, "missing", "Dockerfile");
    const e = errorOf(() => Dockerfile.fromFile(file));
    expect(e.message).toBe(`${file}: the Dockerfile does not exist.`);
  });

  test("a directory names the path", () => {
    expect(() => Dockerfile.fromFile(dir)).toThrow(
      `${dir}: is a directory, not a Dockerfile; give the path of the Dockerfile itself.`,
    );
  });

  test("a large Dockerfile is read completely, through a symlink too", () => {
    const file = path.join(dir, "large.Dockerfile");
    const text = `${"# padding line for a large Dockerfile\n".repeat(5000)}FROM debian:13\nUSER 1000\n`;
    fs.writeFileSync(file, text);
    const link = path.join(dir, "link.Dockerfile");
    fs.symlinkSync(file, link);
    for (const p of [file, link]) {
      const df = Dockerfile.fromFile(p);
      expect(df.render()).toBe(text);
      expect(df.runtimeUser.isRoot).toBe(false);
    }
  });

  test("a file over 16 MiB is refused before it is read (a sparse 3 GiB file)", () => {
    const file = path.join(dir, "huge.Dockerfile");
    const fd = fs.openSync(file, "w");
    fs.ftruncateSync(fd, 3 * 1024 * 1024 * 1024);
    fs.closeSync(fd);
    expect(() => Dockerfile.fromFile(file)).toThrow(
      `${file}: is larger than 16 MiB, which no Dockerfile needs; refused.`,
    );
    fs.rmSync(file);
  });

  test("a path through a file names the path", () => {
    const file = path.join(dir, "plain-file");
    fs.writeFileSync(file, "FROM debian:13\n");
    const inner = path.join(file, "Dockerfile");
    expect(() => Dockerfile.fromFile(inner)).toThrow(`${inner}: the Dockerfile cannot be read: `);
  });

  test("a binary file names the path", () => {
    const file = path.join(dir, "binary");
    fs.writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]));
    expect(() => Dockerfile.fromFile(file)).toThrow(
      `${file}: is not a Dockerfile: it contains binary data (NUL bytes).`,
    );
  });

  test("an empty file names the path", () => {
    const file = path.join(dir, "empty");
    fs.writeFileSync(file, "");
    expect(() => Dockerfile.fromFile(file)).toThrow(`${file}: the Dockerfile is empty`);
  });

  test("a path that is not a string", () => {
    expect(() => Dockerfile.fromFile("")).toThrow(
      'Dockerfile.fromFile: invalid path: must be the path of a Dockerfile. Got: ""',
    );
  });
});

describe("arbitrary text never escapes as a TypeError", () => {
  const displayName = "fuzz/Dockerfile";

  function check(text: string): void {
    let df: Dockerfile;
    try {
      df = Dockerfile.parse(text, { displayName });
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(TypeError);
      expect((e as Error).message.startsWith(`${displayName}: `)).toBe(true);
      return;
    }
    // When it parses, every part of the model is usable.
    expect(df.stages.length).toBeGreaterThan(0);
    expect(typeof df.runtimeUser.isRoot).toBe("boolean");
    expect(typeof df.runtimeUser.reason).toBe("string");
    expect(Array.isArray(df.findings)).toBe(true);
    expect(df.render()).toBe(text);
  }

  test("unicode strings with control characters", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), check), {
      seed: 42,
      numRuns: 300,
    });
  });

  test("strings made of Dockerfile fragments", () => {
    const keyword = fc.constantFrom(
      "FROM",
      "from",
      "USER",
      "user",
      "ARG",
      "ENV",
      "RUN",
      "CMD",
      "ENTRYPOINT",
      "COPY --from=",
      "# escape=`",
      "# escape=\\",
      "#",
      "",
    );
    const fragment = fc.constantFrom(
      " AS ",
      " as ",
      "\\\n",
      "`\n",
      "<<EOF\n",
      "\nEOF",
      "$",
      "${",
      "}",
      ":-",
      ":+",
      ":?",
      "=",
      '"',
      "'",
      "[",
      "]",
      '["/app"]',
      "0",
      "1000",
      "root",
      "app",
      "U",
      "debian:13",
      "rust:1",
      "gcr.io/distroless/cc-debian13:nonroot",
      "gcr.io/distroless/cc-debian12",
      "scratch",
      "@sha256:",
      "--platform=",
      "\u0000",
      "\r\n",
      "\t",
      " ",
      "é",
      "\u{1F600}",
    );
    const line = fc
      .tuple(keyword, fc.array(fc.oneof(fragment, fc.string({ maxLength: 4 })), { maxLength: 8 }))
      .map(([k, args]) => `${k} ${args.join("")}`);
    fc.assert(
      fc.property(fc.boolean(), fc.array(line, { maxLength: 12 }), (startWithFrom, lines) =>
        check((startWithFrom ? "FROM debian:13 AS base\n" : "") + lines.join("\n")),
      ),
      { seed: 7, numRuns: 400 },
    );
  });

  // A hang guard, not a speed goal (npm run bench measures speed): input that sent a parser
  // into exponential or quadratic work would not finish within the test's 30 s timeout on
  // these sizes, whatever else the machine is doing.
  test("long inputs finish", () => {
    const inputs = [
      "FROM a\nRUN " + "\\\n".repeat(10000),
      "FROM a\nUSER " + "${".repeat(10000),
      "FROM a\nUSER " + "\"'".repeat(10000),
      "FROM a\n" + "USER 1\n".repeat(2000),
      "FROM a AS s0\nUSER 1\n" +
        Array.from({ length: 2000 }, (_, i) => `FROM s${i} AS s${i + 1}\n`).join(""),
      "FROM a\nARG U=1\nUSER " + "${U:-".repeat(3000) + "}".repeat(3000),
    ];
    for (const text of inputs) {
      check(text);
    }
  }, 30000);
});
