/**
 * Which parameter of a function is its err-first callback, in every shape a function is written (a declaration, a
 * function expression or an arrow held by a variable, a property or an export, a method of a class or of an object
 * literal). A typed parameter says so by its type (`(err: Error | null, v?: T) => void`, a `Callback<T>` alias, an
 * interface with such a call signature). An untyped one is recognised by its name (`cb`, `callback`, `done`, `next`,
 * `cont`, `fn`, with or without `_`) only with evidence in the body: it is called with an error-ish first argument
 * (`null`, `undefined`, `err`, `new Error(...)`) or with none, or handed on as the last argument of a call. `next` of a
 * middleware called as `next()` and an iteratee `fn(item)` are not err-first callbacks: an iteratee called with a
 * value first gives no evidence, and `fn` needs an error-ish first argument.
 */
import { Node, ts, type Identifier, type ParameterDeclaration, type Type } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { findAll } from "../engine/walk.ts";

const CALLBACK_NAMES = /^_?(cb|cbk|callback|done|next|cont|fn)_?$/i;
/** Names whose call with no argument or hand-over says nothing: an iteratee is called with a value. */
const WEAK_NAMES = /^_?fn_?$/i;
const ERROR_NAME = /^(e|er|err|error|ex|exc|exception)$|(err|error)$/i;

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
  if (!CALLBACK_NAMES.test(name.getText())) return undefined;
  return hasEvidence(fn, name) ? name : undefined;
}

/** A function type whose first parameter is an error: named like one, or typed `Error` (or `Error | null`). */
export function isErrFirstType(type: Type): boolean {
  return type.getCallSignatures().some((signature) => {
    const first = signature.getParameters()[0];
    if (first === undefined) return false;
    if (ERROR_NAME.test(first.getName())) return true;
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

/** A call of the callback with an error-ish first argument (or, for a callback's usual names, none), or a hand-over. */
function hasEvidence(fn: Node, name: Identifier): boolean {
  const weak = WEAK_NAMES.test(name.getText());
  return references(fn, name).some((ref) => {
    const parent = ref.getParent();
    if (!Node.isCallExpression(parent)) return false;
    if (parent.getExpression() === ref) {
      const first = parent.getArguments()[0];
      return first === undefined ? !weak : isErrorish(first);
    }
    return !weak && parent.getArguments().at(-1) === ref;
  });
}

/** `null`, `undefined`, `void 0`, a name like an error (`err`, `closeErr`), `new XError(...)`, or a value typed as an error. */
export function isErrorish(node: Node): boolean {
  if (Node.isNullLiteral(node) || Node.isVoidExpression(node)) return true;
  if (Node.isIdentifier(node)) return node.getText() === "undefined" || ERROR_NAME.test(node.getText()) || isErrorType(node.getType());
  if (Node.isPropertyAccessExpression(node)) return ERROR_NAME.test(node.getName()) || isErrorType(node.getType());
  if (Node.isNewExpression(node) || Node.isCallExpression(node)) return /Error$/i.test(node.getExpression().getText()) || isErrorType(node.getType());
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node)) return isErrorish(node.getExpression());
  return false;
}
