import fc from "fast-check";
import {
  builderDebianRelease,
  parseImageReference,
} from "../../src/dockerfile/internal/image-reference";
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
