/**
 * Exports by assignment (CommonJS): `module.exports.f = ...`, `exports.f = ...`, `module.exports = { f, g }`,
 * `module.exports = f`. They are exports as much as `export function f`: the function is found as exported, its
 * callers in other files are found through `require` (`const m = require("./x")` then `m.f(...)`, destructured
 * `const { f } = require("./x")`, `require("./x").f(...)`, and `require("./x")(...)` for `module.exports = f`), and
 * `--keep-legacy-export` keeps the old name with the old calling form. The compiler's own references miss most of
 * these (a shorthand property in `module.exports = { f }` is a symbol of its own), so they are read here.
 */
import { Node, SyntaxKind, type CallExpression, type SourceFile } from "ts-morph";
import { isFunctionNode, type FunctionNode } from "../engine/functions.ts";

/** One way a declaration is exported by assignment. */
export interface AssignedExport {
  /** The exported name (`f` of `module.exports.f = ...`, of `{ f }`), or undefined for `module.exports = f`. */
  name: string | undefined;
  /** What is written: `module.exports.f = f`, `module.exports = f`, or the property of `module.exports = { ... }`. */
  site: Node;
  /** The object the name is set on, as written: `module.exports` or `exports` (for a statement added beside it). */
  object: string;
  /** The top-level statement holding the export. */
  statement: Node;
}

const byFile = new WeakMap<SourceFile, { value: Node; found: AssignedExport }[]>();

/** How `declaration` (a function, or a class) is exported by assignment in its file, if it is. */
export function assignedExportsOf(declaration: Node): AssignedExport[] {
  return exportsOfFile(declaration.getSourceFile())
    .filter((e) => declared(e.value) === declaration)
    .map((e) => e.found);
}

/** The assignment `exports.f = <node>` or `module.exports = <node>` whose value `node` is, if it is one. */
export function assignedExportAt(node: Node): AssignedExport | undefined {
  return exportsOfFile(node.getSourceFile()).find((e) => e.value === node)?.found;
}

/** The function `declaration` (a symbol's declaration: `module.exports.f`, `{ f }` of `module.exports = {...}`) exports. */
export function assignedFunction(declaration: Node): FunctionNode | undefined {
  const found = exportsOfFile(declaration.getSourceFile()).find(
    (e) => e.found.site === declaration || (Node.isBinaryExpression(e.found.site) && e.found.site.getLeft() === declaration),
  );
  const fn = found === undefined ? undefined : declared(found.value);
  return fn !== undefined && isFunctionNode(fn) ? fn : undefined;
}

/** The function a module is (`module.exports = f`), for `require("./x")(...)`; `call` is the `require`. */
export function requiredFunction(call: CallExpression): FunctionNode | undefined {
  const file = requiredFile(call);
  const whole = file === undefined ? undefined : exportsOfFile(file).find((e) => e.found.name === undefined);
  const fn = whole === undefined ? undefined : declared(whole.value);
  return fn !== undefined && isFunctionNode(fn) ? fn : undefined;
}

/** Whether `call` is `require("...")`. */
export function isRequire(node: Node): node is CallExpression {
  return Node.isCallExpression(node) && node.getExpression().getText() === "require" && node.getArguments().length === 1 && Node.isStringLiteral(node.getArguments()[0]!);
}

/** Whether `node` is a module as a value: `require("...")`, a name holding one, or the module's own `module.exports`. */
export function isModuleValue(node: Node): boolean {
  if (isRequire(node) || isModuleExports(node) || (Node.isIdentifier(node) && node.getText() === "exports")) return true;
  if (!Node.isIdentifier(node)) return false;
  const declarations = node.getSymbol()?.getDeclarations() ?? [];
  return declarations.length === 1 && Node.isVariableDeclaration(declarations[0]) && isRequire(declarations[0].getInitializer() ?? declarations[0]);
}

/**
 * The expressions in other files that use what `fn` is exported as: `m.f` and `require("./x").f` (the property
 * access), a destructured `f` (each use of its local name), and for `module.exports = f` the module itself
 * (`f` of `const f = require("./x")`, or the `require("./x")` called).
 */
export function requiredUses(fn: FunctionNode): Node[] {
  let uses = usesByFunction.get(fn);
  if (uses === undefined) {
    uses = findRequiredUses(fn);
    usesByFunction.set(fn, uses);
  }
  return uses;
}

const usesByFunction = new WeakMap<FunctionNode, Node[]>();

function findRequiredUses(fn: FunctionNode): Node[] {
  const exported = assignedExportsOf(fn);
  if (exported.length === 0) return [];
  const names = new Set(exported.map((e) => e.name));
  const uses: Node[] = [];
  for (const referencing of requiresOf(fn.getSourceFile())) {
    const parent = referencing.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === referencing) {
      if (names.has(parent.getName())) uses.push(parent);
    } else if (Node.isCallExpression(parent) && parent.getExpression() === referencing) {
      if (names.has(undefined)) uses.push(referencing);
    } else if (Node.isVariableDeclaration(parent) && parent.getInitializer() === referencing) {
      const binding = parent.getNameNode();
      if (Node.isIdentifier(binding)) uses.push(...moduleUses(binding, names));
      else if (Node.isObjectBindingPattern(binding)) {
        for (const element of binding.getElements()) {
          const local = element.getNameNode();
          if (!names.has(element.getPropertyNameNode()?.getText() ?? element.getName()) || !Node.isIdentifier(local)) continue;
          uses.push(...local.findReferencesAsNodes().filter((r) => r !== local));
        }
      }
    }
  }
  return uses;
}

/** Uses of a name holding a module: `m.f` for the names given, and `m` itself when the module is the function. */
function moduleUses(binding: import("ts-morph").Identifier, names: ReadonlySet<string | undefined>): Node[] {
  const uses: Node[] = [];
  for (const ref of binding.findReferencesAsNodes()) {
    if (ref === binding) continue;
    const parent = ref.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === ref) {
      if (names.has(parent.getName())) uses.push(parent);
    } else if (names.has(undefined)) uses.push(ref);
  }
  return uses;
}

/** For a name destructured from a required module (`const { f: g } = require("./x")`), the property it takes (`f`). */
export function requiredBinding(id: Node): string | undefined {
  const declarations = id.getSymbol()?.getDeclarations() ?? [];
  const element = declarations.length === 1 ? declarations[0]! : undefined;
  if (element === undefined || !Node.isBindingElement(element)) return undefined;
  const declaration = element.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  if (declaration === undefined || !isRequire(declaration.getInitializer() ?? declaration)) return undefined;
  return element.getPropertyNameNode()?.getText() ?? element.getName();
}

const requires = new WeakMap<SourceFile, CallExpression[]>();

/** The `require(...)` calls of `file` in other files (asked once per file: the compiler looks through every file). */
function requiresOf(file: SourceFile): CallExpression[] {
  let found = requires.get(file);
  if (found === undefined) {
    found = file.getReferencingNodesInOtherSourceFiles().filter(isRequire);
    requires.set(file, found);
  }
  return found;
}

function requiredFile(call: CallExpression): SourceFile | undefined {
  const symbol = call.getArguments()[0]!.getSymbol();
  const declaration = symbol?.getDeclarations()[0];
  return declaration !== undefined && Node.isSourceFile(declaration) ? declaration : undefined;
}

/** The statements `module.exports... = ...` at the top of a file, each value with its export (read once per file). */
function exportsOfFile(file: SourceFile): { value: Node; found: AssignedExport }[] {
  let found = byFile.get(file);
  if (found !== undefined) return found;
  found = [];
  for (const statement of file.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const assignment = statement.getExpression();
    if (!Node.isBinaryExpression(assignment) || assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const left = assignment.getLeft();
    const value = assignment.getRight();
    if (isModuleExports(left)) {
      if (Node.isObjectLiteralExpression(value)) {
        for (const property of value.getProperties()) {
          if (Node.isShorthandPropertyAssignment(property)) found.push({ value: property.getNameNode(), found: { name: property.getName(), site: property, object: "module.exports", statement } });
          else if (Node.isPropertyAssignment(property) && Node.isIdentifier(property.getNameNode())) {
            found.push({ value: property.getInitializerOrThrow(), found: { name: property.getName(), site: property, object: "module.exports", statement } });
          } else if (Node.isMethodDeclaration(property)) found.push({ value: property, found: { name: property.getName(), site: property, object: "module.exports", statement } });
        }
      } else found.push({ value, found: { name: undefined, site: assignment, object: "module.exports", statement } });
    } else if (Node.isPropertyAccessExpression(left) && (isModuleExports(left.getExpression()) || left.getExpression().getText() === "exports")) {
      found.push({ value, found: { name: left.getName(), site: assignment, object: left.getExpression().getText(), statement } });
    }
  }
  byFile.set(file, found);
  return found;
}

function isModuleExports(node: Node): boolean {
  return node.getText() === "module.exports";
}

/** The function or class an exported value is: itself, or the one a name refers to in its file. */
function declared(value: Node): Node | undefined {
  if (isFunctionNode(value) || Node.isClassDeclaration(value) || Node.isClassExpression(value)) return value;
  if (!Node.isIdentifier(value)) return undefined;
  const shorthand = value.getParentIfKind(SyntaxKind.ShorthandPropertyAssignment);
  const declarations = (shorthand === undefined ? value.getSymbol() : shorthand.getValueSymbol())?.getDeclarations() ?? [];
  if (declarations.length !== 1) return undefined;
  const declaration = declarations[0]!;
  if (Node.isFunctionDeclaration(declaration) || Node.isClassDeclaration(declaration)) return declaration;
  if (Node.isVariableDeclaration(declaration)) {
    const init = declaration.getInitializer();
    if (init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init) || Node.isClassExpression(init))) return init;
  }
  return undefined;
}
