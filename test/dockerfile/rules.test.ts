import { Dockerfile, DockerfileParseOptions, DockerfileRules, FindingSeverity } from "../../src";

function findings(text: string, ruleId: string, options?: DockerfileParseOptions) {
  return Dockerfile.parse(text, options).findings.filter((f) => f.ruleId === ruleId);
}

const DIGEST = `@sha256:${"c".repeat(64)}`;
const CC13 = `gcr.io/distroless/cc-debian13:nonroot${DIGEST}`;

test("rule ids are stable", () => {
  expect([
    DockerfileRules.FINAL_STAGE_NOT_NON_ROOT,
    DockerfileRules.GLIBC_DEBIAN_MISMATCH,
    DockerfileRules.SHELL_FORM_WITHOUT_SHELL,
    DockerfileRules.BASE_IMAGE_UNTAGGED,
    DockerfileRules.BASE_IMAGE_NOT_PINNED,
    DockerfileRules.DEBIAN12_RUNTIME_EOL,
    DockerfileRules.SYNTAX,
    DockerfileRules.USER_NAME_UNRESOLVED,
  ]).toEqual(["CR001", "CR002", "CR003", "CR004", "CR005", "CR006", "CR007", "CR008"]);
});

test("a clean Dockerfile has no findings at all", () => {
  const text = [
    `FROM rust:1.91-trixie${DIGEST} AS build`,
    "WORKDIR /src",
    "COPY . .",
    "RUN cargo build --release",
    `FROM ${CC13}`,
    "COPY --from=build /src/target/release/app /app",
    "USER 65532:65532",
    'ENTRYPOINT ["/app"]',
    "",
  ].join("\n");
  expect(Dockerfile.parse(text).findings).toEqual([]);
});

test("findings are sorted: errors first, then by line", () => {
  const df = Dockerfile.parse("FROM debian\nCMD run\nFROM scratch\nCMD run\n");
  const severities = df.findings.map((f) => f.severity);
  const firstNonError = severities.findIndex((s) => s !== FindingSeverity.ERROR);
  expect(severities.slice(firstNonError)).not.toContain(FindingSeverity.ERROR);
  const errors = df.findings.filter((f) => f.severity === FindingSeverity.ERROR);
  expect(errors.map((f) => f.line)).toEqual([...errors.map((f) => f.line)].sort((a, b) => a - b));
});

describe("CR001 final stage not proven non-root", () => {
  test("non-compliant: root, unresolved, or no USER", () => {
    expect(findings("FROM debian:13\nUSER 1000\nUSER root\n", "CR001")).toEqual([
      {
        ruleId: "CR001",
        severity: FindingSeverity.ERROR,
        line: 3,
        message:
          'The final stage #0 is not proven to run as a non-root user: USER "root" at line 3 in stage #0 sets the root user. Fix: add "USER 65532:65532" to the final stage, or build it FROM a distroless ":nonroot" image such as gcr.io/distroless/cc-debian13:nonroot.',
      },
    ]);
    expect(findings("FROM debian:13\nUSER $X\n", "CR001")).toHaveLength(1);
    const noUser = findings("FROM debian:13 AS app\nRUN true\n", "CR001");
    expect(noUser).toHaveLength(1);
    expect(noUser[0].line).toBe(1);
  });

  test("compliant: explicit non-root USER or a :nonroot distroless base", () => {
    expect(findings("FROM debian:13\nUSER 1000\n", "CR001")).toEqual([]);
    expect(findings(`FROM ${CC13}\n`, "CR001")).toEqual([]);
  });

  test("the target stage is the one checked", () => {
    const text = "FROM debian:13 AS dev\nFROM debian:13 AS prod\nUSER 1000\n";
    expect(findings(text, "CR001")).toEqual([]);
    expect(findings(text, "CR001", { target: "dev" })).toHaveLength(1);
  });
});

describe("CR002 glibc builder / distroless runtime Debian mismatch", () => {
  test.each([
    ["rust:1", "gcr.io/distroless/cc-debian12:nonroot"],
    ["rust:1.91", "gcr.io/distroless/cc-debian12:nonroot"],
    ["rust:1-trixie", "gcr.io/distroless/base-debian12:nonroot"],
    ["rust:1.91-slim-trixie", "gcr.io/distroless/cc-debian12:nonroot"],
    ["lukemathwalker/cargo-chef:latest-rust-1.91-trixie", "gcr.io/distroless/cc-debian12"],
    ["rust:1-bookworm", "gcr.io/distroless/cc-debian13:nonroot"],
    ["rust:1.85", "gcr.io/distroless/cc-debian13:nonroot"],
    ["golang:1.23-bookworm", "gcr.io/distroless/base-debian13:nonroot"],
    ["node:22-bookworm-slim", "gcr.io/distroless/nodejs22-debian13:nonroot"],
    ["debian:12", "gcr.io/distroless/cc-debian13:nonroot"],
  ])("non-compliant: %s built, %s runtime", (builder, runtime) => {
    const text = `FROM ${builder} AS build\nRUN make\nFROM ${runtime}\nCOPY --from=build /out/app /app\nUSER 1000\n`;
    const found = findings(text, "CR002");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: FindingSeverity.WARNING, line: 4 });
    expect(found[0].message).toContain(`stage 'build' (base image ${builder}, Debian`);
    expect(found[0].message).toContain(`into the runtime ${runtime} (Debian`);
    expect(found[0].message).toContain("missing GLIBC symbols");
  });

  test("the message names both releases", () => {
    const [f] = findings(
      "FROM rust:1 AS build\nFROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=build /a /a\n",
      "CR002",
    );
    expect(f.message).toBe(
      "COPY --from=build at line 3 copies from stage 'build' (base image rust:1, Debian 13 trixie) into the runtime gcr.io/distroless/cc-debian12:nonroot (Debian 12 bookworm); a binary linked against a different glibc can fail at start with missing GLIBC symbols. Fix: build on the same Debian release as the runtime (e.g. rust:1-trixie with a -debian13 runtime, or rust:1-bookworm with -debian12).",
    );
  });

  test.each([
    ["rust:1", "gcr.io/distroless/cc-debian13:nonroot"],
    ["rust:1-trixie", "gcr.io/distroless/cc-debian13:nonroot"],
    ["rust:1-bookworm", "gcr.io/distroless/cc-debian12:nonroot"],
    ["lukemathwalker/cargo-chef:latest-rust-1.91-trixie", "gcr.io/distroless/cc-debian13"],
    // static images contain no glibc, musl and unknown builders are not judged
    ["rust:1", "gcr.io/distroless/static-debian12:nonroot"],
    ["rust:1-alpine", "gcr.io/distroless/cc-debian12:nonroot"],
    ["ubuntu:24.04", "gcr.io/distroless/cc-debian12:nonroot"],
    // the runtime is not distroless
    ["rust:1", "debian:12"],
  ])("compliant: %s built, %s runtime", (builder, runtime) => {
    const text = `FROM ${builder} AS build\nFROM ${runtime}\nCOPY --from=build /out/app /app\n`;
    expect(findings(text, "CR002")).toEqual([]);
  });

  test("builders are followed through stage inheritance, by index and through variables", () => {
    const viaChain =
      "FROM rust:1 AS chef\nFROM chef AS build\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build /a /a\n";
    expect(findings(viaChain, "CR002")).toHaveLength(1);
    const byIndex = "FROM rust:1\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=0 /a /a\n";
    expect(findings(byIndex, "CR002")).toHaveLength(1);
    const byVariable =
      "FROM rust:1 AS build\nFROM gcr.io/distroless/cc-debian12\nARG SRC=build\nCOPY --from=$SRC /a /a\n";
    expect(findings(byVariable, "CR002")).toHaveLength(1);
    const fromImage = "FROM gcr.io/distroless/cc-debian12\nCOPY --from=rust:1-trixie /a /a\n";
    expect(findings(fromImage, "CR002")).toHaveLength(1);
  });

  test("a COPY with --from beside other flags is judged (--chown, --link, in any order)", () => {
    for (const flags of [
      "--from=build --chown=65532:65532",
      "--chown=1000 --from=build",
      "--link --from=build",
    ]) {
      const text = `FROM rust:1 AS build\nFROM gcr.io/distroless/cc-debian12\nCOPY ${flags} /a /a\n`;
      expect(findings(text, "CR002")).toHaveLength(1);
    }
  });

  test("a tag token that is an Object.prototype member is not a Debian code name", () => {
    for (const tag of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      const text = `FROM rust:${tag} AS build\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build /a /a\n`;
      expect(findings(text, "CR002")).toEqual([]);
    }
  });

  test("a COPY without --from is not judged", () => {
    expect(
      findings(
        "FROM rust:1 AS build\nFROM gcr.io/distroless/cc-debian12\nCOPY app /app\n",
        "CR002",
      ),
    ).toEqual([]);
  });
});

describe("CR003 shell-form CMD/ENTRYPOINT without a shell", () => {
  test.each([
    ["gcr.io/distroless/cc-debian13:nonroot", "ENTRYPOINT /app/server"],
    ["gcr.io/distroless/cc-debian13:nonroot", "CMD /app/server --port 8080"],
    ["gcr.io/distroless/nodejs22-debian13:nonroot", "CMD node server.js"],
    ["gcr.io/distroless/cc-debian13:nonroot", "CMD ['/app/server']"],
    ["scratch", "ENTRYPOINT /app"],
  ])("non-compliant: %s with %s", (base, instruction) => {
    const found = findings(`FROM ${base}\nUSER 1000\n${instruction}\n`, "CR003");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: FindingSeverity.ERROR, line: 3 });
    expect(found[0].message).toContain("is in shell form");
    expect(found[0].message).toContain(`runs on ${base}, which has no shell`);
  });

  test.each([
    ["gcr.io/distroless/cc-debian13:nonroot", 'ENTRYPOINT ["/app/server"]'],
    ["gcr.io/distroless/nodejs22-debian13:nonroot", 'CMD ["server.js"]'],
    ["scratch", 'CMD ["/app"]'],
    ["gcr.io/distroless/cc-debian13:debug-nonroot", "CMD /app/server"],
    ["gcr.io/distroless/cc-debian13:debug", "CMD /app/server"],
    ["debian:13", "CMD /app/server"],
  ])("compliant: %s with %s", (base, instruction) => {
    expect(findings(`FROM ${base}\nUSER 1000\n${instruction}\n`, "CR003")).toEqual([]);
  });

  test("only the effective CMD counts, also when inherited from a parent stage", () => {
    const overridden = `FROM ${CC13}\nCMD /app\nCMD ["/app"]\n`;
    expect(findings(overridden, "CR003")).toEqual([]);
    const inherited = `FROM ${CC13} AS base\nENTRYPOINT /app\nFROM base\nUSER 1\n`;
    expect(findings(inherited, "CR003")).toMatchObject([{ line: 2 }]);
  });
});

describe("CR004 base image without a tag or with latest", () => {
  test.each(["debian", "debian:latest", "gcr.io/distroless/cc-debian13", "localhost:5000/app"])(
    "non-compliant: %s",
    (image) => {
      const found = findings(`FROM ${image}\nUSER 1000\n`, "CR004");
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: FindingSeverity.WARNING, line: 1 });
      expect(found[0].message).toContain(`base image ${image}`);
    },
  );

  test.each([
    "debian:13",
    "localhost:5000/app:1.2",
    `debian${DIGEST}`,
    `debian:latest${DIGEST}`,
    "scratch",
  ])("compliant: %s", (image) => {
    expect(findings(`FROM ${image}\nUSER 1000\n`, "CR004")).toEqual([]);
  });

  test("stage references are not images", () => {
    expect(findings("FROM debian:13 AS base\nFROM base\nUSER 1\n", "CR004")).toEqual([]);
  });
});

describe("CR005 base image not pinned by digest", () => {
  test("non-compliant: a tag without a digest", () => {
    expect(findings("FROM debian:13\nUSER 1000\n", "CR005")).toEqual([
      {
        ruleId: "CR005",
        severity: FindingSeverity.INFO,
        line: 1,
        message:
          "Stage #0 (line 1): base image debian:13 is not pinned by digest, so the same tag can give a different image. Pin it with @sha256:... for reproducible builds.",
      },
    ]);
  });

  test("compliant: a digest, scratch, or a stage reference", () => {
    expect(findings(`FROM debian:13${DIGEST} AS a\nFROM a\nFROM scratch\n`, "CR005")).toEqual([]);
  });
});

describe("CR006 Debian 12 distroless runtime", () => {
  test("non-compliant: a -debian12 runtime, also through inheritance", () => {
    const found = findings("FROM gcr.io/distroless/cc-debian12:nonroot\n", "CR006");
    expect(found).toEqual([
      {
        ruleId: "CR006",
        severity: FindingSeverity.WARNING,
        line: 1,
        message:
          "Stage #0 (line 1): the runtime gcr.io/distroless/cc-debian12:nonroot is a Debian 12 distroless image, end of life since September 2026 (no more security updates). Fix: use the -debian13 variant (e.g. gcr.io/distroless/cc-debian13) and build on Debian 13 (trixie).",
      },
    ]);
    expect(
      findings("FROM gcr.io/distroless/static-debian12 AS rt\nFROM rt\nUSER 1\n", "CR006"),
    ).toMatchObject([{ line: 1 }]);
  });

  test("compliant: a -debian13 runtime, or Debian 12 only in a builder", () => {
    expect(findings(`FROM ${CC13}\n`, "CR006")).toEqual([]);
    expect(findings(`FROM gcr.io/distroless/cc-debian12 AS old\nFROM ${CC13}\n`, "CR006")).toEqual(
      [],
    );
  });
});

describe("CR007 dockerfile-utils diagnostics", () => {
  test("non-compliant: errors map to errors, warnings to warnings", () => {
    const found = findings("FROM debian:13\nENV A\nuser 1000\n", "CR007");
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: FindingSeverity.ERROR, line: 2 }),
        {
          ruleId: "CR007",
          severity: FindingSeverity.WARNING,
          line: 3,
          message:
            "Line 3: Instructions should be written in uppercase letters (dockerfile-utils).",
        },
      ]),
    );
    expect(findings("FROM a AS b c\n", "CR007")).toMatchObject([
      { severity: FindingSeverity.ERROR, line: 1 },
    ]);
  });

  test("compliant: a valid Dockerfile", () => {
    expect(findings("FROM debian:13\nENV A=1\nUSER 1000\n", "CR007")).toEqual([]);
  });
});

describe("CR008 user name whose uid is not resolved", () => {
  test("non-compliant: a name nothing defines", () => {
    expect(findings("FROM debian:13\nRUN true\nUSER app:app\n", "CR008")).toEqual([
      {
        ruleId: "CR008",
        severity: FindingSeverity.WARNING,
        line: 3,
        message:
          'USER "app:app" at line 3 (final stage #0) names the user "app", whose uid is not known: no useradd or adduser in the stage chain creates it, and the base image debian:13 is not known to define it. It counts as non-root (a user missing from /etc/passwd cannot start), but no uid is proven, and Kubernetes\' runAsNonRoot refuses a non-numeric user for the same reason. Fix: give the uid, e.g. "USER 65532:65532" (or the uid your useradd -u sets).',
      },
    ]);
  });

  test("non-compliant: a name from a variable, inherited, or whose creation may not run", () => {
    expect(findings("FROM debian:13 AS a\nARG U=svc\nUSER $U\nFROM a\n", "CR008")).toMatchObject([
      {
        line: 3,
        message: expect.stringContaining(
          'USER "$U" at line 3 (final stage #1) names the user "svc"',
        ),
      },
    ]);
    expect(
      findings("FROM debian:13\nRUN useradd -u 1000 app || true\nUSER app\n", "CR008"),
    ).toMatchObject([{ line: 3, message: expect.stringContaining("so its uid is not proven") }]);
    expect(findings("FROM scratch\nCOPY passwd /etc/passwd\nUSER app\n", "CR008")).toHaveLength(1);
  });

  test("compliant: a numeric USER, a name with a proven uid, root, or no USER", () => {
    expect(findings("FROM debian:13\nUSER 10001:10001\n", "CR008")).toEqual([]);
    expect(findings("FROM debian:13\nRUN useradd -u 10001 app\nUSER app\n", "CR008")).toEqual([]);
    expect(findings("FROM debian:13\nRUN useradd --system app\nUSER app\n", "CR008")).toEqual([]);
    expect(findings("FROM node:22\nUSER node\n", "CR008")).toEqual([]);
    expect(findings(`FROM ${CC13}\nUSER nonroot\n`, "CR008")).toEqual([]);
    // Root is CR001's business, not CR008's.
    expect(findings("FROM debian:13\nRUN useradd -o -u 0 app\nUSER app\n", "CR008")).toEqual([]);
    expect(findings(`FROM ${CC13}\n`, "CR008")).toEqual([]);
  });

  test("only the final (or target) stage is checked", () => {
    const text = "FROM debian:13 AS dev\nUSER dev\nFROM debian:13 AS prod\nUSER 1000\n";
    expect(findings(text, "CR008")).toEqual([]);
    expect(findings(text, "CR008", { target: "dev" })).toMatchObject([{ line: 2 }]);
  });
});
