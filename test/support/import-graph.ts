import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** The modules a TypeScript file names: imports (type-only too), re-exports, require, import(). */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      // `typeof import("./x")`
      specifiers.push(node.argument.literal.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** Files (relative POSIX paths) and the files of the same tree each one imports. */
export type ImportGraph = Map<string, string[]>;

/**
 * The import graph of the `.ts` files of `files` (relative POSIX path → text): relative
 * specifiers resolved to `x.ts` or `x/index.ts`; packages are not part of the graph.
 */
export function importGraph(files: Map<string, string>): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const [file, text] of files) {
    const targets: string[] = [];
    for (const specifier of moduleSpecifiers(file, text)) {
      if (!specifier.startsWith(".")) {
        continue;
      }
      const base = path.posix.join(path.posix.dirname(file), specifier);
      const target = [`${base}.ts`, `${base}/index.ts`, base].find((c) => files.has(c));
      if (target === undefined) {
        throw new Error(`${file}: cannot resolve ${JSON.stringify(specifier)}`);
      }
      targets.push(target);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every `.ts` file below `root`, by POSIX path relative to it. */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.name.endsWith(".ts")) {
        files.set(child, fs.readFileSync(path.join(root, child), "utf8"));
      }
    }
  };
  walk("");
  return files;
}

/** One import cycle of the graph (`a → b → a`), or undefined when it has none. */
export function findCycle(graph: ImportGraph): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, "visiting");
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === "visiting") {
        return [...stack.slice(stack.indexOf(target)), target];
      }
      if (state.get(target) === undefined) {
        const cycle = visit(target);
        if (cycle !== undefined) {
          return cycle;
        }
      }
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    if (state.get(file) === undefined) {
      const cycle = visit(file);
      if (cycle !== undefined) {
        return cycle;
      }
    }
  }
  return undefined;
}

/**
 * The imports that run up the layers (`layers`, bottom to top, are the top-level folders), as
 * `importer → imported`, and the files that are in no layer. Files at the root (the package's
 * index) are above every layer.
 */
export function layerViolations(
  graph: ImportGraph,
  layers: readonly string[],
): { upward: string[]; outside: string[] } {
  const layerOf = (file: string): number =>
    file.includes("/") ? layers.indexOf(file.split("/")[0]) : layers.length;
  const upward: string[] = [];
  const outside: string[] = [];
  for (const [file, targets] of graph) {
    const own = layerOf(file);
    if (own < 0) {
      outside.push(file);
      continue;
    }
    for (const target of targets) {
      if (layerOf(target) > own) {
        upward.push(`${file} → ${target}`);
      }
    }
  }
  return { upward: upward.sort(), outside: outside.sort() };
}
