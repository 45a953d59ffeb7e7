import { Dockerfile, DockerfileParseOptions } from "../../src";

function user(text: string, options?: DockerfileParseOptions) {
  return Dockerfile.parse(text, options).runtimeUser;
}

const DISTROLESS = "gcr.io/distroless/cc-debian13";

describe("USER values", () => {
  test.each([
    ["root", 0],
    ["0", 0],
    ["00", 0],
    ["root:root", 0],
    ["root:1000", 0],
    ["0:0", 0],
    ["0:65532", 0],
    [":1000", 0],
  ])("USER %s is root", (value, uid) => {
    const u = user(`FROM debian:13\nUSER ${value}\n`);
    expect(u).toMatchObject({ isRoot: true, user: value, uid, line: 2 });
    expect(u.reason).toContain("line 2");
  });

  test.each([
    ["1000", 1000],
    ["65532:65532", 65532],
    ["1000:0", 1000],
    ["1000:root", 1000],
    ["001", 1],
  ])("USER %s is non-root", (value, uid) => {
    const u = user(`FROM debian:13\nUSER ${value}\n`);
    expect(u.isRoot).toBe(false);
    expect(u.user).toBe(value);
    expect(u.uid).toBe(uid);
    expect(u.reason).toBe(
      `USER ${JSON.stringify(value)} at line 2 in stage #0 sets the non-root uid ${uid}.`,
    );
  });

  test.each(["app", "app:app", "nobody", "ROOT", "rooty"])(
    "USER %s is a name nothing resolves: non-root, uid unknown",
    (value) => {
      const u = user(`FROM debian:13\nUSER ${value}\n`);
      expect(u.isRoot).toBe(false);
      expect(u.user).toBe(value);
      expect(u.uid).toBeUndefined();
      expect(u.reason).toBe(
        `USER ${JSON.stringify(value)} at line 2 in stage #0 sets the user ${JSON.stringify(value.split(":")[0])}, ` +
          "whose uid is not known: no useradd or adduser in the stage chain creates it, and the " +
          "base image debian:13 is not known to define it; it counts as non-root, since a user " +
          "missing from /etc/passwd cannot start.",
      );
    },
  );

  test("the nonroot user of distroless images is uid 65532", () => {
    expect(user(`FROM ${DISTROLESS}:latest\nUSER nonroot\n`)).toMatchObject({
      isRoot: false,
      user: "nonroot",
      uid: 65532,
    });
    // Elsewhere the name says nothing about the uid.
    expect(user("FROM debian:13\nUSER nonroot\n").uid).toBeUndefined();
  });

  test("a uid that is not valid is not proven non-root", () => {
    expect(user("FROM debian:13\nUSER 4294967295\n").isRoot).toBe(true);
    expect(user("FROM debian:13\nUSER 99999999999999999999\n").isRoot).toBe(true);
    expect(user("FROM debian:13\nUSER 4294967294\n").isRoot).toBe(false);
  });

  test("quotes are removed as Docker does", () => {
    expect(user('FROM debian:13\nUSER "app"\n')).toMatchObject({ isRoot: false, user: "app" });
    expect(user("FROM debian:13\nUSER 'root'\n")).toMatchObject({ isRoot: true, user: "root" });
  });

  test("a USER without a value, or with spaces, is not proven", () => {
    expect(user("FROM debian:13\nUSER\n").isRoot).toBe(true);
    const spaced = user("FROM debian:13\nUSER app other\n");
    expect(spaced.isRoot).toBe(true);
    expect(spaced.reason).toContain("not a valid user");
  });

  test("the last USER of the stage wins", () => {
    expect(user("FROM debian:13\nUSER 1000\nRUN id\nUSER root\n")).toMatchObject({
      isRoot: true,
      line: 4,
    });
    expect(user("FROM debian:13\nUSER root\nRUN apt-get update\nUSER 1000\n")).toMatchObject({
      isRoot: false,
      line: 4,
    });
  });
});

describe("base images without USER", () => {
  test.each([
    `${DISTROLESS}:nonroot`,
    `${DISTROLESS}:debug-nonroot`,
    `${DISTROLESS}:nonroot-amd64`,
    "gcr.io/distroless/static-debian13:nonroot",
    "gcr.io/distroless/nodejs22-debian13:nonroot",
    "gcr.io/distroless/static:nonroot",
    `${DISTROLESS}:nonroot@sha256:${"a".repeat(64)}`,
    `GCR.IO/distroless/cc-debian13:nonroot`,
  ])("%s is known to run as uid 65532", (image) => {
    const u = user(`FROM ${image}\nCOPY app /app\n`);
    expect(u).toEqual({
      user: "65532",
      uid: 65532,
      isRoot: false,
      reason: `Stage #0 (line 1) has no USER instruction and its base image ${image} is known to run as the non-root user 65532 (uid 65532).`,
    });
  });

  test.each([
    DISTROLESS,
    `${DISTROLESS}:latest`,
    `${DISTROLESS}:debug`,
    `${DISTROLESS}@sha256:${"a".repeat(64)}`,
    "mirror.gcr.io/distroless/cc-debian13:nonroot",
    "docker.io/distroless/cc-debian13:nonroot",
    "example.com/gcr.io/distroless/cc-debian13:nonroot",
    "distroless/cc-debian13:nonroot",
    "gcr.io/notdistroless/cc:nonroot",
    `${DISTROLESS}:nonroot-extra`,
    "debian:13",
    "node:22",
  ])("%s is not trusted", (image) => {
    const u = user(`FROM ${image}\n`);
    expect(u.isRoot).toBe(true);
    expect(u.reason).toBe(
      `Stage #0 (line 1) has no USER instruction and its base image ${image} is not known to run as a non-root user, so it is assumed to run as root.`,
    );
  });

  test("scratch runs as root", () => {
    expect(user("FROM scratch\nCOPY app /app\n")).toEqual({
      user: "root",
      uid: 0,
      isRoot: true,
      reason:
        "Stage #0 (line 1) has no USER instruction and its base image is scratch, which sets no user, so the process runs as root.",
    });
  });
});

describe("stages and inheritance", () => {
  test("the final stage is the last FROM; earlier stages do not count", () => {
    const u = user("FROM debian:13 AS build\nUSER 1000\nFROM debian:13\nCOPY --from=build /a /a\n");
    expect(u.isRoot).toBe(true);
    expect(u.reason).toContain("Stage #1 (line 3)");
  });

  test("FROM <stage> inherits the user of that stage", () => {
    const u = user("FROM debian:13 AS base\nUSER 1000\nFROM base AS final\nCOPY a /a\n");
    expect(u).toMatchObject({ isRoot: false, uid: 1000, line: 2 });
    expect(u.reason).toBe(
      `USER "1000" at line 2 in stage 'base' sets the non-root uid 1000, and stage 'final' (line 3) inherits it through FROM base at line 3.`,
    );
  });

  test("inheritance chains across several stages", () => {
    const text = [
      "FROM debian:13 AS a",
      "USER app",
      "FROM a AS b",
      "RUN true",
      "FROM b AS c",
      "FROM c",
      "",
    ].join("\n");
    const u = user(text);
    expect(u).toMatchObject({ isRoot: false, user: "app", line: 2 });
    expect(u.reason).toContain("FROM c at line 6, FROM b at line 5, FROM a at line 3");
  });

  test("a USER root in an ancestor is inherited as root", () => {
    expect(user("FROM debian:13 AS a\nUSER root\nFROM a\n").isRoot).toBe(true);
  });

  test("a USER in the stage overrides the inherited user", () => {
    expect(user("FROM debian:13 AS a\nUSER 1000\nFROM a\nUSER root\n").isRoot).toBe(true);
    expect(user("FROM debian:13 AS a\nUSER root\nFROM a\nUSER 1000\n").isRoot).toBe(false);
  });

  test("inheriting from a stage on a distroless nonroot base", () => {
    const u = user(`FROM ${DISTROLESS}:nonroot AS rt\nFROM rt\nCOPY a /a\n`);
    expect(u.isRoot).toBe(false);
    expect(u.reason).toBe(
      `Stage #1 (line 2) and the stages it is built from (FROM rt at line 2) have no USER instruction, and the base image ${DISTROLESS}:nonroot is known to run as the non-root user 65532 (uid 65532) (stage 'rt', line 1).`,
    );
  });

  test("stage names are matched case-insensitively, AS in any case", () => {
    const df = Dockerfile.parse("FROM debian:13 as Build\nUSER 1000\nFROM BUILD AS Final\n");
    expect(df.stages.map((s) => s.name)).toEqual(["build", "final"]);
    expect(df.finalStage.parentStage).toBe("build");
    expect(df.runtimeUser.isRoot).toBe(false);
  });

  test("a FROM naming a later stage is an image, not that stage", () => {
    const df = Dockerfile.parse("FROM later\nFROM debian:13 AS later\nUSER 1000\n", {
      target: "later",
    });
    expect(df.stages[0].parentStage).toBeUndefined();
    expect(
      Dockerfile.parse("FROM debian:13 AS x\nUSER 1\nFROM later\nFROM x AS later\n").runtimeUser
        .isRoot,
    ).toBe(false);
  });

  test("target selects the stage", () => {
    const text =
      "FROM debian:13 AS dev\nUSER root\nFROM debian:13 AS prod\nUSER 1000\nFROM dev AS test\n";
    expect(user(text).isRoot).toBe(true);
    expect(user(text, { target: "prod" })).toMatchObject({ isRoot: false, uid: 1000 });
    expect(user(text, { target: "PROD" }).isRoot).toBe(false);
    expect(Dockerfile.parse(text, { target: "prod" }).finalStage.index).toBe(1);
  });

  test("stages record name, base image, parent, platform and lines", () => {
    const df = Dockerfile.parse(
      [
        "ARG RUST=1.91",
        "FROM --platform=$BUILDPLATFORM rust:${RUST}-trixie AS build",
        "RUN cargo build \\",
        "  --release",
        "",
        "FROM --platform=linux/amd64 gcr.io/distroless/cc-debian13:nonroot@sha256:" +
          "b".repeat(64),
        "COPY --from=build /a /a",
        "",
      ].join("\n"),
    );
    expect(df.stages).toEqual([
      {
        index: 0,
        name: "build",
        baseImage: "rust:1.91-trixie",
        platform: "$BUILDPLATFORM",
        line: 2,
        endLine: 4,
      },
      {
        index: 1,
        baseImage: `gcr.io/distroless/cc-debian13:nonroot@sha256:${"b".repeat(64)}`,
        platform: "linux/amd64",
        line: 6,
        endLine: 7,
      },
    ]);
    expect(df.finalStage).toBe(df.stages[1]);
    expect(df.runtimeUser.isRoot).toBe(false);
  });
});

describe("variables in USER", () => {
  test.each([
    ["ARG U=1000\nUSER $U", false, "1000"],
    ["ARG U=1000\nUSER ${U}", false, "1000"],
    ["ARG U=0\nUSER ${U}", true, "0"],
    ["ENV U=1000\nUSER $U", false, "1000"],
    ["ENV U 1000\nUSER $U", false, "1000"],
    ['ENV U="1000"\nUSER $U', false, "1000"],
    ["ARG U\nUSER ${U:-1000}", false, "1000"],
    ["ARG U=\nUSER ${U:-1000}", false, "1000"],
    ["ARG U=\nUSER ${U-1000}", true, ""],
    ["ARG U\nUSER ${U-1000}", false, "1000"],
    ["ARG U=0\nUSER ${U:-1000}", true, "0"],
    ["ARG U=x\nUSER ${U:+1000}", false, "1000"],
    ["ARG U\nUSER ${U:+1000}", true, ""],
    ["ARG U=app\nUSER $U:$U", false, "app:app"],
    ["ARG G=1\nUSER 1000:$G", false, "1000:1"],
    ["ARG A=10 B=00\nUSER $A$B", false, "1000"],
    ["ARG A=1000\nENV U=$A\nUSER $U", false, "1000"],
    ["ENV U=1000\nARG U=0\nUSER $U", false, "1000"],
    ["ARG U=0\nENV U=1000\nUSER $U", false, "1000"],
    ["ENV A=1000\nENV A=0 B=$A\nUSER $B", false, "1000"],
    ["USER '$U'", false, "$U"],
    ["ARG U=1000\nUSER \\$U", false, "$U"],
  ])("%j", (body, isRoot, resolved) => {
    const u = user(`FROM debian:13\n${body}\n`);
    expect(u.isRoot).toBe(isRoot);
    expect(u.user).toBe(resolved);
  });

  test("an undeclared variable is not proven (the base image may set it)", () => {
    const u = user("FROM debian:13\nUSER $APP_UID\n");
    expect(u).toMatchObject({ isRoot: true, user: "$APP_UID", line: 2 });
    expect(u.reason).toBe(
      'USER "$APP_UID" at line 2 in stage #0 cannot be resolved: variable APP_UID has no known value (give the variable an ARG default or pass it as a build argument).',
    );
    expect(user("FROM debian:13\nUSER ${APP_UID:-1000}\n").isRoot).toBe(true);
  });

  test("on scratch nothing else can define a variable", () => {
    expect(user("FROM scratch\nUSER ${APP_UID:-1000}\n").isRoot).toBe(false);
  });

  test("build arguments override ARG defaults, only for declared ARGs", () => {
    const text = "FROM debian:13\nARG U=1000\nUSER $U\n";
    expect(user(text, { buildArgs: { U: "0" } }).isRoot).toBe(true);
    expect(user(text, { buildArgs: { U: "2000" } })).toMatchObject({ isRoot: false, uid: 2000 });
    expect(user("FROM debian:13\nARG U\nUSER $U\n", { buildArgs: { U: "1000" } }).isRoot).toBe(
      false,
    );
    // Not declared in the stage: Docker ignores the build argument.
    expect(user("FROM debian:13\nUSER $U\n", { buildArgs: { U: "1000" } }).isRoot).toBe(true);
  });

  test("ENV wins over a build argument for the same name", () => {
    const text = "FROM debian:13\nARG U=5\nENV U=1000\nUSER $U\n";
    expect(user(text, { buildArgs: { U: "0" } }).isRoot).toBe(false);
  });

  test("ARGs before the first FROM are visible in a stage only when re-declared", () => {
    expect(user("ARG U=1000\nFROM debian:13\nUSER $U\n").isRoot).toBe(true);
    expect(user("ARG U=1000\nFROM debian:13\nARG U\nUSER $U\n")).toMatchObject({
      isRoot: false,
      uid: 1000,
    });
    expect(
      user("ARG U=1000\nFROM debian:13\nARG U\nUSER $U\n", { buildArgs: { U: "0" } }).isRoot,
    ).toBe(true);
    // A stage default wins over the global default.
    expect(user("ARG U=0\nFROM debian:13\nARG U=1000\nUSER $U\n").isRoot).toBe(false);
  });

  test("ARGs before the first FROM are used in FROM lines", () => {
    const text = "ARG BASE=gcr.io/distroless/cc-debian13\nARG TAG=nonroot\nFROM ${BASE}:${TAG}\n";
    expect(Dockerfile.parse(text).stages[0].baseImage).toBe(`${DISTROLESS}:nonroot`);
    expect(user(text).isRoot).toBe(false);
    expect(user(text, { buildArgs: { TAG: "latest" } }).isRoot).toBe(true);
    expect(user("ARG BASE=debian:13 AS_BUILD\nFROM $BASE\n").isRoot).toBe(true);
  });

  test("a FROM with an unresolvable variable is not proven", () => {
    const u = user("ARG BASE\nFROM ${BASE:?required}\n");
    expect(u.isRoot).toBe(true);
    expect(u.reason).toContain("could not be resolved");
    expect(user("FROM $TARGETPLATFORM_IMAGE\n").isRoot).toBe(true);
  });

  test("a FROM whose variable names an earlier stage inherits from it", () => {
    const text = "ARG STAGE=prod\nFROM debian:13 AS prod\nUSER 1000\nFROM ${STAGE}\n";
    expect(Dockerfile.parse(text).finalStage.parentStage).toBe("prod");
    expect(user(text).isRoot).toBe(false);
  });

  test("ENV and ARG are inherited by FROM <stage>", () => {
    expect(user("FROM debian:13 AS a\nENV U=1000\nFROM a\nUSER $U\n").isRoot).toBe(false);
    expect(user("FROM debian:13 AS a\nARG U=1000\nFROM a\nUSER $U\n")).toMatchObject({
      isRoot: false,
      uid: 1000,
    });
  });

  test("token build arguments are unknown", () => {
    const token = "${TfToken[TOKEN.1]}";
    expect(user("FROM debian:13\nARG U=1000\nUSER $U\n", { buildArgs: { U: token } }).isRoot).toBe(
      true,
    );
  });

  test("variables are only resolved with what is declared before the USER line", () => {
    expect(user("FROM debian:13\nUSER $U\nARG U=1000\n").isRoot).toBe(true);
  });
});

describe("syntax forms", () => {
  test("lowercase keywords", () => {
    const df = Dockerfile.parse("from debian:13 as build\nuser 1000\nfrom build\n");
    expect(df.stages).toHaveLength(2);
    expect(df.runtimeUser).toMatchObject({ isRoot: false, uid: 1000 });
  });

  test("comments are not instructions", () => {
    expect(user("FROM debian:13\n# USER 1000\nRUN true # USER 1000\n").isRoot).toBe(true);
    expect(user("FROM debian:13\nUSER 1000\n# USER root\n").isRoot).toBe(false);
  });

  test("line continuations, with comments inside", () => {
    const text = "FROM debian:13\nUSER \\\n  1000\nRUN echo a \\\n# USER root\n  && echo b\n";
    expect(user(text)).toMatchObject({ isRoot: false, uid: 1000, line: 2 });
  });

  test("the escape directive changes the continuation character", () => {
    const text = "# escape=`\nFROM debian:13\nUSER `\n  1000\nRUN dir c:\\ `\n  && echo\n";
    expect(user(text)).toMatchObject({ isRoot: false, uid: 1000 });
    // With the default escape, a backtick is just a character.
    const plain = "FROM debian:13\nUSER `\n";
    expect(user(plain).isRoot).toBe(false);
  });

  test("heredocs are not instructions", () => {
    const text = [
      "FROM debian:13",
      "USER 1000",
      "RUN <<EOF",
      "USER root",
      "FROM scratch",
      "EOF",
      "COPY <<-CONF /etc/app.conf",
      "\tUSER 0",
      "\tCONF",
      "",
    ].join("\n");
    const df = Dockerfile.parse(text);
    expect(df.stages).toHaveLength(1);
    expect(df.runtimeUser).toMatchObject({ isRoot: false, uid: 1000, line: 2 });
  });

  test("CRLF line endings and a byte order mark", () => {
    const df = Dockerfile.parse("\uFEFFFROM debian:13 AS a\r\nUSER 1000\r\n");
    expect(df.stages[0].name).toBe("a");
    expect(df.runtimeUser.isRoot).toBe(false);
  });

  test("Windows-style escape with variables", () => {
    const text = "# escape=`\nARG U=1000\nFROM debian:13\nARG U\nUSER `$U\n";
    // `$ escapes the dollar: the user is the literal "$U".
    expect(user(text)).toMatchObject({ isRoot: false, user: "$U" });
  });
});

describe("ONBUILD", () => {
  test("an ONBUILD USER in a parent stage is not proven for the child", () => {
    const u = user("FROM debian:13 AS a\nUSER 1000\nONBUILD USER root\nFROM a\nCOPY x /x\n");
    expect(u.isRoot).toBe(true);
    expect(u.line).toBe(3);
    expect(u.reason).toContain("ONBUILD trigger");
  });

  test("a USER in the child overrides the trigger, and the trigger does not apply to its own stage", () => {
    expect(user("FROM debian:13 AS a\nONBUILD USER root\nFROM a\nUSER 1000\n").isRoot).toBe(false);
    expect(user("FROM debian:13 AS a\nUSER 1000\nONBUILD USER root\n").isRoot).toBe(false);
    expect(user("FROM debian:13 AS a\nUSER 1000\nONBUILD RUN id\nFROM a\n").isRoot).toBe(false);
  });
});

describe("signed numeric users (runc parses the uid with Go's strconv.Atoi)", () => {
  test.each(["+0", "-0", "+00", "+0:0", "-0:65532"])("USER %s is root (uid 0)", (value) => {
    expect(user(`FROM debian:13\nUSER ${value}\n`)).toMatchObject({
      isRoot: true,
      user: value,
      uid: 0,
    });
  });

  test("a signed zero from a variable is root", () => {
    const u = user("FROM debian:13\nARG U=+0\nUSER $U\n");
    expect(u).toMatchObject({ isRoot: true, user: "+0", uid: 0 });
    expect(u.reason).toContain("sets uid 0 (root)");
    expect(user("FROM debian:13\nARG U\nUSER $U\n", { buildArgs: { U: "-0" } }).isRoot).toBe(true);
  });

  test.each(["-1", "-1000", "-65532:65532"])("USER %s is not a valid uid, so not proven", (v) => {
    const u = user(`FROM debian:13\nUSER ${v}\n`);
    expect(u.isRoot).toBe(true);
    expect(u.uid).toBeUndefined();
    expect(u.reason).toContain("which is not a valid uid");
  });

  test("a plus-signed non-zero uid is that uid", () => {
    expect(user("FROM debian:13\nUSER +1000\n")).toMatchObject({ isRoot: false, uid: 1000 });
  });
});

describe("ONBUILD ENV and ARG run at the start of the child stage", () => {
  test("an ONBUILD ENV replaces the parent's value before the child's USER", () => {
    const text = "FROM debian:13 AS base\nENV U=1000\nONBUILD ENV U=0\nFROM base\nUSER $U\n";
    expect(user(text)).toMatchObject({ isRoot: true, user: "0", uid: 0 });
    // Without the trigger the inherited ENV is used.
    expect(user("FROM debian:13 AS base\nENV U=1000\nFROM base\nUSER $U\n").isRoot).toBe(false);
  });

  test("an ONBUILD ARG declares the variable in the child", () => {
    const text = "FROM scratch AS base\nONBUILD ARG U=0\nFROM base\nUSER ${U:-1000}\n";
    expect(user(text)).toMatchObject({ isRoot: true, user: "0" });
    expect(user(text, { buildArgs: { U: "1000" } })).toMatchObject({ isRoot: false, uid: 1000 });
    expect(user("FROM scratch AS base\nFROM base\nUSER ${U:-1000}\n").isRoot).toBe(false);
  });

  test("the child's own ENV, after the triggers, wins", () => {
    const text = "FROM debian:13 AS base\nONBUILD ENV U=0\nFROM base\nENV U=1000\nUSER $U\n";
    expect(user(text)).toMatchObject({ isRoot: false, uid: 1000 });
  });

  test("triggers do not run in their own stage, and do not carry over to grandchildren", () => {
    expect(user("FROM debian:13 AS a\nENV U=1000\nONBUILD ENV U=0\nUSER $U\n").isRoot).toBe(false);
    const text =
      "FROM debian:13 AS a\nENV U=1000\nONBUILD ENV U=0\nFROM a AS b\nENV U=1000\nFROM b\nUSER $U\n";
    expect(user(text).isRoot).toBe(false);
  });

  test("a trigger value from the child's variables", () => {
    const text = "FROM scratch AS base\nONBUILD ARG V=0\nONBUILD ENV U=$V\nFROM base\nUSER $U\n";
    expect(user(text)).toMatchObject({ isRoot: true, user: "0" });
  });
});

describe("stages with the same name (BuildKit: the last one wins)", () => {
  const text =
    "FROM debian:13 AS app\nUSER 1000\nFROM debian:13 AS app\nRUN id\nFROM debian:13 AS other\nUSER 1000\n";

  test("target names the last stage with that name", () => {
    const df = Dockerfile.parse(text, { target: "app" });
    expect(df.finalStage.index).toBe(1);
    expect(df.runtimeUser.isRoot).toBe(true);
    expect(df.runtimeUser.reason).toContain("Stage 'app' (line 3)");
  });

  test("FROM <name> refers to the latest earlier stage with that name", () => {
    const from = "FROM debian:13 AS a\nUSER 1000\nFROM debian:13 AS a\nFROM a\n";
    expect(Dockerfile.parse(from).stages[2]).toMatchObject({ parentStage: "a" });
    expect(Dockerfile.parse(from).runtimeUser.isRoot).toBe(true);
    const before =
      "FROM debian:13 AS a\nFROM debian:13 AS a\nUSER 1000\nFROM a\nFROM debian:13 AS a\n";
    expect(Dockerfile.parse(before, { target: "a" }).finalStage.index).toBe(3);
    expect(Dockerfile.parse(before).stages[2].baseImage).toBe("a");
    expect(Dockerfile.parse(before, { target: "a" }).runtimeUser.isRoot).toBe(true);
  });
});

describe("ARG and ENV are inherited by stages built FROM a stage", () => {
  test("USER ${APP_UID} in a child stage resolves to the parent's ARG default", () => {
    const text = "FROM debian:13 AS base\nARG APP_UID=10001\nFROM base AS final\nUSER ${APP_UID}\n";
    expect(user(text)).toEqual({
      user: "10001",
      uid: 10001,
      isRoot: false,
      line: 4,
      reason: `USER "\${APP_UID}" at line 4 in stage 'final' resolves to "10001" and sets the non-root uid 10001.`,
    });
  });

  test("a build argument overrides the parent's default, as Docker does", () => {
    const text = "FROM debian:13 AS base\nARG APP_UID=10001\nFROM base\nUSER $APP_UID\n";
    expect(user(text, { buildArgs: { APP_UID: "0" } })).toMatchObject({ isRoot: true, uid: 0 });
    expect(user(text, { buildArgs: { APP_UID: "2000" } })).toMatchObject({ uid: 2000 });
    expect(user(text, { buildArgs: { OTHER: "0" } })).toMatchObject({ uid: 10001 });
  });

  test("through a chain of stages, with ENV built from an inherited ARG", () => {
    const text = [
      "FROM debian:13 AS a",
      "ARG UID=1234",
      "FROM a AS b",
      "ENV APP_UID=$UID",
      "FROM b AS c",
      "RUN true",
      "FROM c",
      "USER $APP_UID:$UID",
      "",
    ].join("\n");
    expect(user(text)).toMatchObject({ isRoot: false, user: "1234:1234", uid: 1234 });
  });

  test("a bare ARG in the child keeps the inherited value; a default or the global default replaces it", () => {
    const parent = "FROM debian:13 AS base\nARG U=1000\n";
    expect(user(`${parent}FROM base\nARG U\nUSER $U\n`)).toMatchObject({ uid: 1000 });
    expect(user(`${parent}FROM base\nARG U=2000\nUSER $U\n`)).toMatchObject({ uid: 2000 });
    // BuildKit: an ARG without a default takes the global default when there is one.
    expect(user(`ARG U=3000\n${parent}FROM base\nARG U\nUSER $U\n`)).toMatchObject({ uid: 3000 });
    // In one stage, a bare ARG keeps the value declared before it.
    expect(user("FROM debian:13\nARG U=1000\nARG U\nUSER $U\n")).toMatchObject({ uid: 1000 });
  });

  test("a global ARG is still visible in a stage only where the stage redeclares it", () => {
    expect(user("ARG U=1000\nFROM debian:13 AS a\nFROM a\nUSER $U\n").isRoot).toBe(true);
    expect(user("ARG U=1000\nFROM debian:13 AS a\nARG U\nFROM a\nUSER $U\n")).toMatchObject({
      uid: 1000,
    });
  });

  test("a stage not built FROM the declaring stage does not see its ARG", () => {
    expect(user("FROM debian:13 AS a\nARG U=1000\nFROM debian:13\nUSER $U\n").isRoot).toBe(true);
    expect(
      user("FROM debian:13 AS a\nARG U=1000\nFROM debian:13 AS b\nFROM b\nUSER $U\n").isRoot,
    ).toBe(true);
  });

  test("ENV in the child wins over an inherited ARG", () => {
    expect(user("FROM debian:13 AS a\nARG U=0\nFROM a\nENV U=1000\nUSER $U\n").uid).toBe(1000);
    expect(user("FROM debian:13 AS a\nENV U=1000\nFROM a\nARG U=0\nUSER $U\n").uid).toBe(1000);
  });
});

describe("user names resolved from useradd and adduser", () => {
  test.each([
    ["RUN useradd -u 10001 app", 10001],
    ["RUN useradd --uid 10001 app", 10001],
    ["RUN useradd --uid=10001 app", 10001],
    ["RUN useradd -u10001 app", 10001],
    ["RUN useradd -mu 10001 app", 10001],
    ["RUN groupadd -g 10001 app && useradd -r -g app -d /app -s /sbin/nologin -u 10001 app", 10001],
    ["RUN useradd -u 1 app -u 10001", 10001],
    ["RUN /usr/sbin/useradd -u 10001 app", 10001],
    ["RUN sudo useradd -u 10001 app", 10001],
    ["RUN set -eux; useradd -u 10001 app; mkdir /data; chown app /data", 10001],
    ["RUN useradd -u 10001 app 2>/dev/null", 10001],
    ['RUN useradd -u "10001" -c "App user" app', 10001],
    ["RUN useradd \\\n  --uid 10001 \\\n  app", 10001],
    ["RUN adduser -D -u 10001 app", 10001],
    ["RUN addgroup -S app && adduser -S -D -H -h /app -s /sbin/nologin -G app -u 10001 app", 10001],
    ["RUN busybox adduser -D -u 10001 app", 10001],
    ["RUN adduser --disabled-password --gecos '' --uid 10001 app", 10001],
    ["RUN adduser --system --group --uid=10001 app", 10001],
    ['RUN ["useradd", "-u", "10001", "app"]', 10001],
    ['RUN ["/bin/sh", "-c", "useradd -u 10001 app"]', 10001],
    ["RUN <<EOF\nset -e\nuseradd -u 10001 app\nEOF", 10001],
    ["RUN <<EOF bash\nuseradd \\\n  -u 10001 app\nEOF", 10001],
    ["ARG UID=10001\nRUN useradd -u $UID app", 10001],
    ["ENV UID=10001\nRUN useradd -u ${UID} app", 10001],
    ["ARG UID\nRUN useradd -u ${UID:-10001} app", 10001],
    ["RUN useradd -u 5 app && userdel app && useradd -u 10001 app", 10001],
  ])("%j creates the user with its uid", (run, uid) => {
    const text = `FROM debian:13\n${run}\nUSER app\n`;
    const df = Dockerfile.parse(text);
    expect(df.runtimeUser).toMatchObject({ user: "app", uid, isRoot: false });
    expect(df.findings.filter((f) => ["CR001", "CR008"].includes(f.ruleId))).toEqual([]);
  });

  test("the reason names the line that creates the user", () => {
    expect(user("FROM debian:13\nRUN useradd -u 10001 app\nUSER app:app\n").reason).toBe(
      'USER "app:app" at line 3 in stage #0 sets the user "app", and RUN useradd at line 2 in stage #0 creates it with uid 10001.',
    );
  });

  test.each([
    "RUN useradd app",
    "RUN useradd --system app",
    "RUN useradd -r -s /bin/false app",
    "RUN adduser -D app",
    "RUN adduser -S app",
    "RUN adduser --system --no-create-home app",
    "RUN adduser --disabled-password --gecos '' app",
  ])("%j: without a uid option the tool allocates a non-zero uid", (run) => {
    const df = Dockerfile.parse(`FROM debian:13\n${run}\nUSER app\n`);
    expect(df.runtimeUser.isRoot).toBe(false);
    expect(df.runtimeUser.uid).toBeUndefined();
    expect(df.runtimeUser.reason).toMatch(
      /creates it without a uid option, so \w+ allocates a free non-zero uid\.$/,
    );
    // The Dockerfile proves the user non-root: no CR008.
    expect(df.findings.filter((f) => f.ruleId === "CR008")).toEqual([]);
  });

  test.each([
    "RUN useradd -o -u 0 app",
    "RUN useradd --non-unique --uid 0 app",
    "RUN useradd -ou 0 app",
    "RUN useradd -ou0 app",
    "RUN useradd -o --uid=000 app",
    "RUN useradd -u 0 app",
    "RUN useradd -u 1000 app && usermod -o -u 0 app",
    "RUN echo 'app:x:0:0::/:/bin/sh' >> /etc/passwd",
    'RUN printf "app:x:0:0::/root:/bin/sh\\n" >> /etc/passwd',
  ])("%j makes a root alias: root", (run) => {
    const df = Dockerfile.parse(`FROM debian:13\n${run}\nUSER app\n`);
    expect(df.runtimeUser).toMatchObject({ user: "app", uid: 0, isRoot: true });
    expect(df.runtimeUser.reason).toContain("uid 0, an alias of root");
    expect(() => df.assertNonRoot("X")).toThrow(/an alias of root/);
  });

  test("a root alias with a uid from a variable the analysis cannot read is not proven", () => {
    const u = user("FROM debian:13\nRUN useradd -o -u $(id -u root) app\nUSER app\n");
    expect(u.isRoot).toBe(true);
    expect(u.reason).toContain("and -o, which allows uid 0");
    // Without -o, a uid in use (root's too) is refused: whatever it is, it is not 0.
    const plain = user("FROM debian:13\nRUN useradd -u $(cat /uid) app\nUSER app\n");
    expect(plain).toMatchObject({ isRoot: false });
    expect(plain.uid).toBeUndefined();
  });

  test("usermod changes the uid, or renames the user", () => {
    expect(
      user("FROM debian:13\nRUN useradd -u 1000 app && usermod -u 2000 app\nUSER app\n"),
    ).toMatchObject({ uid: 2000 });
    const renamed = user(
      "FROM debian:13\nRUN useradd -u 1000 app && usermod -l svc app\nUSER svc\n",
    );
    expect(renamed).toMatchObject({ uid: 1000, isRoot: false });
    expect(renamed.reason).toContain('renames it from "app"');
    const old = Dockerfile.parse(
      "FROM debian:13\nRUN useradd -u 1000 app && usermod -l svc app\nUSER app\n",
    );
    expect(old.runtimeUser.uid).toBeUndefined();
    expect(old.findings.map((f) => f.ruleId)).toContain("CR008");
  });

  test("userdel or deluser removes the user: it cannot start, and CR008 says so", () => {
    for (const run of [
      "RUN useradd -u 1000 app && userdel -r app",
      "RUN adduser -D -u 1000 app && deluser --remove-home app",
    ]) {
      const df = Dockerfile.parse(`FROM debian:13\n${run}\nUSER app\n`);
      expect(df.runtimeUser.isRoot).toBe(false);
      expect(df.runtimeUser.uid).toBeUndefined();
      expect(df.runtimeUser.reason).toContain("removes it, so the process cannot start");
      expect(df.findings.map((f) => f.ruleId)).toContain("CR008");
    }
    // `deluser USER GROUP` only removes the user from a group.
    expect(
      user("FROM alpine:3\nRUN adduser -D -u 1000 app && deluser app wheel\nUSER app\n").uid,
    ).toBe(1000);
  });

  test("a later useradd of the same name, in a later stage, overrides", () => {
    const text =
      "FROM debian:13 AS base\nRUN useradd -u 1000 app\nFROM base\nRUN userdel app && useradd -u 2000 app\nUSER app\n";
    expect(user(text)).toMatchObject({ uid: 2000 });
    // The stage that runs decides, also when the USER is inherited.
    const inherited =
      "FROM debian:13 AS base\nRUN useradd -u 1000 app\nUSER app\nFROM base\nUSER root\nRUN usermod -o -u 0 app\nUSER app\n";
    expect(user(inherited)).toMatchObject({ isRoot: true, uid: 0 });
  });

  test("the user table of the stage that runs decides, through FROM <stage>", () => {
    const text =
      "FROM debian:13 AS base\nRUN useradd -u 10001 app\nUSER app\nFROM base\nCOPY a /a\n";
    expect(user(text)).toEqual({
      user: "app",
      uid: 10001,
      isRoot: false,
      line: 3,
      reason:
        "USER \"app\" at line 3 in stage 'base' sets the user \"app\", and RUN useradd at line 2 in stage 'base' creates it with uid 10001, and stage #1 (line 4) inherits it through FROM base at line 4.",
    });
  });

  test.each([
    ["RUN useradd -u 1000 app || true", false],
    ["RUN id app || useradd -u 1000 app", false],
    ["RUN if ! id app; then useradd -u 1000 app; fi", false],
    ["RUN getent passwd app >/dev/null || useradd -o -u 0 app", true],
    [
      "RUN for g in a b; do groupadd $g; done && while ! id app; do useradd -u 1000 app; done",
      false,
    ],
    ["RUN useradd -u 1000 app | tee /log", false],
    ["RUN ! useradd -u 1000 app", false],
    ["RUN (useradd -o -u 0 app) && true", true],
  ])("%j may not run: its uid is not proven", (run, isRoot) => {
    const df = Dockerfile.parse(`FROM debian:13\n${run}\nUSER app\n`);
    expect(df.runtimeUser.isRoot).toBe(isRoot);
    expect(df.runtimeUser.uid).toBeUndefined();
    expect(df.runtimeUser.reason).toContain("but that command may not run");
    if (!isRoot) {
      expect(df.findings.map((f) => f.ruleId)).toContain("CR008");
    }
  });

  test("a conditional change keeps a uid both outcomes agree on", () => {
    expect(
      user("FROM debian:13\nRUN useradd -u 1000 app\nRUN id app || useradd -u 1000 app\nUSER app\n")
        .uid,
    ).toBe(1000);
  });

  test("a user NAMED root is root whatever the Dockerfile does", () => {
    expect(user("FROM debian:13\nRUN usermod -u 1000 root\nUSER root\n")).toMatchObject({
      isRoot: true,
      uid: 0,
    });
  });

  test("ONBUILD RUN useradd in the parent runs in the child", () => {
    expect(
      user("FROM debian:13 AS base\nONBUILD RUN useradd -u 4321 app\nFROM base\nUSER app\n").uid,
    ).toBe(4321);
    expect(
      user("FROM debian:13 AS base\nONBUILD RUN useradd -u 4321 app\nUSER app\n").uid,
    ).toBeUndefined();
  });

  test("useradd --root, --prefix or -D does not add to the image's /etc/passwd", () => {
    for (const run of [
      "useradd --root /mnt -u 1 app",
      "useradd -P /x -u 1 app",
      "useradd -D -u 1 app",
    ]) {
      expect(user(`FROM debian:13\nRUN ${run}\nUSER app\n`).uid).toBeUndefined();
    }
  });
});

describe("/etc/passwd copied or written", () => {
  test("COPY --from=<stage> /etc/passwd brings that stage's users (the scratch pattern)", () => {
    const text = [
      "FROM alpine:3 AS build",
      "RUN adduser -D -u 10001 app",
      "FROM scratch",
      "COPY --from=build /etc/passwd /etc/passwd",
      "USER app",
      "",
    ].join("\n");
    expect(user(text)).toEqual({
      user: "app",
      uid: 10001,
      isRoot: false,
      line: 5,
      reason:
        'USER "app" at line 5 in stage #1 sets the user "app", and RUN adduser at line 2 in stage \'build\' creates it with uid 10001, and COPY --from=build at line 4 in stage #1 copies that /etc/passwd.',
    });
    for (const copy of [
      "COPY --from=build /etc/passwd /etc/group /etc/",
      "COPY --from=build /etc/passwd /etc/",
      "COPY --from=0 /etc /etc",
      'COPY --from=build ["/etc/passwd", "/etc/passwd"]',
      "COPY --chown=0:0 --from=build --chmod=644 /etc/passwd /etc/passwd",
      "COPY --from=build / /",
      "ARG SRC=build\nCOPY --from=$SRC /etc/passwd /etc/passwd",
    ]) {
      expect(user(text.replace("COPY --from=build /etc/passwd /etc/passwd", copy)).uid).toBe(10001);
    }
  });

  test("COPY --from=<image> uses the users documented for that image", () => {
    const text =
      "FROM scratch\nCOPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/passwd\nUSER nonroot\n";
    expect(user(text)).toMatchObject({ uid: 65532, isRoot: false });
  });

  test("a passwd from the build context is not read: names stay unresolved (CR008)", () => {
    const df = Dockerfile.parse("FROM scratch\nCOPY passwd /etc/passwd\nUSER app\n");
    expect(df.runtimeUser).toMatchObject({ isRoot: false, user: "app" });
    expect(df.runtimeUser.uid).toBeUndefined();
    expect(df.runtimeUser.reason).toContain(
      "replaces /etc/passwd with a file from the build context",
    );
    expect(df.findings.map((f) => f.ruleId)).toContain("CR008");
  });

  test("a passwd written by a COPY heredoc is not read", () => {
    const u = user("FROM scratch\nCOPY <<EOF /etc/passwd\napp:x:1:1::/:/x\nEOF\nUSER app\n");
    expect(u.uid).toBeUndefined();
    expect(u.reason).toContain("COPY at line 2 in stage #0 replaces /etc/passwd");
    // Other files, and other destinations, leave the users as they are.
    for (const copy of ["COPY passwd /app/passwd", "COPY etc/app.conf /etc/", "COPY . /app"]) {
      expect(user(`FROM node:22\n${copy}\nUSER node\n`).uid).toBe(1000);
    }
  });

  test("a replaced /etc/passwd forgets what came before, including the base image's users", () => {
    expect(user("FROM node:22\nCOPY passwd /etc/passwd\nUSER node\n").uid).toBeUndefined();
    expect(
      user("FROM debian:13\nRUN useradd -u 5 app && sed -i s/5/0/ /etc/passwd\nUSER app\n").uid,
    ).toBeUndefined();
  });

  test("echo and printf of passwd lines into /etc/passwd", () => {
    expect(
      user(
        "FROM scratch AS x\nFROM busybox:1\nRUN echo 'app:x:10001:10001::/:/bin/false' >> /etc/passwd\nUSER app\n",
      ).uid,
    ).toBe(10001);
    // `>` replaces the file: other names are gone.
    expect(
      user("FROM node:22\nRUN echo 'app:x:10001:10001::/:/bin/false' > /etc/passwd\nUSER node\n")
        .uid,
    ).toBeUndefined();
  });

  test("a scratch stage has no /etc/passwd", () => {
    expect(user("FROM scratch\nUSER app\n").reason).toContain(
      "the base image is scratch, which has no /etc/passwd",
    );
  });
});

describe("users of known base images (KNOWN_BASE_USERS)", () => {
  test.each([
    ["gcr.io/distroless/cc-debian13:nonroot", "nonroot", 65532],
    ["gcr.io/distroless/static-debian13", "nonroot", 65532],
    ["gcr.io/distroless/base-debian12:debug", "nobody", 65534],
    ["gcr.io/distroless/nodejs22-debian13:nonroot", "nobody", 65534],
    ["node:22", "node", 1000],
    ["node:22-alpine", "node", 1000],
    ["docker.io/library/node:lts-trixie-slim", "node", 1000],
    [`node@sha256:${"a".repeat(64)}`, "node", 1000],
  ])("%s defines %s as uid %d", (image, name, uid) => {
    const df = Dockerfile.parse(`FROM ${image}\nUSER ${name}\n`);
    expect(df.runtimeUser).toMatchObject({ user: name, uid, isRoot: false });
    expect(df.runtimeUser.reason).toContain(
      `the base image ${image} defines it with uid ${uid} (documented for`,
    );
    expect(df.findings.filter((f) => f.ruleId === "CR008")).toEqual([]);
  });

  test.each([
    ["mirror.gcr.io/distroless/cc-debian13", "nonroot"],
    ["gcr.io/distroless/cc-debian13", "node"],
    ["node:22", "nonroot"],
    ["example.com/node:22", "node"],
    ["bitnami/node:22", "node"],
    ["debian:13", "nobody"],
  ])("%s is not known to define %s", (image, name) => {
    const df = Dockerfile.parse(`FROM ${image}\nUSER ${name}\n`);
    expect(df.runtimeUser.isRoot).toBe(false);
    expect(df.runtimeUser.uid).toBeUndefined();
    expect(df.findings.map((f) => f.ruleId)).toContain("CR008");
  });

  test("through FROM <stage>, the root image's users count", () => {
    expect(user("FROM node:22 AS base\nFROM base\nUSER node\n").uid).toBe(1000);
  });
});
