/**
 * Where each declaration is used across the project, found in one walk. ts-morph's `findReferencesAsNodes` asks the
 * language service, which builds the program's import map and searches every file again on each call: once per
 * function, that made `--to scoped` quadratic in the size of the project (on 2,000 files, 41 s of a 60 s run).
 * Here every identifier of the program's own files is resolved once with the type checker, and filed under the
 * symbol it finally names: through imports and their aliases (`import { f as g }`, a default import), re-exports
 * (`export { f as g } from`, `export *`), namespace imports (`m.f`, `import m = require(...)`), shorthand
 * properties (`{ f }`), destructuring (`const { f } = m`), element access (`m["f"]`) and CommonJS exports by
 * assignment read as properties (`exports.f = ...`, then `m.f` of `const m = require(...)`). As in the language
 * service, a name bound by `const { f } = require(...)` is its own symbol (`requiredUses` follows those).
 *
 * What it does not follow, where `findReferences` does: a method to the members of the interfaces and classes it
 * implements or overrides (`--to scoped` refuses those methods before it asks where they are used), and references
 * in declaration files and `node_modules` (which no rewrite touches). `test/codemods/reference-index.test.ts`
 * checks it against `findReferencesAsNodes` for every function of a project with each form.
 */
import { ts, type Node, type Project, type SourceFile } from "ts-morph";
import { wrap } from "./walk.ts";

const indexes = new WeakMap<ts.Program, ReferenceIndex>();

/**
 * Where the declaration `name` names is used in its project's own files: what `findReferencesAsNodes` finds there,
 * the name itself left out, each use once, in the program's file order and then source order (the language service
 * gives them grouped by the alias they were found through). One index per program, built on the first question: the
 * program changes, and the index with it, only when the project is edited.
 */
export function referencesOf(name: Node): Node[] {
  const project = name.getProject();
  const program = project.getProgram().compilerObject;
  let index = indexes.get(program);
  if (index === undefined) {
    index = new ReferenceIndex(project, program);
    indexes.set(program, index);
  }
  return index.referencesOf(name);
}

/** The uses of each declaration of one program. */
class ReferenceIndex {
  private readonly project: Project;
  private readonly checker: ts.TypeChecker;
  /** The program's own files (no declaration file, nothing under `node_modules`), each with its place in it. */
  private readonly order = new Map<ts.SourceFile, number>();
  private bySymbol: Map<ts.Symbol, ts.Node[]> | undefined;
  /** The answers given, so a name asked again in a later pass costs nothing. */
  private readonly asked = new Map<ts.Node, Node[]>();

  /** The program's files are searched, also those it reaches only through imports (outside the files added to it). */
  constructor(project: Project, program: ts.Program) {
    this.project = project;
    this.checker = program.getTypeChecker();
    for (const file of program.getSourceFiles()) {
      if (!file.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(file.fileName)) this.order.set(file, this.order.size);
    }
  }

  /** See the function {@link referencesOf}. */
  referencesOf(name: Node): Node[] {
    let uses = this.asked.get(name.compilerNode);
    if (uses === undefined) {
      uses = this.lookUp(name);
      this.asked.set(name.compilerNode, uses);
    }
    return uses;
  }

  private lookUp(name: Node): Node[] {
    const index = this.index();
    const found = new Set<ts.Node>();
    for (const symbol of this.declaredSymbols(name.compilerNode)) for (const node of index.get(symbol) ?? []) found.add(node);
    found.delete(name.compilerNode);
    return [...found].sort(inProjectOrder(this.order)).map((node) => wrap(this.fileOf(node.getSourceFile()), node));
  }

  /**
   * The ts-morph file of one of the program's files; one the project reaches only through imports is wrapped as
   * `findReferences` does, outside the project (so the program is not rebuilt).
   */
  private fileOf(file: ts.SourceFile): SourceFile {
    const factory = (this.project as unknown as { _context: { compilerFactory: CompilerFactory } })._context.compilerFactory;
    return factory.getSourceFile(file, { markInProject: false });
  }

  /**
   * The symbols a declaration's name stands for: its own (spelled `default` for a default export), and for a member
   * of an object literal the member of the type the literal is written for (an interface's method).
   */
  private declaredSymbols(name: ts.Node): ts.Symbol[] {
    const symbols = this.finalSymbols(this.checker.getSymbolAtLocation(name));
    const member = name.parent;
    if ((ts.isPropertyAssignment(member) || ts.isMethodDeclaration(member)) && member.name === name && ts.isObjectLiteralExpression(member.parent)) {
      const property = this.checker.getContextualType(member.parent)?.getProperty((name as ts.Identifier).text);
      symbols.push(...this.finalSymbols(property));
    }
    return symbols;
  }

  private index(): Map<ts.Symbol, ts.Node[]> {
    if (this.bySymbol !== undefined) return this.bySymbol;
    const bySymbol = new Map<ts.Symbol, ts.Node[]>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || (ts.isStringLiteralLike(node) && ts.isElementAccessExpression(node.parent) && node.parent.argumentExpression === node)) {
        for (const symbol of new Set(this.symbolsAt(node))) {
          const nodes = bySymbol.get(symbol);
          if (nodes === undefined) bySymbol.set(symbol, [node]);
          else nodes.push(node);
        }
      }
      for (const doc of (node as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(doc);
      ts.forEachChild(node, visit);
    };
    for (const source of this.order.keys()) visit(source);
    this.bySymbol = bySymbol;
    return bySymbol;
  }

  /**
   * The symbols a use names. Only a name spelled as its symbol counts (the language service searches the text:
   * `exports` in `exports.f = ...`, which the checker resolves to `f`, is no use of `f`).
   */
  private symbolsAt(node: ts.Identifier | ts.PrivateIdentifier | ts.StringLiteralLike): ts.Symbol[] {
    const own = this.checker.getSymbolAtLocation(node);
    if (own === undefined || !spells(own, node.text)) return [];
    const symbols = this.finalSymbols(own);
    const parent = node.parent;
    // `{ f }` names the property and the value it holds; `const { f } = o` the local and the property of `o` it takes.
    if (ts.isShorthandPropertyAssignment(parent) && parent.name === node) symbols.push(...this.finalSymbols(this.checker.getShorthandAssignmentValueSymbol(parent)));
    if (ts.isBindingElement(parent) && parent.name === node && parent.propertyName === undefined && ts.isObjectBindingPattern(parent.parent)) {
      symbols.push(...this.finalSymbols(this.checker.getTypeAtLocation(parent.parent).getProperty(node.text)));
    }
    return symbols;
  }

  /**
   * What a symbol finally names. An ES import or re-export is followed to what it names; a CommonJS `require`
   * binding is not (the language service does not either: `requiredUses` finds those). A property read on an
   * object literal's type names the literal's member; an exported declaration is its export.
   */
  private finalSymbols(symbol: ts.Symbol | undefined): ts.Symbol[] {
    if (symbol === undefined) return [];
    let final = symbol;
    if ((final.flags & ts.SymbolFlags.Alias) !== 0 && symbol.declarations?.some(isModuleAlias) === true) {
      // An import the checker cannot resolve names nothing else: it stays its own symbol.
      const aliased = this.checker.getAliasedSymbol(final);
      if ((aliased.declarations?.length ?? 0) > 0) final = aliased;
    }
    return this.checker.getRootSymbols(final).map((root) => this.checker.getExportSymbolOfSymbol(root));
  }
}

/** Whether `text` is a symbol's name, or the name it is declared with (`load` of `export default function load`). */
function spells(symbol: ts.Symbol, text: string): boolean {
  if (ts.symbolName(symbol) === text) return true;
  return (symbol.declarations ?? []).some((declaration) => {
    const name = ts.getNameOfDeclaration(declaration);
    return name !== undefined && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) && name.text === text;
  });
}

/** An import or export of an ES module (or TypeScript's `import x = require(...)`), which names what it imports. */
function isModuleAlias(declaration: ts.Declaration): boolean {
  return (
    ts.isImportSpecifier(declaration) ||
    ts.isImportClause(declaration) ||
    ts.isNamespaceImport(declaration) ||
    ts.isExportSpecifier(declaration) ||
    ts.isNamespaceExport(declaration) ||
    ts.isImportEqualsDeclaration(declaration) ||
    ts.isExportAssignment(declaration)
  );
}

/** ts-morph's cache of wrapped files (a part its typings leave out; `findReferences` goes through it too). */
interface CompilerFactory {
  getSourceFile(file: ts.SourceFile, options: { markInProject: boolean }): SourceFile;
}

function inProjectOrder(order: ReadonlyMap<ts.SourceFile, number>): (a: ts.Node, b: ts.Node) => number {
  return (a, b) => order.get(a.getSourceFile())! - order.get(b.getSourceFile())! || a.getStart() - b.getStart();
}
