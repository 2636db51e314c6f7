/**
 * Err-first functions whose callers nobody can list (a method, a prototype method, a property of an object literal, an
 * export by assignment, a function held by a variable): the function keeps its shape, `f(a, cb)`, and calls its
 * async version through `util.callbackify`, with `this` passed on where it reads `this`.
 *
 * Where the async version sits:
 * - a class method gets a sibling method `mAsync` (modifiers kept, `override` dropped): the moved body keeps `this`,
 *   `super` and private members, which only a member of the class can read;
 * - every other shape gets an `async function fAsync` declaration beside the statement that holds it, in the same
 *   scope (so the body sees the same names), not a new property: the object, the prototype or the module's exports
 *   keep exactly the members they had, a destructured or detached `f` keeps working, and a function reading `this`
 *   is given it by `callbackify(fAsync).call(this, ...)` (in JavaScript; TypeScript cannot type `this` there).
 */
import { Node, SyntaxKind, ts, type MethodDeclaration, type SourceFile, type Statement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FunctionNode } from "../engine/functions.ts";
import type { FileImports } from "../engine/imports.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { findAll } from "../engine/walk.ts";
import { usesOwn } from "./analysis.ts";
import { shimCall, type AsyncVersion, type ErrFirstRewrite } from "./err-first.ts";
import { asyncVersionDoc } from "./js-doc.ts";

const NO_PLACE = "callback-no-place-for-async-version";

/** The rewrite of an err-first function that is not a declaration; throws a `Refusal`. */
export function planKeptShape(fn: FunctionNode, version: AsyncVersion, imports: FileImports): ErrFirstRewrite {
  if (Node.isMethodDeclaration(fn) && Node.isClassLikeDeclarationBase(fn.getParent())) return planClassMethod(fn, version, imports);
  const base = baseName(fn);
  refuseUnless(
    base !== undefined,
    NO_PLACE,
    "the function has no name to give its async version (a computed or quoted name); name it, or leave it as it is",
    fn,
  );
  checkSelfReference(fn);
  const typescript = !/\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath());
  refuseUnless(
    !usesOwn(fn, SyntaxKind.SuperKeyword) && !(typescript && usesOwn(fn, SyntaxKind.ThisKeyword)),
    "callback-this-outside-class",
    "it reads `this` (or `super`) outside a class: its async version, a function beside it, could not be typed to " +
      "receive it; make it a class method and run again, or leave it as it is",
    fn,
  );
  const statement = placeOf(fn);
  refuseUnless(
    statement !== undefined,
    NO_PLACE,
    "the function sits in an expression (a parameter default, a single-statement branch) with no block beside it " +
      "for its async version; move it into a statement of its own and run again",
    fn,
  );
  const impl = freshName(fn.getSourceFile(), imports, `${base}Async`);
  const body = fn.getBody()!;
  const asyncFunction = `${asyncVersionDoc(fn, version.keptNames)}async function ${impl}${version.typeParams}(${version.kept}) ${version.body}`;
  // Hoisted, the declaration is there whenever the legacy shape runs: after the statement, or before a `return`.
  const before = Node.isReturnStatement(statement) || Node.isThrowStatement(statement);
  const edits: Edit[] = [
    { start: body.getStart(), end: body.getEnd(), text: `{\n${shimCall(fn, impl, version)}\n}` },
    before
      ? { start: statement.getStart(), end: statement.getStart(), text: `${asyncFunction}\n\n` }
      : { start: statement.getEnd(), end: statement.getEnd(), text: `\n\n${asyncFunction}` },
  ];
  const callee = calleeText(fn, statement);
  if (callee !== undefined) imports.madeAsync.set(callee, impl);
  version.notes.push(`the async version is ${impl}, beside it; it keeps its callback shape for callers nobody can list`);
  return { edits, notes: version.notes, imports: version.writer.needed };
}

/** A class method: the async version is a sibling method, the legacy method calls it. */
function planClassMethod(fn: MethodDeclaration, version: AsyncVersion, imports: FileImports): ErrFirstRewrite {
  const nameNode = fn.getNameNode();
  refuseUnless(
    Node.isIdentifier(nameNode),
    NO_PLACE,
    "the method's name is computed, quoted or private (`#m`); its async version needs a plain name: rename it, or leave it as it is",
    fn,
  );
  const owner = fn.getParent() as import("ts-morph").ClassDeclaration;
  const impl = freshName(fn.getSourceFile(), imports, `${nameNode.getText()}Async`);
  const className = owner.getName();
  // Through the class, not `this`: a subclass's own `mAsync` must not answer `super.m(...)`, and a method that does
  // not read `this` may be called detached. (`this` passes on with `.call(this, ...)` where the method reads it.)
  const holder = className === undefined ? "this" : fn.isStatic() ? className : `${className}.prototype`;
  const body = fn.getBody()!;
  const modifiers = fn
    .getModifiers()
    .filter((m) => ![SyntaxKind.Decorator, SyntaxKind.OverrideKeyword, SyntaxKind.AsyncKeyword].includes(m.getKind()))
    .map((m) => `${m.getText()} `)
    .join("");
  const source = fn.getSourceFile().getFullText();
  const indent = /[ \t]*$/.exec(source.slice(0, fn.getStart()))![0];
  // Blocks are what the formatter formats on their own: the new method's head is written as the class indents it.
  const head = `\n\n${indent}${asyncVersionDoc(fn, version.keptNames).replace(/\n/g, `\n${indent}`)}${modifiers}async ${impl}${version.typeParams}(${version.kept}) `;
  const edits: Edit[] = [
    { start: body.getStart(), end: body.getEnd(), text: `{\n${shimCall(fn, `${holder}.${impl}`, version)}\n}` },
    { start: fn.getEnd(), end: fn.getEnd(), text: head, format: false },
    { start: fn.getEnd(), end: fn.getEnd(), text: version.body },
  ];
  version.notes.push(`the async version is the method ${impl}; ${nameNode.getText()} keeps its callback shape for callers nobody can list`);
  return { edits, notes: version.notes, imports: version.writer.needed };
}

/** The name the async version is named after: the variable, property, member or function expression's own name. */
function baseName(fn: FunctionNode): string | undefined {
  const parent = fn.getParent();
  let name: string | undefined;
  if (Node.isFunctionExpression(fn) && fn.getName() !== undefined) name = fn.getName();
  else if (Node.isMethodDeclaration(fn) || Node.isPropertyAssignment(parent) || Node.isPropertyDeclaration(parent)) {
    const node = Node.isMethodDeclaration(fn) ? fn.getNameNode() : (parent as import("ts-morph").PropertyAssignment).getNameNode();
    name = Node.isIdentifier(node) ? node.getText() : Node.isStringLiteral(node) ? node.getLiteralText() : undefined;
  } else if (Node.isVariableDeclaration(parent)) name = parent.getName();
  else if (Node.isBinaryExpression(parent) && parent.getRight() === fn) {
    const left = parent.getLeft();
    name = Node.isPropertyAccessExpression(left) ? left.getName() : Node.isIdentifier(left) ? left.getText() : undefined;
  }
  return name !== undefined && /^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined;
}

/**
 * How the file calls the function by name (`f`, `exports.f`): its callers rewritten in this run await the async
 * version. The variable's callers are in its scope, which is the async version's too; `exports.f` is called from
 * anywhere in the file, so only an assignment at the top level (where the async version then sits) counts.
 */
function calleeText(fn: FunctionNode, statement: Statement): string | undefined {
  const parent = fn.getParent();
  if (Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode())) return parent.getName();
  const topLevel = Node.isSourceFile(statement.getParent());
  if (topLevel && Node.isBinaryExpression(parent) && parent.getRight() === fn && /^(module\.)?exports\.[\w$]+$/.test(parent.getLeft().getText())) {
    return parent.getLeft().getText();
  }
  return undefined;
}

/** A named function expression calling itself by its own name: that name is not bound where the body moves. */
function checkSelfReference(fn: FunctionNode): void {
  if (!Node.isFunctionExpression(fn)) return;
  const own = fn.getNameNode();
  if (own === undefined) return;
  const symbol = own.getSymbol();
  const body = fn.getBody()!;
  const self = findAll(body, (node) => ts.isIdentifier(node) && node.text === own.getText()).find((id) => id.getSymbol() === symbol);
  refuseUnless(self === undefined, "callback-recursive", `${own.getText()} calls itself by its own name, which its async version would not have`, self ?? fn);
}

/** The statement holding `fn` in a block, with no other function between them (whose parameters it could read). */
function placeOf(fn: FunctionNode): Statement | undefined {
  for (let node: Node | undefined = fn.getParent(); node !== undefined; node = node.getParent()) {
    const parent = node.getParent();
    if (Node.isStatement(node) && (Node.isBlock(parent) || Node.isSourceFile(parent) || Node.isModuleBlock(parent))) return node;
    if (Node.isFunctionLikeDeclaration(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node)) return undefined;
  }
  return undefined;
}

/** Names given out in this file's planning round, so two functions never get the same async name. */
const given = new WeakMap<FileImports, Set<string>>();

/** `base`, or `base2`, `base3`...: a name not written anywhere in the file nor given out before. */
function freshName(file: SourceFile, imports: FileImports, base: string): string {
  const taken = given.get(imports) ?? new Set<string>();
  given.set(imports, taken);
  const text = file.getFullText();
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!taken.has(name) && imports.isFree(name) && !new RegExp(`(^|[^\\w$])${name.replace(/\$/g, "\\$")}($|[^\\w$])`).test(text)) {
      taken.add(name);
      imports.claim(name);
      return name;
    }
  }
}
