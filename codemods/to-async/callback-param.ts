/**
 * Which parameter of a function is its callback, in every shape a function is written (a declaration, a function
 * expression or an arrow held by a variable, a property or an export, a method of a class or of an object literal).
 * A typed parameter says so by its type: `(err: Error | null, v?: T) => void`, a `Callback<T>` alias, an interface
 * with such a call signature (the first parameter named like an error, or typed as one). An untyped one is
 * recognised by its name and by its use in the body: `cb`, `callback`, `errback` by any use; `done`, `next`, `cont`
 * when called with an error-ish first argument or none, called later (from a nested function), or handed on as the
 * last argument of a call; `fn`, the usual name of an iteratee (`fn(item)`), only when called with an error-ish
 * first argument. Any name, where the optional-argument shuffle moves a function into it
 * (`if (typeof opts === 'function') { f = opts }`). A middleware's `next()` is recognised and refused as called synchronously, with its reason; a
 * callback called with something else first (`done(true)`) is refused `callback-not-err-first` by the planner.
 */
import { Node, SyntaxKind, ts, type Identifier, type ParameterDeclaration, type Type } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { findAll } from "../engine/walk.ts";

const CALLBACK_NAMES = /^_?(cb|cbk|callback|errback|done|next|cont|fn)_?$/i;
/** Names no other kind of parameter goes by: any use says the function takes a callback. */
const STRONG_NAMES = /^_?(cb|cbk|callback|errback)_?$/i;
/** Names an iteratee goes by: only a call with an error-ish first argument says it is a callback. */
const WEAK_NAMES = /^_?fn_?$/i;
/** `err`, `er2`, `e`, `error`, `errState`, `closeErr`, `originalEr`: not `user` or `buffer` (a suffix counts camel-cased). */
function isErrorName(name: string): boolean {
  return /^(e|er|err|error|ex|exc|exception)\d*$/i.test(name) || /(Er|Err|Error|Exception)\d*$/.test(name) || /^(er|err|error)[A-Z_$\d]/.test(name);
}

/**
 * The err-first callback parameter of `fn`: the last parameter that is one, by its type or by its name and use.
 * It may not be the last parameter (`files(dir, type, callback, options)`); the planner refuses those.
 */
export function callbackParam(fn: Node): Identifier | undefined {
  if (!isFunctionNode(fn)) return undefined;
  const params = fn.getParameters();
  for (let i = params.length - 1; i >= 0; i--) {
    const found = asCallback(fn, params[i]!, i === params.length - 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function asCallback(fn: Node, param: ParameterDeclaration, last: boolean): Identifier | undefined {
  const name = param.getNameNode();
  if (!Node.isIdentifier(name) || param.isRestParameter()) return undefined;
  const type = param.getType();
  const typed = param.getTypeNode() !== undefined && !type.isAny();
  if (typed) return isErrFirstType(type.getNonNullableType()) && (last || used(fn, name)) ? name : undefined;
  if (shuffledInto(fn, name)) return name;
  if (!CALLBACK_NAMES.test(name.getText())) return undefined;
  return hasEvidence(fn, name) ? name : undefined;
}

/**
 * Whether the optional-argument shuffle moves a function into the parameter `name`, whatever it is called
 * (mkdirp's `if (typeof opts === 'function') { f = opts; ... }`): only a callback is moved that way.
 */
function shuffledInto(fn: Node, name: Identifier): boolean {
  return references(fn, name).some((ref) => {
    const assignment = ref.getParent();
    if (!Node.isBinaryExpression(assignment) || assignment.getLeft() !== ref || assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
    const test = assignment.getFirstAncestorByKind(SyntaxKind.IfStatement)?.getExpression();
    if (!Node.isBinaryExpression(test) || ownerOf(test) !== fn) return false;
    const operator = test.getOperatorToken().getKind();
    const [typeOf, kind] = [test.getLeft(), test.getRight()];
    return (
      (operator === SyntaxKind.EqualsEqualsEqualsToken || operator === SyntaxKind.EqualsEqualsToken) &&
      Node.isTypeOfExpression(typeOf) &&
      typeOf.getExpression().getText() === assignment.getRight().getText() &&
      Node.isStringLiteral(kind) &&
      kind.getLiteralText() === "function"
    );
  });
}

/** A function type whose first parameter is an error: named like one, or typed `Error` (or `Error | null`). */
export function isErrFirstType(type: Type): boolean {
  return type.getCallSignatures().some((signature) => {
    const first = signature.getParameters()[0];
    if (first === undefined) return false;
    if (isErrorName(first.getName())) return true;
    const declaration = first.getDeclarations()[0];
    return declaration !== undefined && isErrorType(first.getTypeAtLocation(declaration).getNonNullableType());
  });
}

function isErrorType(type: Type): boolean {
  if (type.isAny() || type.isUnknown()) return false;
  if (type.isUnion()) return type.getUnionTypes().every(isErrorType);
  return /Error$|Exception$/.test(type.getSymbol()?.getName() ?? "");
}

/** Whether the parameter `name` is read anywhere in `fn` (nested functions too). */
function used(fn: Node, name: Identifier): boolean {
  return references(fn, name).length > 0;
}

function references(fn: Node, name: Identifier): Identifier[] {
  const symbol = name.getSymbol();
  const text = name.getText();
  return findAll(fn, (node) => ts.isIdentifier(node) && node.text === text)
    .filter((id) => id !== name && id.getSymbol() === symbol) as Identifier[];
}

/**
 * Evidence that the parameter `name` is a callback: for `cb`/`callback`, any use; for `done`/`next`/`cont`, a call with
 * an error-ish first argument or none, a call from a nested function (later), or a hand-over as the last argument
 * of a call; for `fn`, a call with an error-ish first argument.
 */
function hasEvidence(fn: Node, name: Identifier): boolean {
  const refs = references(fn, name);
  if (STRONG_NAMES.test(name.getText())) return refs.length > 0;
  const weak = WEAK_NAMES.test(name.getText());
  return refs.some((ref) => {
    const parent = ref.getParent();
    if (!Node.isCallExpression(parent) && !Node.isNewExpression(parent)) return false;
    if (parent.getExpression() === ref) {
      const first = parent.getArguments()[0];
      if (first !== undefined && isErrorish(first)) return true;
      return !weak && (first === undefined || ownerOf(ref) !== fn);
    }
    return !weak && parent.getArguments().at(-1) === ref;
  });
}

/** The function a node is in. */
function ownerOf(node: Node): Node | undefined {
  return node.getFirstAncestor((a) => isFunctionNode(a) || Node.isConstructorDeclaration(a) || Node.isGetAccessorDeclaration(a) || Node.isSetAccessorDeclaration(a));
}

/**
 * The first call of an untyped callback with a first argument that may not be an error (`done(true)`,
 * `callback(result)`): such a callback is not err-first, and `callback(x)` must not become `throw x`.
 */
export function notErrFirstCall(fn: Node, cb: Identifier): Node | undefined {
  const param = cb.getParent();
  if (Node.isParameterDeclaration(param) && param.getTypeNode() !== undefined && !param.getType().isAny()) return undefined;
  return references(fn, cb).find((ref) => {
    const call = ref.getParent();
    if (!Node.isCallExpression(call) || call.getExpression() !== ref) return false;
    const first = call.getArguments()[0];
    return first !== undefined && !isErrorish(first);
  });
}

/** `null`, `undefined`, `void 0`, a name like an error (`err`, `closeErr`), `new XError(...)`, a value typed as an
 * error, or made of those (`a || b`, `c ? null : err`, `errList[0]`, `errState = er`). */
export function isErrorish(node: Node): boolean {
  if (Node.isNullLiteral(node) || Node.isVoidExpression(node)) return true;
  if (Node.isIdentifier(node)) return node.getText() === "undefined" || isErrorName(node.getText()) || isErrorType(node.getType());
  if (Node.isPropertyAccessExpression(node)) return isErrorName(node.getName()) || isErrorType(node.getType());
  if (Node.isNewExpression(node) || Node.isCallExpression(node)) return /Error$/i.test(node.getExpression().getText()) || isErrorType(node.getType());
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node) || Node.isElementAccessExpression(node)) return isErrorish(node.getExpression());
  if (Node.isConditionalExpression(node)) return isErrorish(node.getWhenTrue()) && isErrorish(node.getWhenFalse());
  if (Node.isBinaryExpression(node)) {
    const operator = node.getOperatorToken().getKind();
    if (operator === SyntaxKind.EqualsToken) return isErrorish(node.getRight());
    const either = [SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken, SyntaxKind.AmpersandAmpersandToken].includes(operator);
    return either && isErrorish(node.getLeft()) && isErrorish(node.getRight());
  }
  return false;
}
