import { Dockerfile } from "../../src";

describe("assertNonRoot", () => {
  test("the message names the owner, the Dockerfile, the stage, the line, the reason and the fix", () => {
    const df = Dockerfile.parse("FROM rust:1 AS build\nFROM debian:13 AS runtime\nUSER root\n", {
      displayName: "services/api/Dockerfile",
    });
    expect(() => df.assertNonRoot("CloudRunService 'Stack/api'")).toThrow(
      new Error(
        "CloudRunService 'Stack/api': services/api/Dockerfile stage 'runtime' (line 2) is not proven to run as a non-root user: " +
          "USER \"root\" at line 3 in stage 'runtime' sets the root user. " +
          'Fix: add "USER 65532:65532" to the final stage, or build it FROM a distroless ":nonroot" image such as gcr.io/distroless/cc-debian13:nonroot.',
      ),
    );
  });

  test("unnamed stages are named by index", () => {
    const df = Dockerfile.parse("FROM rust:1 AS build\nFROM scratch\n");
    expect(() => df.assertNonRoot("X")).toThrow(
      /^X: Dockerfile stage #1 \(line 2\) is not proven to run as a non-root user: Stage #1 \(line 2\) has no USER instruction and its base image is scratch/,
    );
  });

  test("a proven non-root final stage passes", () => {
    expect(() => Dockerfile.parse("FROM debian:13\nUSER 1000\n").assertNonRoot("X")).not.toThrow();
  });
});

describe("withOptions", () => {
  const text = "ARG U=1000\nFROM debian:13 AS a\nARG U\nUSER $U\nFROM a AS b\nUSER root\n";

  test("re-analyses the same text with other build args and target", () => {
    const df = Dockerfile.parse(text, { displayName: "svc/Dockerfile" });
    expect(df.runtimeUser.isRoot).toBe(true);
    const a = df.withOptions({ target: "a" });
    expect(a.finalStage.name).toBe("a");
    expect(a.runtimeUser).toMatchObject({ isRoot: false, uid: 1000 });
    expect(a.displayName).toBe("svc/Dockerfile");
    expect(a.render()).toBe(text);
    const a0 = a.withOptions({ target: "a", buildArgs: { U: "0" } });
    expect(a0.runtimeUser.isRoot).toBe(true);
    // Options are replaced, not merged.
    expect(a0.withOptions({}).finalStage.name).toBe("b");
    expect(a.withOptions({ displayName: "other" }).displayName).toBe("other");
    // The original is unchanged.
    expect(df.finalStage.name).toBe("b");
  });

  test("an unknown target is an error", () => {
    expect(() => Dockerfile.parse(text).withOptions({ target: "c" })).toThrow(
      "Dockerfile: target stage \"c\" does not exist; the named stages are 'a', 'b'.",
    );
  });
});

describe("the same text analysed more than once", () => {
  const text = "ARG U=1000\nFROM debian:13 AS a\nARG U\nUSER $U\nFROM a AS b\nADD . /app\n";

  test("each Dockerfile keeps its own display name in messages", () => {
    const first = Dockerfile.parse(text, { displayName: "one/Dockerfile", buildArgs: { U: "0" } });
    const second = Dockerfile.parse(text, { displayName: "two/Dockerfile", buildArgs: { U: "0" } });
    expect(second.displayName).toBe("two/Dockerfile");
    expect(() => first.assertNonRoot("X")).toThrow(/^X: one\/Dockerfile stage 'b'/);
    expect(() => second.assertNonRoot("X")).toThrow(/^X: two\/Dockerfile stage 'b'/);
    expect(() => Dockerfile.parse(text, { displayName: "three", target: "c" })).toThrow(
      /^three: target stage "c" does not exist/,
    );
    expect(second.findings).toEqual(first.findings);
    expect(second.stages).toEqual(first.stages);
  });

  test("other build arguments or another target give another analysis", () => {
    const plain = Dockerfile.parse(text, { buildArgs: { U: "1000" } });
    const root = Dockerfile.parse(text, { buildArgs: { U: "0" } });
    expect(plain.runtimeUser).toMatchObject({ isRoot: false, uid: 1000 });
    expect(root.runtimeUser.isRoot).toBe(true);
    expect(Dockerfile.parse(text, { buildArgs: { U: "1000" }, target: "a" }).finalStage.name).toBe(
      "a",
    );
    expect(Dockerfile.parse(text, { buildArgs: { U: "1000" } }).finalStage.name).toBe("b");
  });

  test("the stages array of one Dockerfile is its own", () => {
    const first = Dockerfile.parse(text);
    first.stages.pop();
    expect(Dockerfile.parse(text).stages).toHaveLength(2);
  });
});

describe("model", () => {
  test("render returns the text as given", () => {
    const text = "# comment\r\nfrom debian:13\r\n\r\nuser 1000\r\n";
    expect(Dockerfile.parse(text).render()).toBe(text);
  });

  test("the model is immutable: what a Dockerfile hands out is a copy", () => {
    const text = "FROM debian:13 AS a\nUSER 0\n";
    const df = Dockerfile.parse(text);
    // Not frozen: jsii tags the struct objects it passes to other languages (Python, ...).
    expect(Object.isExtensible(df.stages[0])).toBe(true);
    expect(Object.isExtensible(df.runtimeUser)).toBe(true);
    expect(Object.isExtensible(df.findings[0])).toBe(true);
    (df.runtimeUser as { isRoot: boolean }).isRoot = false;
    (df.stages[0] as { name?: string }).name = "b";
    (df.findings[0] as { message: string }).message = "changed";
    const findings = df.findings;
    findings.length = 0;
    expect(df.findings.length).toBeGreaterThan(0);
    expect(df.findings.map((f) => f.message)).not.toContain("changed");
    expect(() => df.assertNonRoot("owner")).toThrow(
      "owner: Dockerfile stage 'a' (line 1) is not proven to run as a non-root user",
    );
    const again = Dockerfile.parse(text);
    expect(again.runtimeUser.isRoot).toBe(true);
    expect(again.stages[0].name).toBe("a");
  });

  test("optional fields are left out when unknown", () => {
    const df = Dockerfile.parse("FROM debian:13\nUSER app\n");
    expect(Object.keys(df.stages[0]).sort()).toEqual(["baseImage", "endLine", "index", "line"]);
    expect(Object.keys(df.runtimeUser).sort()).toEqual(["isRoot", "line", "reason", "user"]);
  });

  test("parsing is cheap and the same text is not re-parsed (withOptions; per app, see analysis-cache)", () => {
    const lines = ["FROM rust:1-trixie AS build"];
    for (let i = 0; i < 200; i++) {
      lines.push(`RUN echo ${i} \\`, `  && true`);
    }
    lines.push("FROM gcr.io/distroless/cc-debian13:nonroot", "COPY --from=build /a /a");
    const text = lines.join("\n");
    const first = Dockerfile.parse(text);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) {
      first.withOptions({ buildArgs: { I: String(i) } });
    }
    const perParseMs = Number(process.hrtime.bigint() - start) / 1e6 / 200;
    expect(perParseMs).toBeLessThan(2);
    expect(Dockerfile.parse(text).stages).toEqual(first.stages);
  });
});
