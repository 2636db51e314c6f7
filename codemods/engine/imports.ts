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
  /**
   * Not an import: a value the rewritten code shares, declared once at module level (`const statAsync =
   * promisify(fs.stat)`) after the imports, and after offset `after` of the original text (the end of the
   * declaration `init` reads, when that is not hoisted); `needs` are the imports `init` uses.
   */
  declared?: { init: string; after: number; needs: Import[] };
}

/** The names a module-level value may take ({@link FileImports.declare}), and where it is used first. */
export interface Naming {
  /** In order of preference (`statAsync`, `fsStatAsync`); numbered after the first when none is free. */
  preferred: readonly string[];
  /** The one that may be a name reserved for a kept shape's async version (`fAsync` for `promisify(f)`). */
  own?: string;
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
  /** `fAsync` for each function declaration `f`: the name its kept callback shape's async version gets (err-first.ts). */
  private readonly reserved = new Set<string>();

  constructor(private readonly file: SourceFile) {
    this.taken = namesBoundOrRead(file.compilerNode);
    for (const fn of file.getDescendantsOfKind(SyntaxKind.FunctionDeclaration)) if (fn.getName() !== undefined) this.reserved.add(`${fn.getName()}Async`);
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
    const local = this.claim(preferred);
    const added: Import = { module, name, local, ...(typeOnly ? { typeOnly } : {}) };
    this.added.set(key, added);
    return { text: local, added };
  }

  /**
   * The name of `const <name> = init` declared once at module level (see {@link Import.declared}), `preferred` or
   * a free name like it; recorded in `needed` (the imports of one rewrite) with the imports `needs` it uses.
   */
  declare(needed: Import[], init: string, names: Naming, after: number, needs: Import[]): string {
    const key = `const#${init}`;
    let known = this.added.get(key);
    if (known === undefined) {
      const usable = (name: string): boolean => !this.taken.has(name) && (!this.reserved.has(name) || name === names.own);
      const local = names.preferred.find(usable) ?? this.claim(names.preferred[0]!);
      this.taken.add(local);
      known = { module: "", name: init, local, declared: { init, after, needs } };
      this.added.set(key, known);
    }
    if (!needed.includes(known)) needed.push(known);
    return known.local;
  }

  /**
   * `base`, or `base2`, `base3`...: a name neither bound nor read in the file nor handed out before (nor reserved
   * for a kept shape's async version); now taken.
   */
  claim(base: string): string {
    let local = base;
    for (let i = 2; this.taken.has(local) || this.reserved.has(local); i++) local = `${base}${i}`;
    this.taken.add(local);
    return local;
  }

  /** Whether `name` is neither bound nor read in the file nor handed out before (nor reserved). */
  isFree(name: string): boolean {
    return !this.taken.has(name) && !this.reserved.has(name);
  }

  /**
   * Of `candidates` (the imports of the rewrites kept), those the new code `edits` uses, and the imports the
   * module-level values among them use; the values in the order the file first uses them.
   */
  used(candidates: readonly Import[], edits: readonly Edit[]): Import[] {
    // where the first edit using it starts, and how far into its text
    const firstUse = (i: Import): [number, number] | undefined => {
      const edit = [...edits].sort((a, b) => a.start - b.start).find((e) => mention(e.text, i.local) >= 0);
      return edit === undefined ? undefined : [edit.start, mention(edit.text, i.local)];
    };
    const kept = [...new Set(candidates)].flatMap((i) => {
      const at = firstUse(i);
      return at === undefined ? [] : [{ i, at }];
    });
    const declared = kept.filter(({ i }) => i.declared !== undefined).sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1]).map(({ i }) => i);
    const wanted = new Set([...kept.map(({ i }) => i), ...declared.flatMap((i) => i.declared!.needs)]);
    // (as listed, repeats included: edits() orders a module's names by their last mention)
    const named = [...candidates, ...[...wanted].filter((i) => !candidates.includes(i))].filter((i) => i.declared === undefined && wanted.has(i));
    return [...named, ...declared];
  }

  /** {@link use}, recording a newly added import in `needed` (the imports of one rewrite). */
  take(needed: Import[], module: string, name: string, preferred = name, typeOnly = false): string {
    const { text, added } = this.use(module, name, preferred, typeOnly);
    if (added !== undefined && !needed.includes(added)) needed.push(added);
    return text;
  }

  /**
   * The edits adding `imports` (those of the rewrites kept): names join an existing `import { ... }` of their module,
   * else one ESM import per module, or `require` in a CommonJS file, after the file's last import (or the last of its
   * leading requires) and written as that one is (quotes, semicolon); then the module-level values, after the imports
   * or after the declaration they read. A type-only name (a type in a JavaScript file is never asked for) is
   * written `type X`.
   */
  edits(imports: readonly Import[]): Edit[] {
    if (imports.length === 0) return [];
    const byModule = new Map<string, Import[]>();
    for (const i of imports) if (i.declared === undefined) byModule.set(i.module, [...(byModule.get(i.module) ?? []).filter((j) => j.local !== i.local), i]);
    const commonJs = this.isCommonJs();
    const spec = (i: Import): string => `${i.typeOnly === true ? "type " : ""}${i.name === i.local ? i.name : commonJs ? `${i.name}: ${i.local}` : `${i.name} as ${i.local}`}`;
    const edits: Edit[] = [];
    const lines: string[] = [];
    const anchor = this.lastImport(commonJs);
    const quote = anchor === undefined ? '"' : anchorQuote(anchor);
    const semi = anchor === undefined || anchor.getText().endsWith(";") ? ";" : "";
    for (const [module, list] of byModule) {
      const joinable = commonJs ? undefined : this.joinable(module);
      if (joinable !== undefined) {
        edits.push({ start: joinable.getEnd(), end: joinable.getEnd(), text: list.map((i) => `, ${spec(i)}`).join(""), format: false });
        continue;
      }
      const names = list.map(spec).join(", ");
      const from = `${quote}${this.specifier(module, commonJs)}${quote}`;
      lines.push(commonJs ? `const { ${names} } = require(${from})${semi}` : `import { ${names} } from ${from}${semi}`);
    }
    const at = this.importsEnd();
    const declared = imports.filter((i) => i.declared !== undefined);
    const after = (i: Import): number => Math.max(at, i.declared!.after);
    const consts = (list: readonly Import[]): string => list.map((i) => `const ${i.local} = ${i.declared!.init}${semi}`).join("\n");
    for (const end of new Set(declared.map(after).filter((end) => end > at))) {
      edits.push({ start: end, end, text: `\n\n${consts(declared.filter((i) => after(i) === end))}`, format: anchor === undefined });
    }
    const here = declared.filter((i) => after(i) === at);
    const groups = [lines.join("\n"), consts(here)].filter((g) => g !== "");
    if (groups.length === 0) return edits;
    // Written in the style of the import it follows; with none to follow, formatted as the file is.
    const format = anchor === undefined;
    const first = this.file.getStatements()[0];
    if (at > 0 || (first !== undefined && isDirective(first))) {
      const text = `${lines.length > 0 ? "\n" : "\n\n"}${groups.join("\n\n")}`;
      return [...edits, { start: at, end: at, text, format }];
    }
    const top = first?.getStart(true) ?? 0; // above the first statement's doc comment, which stays with it
    return [...edits, { start: top, end: top, text: `${groups.join("\n\n")}\n\n`, format }];
  }

  /**
   * Where new imports go: after the last import (ES modules) or the last of the requires the file starts with
   * (CommonJS); else after a directive (`"use strict"`); else 0, above the first statement.
   */
  importsEnd(): number {
    const anchor = this.lastImport(this.isCommonJs());
    if (anchor !== undefined) return anchor.getEnd();
    const first = this.file.getStatements()[0];
    return first !== undefined && isDirective(first) ? first.getEnd() : 0;
  }

  /** The import new imports follow: the file's last `import`, or in CommonJS the last of its leading requires. */
  private lastImport(commonJs: boolean): Node | undefined {
    if (!commonJs) return this.file.getImportDeclarations().at(-1);
    let last: Node | undefined;
    for (const statement of this.file.getStatements()) {
      if (isDirective(statement) && last === undefined) continue;
      if (!isRequire(statement)) break;
      last = statement;
    }
    return last;
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

/** A directive prologue's statement (`"use strict"`). */
function isDirective(statement: Node): boolean {
  return Node.isExpressionStatement(statement) && Node.isStringLiteral(statement.getExpression());
}

/**
 * `const x = require("m")`, `const { a } = require("m").b`, `const d = require("debug")("x")`, `import x =
 * require("m")`: a statement of a CommonJS file's requires.
 */
function isRequire(statement: Node): boolean {
  if (Node.isImportEqualsDeclaration(statement)) return true;
  if (!Node.isVariableStatement(statement)) return false;
  return statement.getDeclarations().every((d) => {
    let value = d.getInitializer();
    for (;;) {
      if (value === undefined) return false;
      if (Node.isCallExpression(value) && value.getExpression().getText() === "require") return true;
      if (Node.isPropertyAccessExpression(value) || Node.isCallExpression(value)) value = value.getExpression();
      else return false;
    }
  });
}

/** The quote the module specifier of an import or require is written with. */
function anchorQuote(statement: Node): string {
  const literal = statement.getFirstDescendant((n) => Node.isStringLiteral(n));
  return literal?.getText().startsWith("'") === true ? "'" : '"';
}

/** Where `text` (new code) first uses the name `name`, not as a property (`.name`) or part of a longer name; or -1. */
export function mention(text: string, name: string): number {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1] ?? " ";
    const after = text[at + name.length] ?? " ";
    if (!/[\w$.]/.test(before) && !/[\w$]/.test(after)) return at;
  }
  return -1;
}
