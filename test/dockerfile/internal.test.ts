import fc from "fast-check";
import {
  builderDebianRelease,
  KNOWN_BASE_USERS,
  knownBaseUsers,
  parseImageReference,
} from "../../src/dockerfile/internal/image-reference";
import { simpleCommands } from "../../src/dockerfile/internal/shell";
import { expandWord, UNKNOWN, UNSET, VarValue } from "../../src/dockerfile/internal/words";

describe("expandWord", () => {
  const vars: { [name: string]: VarValue } = { A: "a", E: "", N: UNSET, Q: UNKNOWN };
  const lookup = (name: string) => (name in vars ? vars[name] : UNSET);
  const expand = (word: string, escape = "\\") => expandWord(word, escape, lookup);

  test.each([
    ["plain", "plain"],
    ["$A", "a"],
    ["${A}", "a"],
    ["x${A}y$A", "xaya"],
    ["$N", ""],
    ["${N:-d}", "d"],
    ["${E:-d}", "d"],
    ["${E-d}", ""],
    ["${N-d}", "d"],
    ["${A:-d}", "a"],
    ["${A:+p}", "p"],
    ["${E:+p}", ""],
    ["${E+p}", "p"],
    ["${N+p}", ""],
    ["${A:?msg}", "a"],
    ["${N:-${A}}", "a"],
    ["${A:-${Q}}", "a"],
    ["${N:+${Q}}", ""],
    ["'$A'", "$A"],
    ['"$A b"', "a b"],
    ['"\\$A"', "$A"],
    ['"\\x"', "\\x"],
    ["\\$A", "$A"],
    ["$", "$"],
    ["$-", "$-"],
    ["$1", ""],
    ["a\\", "a"],
  ])("%s", (word, value) => {
    expect(expand(word)).toEqual({ value });
  });

  test("the escape directive character", () => {
    expect(expand("`$A", "`")).toEqual({ value: "$A" });
    expect(expand("\\$A", "`")).toEqual({ value: "\\a" });
  });

  test.each([
    ["$Q", "variable Q has no known value"],
    ["${Q:-x}", "variable Q has no known value"],
    ["${N:-$Q}", "variable Q has no known value"],
    ["${N:?msg}", "variable N is required"],
    ["${A#a}", "modifier"],
    ["${A", 'closing "}"'],
    ["${}", "not followed by a variable name"],
    ["'abc", "single quote"],
    ['"abc', "double quote"],
  ])("%s is unresolved", (word, problem) => {
    const result = expand(word);
    expect(result.value).toBeUndefined();
    expect(result.problem).toContain(problem);
  });

  test("never throws and runs in linear time on arbitrary words", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.constantFrom("\\", "`"),
        (w, e) => {
          const r = expandWord(w, e, lookup);
          expect(r.value !== undefined || r.problem !== undefined).toBe(true);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
    const start = Date.now();
    expandWord("${N:-".repeat(10000) + "}".repeat(10000), "\\", lookup);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe("parseImageReference", () => {
  test.each([
    ["debian", { path: "debian" }],
    ["debian:13", { path: "debian", tag: "13" }],
    ["library/debian:13", { path: "debian", tag: "13" }],
    ["docker.io/library/debian:13", { path: "debian", tag: "13" }],
    [
      "gcr.io/distroless/cc-debian13:nonroot",
      { registry: "gcr.io", path: "distroless/cc-debian13", tag: "nonroot" },
    ],
    [
      "localhost:5000/app:1.2@sha256:abc",
      { registry: "localhost:5000", path: "app", tag: "1.2", digest: "sha256:abc" },
    ],
    ["localhost/app", { registry: "localhost", path: "app" }],
    ["img@sha256:abc", { path: "img", digest: "sha256:abc" }],
    ["user/img", { path: "user/img" }],
  ])("%s", (text, expected) => {
    expect(parseImageReference(text)).toEqual({
      text,
      registry: undefined,
      tag: undefined,
      digest: undefined,
      ...expected,
    });
  });
});

describe("builderDebianRelease", () => {
  test.each([
    ["rust", 13],
    ["rust:1", 13],
    ["rust:latest", 13],
    ["rust:slim", 13],
    ["rust:1-slim", 13],
    ["rust:1.91", 13],
    ["rust:1.91.1-slim", 13],
    ["rust:1.85", 12],
    ["rust:1.89", undefined],
    ["rust:1.60", undefined],
    ["rust:1-bookworm", 12],
    ["rust:1-slim-bullseye", 11],
    ["rust:1-alpine", undefined],
    ["rust:alpine3.20", undefined],
    ["debian:12", 12],
    ["debian:13.1-slim", 13],
    ["debian:trixie-slim", 13],
    ["debian:sid", undefined],
    ["lukemathwalker/cargo-chef:latest-rust-1.91", 13],
    ["lukemathwalker/cargo-chef:latest-rust-1.91-bookworm", 12],
    ["lukemathwalker/cargo-chef:latest-rust-1-alpine", undefined],
    ["python:3.12-slim-bookworm", 12],
    ["ubuntu:24.04", undefined],
    ["example.com/rust:1", undefined],
  ])("%s", (image, release) => {
    expect(builderDebianRelease(parseImageReference(image))).toBe(release);
  });
});

describe("simpleCommands (RUN scripts)", () => {
  const vars: { [name: string]: VarValue } = { U: "1000", E: "", N: UNSET, Q: UNKNOWN };
  const lookup = (name: string) => (name in vars ? vars[name] : UNKNOWN);
  const commands = (script: string) =>
    simpleCommands(script, lookup).map((c) => ({ words: c.words, certain: c.certain }));

  test("and-lists and sequences run; quotes, escapes and variables are resolved", () => {
    expect(commands(`set -e; useradd -u $U -c "a b" 'x y' && echo \\$U\\ z`)).toEqual([
      { words: ["set", "-e"], certain: true },
      { words: ["useradd", "-u", "1000", "-c", "a b", "x y"], certain: true },
      { words: ["echo", "$U z"], certain: true },
    ]);
    expect(commands("a ${U:-5} ${N:-5} ${E:+x} '$U'")).toEqual([
      { words: ["a", "1000", "5", "", "$U"], certain: true },
    ]);
  });

  test("values the analysis cannot know are null words", () => {
    expect(commands("useradd -u $Q a; useradd -u $(id -u) b; useradd -u `id -u` c")).toEqual([
      { words: ["useradd", "-u", null, "a"], certain: true },
      { words: ["useradd", "-u", null, "b"], certain: true },
      { words: ["useradd", "-u", null, null, "c"], certain: true },
    ]);
    expect(commands("x=$((1 + 2)) && useradd -u ${U#1} d")).toEqual([
      { words: [null], certain: true },
      { words: ["useradd", "-u", null, "d"], certain: true },
    ]);
  });

  test("commands that may not run, or whose failure is tolerated, are not certain", () => {
    const certain = (script: string) => simpleCommands(script, lookup).map((c) => c.certain);
    expect(certain("a || b")).toEqual([false, false]);
    expect(certain("a && b || c; d")).toEqual([false, false, false, true]);
    expect(certain("a | b; c")).toEqual([false, false, true]);
    expect(certain("a & b")).toEqual([false, true]);
    expect(certain("! a; b")).toEqual([false, true]);
    expect(certain("if a; then b; else c; fi; d")).toEqual([false, false, false, true]);
    expect(certain("for x in 1 2; do b; done && d")).toEqual([false, true]);
    expect(certain("case $U in 1) b ;; *) c ;; esac; d")).toEqual([false, false, true]);
    expect(certain("(a; b) && { c; }; d")).toEqual([false, false, false, true]);
  });

  test("redirections are not words; a file descriptor number before one is marked", () => {
    const [c] = simpleCommands("useradd -u 5 app 2>/dev/null >> /log", lookup);
    expect(c.words).toEqual(["useradd", "-u", "5", "app", "2"]);
    expect([...c.fdCandidates]).toEqual([4]);
    expect(c.redirects).toEqual([
      { op: ">", target: "/dev/null" },
      { op: ">>", target: "/log" },
    ]);
  });

  test("lines of a script, with continuations and comments", () => {
    expect(commands("a \\\n  b # c && d\n\n# e\nf")).toEqual([
      { words: ["a", "b"], certain: true },
      { words: ["f"], certain: true },
    ]);
  });

  test("shell-quote errors give an unknown word, not an exception", () => {
    expect(commands("echo ${")).toEqual([{ words: [null], certain: true }]);
  });
});

describe("KNOWN_BASE_USERS", () => {
  test("every entry cites a source URL", () => {
    for (const entry of KNOWN_BASE_USERS) {
      expect(entry.source).toMatch(/^https:\/\/github\.com\/\S+/);
      expect(Object.keys(entry.users).length).toBeGreaterThan(0);
      for (const uid of Object.values(entry.users)) {
        expect(uid).toBeGreaterThan(0);
      }
    }
  });

  test.each([
    ["gcr.io/distroless/static-debian13:nonroot", { nonroot: 65532, nobody: 65534 }],
    ["GCR.IO/distroless/java21-debian13", { nonroot: 65532, nobody: 65534 }],
    ["node:22-alpine", { node: 1000 }],
    ["docker.io/library/node", { node: 1000 }],
    ["index.docker.io/node:lts", { node: 1000 }],
    ["nodejs/node:22", undefined],
    ["ghcr.io/node:22", undefined],
    ["gcr.io/distroless-x/cc", undefined],
    ["debian:13", undefined],
  ])("%s", (image, users) => {
    expect(knownBaseUsers(parseImageReference(image))?.users).toEqual(users);
  });
});
