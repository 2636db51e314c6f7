import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import nodePath from "node:path";
import { Node, SyntaxKind, ts, type SourceFile } from "ts-morph";
import type { Edit } from "./edits.ts";

/**
 * Every name a file binds or reads: property names (`emitter.once`, `{ value: 1 }`, class members) and names inside
 * types do not count (as `bindsOrReads` decides for one node). On the compiler's nodes: a large file wraps none.
 */
function namesBoundOrRead(root: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node, inType: boolean): void => {
    const typed = inType || ts.isTypeNode(node);
    if (ts.isIdentifier(node) && !typed && !isMemberName(node)) names.add(node.text);
    ts.forEachChild(node, (child) => visit(child, typed));
  };
  visit(root, false);
  return names;
}

function isMemberName(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === id;
  if (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertySignature(parent) || ts.isMethodSignature(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name === id;
  }
  return false;
}

/** A named export of a module that rewritten code uses, and the name it goes by in the file. */
export interface Import {
  module: string;
  name: string;
  local: string;
  /** Only used as a type (`import { type Cx }`). */
  typeOnly?: boolean;
}

/**
 * The imports rewrites of one file need: an existing import is reused (`import { once } from "events"` serves
 * `node:events`' `once`); otherwise a free local name is chosen and one import line per module is added once every
 * function is done, only for the rewrites that went through.
 */
export class FileImports {
  /**
   * Err-first functions of this file rewritten to async in this run, by name, with the name of the async version
   * (itself, or `nameAsync` when the old shape is kept): callers rewritten later call that natively.
   */
  readonly madeAsync = new Map<string, string>();
  /**
   * Function declarations of this file selected in this run and not planned yet, by name: a caller planned before
   * such a callee (they call each other) cannot know whether it will keep its callback form.
   */
  readonly pending = new Set<string>();
  /**
   * Functions of {@link pending} a caller planned before them took to become async (they call each other): if one
   * does not, the file is planned again with it kept a callback function (migrate-file.ts).
   */
  readonly assumed = new Set<string>();
  /** Calls rewritten by an accepted plan to await a function of this file natively: its own rewrite leaves them. */
  readonly nativeCalls = new Set<object>();
  private readonly added = new Map<string, Import>();
  private readonly taken: Set<string>;

  constructor(private readonly file: SourceFile) {
    this.taken = namesBoundOrRead(file.compilerNode);
  }

  /** The expression that names `name` of `module` here, reusing an existing import when there is one. */
  use(module: string, name: string, preferred = name, typeOnly = false): { text: string; added?: Import } {
    const existing = this.existing(module, name, typeOnly);
    if (existing !== undefined) return { text: existing };
    const key = `${module}#${name}`;
    const known = this.added.get(key);
    if (known !== undefined) {
      if (!typeOnly) delete known.typeOnly;
      return { text: known.local, added: known };
    }
    let local = preferred;
    for (let i = 2; this.taken.has(local); i++) local = `${preferred}${i}`;
    this.taken.add(local);
    const added: Import = { module, name, local, ...(typeOnly ? { typeOnly } : {}) };
    this.added.set(key, added);
    return { text: local, added };
  }

  /** {@link use}, recording a newly added import in `needed` (the imports of one rewrite). */
  take(needed: Import[], module: string, name: string, preferred = name, typeOnly = false): string {
    const { text, added } = this.use(module, name, preferred, typeOnly);
    if (added !== undefined && !needed.includes(added)) needed.push(added);
    return text;
  }

  /**
   * The edits adding `imports` (those of the rewrites kept): names join an existing `import { ... }` of their module,
   * else one ESM import per module, or `require` in a CommonJS file. A type-only name (a type in a JavaScript file
   * is never asked for) is written `type X`.
   */
  edits(imports: readonly Import[]): Edit[] {
    if (imports.length === 0) return [];
    const byModule = new Map<string, Import[]>();
    for (const i of imports) byModule.set(i.module, [...(byModule.get(i.module) ?? []).filter((j) => j.local !== i.local), i]);
    const commonJs = this.isCommonJs();
    const spec = (i: Import): string => `${i.typeOnly === true ? "type " : ""}${i.name === i.local ? i.name : commonJs ? `${i.name}: ${i.local}` : `${i.name} as ${i.local}`}`;
    const edits: Edit[] = [];
    const lines: string[] = [];
    for (const [module, list] of byModule) {
      const joinable = commonJs ? undefined : this.joinable(module);
      if (joinable !== undefined) {
        edits.push({ start: joinable.getEnd(), end: joinable.getEnd(), text: list.map((i) => `, ${spec(i)}`).join(""), format: false });
        continue;
      }
      const names = list.map(spec).join(", ");
      const from = this.specifier(module, commonJs);
      lines.push(commonJs ? `const { ${names} } = require("${from}");` : `import { ${names} } from "${from}";`);
    }
    if (lines.length === 0) return edits;
    const last = this.file.getImportDeclarations().at(-1);
    if (last !== undefined) return [...edits, { start: last.getEnd(), end: last.getEnd(), text: `\n${lines.join("\n")}` }];
    const first = this.file.getStatements()[0];
    const directive = first !== undefined && Node.isExpressionStatement(first) && Node.isStringLiteral(first.getExpression());
    if (directive) return [...edits, { start: first.getEnd(), end: first.getEnd(), text: `\n${lines.join("\n")}` }];
    const at = first?.getStart(true) ?? 0; // above the first statement's doc comment, which stays with it
    return [...edits, { start: at, end: at, text: `${lines.join("\n")}\n\n` }];
  }

  /** The last name of an existing value `import { ... } from module` new names can follow. */
  private joinable(module: string): Node | undefined {
    const bare = module.replace(/^node:/, "");
    for (const declaration of this.file.getImportDeclarations()) {
      if (declaration.getModuleSpecifierValue().replace(/^node:/, "") !== bare || declaration.isTypeOnly()) continue;
      const named = declaration.getNamedImports();
      if (named.length > 0) return named.at(-1);
    }
    return undefined;
  }

  private existing(module: string, name: string, typeOnly = false): string | undefined {
    const bare = module.replace(/^node:/, "");
    for (const declaration of this.file.getImportDeclarations()) {
      if (declaration.getModuleSpecifierValue().replace(/^node:/, "") !== bare || (declaration.isTypeOnly() && !typeOnly)) continue;
      const named = declaration.getNamedImports().find((n) => n.getName() === name && (typeOnly || !n.isTypeOnly()));
      if (named !== undefined) return named.getAliasNode()?.getText() ?? name;
      const namespace = declaration.getNamespaceImport();
      if (namespace !== undefined) return `${namespace.getText()}.${name}`;
    }
    return undefined;
  }

  /**
   * How this file names the Node built-in `module` (asked for as `node:x`): as the file already names built-ins
   * (`node:fs`, or `fs`); in a file naming none, `node:x` in an ES module and `x` in CommonJS, which every Node
   * version and `require` hook reads (tap's `esm` loader and Node before 14.18 reject `node:` in `require`).
   */
  private specifier(module: string, commonJs: boolean): string {
    if (!module.startsWith("node:")) return module;
    const named = this.file.getImportDeclarations().map((d) => d.getModuleSpecifierValue());
    for (const call of this.file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const [arg] = call.getArguments();
      if (call.getExpression().getText() === "require" && arg !== undefined && Node.isStringLiteral(arg)) named.push(arg.getLiteralValue());
    }
    if (named.some((n) => n.startsWith("node:"))) return module;
    const bare = module.slice("node:".length);
    return named.some((n) => isBuiltin(n)) || commonJs ? bare : module;
  }

  private isCommonJs(): boolean {
    const path = this.file.getFilePath();
    if (/\.(cjs|cts)$/.test(path)) return true;
    if (/\.(mjs|mts)$/.test(path)) return false;
    // ES module syntax decides (a CommonJS file's `module.exports` also gives it export symbols, so those do not).
    const esm = this.file.getStatements().some(
      (s) =>
        Node.isImportDeclaration(s) ||
        Node.isExportDeclaration(s) ||
        Node.isExportAssignment(s) ||
        (Node.isModifierable(s) && s.hasModifier(SyntaxKind.ExportKeyword)),
    );
    if (esm) return false;
    if (/\brequire\s*\(|\bmodule\.exports\b|\bexports\.[\w$]+\s*=/.test(this.file.getFullText())) return true;
    // Neither: Node reads a .js file as its package.json's "type" says (CommonJS unless "module").
    return /\.jsx?$/.test(path) && packageType(path) !== "module";
  }
}

/** The `"type"` of the package.json nearest above `file` (undefined where there is none, or it says nothing). */
function packageType(file: string): string | undefined {
  for (let dir = nodePath.dirname(file); ; dir = nodePath.dirname(dir)) {
    const manifest = nodePath.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    if (nodePath.dirname(dir) === dir) return undefined;
  }
}
