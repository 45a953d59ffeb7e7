import * as fs from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { DockerfileParser } from "dockerfile-ast";
import { DockerfileAnalyses } from "../../src/dockerfile/analysis-cache";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { ContainerImage } from "../../src/image/container-image";
import { tempDir } from "../support/temp";

const text = (n: number) =>
  `FROM gcr.io/distroless/static-debian13:nonroot\nARG N=${n}\nUSER 65532\n# ${process.hrtime.bigint()}\n`;

describe("DockerfileAnalyses (the analyses of one app)", () => {
  test("a text is parsed once, and analysed once per build args and target", () => {
    const parse = jest.spyOn(DockerfileParser, "parse");
    try {
      const analyses = new DockerfileAnalyses();
      const t = text(1);
      const base = Dockerfile.parse(t);
      const a = base._withOptions({ buildArgs: { N: "2" } }, analyses);
      const b = base._withOptions({ buildArgs: { N: "2" } }, analyses);
      const c = base._withOptions({ buildArgs: { N: "3" } }, analyses);
      expect(b.stages).toEqual(a.stages);
      expect(c.runtimeUser).toEqual(a.runtimeUser);
      // Only the analysis of `base` parsed the text (`_withOptions` reuses its tree).
      expect(parse.mock.calls.filter(([content]) => content === t)).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
  });

  test("results are those of a fresh analysis", () => {
    const analyses = new DockerfileAnalyses();
    for (const n of [1, 2, 1, 2]) {
      const t = `FROM gcr.io/distroless/static-debian13:nonroot AS s${n}\nUSER ${n === 1 ? "root" : "65532"}\n`;
      const cached = Dockerfile.parse(t)._withOptions({}, analyses);
      const fresh = Dockerfile.parse(t);
      expect(cached.stages).toEqual(fresh.stages);
      expect(cached.runtimeUser).toEqual(fresh.runtimeUser);
      expect(cached.findings).toEqual(fresh.findings);
    }
  });

  test("errors are not kept: a bad target fails every time", () => {
    const analyses = new DockerfileAnalyses();
    const base = Dockerfile.parse(text(3));
    for (let i = 0; i < 2; i++) {
      expect(() => base._withOptions({ target: "nope" }, analyses)).toThrow(
        /target stage "nope" does not exist/,
      );
    }
  });
});

describe("ContainerImage: the analyses belong to the app", () => {
  test("the images of one app parse a Dockerfile text once; another app parses it again", () => {
    const dir = tempDir("analyses-per-app-");
    const t = text(4);
    fs.writeFileSync(path.join(dir, "Dockerfile"), t);
    const parse = jest.spyOn(DockerfileParser, "parse");
    try {
      const parsedByAnalysis = () => parse.mock.calls.filter(([content]) => content === t).length;
      const app1 = Testing.app();
      const stack1 = new TerraformStack(app1, "S");
      new ContainerImage(stack1, "A", { directory: dir });
      new ContainerImage(stack1, "B", { directory: dir, imageName: "b" });
      const first = parsedByAnalysis();
      // The analysis parses it once; dockerfile-utils (CR007, computed for the warnings) once.
      expect(first).toBe(2);
      const stack2 = new TerraformStack(Testing.app(), "S");
      new ContainerImage(stack2, "A", { directory: dir });
      expect(parsedByAnalysis()).toBe(first * 2);
    } finally {
      parse.mockRestore();
    }
  });
});
