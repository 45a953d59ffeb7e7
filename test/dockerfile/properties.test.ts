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
  fc.constant({ keyword: "RUN", args: "useradd -u 10001 app && mkdir /app" }),
  fc.constant({ keyword: "RUN", args: "useradd -o -u 0 app" }),
  fc.constant({ keyword: "RUN", args: "userdel app" }),
  fc.constant({ keyword: "COPY", args: "--from=0 /etc/passwd /etc/passwd" }),
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

test("each new Dockerfile text is parsed once by the analysis and once by dockerfile-utils (CR007)", () => {
  const parse = jest.spyOn(DockerfileParser, "parse");
  try {
    const text = `FROM gcr.io/distroless/static-debian13:nonroot\nLABEL n="${process.hrtime.bigint()}"\nUSER 65532\n`;
    const dockerfile = Dockerfile.parse(text);
    expect(parse.mock.calls.filter(([content]) => content === text)).toHaveLength(1);
    expect(dockerfile.findings.filter((f) => f.ruleId === "CR007")).toEqual([]);
    expect(dockerfile.findings).toEqual(dockerfile.findings);
    expect(parse.mock.calls.filter(([content]) => content === text)).toHaveLength(2);
  } finally {
    parse.mockRestore();
  }
});

describe("user names resolved to uids", () => {
  const MAX_UID = 4294967294;
  const userName = fc
    .stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/)
    .filter(
      (n) =>
        ![
          "root",
          "if",
          "then",
          "else",
          "elif",
          "fi",
          "do",
          "done",
          "for",
          "while",
          "until",
        ].includes(n) && !["case", "esac", "select", "in", "time"].includes(n),
    );
  const uid = fc.integer({ min: 1, max: MAX_UID });
  const base = fc.constantFrom("debian:13", "alpine:3", "ubuntu:24.04", "fedora:41");
  const creates = fc.constantFrom(
    (n: string, u: string) => `useradd -u ${u} ${n}`,
    (n: string, u: string) => `useradd --uid ${u} ${n}`,
    (n: string, u: string) => `useradd --uid=${u} ${n}`,
    (n: string, u: string) => `useradd -u${u} ${n}`,
    (n: string, u: string) => `useradd -r -m -d /home/${n} -s /bin/sh -u ${u} ${n}`,
    (n: string, u: string) => `useradd ${n} -u ${u}`,
    (n: string, u: string) => `/usr/sbin/useradd -u "${u}" '${n}'`,
    (n: string, u: string) => `adduser -D -H -u ${u} ${n}`,
    (n: string, u: string) => `adduser -S -G ${n} -h /app -u ${u} ${n}`,
    (n: string, u: string) => `adduser --disabled-password --gecos "" --uid ${u} ${n}`,
    (n: string, u: string) => `adduser --system --uid=${u} ${n}`,
  );
  const other = fc.constantFrom(
    "apt-get update",
    "mkdir -p /app",
    "chown -R 1:1 /app",
    "echo 'hello && world' > /tmp/x",
    "groupadd -g 4242 grp",
    "true",
  );
  const joiner = fc.constantFrom(" && ", "; ", " \\\n  && ", " ;\\\n  ");

  test("RUN useradd/adduser -u N name, then USER name: uid N, non-root, no CR001/CR008", () => {
    fc.assert(
      fc.property(
        base,
        userName,
        uid,
        creates,
        fc.array(other, { maxLength: 2 }),
        fc.array(other, { maxLength: 2 }),
        joiner,
        fc.boolean(),
        (image, name, n, create, before, after, join, withGroup) => {
          const run = [...before, create(name, String(n)), ...after].join(join);
          const text = `FROM ${image}\nRUN ${run}\nUSER ${name}${withGroup ? `:${name}` : ""}\n`;
          const df = Dockerfile.parse(text);
          const userLine = text.split("\n").length - 1;
          expect(df.runtimeUser).toMatchObject({ uid: n, isRoot: false, line: userLine });
          expect(df.runtimeUser.reason).toContain(`creates it with uid ${n}`);
          expect(df.findings.filter((f) => f.ruleId === "CR001" || f.ruleId === "CR008")).toEqual(
            [],
          );
        },
      ),
      { seed: 2016, numRuns: 300 },
    );
  });

  test("-o -u 0 (in any spelling) makes a root alias: root, uid 0", () => {
    const alias = fc.constantFrom(
      (n: string, z: string) => `useradd -o -u ${z} ${n}`,
      (n: string, z: string) => `useradd --non-unique --uid ${z} ${n}`,
      (n: string, z: string) => `useradd -ou ${z} ${n}`,
      (n: string, z: string) => `useradd -ou${z} ${n}`,
      (n: string, z: string) => `useradd -o --uid=${z} -m ${n}`,
      (n: string, z: string) => `useradd -u 1000 ${n} && usermod -o -u ${z} ${n}`,
    );
    fc.assert(
      fc.property(
        base,
        userName,
        alias,
        fc.constantFrom("0", "00", "000"),
        fc.array(other, { maxLength: 2 }),
        joiner,
        (image, name, make, zero, before, join) => {
          const text = `FROM ${image}\nRUN ${[...before, make(name, zero)].join(join)}\nUSER ${name}\n`;
          const df = Dockerfile.parse(text);
          expect(df.runtimeUser).toMatchObject({ uid: 0, isRoot: true });
          expect(df.findings.some((f) => f.ruleId === "CR001")).toBe(true);
          expect(() => df.assertNonRoot("X")).toThrow(/an alias of root/);
        },
      ),
      { seed: 1600, numRuns: 200 },
    );
  });

  /** A reference model of /etc/passwd: the last change to a name wins. */
  type Op =
    | { kind: "create"; name: string; uid?: number }
    | { kind: "delete"; name: string }
    | { kind: "usermod"; name: string; uid: number };
  const names = fc.constantFrom("app", "svc", "web");
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("create" as const),
      name: names,
      uid: fc.option(uid, { nil: undefined }),
    }),
    fc.record({ kind: fc.constant("delete" as const), name: names }),
    fc.record({ kind: fc.constant("usermod" as const), name: names, uid }),
  );
  function render(o: Op): string {
    if (o.kind === "create") {
      return o.uid === undefined ? `useradd ${o.name}` : `useradd -u ${o.uid} ${o.name}`;
    }
    return o.kind === "delete" ? `userdel -r ${o.name}` : `usermod -u ${o.uid} ${o.name}`;
  }

  test("a sequence of useradd/userdel/usermod, in one RUN or several stages, matches a model", () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 8 }),
        names,
        fc.nat({ max: 3 }),
        (ops, who, splits) => {
          // The reference: uid, "allocated", "missing" or absent.
          const model = new Map<string, number | "allocated" | "missing">();
          for (const o of ops) {
            if (o.kind === "create") {
              model.set(o.name, o.uid ?? "allocated");
            } else if (o.kind === "delete") {
              model.set(o.name, "missing");
            } else if (model.has(o.name) && model.get(o.name) !== "missing") {
              model.set(o.name, o.uid);
            } else {
              // usermod of a user the analysis does not know: it exists (or usermod fails).
              model.set(o.name, o.uid);
            }
          }
          // Spread the commands over `splits + 1` stages, each built FROM the previous one.
          const per = Math.ceil(ops.length / (splits + 1));
          const lines: string[] = [];
          for (let s = 0; s * per < ops.length; s++) {
            lines.push(s === 0 ? "FROM debian:13 AS s0" : `FROM s${s - 1} AS s${s}`);
            lines.push(
              `RUN ${ops
                .slice(s * per, (s + 1) * per)
                .map(render)
                .join(" && ")}`,
            );
          }
          lines.push(`USER ${who}`, "");
          const df = Dockerfile.parse(lines.join("\n"));
          const expected = model.get(who);
          const cr008 = df.findings.some((f) => f.ruleId === "CR008");
          expect(df.runtimeUser.isRoot).toBe(false);
          if (typeof expected === "number") {
            expect(df.runtimeUser.uid).toBe(expected);
            expect(cr008).toBe(false);
          } else {
            expect(df.runtimeUser.uid).toBeUndefined();
            expect(cr008).toBe(expected !== "allocated");
          }
        },
      ),
      { seed: 77, numRuns: 300 },
    );
  });

  test("a user whose creation may not run is never proven by it", () => {
    const wrap = fc.constantFrom(
      (c: string) => `${c} || true`,
      (c: string) => `id app || ${c}`,
      (c: string) => `if ! id app; then ${c}; fi`,
      (c: string) => `while false; do ${c}; done`,
      (c: string) => `${c} | tee /log`,
      (c: string) => `! ${c}`,
      (c: string) => `( ${c} )`,
      (c: string) => `{ ${c}; }`,
      (c: string) => `${c} &`,
    );
    fc.assert(
      fc.property(wrap, uid, fc.boolean(), (w, n, alias) => {
        const create = alias ? "useradd -o -u 0 app" : `useradd -u ${n} app`;
        const df = Dockerfile.parse(`FROM debian:13\nRUN ${w(create)}\nUSER app\n`);
        expect(df.runtimeUser.uid).toBeUndefined();
        expect(df.runtimeUser.isRoot).toBe(alias);
        expect(df.findings.some((f) => f.ruleId === (alias ? "CR001" : "CR008"))).toBe(true);
      }),
      { seed: 31, numRuns: 200 },
    );
  });

  test("any RUN text leaves the analysis total: no exception, and uid 0 is always root", () => {
    const script = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(
          fc.constantFrom(
            "useradd",
            "adduser",
            "usermod",
            "userdel",
            "-o",
            "-u",
            "0",
            "1000",
            "app",
            "&&",
            "||",
            ";",
            "|",
            "(",
            ")",
            "{",
            "}",
            "if",
            "then",
            "fi",
            "case",
            "in",
            "esac",
            "$(id -u)",
            "`id`",
            "${X:-0}",
            "'",
            '"',
            ">",
            ">>",
            "/etc/passwd",
            "echo",
            "app:x:0:0::/:/bin/sh",
            "#",
            "\\",
            "sudo",
            "env",
            "constructor",
            "__proto__",
            "toString",
          ),
          { maxLength: 14 },
        )
        .map((words) => words.join(" ")),
    );
    fc.assert(
      fc.property(script, fc.constantFrom("app", "app:app", "nobody"), (run, who) => {
        // One line, not continued onto the USER line.
        const oneLine = run.replace(/[\r\n]/g, " ").replace(/[\\`\s]+$/, "");
        const df = Dockerfile.parse(`FROM debian:13\nRUN ${oneLine}\nUSER ${who}\n`);
        const u = df.runtimeUser;
        expect(u.reason).toMatch(/line 3/);
        if (u.uid === 0) {
          expect(u.isRoot).toBe(true);
        }
        expect(Array.isArray(df.findings)).toBe(true);
      }),
      { seed: 404, numRuns: 400 },
    );
  });
});

describe("ARG and ENV inherited across a chain of stages", () => {
  const noise = fc.constantFrom(
    "RUN echo hi",
    "COPY a /a",
    "LABEL x=y",
    "ENV OTHER=1",
    "ARG OTHER=2",
    "WORKDIR /app",
    "RUN true && false || true",
  );
  test("USER $V in the last stage resolves to the first stage's default, or the build argument", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4294967294 }),
        fc.constantFrom("ARG", "ENV"),
        fc.array(fc.array(noise, { maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
        fc.boolean(),
        (value, keyword, bodies, override, braces) => {
          const lines = ["FROM debian:13 AS s0", `${keyword} V=${value}`];
          bodies.forEach((body, k) => {
            lines.push(`FROM s${k} AS s${k + 1}`, ...body);
          });
          lines.push(braces ? "USER ${V}" : "USER $V", "");
          const buildArgs = override !== undefined ? { V: String(override) } : undefined;
          const u = Dockerfile.parse(lines.join("\n"), { buildArgs }).runtimeUser;
          // A build argument replaces an ARG default; ENV is not a build argument.
          const expected = keyword === "ARG" && override !== undefined ? override : value;
          expect(u.uid).toBe(expected);
          expect(u.isRoot).toBe(expected === 0);
          expect(u.user).toBe(String(expected));
        },
      ),
      { seed: 1616, numRuns: 300 },
    );
  });

  test("a stage outside the chain never sees the ARG", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.nat({ max: 3 }), (value, depth) => {
        const lines = ["FROM debian:13 AS a", `ARG V=${value}`];
        for (let k = 0; k < depth; k++) {
          lines.push(`FROM ${k === 0 ? "a" : `c${k - 1}`} AS c${k}`);
        }
        lines.push("FROM debian:13 AS other", "USER $V", "");
        expect(Dockerfile.parse(lines.join("\n")).runtimeUser.isRoot).toBe(true);
      }),
      { seed: 6161, numRuns: 100 },
    );
  });
});
