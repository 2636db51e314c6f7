import { Node, SyntaxKind, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression } from "ts-morph";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { usesOwn } from "./analysis.ts";

/** One `.then`, `.catch` or `.finally` of a chain. */
export interface Link {
  kind: "then" | "catch" | "finally";
  call: CallExpression;
  /** The fulfilment handler of `then`, the handler of `catch` and `finally`. */
  handler: Handler | undefined;
  /** The rejection handler of a two-argument `then`. */
  onRejected: Handler | undefined;
  /** Comments written before this link (`// then parse it` above `.then(...)`): they move with it. */
  comments: string[];
}

/** A handler written inline, or passed by reference. */
export type Handler =
  | { kind: "inline"; fn: ArrowFunction | FunctionExpression }
  | { kind: "reference"; expr: Expression };

/** A Promise chain: `base.then(...).catch(...)...`, links in call order. */
export interface Chain {
  base: Expression;
  links: Link[];
}

const METHODS = new Set(["then", "catch", "finally"]);

/** The chain `expr` is, if it ends in `.then`, `.catch` or `.finally` calls. */
export function chainOf(expr: Node): Chain | undefined {
  const links: Link[] = [];
  let node: Node = expr;
  for (;;) {
    while (Node.isParenthesizedExpression(node)) node = node.getExpression();
    if (!Node.isCallExpression(node)) break;
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !METHODS.has(callee.getName())) break;
    if (callee.hasQuestionDotToken() || node.hasQuestionDotToken()) break;
    links.push({ ...linkOf(node, callee.getName() as Link["kind"]), comments: commentsBefore(callee) });
    node = callee.getExpression();
  }
  if (links.length === 0) return undefined;
  return { base: node as Expression, links: links.reverse() };
}

/** The comments between a link's receiver and its `.name`. */
function commentsBefore(access: import("ts-morph").PropertyAccessExpression): string[] {
  const text = access.getSourceFile().getFullText().slice(access.getExpression().getEnd(), access.getNameNode().getStart());
  return text.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? [];
}

function linkOf(call: CallExpression, kind: Link["kind"]): Omit<Link, "comments"> {
  const args = call.getArguments();
  if (kind === "then") {
    refuseUnless(args.length <= 2, "then-arity", "`.then` is called with more than two arguments", call);
    return { kind, call, handler: handlerOf(args[0]), onRejected: handlerOf(args[1]) };
  }
  if (kind === "catch") {
    refuseUnless(
      args.length <= 1,
      "filtered-catch",
      "`.catch` with more than one argument (a filtered catch, as in Bluebird) has no async/await equivalent",
      call,
    );
  } else {
    refuseUnless(args.length <= 1, "finally-arity", "`.finally` is called with more than one argument", call);
  }
  return { kind, call, handler: handlerOf(args[0]), onRejected: undefined };
}

/** A handler argument; `undefined`/`null` (or none) means "pass the value or error through". */
function handlerOf(arg: Node | undefined): Handler | undefined {
  if (arg === undefined || Node.isNullLiteral(arg) || (Node.isIdentifier(arg) && arg.getText() === "undefined")) {
    return undefined;
  }
  if (Node.isArrowFunction(arg) || Node.isFunctionExpression(arg)) return { kind: "inline", fn: arg };
  if (Node.isSpreadElement(arg)) throw new Refusal("spread-handler", "a handler passed with a spread cannot be placed", arg);
  return { kind: "reference", expr: arg as Expression };
}

/**
 * The inline handler functions of `chain`, and of the chains their expression bodies return (those are flattened
 * into the same function: `.then((v) => save(v).then(f))` awaits `save(v)` and runs f inline too).
 */
export function inlineHandlers(chain: Chain): (ArrowFunction | FunctionExpression)[] {
  const found: (ArrowFunction | FunctionExpression)[] = [];
  for (const link of chain.links) {
    for (const handler of [link.handler, link.onRejected]) {
      if (handler?.kind !== "inline") continue;
      found.push(handler.fn);
      const nested = nestedChain(handler.fn);
      if (nested !== undefined) found.push(...inlineHandlers(nested));
    }
  }
  return found;
}

/** The chain an inline handler's expression body is, if it is one. */
export function nestedChain(fn: ArrowFunction | FunctionExpression): Chain | undefined {
  const body = fn.getBody();
  return Node.isBlock(body) ? undefined : chainOf(body);
}

/**
 * Refuse an inline handler that cannot move into the enclosing function: it must have no `this` or `arguments` of
 * its own, one plain parameter at most, and not be a generator.
 */
export function checkInlinable(fn: ArrowFunction | FunctionExpression): void {
  if (Node.isFunctionExpression(fn)) {
    refuseUnless(!fn.isGenerator(), "generator-handler", "a generator function used as a handler", fn);
    refuseUnless(
      !usesOwn(fn, SyntaxKind.ThisKeyword),
      "handler-this-would-change",
      "a `function` handler uses `this`, which is undefined when a promise calls it; inlined, it would be the " +
        "enclosing function's `this`",
      fn,
    );
    refuseUnless(
      !usesOwn(fn, "arguments"),
      "handler-uses-arguments",
      "a `function` handler reads `arguments`; inlined, it would read the enclosing function's",
      fn,
    );
  }
  const params = fn.getParameters();
  refuseUnless(params.length <= 1, "handler-extra-params", "a handler declares more than one parameter", fn);
  const [param] = params;
  if (param !== undefined) {
    refuseUnless(!param.isRestParameter(), "handler-rest-param", "a handler with a rest parameter", param);
    refuseUnless(
      param.getInitializer() === undefined,
      "handler-default-param",
      "a handler parameter with a default value (it would apply only to an undefined value)",
      param,
    );
  }
}
