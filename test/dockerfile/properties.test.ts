import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import fc from "fast-check";
import { Dockerfile, RuntimeUser } from "../../src";

/** One instruction of a generated Dockerfile: keyword and argument text. */
interface Ins {
  readonly keyword: string;
  readonly args: string;
  /** Lines that follow the instruction line (heredoc body). */
  readonly body?: string[];
}

const value = fc.constantFrom(
  "0",
  "00",
  "1000",
  "root",
  "root:app",
  "app",
  "1000:0",
  "nonroot",
  "65532:65532",
  "$U",
  "${U}",
  "${U:-1000}",
  "${U:-0}",
  "${G:+0}",
  "$U:$G",
  "${MISSING}",
);
const varName = fc.constantFrom("U", "G", "BASE");
const image = fc.constantFrom(
  "debian:13",
  "scratch",
  "gcr.io/distroless/cc-debian13:nonroot",
  "gcr.io/distroless/static-debian13",
  `gcr.io/distroless/base-debian13:debug-nonroot@sha256:${"d".repeat(64)}`,
  "${BASE}",
);

const instruction: fc.Arbitrary<Ins> = fc.oneof<fc.Arbitrary<Ins>[]>(
  value.map((v) => ({ keyword: "USER", args: v })),
  fc.tuple(varName, fc.option(value)).map(([n, v]) => ({
    keyword: "ARG",
    args: v === null ? n : `${n}=${v}`,
  })),
  fc.tuple(varName, value).map(([n, v]) => ({ keyword: "ENV", args: `${n}=${v}` })),
  fc.constant({ keyword: "RUN", args: "echo hello && true" }),
  fc.constant({ keyword: "RUN", args: "<<EOF", body: ["USER 0", "FROM scratch", "EOF"] }),
  fc.constant({ keyword: "COPY", args: "--from=0 /a /b" }),
  fc.constant({ keyword: "CMD", args: '["/app"]' }),
);

interface Stage {
  readonly base: string | number; // an image, or the index of an earlier stage
  readonly named: boolean;
  readonly platform: boolean;
  readonly body: Ins[];
}

const dockerfileModel = fc.record({
  preArgs: fc.array(
    fc.tuple(varName, fc.option(fc.constantFrom("debian:13", "scratch", "1000", "0"))),
    { maxLength: 3 },
  ),
  stages: fc.array(
    fc.record({
      base: fc.oneof(image, fc.nat({ max: 3 })),
      named: fc.boolean(),
      platform: fc.boolean(),
      body: fc.array(instruction, { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

type Model = { preArgs: [string, string | null][]; stages: Stage[] };

function instructions(model: Model): Ins[] {
  const out: Ins[] = model.preArgs.map(([n, v]) => ({
    keyword: "ARG",
    args: v === null ? n : `${n}=${v}`,
  }));
  model.stages.forEach((stage, i) => {
    let base: string;
    if (typeof stage.base === "number") {
      const earlier = stage.base < i && model.stages[stage.base].named;
      base = earlier ? `s${stage.base}` : "debian:13";
    } else {
      base = stage.base;
    }
    const platform = stage.platform ? "--platform=linux/amd64 " : "";
    out.push({ keyword: "FROM", args: `${platform}${base}${stage.named ? ` AS s${i}` : ""}` });
    out.push(...stage.body);
  });
  return out;
}

function canonical(model: Model): string {
  return instructions(model)
    .map((i) => [`${i.keyword} ${i.args}`, ...(i.body ?? [])].join("\n"))
    .join("\n");
}

/** Choices for rendering the same instructions with noise that must not change the meaning. */
const noise = fc.record({
  escapeDirective: fc.boolean(),
  perInstruction: fc.array(
    fc.record({
      keywordCase: fc.constantFrom("upper", "lower", "mixed"),
      commentsBefore: fc.nat({ max: 2 }),
      blankLinesBefore: fc.nat({ max: 2 }),
      continuation: fc.constantFrom("none", "after-keyword", "with-comment"),
      lowercaseAs: fc.boolean(),
      trailingSpaces: fc.boolean(),
    }),
    { minLength: 40, maxLength: 40 },
  ),
});

type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

function noisy(model: Model, n: Noise): string {
  const escape = n.escapeDirective ? "`" : "\\";
  const lines: string[] = n.escapeDirective ? ["# escape=`", ""] : [];
  instructions(model).forEach((ins, k) => {
    const c = n.perInstruction[k % n.perInstruction.length];
    for (let b = 0; b < c.blankLinesBefore; b++) {
      lines.push("");
    }
    for (let m = 0; m < c.commentsBefore; m++) {
      lines.push(`# USER root ${m}`);
    }
    let keyword = ins.keyword;
    if (c.keywordCase === "lower") {
      keyword = keyword.toLowerCase();
    } else if (c.keywordCase === "mixed") {
      keyword = keyword[0] + keyword.slice(1).toLowerCase();
    }
    let args = ins.args;
    if (ins.keyword === "FROM" && c.lowercaseAs) {
      args = args.replace(" AS ", " as ");
    }
    const heredoc = ins.body !== undefined;
    if (c.continuation === "after-keyword" && !heredoc) {
      lines.push(`${keyword} ${escape}`, `    ${args}`);
    } else if (c.continuation === "with-comment" && !heredoc) {
      lines.push(`${keyword} ${escape}`, "# USER 0", `  ${args}`);
    } else {
      lines.push(`${keyword} ${args}${c.trailingSpaces && !heredoc ? "   " : ""}`);
    }
    lines.push(...(ins.body ?? []));
  });
  return lines.join("\n") + "\n";
}

function essence(u: RuntimeUser) {
  return { user: u.user, uid: u.uid, isRoot: u.isRoot };
}

function stagesEssence(df: Dockerfile) {
  return df.stages.map((s) => ({
    index: s.index,
    name: s.name,
    baseImage: s.baseImage,
    parentStage: s.parentStage,
    platform: s.platform,
  }));
}

const buildArgs = fc.option(
  fc.dictionary(varName, fc.constantFrom("0", "1000", "app", "debian:13"), { maxKeys: 2 }),
  { nil: undefined },
);

describe("formatting never changes the analysis", () => {
  test("comments, blank lines, continuations, lowercase keywords and the escape directive", () => {
    fc.assert(
      fc.property(dockerfileModel, noise, buildArgs, (model, n, args) => {
        const plain = Dockerfile.parse(canonical(model), { buildArgs: args });
        const formatted = Dockerfile.parse(noisy(model, n), { buildArgs: args });
        expect(essence(formatted.runtimeUser)).toEqual(essence(plain.runtimeUser));
        expect(stagesEssence(formatted)).toEqual(stagesEssence(plain));
        const ruleIds = (df: Dockerfile) =>
          df.findings.filter((f) => f.ruleId !== "CR007").map((f) => f.ruleId);
        expect(ruleIds(formatted)).toEqual(ruleIds(plain));
      }),
      { seed: 1234, numRuns: 300 },
    );
  });

  test("the analysis is deterministic and render round-trips", () => {
    fc.assert(
      fc.property(dockerfileModel, noise, (model, n) => {
        const text = noisy(model, n);
        const a = Dockerfile.parse(text);
        const b = Dockerfile.parse(a.render());
        expect(b.render()).toBe(text);
        expect(b.runtimeUser).toEqual(a.runtimeUser);
        expect(b.stages).toEqual(a.stages);
        expect(b.findings).toEqual(a.findings);
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  test("a non-root proof always names where it comes from", () => {
    fc.assert(
      fc.property(dockerfileModel, buildArgs, (model, args) => {
        const df = Dockerfile.parse(canonical(model), { buildArgs: args });
        const u = df.runtimeUser;
        expect(u.reason.length).toBeGreaterThan(0);
        expect(u.reason).toMatch(/line \d+/);
        if (u.uid === 0) {
          expect(u.isRoot).toBe(true);
        }
        if (!u.isRoot) {
          expect(df.findings.some((f) => f.ruleId === "CR001")).toBe(false);
          expect(() => df.assertNonRoot("X")).not.toThrow();
        } else {
          expect(df.findings.some((f) => f.ruleId === "CR001")).toBe(true);
          expect(() => df.assertNonRoot("X")).toThrow(/^X: Dockerfile stage /);
        }
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe("CR007 reuses the parsed syntax tree", () => {
  test("its findings are exactly what dockerfile-utils validate() reports for the text", () => {
    const parse = DockerfileParser.parse;
    fc.assert(
      fc.property(dockerfileModel, noise, (model, n) => {
        const text = noisy(model, n);
        // Findings are ordered by line; compare as sorted lists.
        const sorted = (list: string[]) => [...list].sort();
        const expected = validate(text).map(
          (d) => `Line ${d.range.start.line + 1}: ${d.message} (dockerfile-utils).`,
        );
        const found = Dockerfile.parse(text)
          .findings.filter((f) => f.ruleId === "CR007")
          .map((f) => f.message);
        expect(sorted(found)).toEqual(sorted(expected));
        // The parser is itself again after the analysis.
        expect(DockerfileParser.parse).toBe(parse);
      }),
      { seed: 4321, numRuns: 200 },
    );
  });
});

test("each new Dockerfile text is parsed once, CR007 included", () => {
  const parse = jest.spyOn(DockerfileParser, "parse");
  try {
    const text = `FROM gcr.io/distroless/static-debian13:nonroot\nLABEL n="${process.hrtime.bigint()}"\nUSER 65532\n`;
    const dockerfile = Dockerfile.parse(text);
    expect(dockerfile.findings.filter((f) => f.ruleId === "CR007")).toEqual([]);
    expect(parse.mock.calls.filter(([content]) => content === text)).toHaveLength(1);
  } finally {
    parse.mockRestore();
  }
});
