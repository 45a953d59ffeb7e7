import * as path from "path";
import { spawnSync } from "child_process";
import {
  findCycle,
  importGraph,
  layerViolations,
  moduleSpecifiers,
  readTree,
} from "./support/import-graph";

/**
 * The layers of src/ (layers.json) hold in the import graph the TypeScript compiler sees:
 * imports, type-only imports, re-exports, `require` and `typeof import()` alike.
 */
const ROOT = path.resolve(__dirname, "..");
const { layers } = require("../layers.json") as { layers: string[] };
const graph = importGraph(readTree(path.join(ROOT, "src")));

/** The most lines a file of src/ may have: a longer one holds more than its name says. */
const MAX_LINES = 400;

/** The files longer than `max` lines (counted as `wc -l` does), as `file: N lines`, longest first. */
function oversizedFiles(files: Map<string, string>, max: number): string[] {
  return [...files]
    .map(([file, text]) => ({
      file,
      lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
    }))
    .filter((f) => f.lines > max)
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file))
    .map((f) => `${f.file}: ${f.lines} lines`);
}

describe("src/ layers and imports", () => {
  test("every file of src/ is in a layer (a new folder is added to layers.json)", () => {
    expect(layerViolations(graph, layers).outside).toEqual([]);
    expect([...graph.keys()].filter((f) => !f.includes("/"))).toEqual(["index.ts"]);
  });

  test("no import runs up the layers", () => {
    expect(layerViolations(graph, layers).upward).toEqual([]);
  });

  test("no import cycle, type imports included", () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  test("the security layer imports no construct (the constructs implement its interfaces)", () => {
    const constructLayers = ["image", "cloud-run", "local", "app"];
    const fromSecurity = [...graph]
      .filter(([file]) => file.startsWith("security/"))
      .flatMap(([, targets]) => targets);
    expect(fromSecurity.filter((t) => constructLayers.includes(t.split("/")[0]))).toEqual([]);
  });

  test(`no file of src/ is over ${MAX_LINES} lines (split it into files named for what they hold)`, () => {
    expect(oversizedFiles(readTree(path.join(ROOT, "src")), MAX_LINES)).toEqual([]);
  });

  test("nothing imports cdktf's private modules", () => {
    const privateImports = [...readTree(path.join(ROOT, "src"))].flatMap(([file, text]) =>
      moduleSpecifiers(file, text)
        .filter((s) => /^cdktf\/lib\//.test(s))
        .map((s) => `${file}: ${s}`),
    );
    expect(privateImports).toEqual([]);
  });
});

describe("the checks can fail", () => {
  const files = (entries: [string, string][]) => new Map(entries);

  test("every kind of import is an edge", () => {
    const text = [
      'import type { A } from "./a";',
      'import { B } from "../b";',
      'export * from "./c";',
      'const d = require("./d");',
      'type E = typeof import("./e");',
      'import f = require("./f");',
      'import "pkg";',
    ].join("\n");
    expect(moduleSpecifiers("x.ts", text).sort()).toEqual(
      ["./a", "../b", "./c", "./d", "./e", "./f", "pkg"].sort(),
    );
  });

  test("a type-only cycle is found", () => {
    const cyclic = importGraph(
      files([
        ["a/x.ts", 'import type { Y } from "./y";\nexport interface X { y: Y }'],
        ["a/y.ts", 'import { X } from "./x";\nexport const y: X | undefined = undefined;'],
        ["a/z.ts", 'import "./y";'],
      ]),
    );
    expect(findCycle(cyclic)).toEqual(["a/x.ts", "a/y.ts", "a/x.ts"]);
  });

  test("a file over the line limit is named with its length", () => {
    const lines = (n: number) => "x\n".repeat(n);
    expect(
      oversizedFiles(
        files([
          ["a/fits.ts", lines(400)],
          ["a/long.ts", lines(401)],
          ["b/longer.ts", `${lines(450)}last line without a newline`],
        ]),
        400,
      ),
    ).toEqual(["b/longer.ts: 451 lines", "a/long.ts: 401 lines"]);
  });

  test("an upward import and a file outside the layers are found", () => {
    const g = importGraph(
      files([
        ["low/a.ts", 'import type { B } from "../high/b";'],
        ["high/b.ts", 'import "../low/a";'],
        ["other/c.ts", ""],
      ]),
    );
    expect(layerViolations(g, ["low", "high"])).toEqual({
      upward: ["low/a.ts → high/b.ts"],
      outside: ["other/c.ts"],
    });
  });

  test("ESLint refuses an import of a higher layer, a type import too", () => {
    const lint = (code: string) => {
      const result = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules", "eslint", "bin", "eslint.js"),
          "--stdin",
          "--stdin-filename",
          "src/dockerfile/internal/probe.ts",
          "--format",
          "json",
        ],
        { cwd: ROOT, input: code, encoding: "utf8" },
      );
      const [report] = JSON.parse(result.stdout) as {
        messages: { ruleId: string; message: string }[];
      }[];
      return report.messages;
    };
    const refused = lint(
      'import type { CloudRunApp } from "../../app/cloud-run-app";\nexport type X = CloudRunApp;\n',
    );
    expect(refused.map((m) => m.ruleId)).toEqual(["no-restricted-imports"]);
    expect(refused[0].message).toContain("src/dockerfile is below");
    expect(
      lint('import { invalidProp } from "../../util/check";\nexport const f = invalidProp;\n'),
    ).toEqual([]);
  }, 60000);
});
