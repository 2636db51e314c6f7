import { Node, Project, ts, type Identifier } from "ts-morph";
import { describe, expect, test } from "vitest";
import { isFunctionNode } from "../../codemods/engine/functions.ts";
import { referencesOf } from "../../codemods/engine/reference-index.ts";
import { nameNodeOf } from "../../codemods/to-scoped/call-sites.ts";

/**
 * The reference index against the language service it replaces: for the name of every function (a declaration, a
 * variable or property holding one, a method, a CommonJS export by assignment), class and variable holding an object
 * literal, in a project using each cross-file
 * form (imports renamed and default, re-exports renamed and `export *`, namespace imports, `import = require`,
 * shorthand properties, destructuring, element access, an interface's method written in a literal, CommonJS exports
 * by assignment read through `require`, a default export called in its own file, a file the project reaches only
 * through an import), the index finds exactly the uses `findReferencesAsNodes` finds.
 */
const FILES: Record<string, string> = {
  "src/a.ts": `export function f(x: number): Promise<number> {
  return Promise.resolve(x);
}
export const g = async (): Promise<number> => f(1);
export default async function d(): Promise<number> {
  return f(2);
}
export class C {
  async m(): Promise<number> {
    return this.m2();
  }
  async m2(): Promise<number> {
    return this.#p();
  }
  async #p(): Promise<number> {
    return 1;
  }
  static async s(): Promise<number> {
    return C.s();
  }
}
export interface I {
  run(): Promise<void>;
}
export const obj = {
  async load(): Promise<number> {
    return 1;
  },
  f,
  arrow: async (): Promise<number> => obj.arrow(),
};
async function local(): Promise<number> {
  return f(3);
}
export { local as renamed, f as fAgain };
/** Calls {@link f} and {@link local}. */
export async function h(c: C, i: I): Promise<number> {
  await c.m();
  await i.run();
  await obj.load();
  await obj["arrow"]();
  await d();
  return local();
}
`,
  "src/b.ts": `import { f, g as gAlias, renamed, fAgain } from "./a";
import d from "./a";
import * as a from "./a";
export { f } from "./a";
export { g as g2 } from "./a";
export * from "./a";
export async function use(): Promise<unknown> {
  await f(1);
  await gAlias();
  await renamed();
  await fAgain(1);
  await d();
  await a.f(2);
  await a.default();
  const o = { f, d };
  const { load } = a.obj;
  return [o, load, new a.C()];
}
`,
  "src/c.ts": `import { f as ff, g2, h } from "./b";
import type { C } from "./a";
import a = require("./a");
export { fromOutside } from "./outside";
export async function more(c: C): Promise<number> {
  await ff(1);
  await g2();
  await a.g();
  return h(c, { run: async () => {} });
}
`,
  // Outside the files added to the project, reached through the import in c.ts.
  "src/outside.ts": `import { f } from "./a";
export const fromOutside = (): Promise<number> => f(9);
`,
  "lib/x.js": `module.exports.ensureDir = async (dir) => dir;

exports.remove = async function remove(dir) {
  return dir;
};
`,
  "lib/y.js": `async function sign(x) {
  return x;
}
const other = async () => sign(1);
module.exports = { sign, other };
`,
  "lib/z.js": `module.exports = async function one() {
  return 1;
};
`,
  "lib/use.js": `const { ensureDir: ed, remove } = require("./x");
const x = require("./x");
const { sign } = require("./y");
const y = require("./y");
const one = require("./z");

async function go() {
  await ed("a");
  await remove("b");
  await x.ensureDir("c");
  await require("./x").remove("d");
  await sign(1);
  await y.other();
  await one();
  return go;
}

exports.go = go;
`,
};

function projectOf(files: Record<string, string>): Project {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { allowJs: true, checkJs: true, strict: true, noImplicitAny: false, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  for (const [name, text] of Object.entries(files)) {
    if (name.includes("outside")) project.getFileSystem().writeFileSync(`/p/${name}`, text);
    else project.createSourceFile(`/p/${name}`, text);
  }
  return project;
}

/** Each use as `file:line:col`, for a readable difference. */
const where = (nodes: Node[]): string[] => nodes.map((n) => `${n.getSourceFile().getBaseName()}:${n.getStartLineNumber()}:${n.getStart() - n.getStartLinePos() + 1} ${n.getText()}`);

/**
 * The names `--to scoped` asks the uses of: each function's, as callers name it, each class's (where its instances
 * go), and each variable's holding an object literal (whether the object escapes).
 */
function askedNames(project: Project): Node[] {
  const names: Node[] = [];
  for (const file of project.getSourceFiles()) {
    file.forEachDescendant((node) => {
      if (isFunctionNode(node)) {
        const name = nameNodeOf(node);
        if (name !== undefined) names.push(name);
      } else if (Node.isClassDeclaration(node) && node.getNameNode() !== undefined) {
        names.push(node.getNameNode()!);
      } else if (Node.isVariableDeclaration(node) && Node.isObjectLiteralExpression(node.getInitializer())) {
        names.push(node.getNameNode());
      }
    });
  }
  return names;
}

describe("referencesOf", () => {
  const project = projectOf(FILES);
  const names = askedNames(project);

  test("the project uses every form and type-checks", () => {
    expect(names.map((name) => name.getText()).sort()).toEqual(
      ["#p", "C", "arrow", "d", "ensureDir", "f", "g", "go", "h", "load", "local", "m", "m2", "more", "o", "obj", "other", "remove", "run", "s", "sign", "use"],
    );
    const errors = project.getProgram().getSemanticDiagnostics().filter((d) => d.getCategory() === ts.DiagnosticCategory.Error);
    expect(errors.map((d) => d.getMessageText())).toEqual([]);
  });

  // The language service lists a use once per alias it was found through (so some twice), grouped by alias;
  // the index lists each once, by file and then position.
  test.each(names.map((name) => [where([name])[0]!, name] as const))("%s: the uses findReferences finds, each once, in file order", (_, name) => {
    const expected = (name as Identifier).findReferencesAsNodes().filter((r) => r !== name);
    const byPlace = (a: Node, b: Node) => files.indexOf(a.getSourceFile().getFilePath()) - files.indexOf(b.getSourceFile().getFilePath()) || a.getStart() - b.getStart();
    expect(where(referencesOf(name))).toEqual(where([...new Set(expected)].sort(byPlace)));
  });
  const files = project.getProgram().compilerObject.getSourceFiles().map((f) => f.fileName);
});
