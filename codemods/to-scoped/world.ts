/**
 * What `--to scoped` knows across the project while it rewrites: which functions are scoped (made so in this run,
 * or already taking `cx: Cx` first), what each one's `cx` is called, and which function a callee names.
 */
import { Node, type ParameterDeclaration, type SourceFile } from "ts-morph";
import { isFunctionNode, type FunctionNode } from "../engine/functions.ts";
import { namesIn } from "../engine/identifiers.ts";
import { isBoundary } from "../to-async/analysis.ts";
import { assignedFunction, isRequire, requiredFunction } from "./assigned-exports.ts";

export class ScopedWorld {
  /** Functions made scoped in this run. */
  readonly migrating = new Set<FunctionNode>();
  /** Function expressions a rewrite turned into thunks `(cx) => ...` run by `all`/`race`/`failAfter`. */
  readonly thunks = new Set<Node>();
  /** Per migrating function, the `AbortSignal` parameter it drops in favour of `cx.signal`. */
  readonly droppedSignal = new Map<FunctionNode, ParameterDeclaration>();
  /**
   * Per function whose old signature stays for outside callers, the scoped version's name: a migrating one kept by
   * `--keep-legacy-export`, or one an earlier run kept, once a scoped caller reaches it (kept-legacy.ts).
   */
  readonly scopedName = new Map<FunctionNode, string>();
  /** `const p = work()` declarations whose work is written as awaited on the spot (`await p` follows at once). */
  readonly heldDirect = new Set<Node>();

  /** Imports of a function kept for outside callers that must also bring in its scoped version, by the name to add. */
  readonly scopedImports = new Map<Node, string>();

  /**
   * @param keepLegacyExport functions callable from outside keep their old signature beside the scoped one
   * @param targetFiles the files the run was asked to migrate: others are edited only with `callers`
   * @param callers `--callers`: call sites outside the target files may be rewritten
   */
  constructor(
    readonly keepLegacyExport: boolean,
    readonly targetFiles: ReadonlySet<SourceFile>,
    readonly callers: boolean,
  ) {}

  /**
   * A native call in another file reaches `fScoped` through the import of `f` (or `const { f } = require(...)`): that
   * import brings `fScoped` too.
   */
  importScoped(id: Node, name: string): void {
    for (const declaration of id.getSymbol()?.getDeclarations() ?? []) {
      if (Node.isImportSpecifier(declaration) || Node.isBindingElement(declaration)) this.scopedImports.set(declaration, name);
    }
  }

  /** Whether calls of `fn` are native scoped calls: `fn(cx, ...)`. */
  isScoped(fn: FunctionNode): boolean {
    return this.migrating.has(fn) || isAlreadyScoped(fn);
  }

  /** The scoped function `callee` names, if it names one. */
  scopedCallee(callee: Node): FunctionNode | undefined {
    const fn = functionOf(callee);
    return fn !== undefined && this.isScoped(fn) ? fn : undefined;
  }
}

/** A function that already takes the `Cx` first: typed `Cx`, or, in JavaScript, named `cx`. */
export function isAlreadyScoped(fn: FunctionNode): boolean {
  const first = fn.getParameters()[0];
  if (first === undefined) return false;
  const type = first.getTypeNode();
  if (type !== undefined) return /(^|\.)Cx$/.test(type.getText());
  return first.getName() === "cx" && /\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath());
}

/**
 * Whether a JavaScript file is type-checked with `noImplicitAny` (`checkJs` or `// @ts-check`, under `strict`): a new
 * parameter there needs a JSDoc type, or it is an implicit any.
 */
export function isStrictlyCheckedJs(file: SourceFile): boolean {
  const options = file.getProject().getCompilerOptions();
  const header = file.getFullText().slice(0, file.getStatements()[0]?.getStart() ?? 0);
  const checked = !/@ts-nocheck\b/.test(header) && (options.checkJs === true || /@ts-check\b/.test(header));
  return checked && (options.noImplicitAny ?? options.strict) === true;
}

/** The name a function's new `cx` parameter takes: `cx`, or `cx2`... when the function already uses `cx`. */
export function cxNameFor(fn: FunctionNode): string {
  const used = namesIn(fn.compilerNode);
  let name = "cx";
  for (let i = 2; used.has(name); i++) name = `cx${i}`;
  return name;
}

/**
 * The function a callee (`f`, `obj.m`, `this.m`, an imported or required name, `require("./x")` of a module that is
 * a function) refers to, when it is one written in the project.
 */
export function functionOf(callee: Node): FunctionNode | undefined {
  if (isRequire(callee)) return requiredFunction(callee);
  const id = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
  if (!Node.isIdentifier(id) && !Node.isPrivateIdentifier(id)) return undefined;
  const parent = id.getParent();
  let symbol = Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id ? parent.getValueSymbol() : id.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const declarations = symbol?.getDeclarations() ?? [];
  const found = declarations.map(declaredFunction).filter((fn): fn is FunctionNode => fn !== undefined);
  return found.length === 1 && declarations.length === 1 ? found[0] : undefined;
}

function declaredFunction(declaration: Node): FunctionNode | undefined {
  if (isFunctionNode(declaration)) return declaration.getBody() === undefined ? undefined : declaration;
  const assigned = assignedFunction(declaration);
  if (assigned !== undefined) return assigned;
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyAssignment(declaration) || Node.isPropertyDeclaration(declaration)) {
    const init = declaration.getInitializer();
    if (init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return init;
  }
  return undefined;
}

/** The function (or class body) whose code `node` is part of, or undefined at the top level of a file. */
export function enclosingFunction(node: Node): Node | undefined {
  return node.getFirstAncestor((a) => isBoundary(a));
}
