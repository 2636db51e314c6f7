/**
 * The inner callback an err-first function hands to a step, `(err, value) => { ... }`, as the async version writes
 * it after awaiting the step: the value becomes a variable and the rest of the callback follows. It forwards the
 * error (`if (err) return callback(err)`: the await throws it), reads it itself (caught into a variable of the same
 * name), or combines it with a cleanup's (cleanup-errors.ts: try/catch or try/finally keeping the precedence).
 */
import { Node, ts, type ArrowFunction, type Block, type CallExpression, type FunctionExpression, type Statement } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import { cleanupCombination, type CleanupCombination } from "./cleanup-errors.ts";
import { openerComment, withCommentOnAwait } from "./statement-comments.ts";
import type { ErrFirstWriter } from "./err-first-writer.ts";
import { isAssigned, named, readInClosure, usesOwnThis } from "./writer-syntax.ts";

/**
 * The inner callback `fn`, `(err, value) => { if (err) return callback(err); ...rest }`, as the code `awaited`
 * writes (given the name of `value`, if any, and how to declare it: it awaits what `fn` waited for) and then the
 * rest. Given the err-first `call` it was handed to, an inner callback that combines errors in cleanup, or reads
 * the error itself, is written too; without one (an `async` library helper's final callback) it must forward.
 */
export function innerCallback(w: ErrFirstWriter, fn: ArrowFunction | FunctionExpression, awaited: (value: string | undefined, kind: "const" | "let") => string[], call?: CallExpression): string[] {
  refuseUnless(
    !Node.isFunctionExpression(fn) || !usesOwnThis(fn),
    "handler-this-would-change",
    "the inner callback uses its own `this`",
    fn,
  );
  const combination = call === undefined ? undefined : cleanupCombination(fn, (node) => w.isCallback(node));
  if (combination !== undefined) return cleanup(w, call!, fn, combination);
  const params = fn.getParameters();
  refuseUnless(
    params.length >= 1,
    "callback-not-err-first",
    "the inner callback takes no error, so it is not an err-first callback (an event listener, or a callback that only signals)",
    fn,
  );
  refuseUnless(params.length <= 2, "callback-multiple-values", "the inner callback takes more than (err, value)", fn);
  const err = params[0]!.getName();
  const body = fn.getBody();
  refuseUnless(
    Node.isBlock(body),
    "error-not-forwarded",
    "the inner callback's body is an expression, not a block: write it as a block (`(err) => { return callback(...); }`) and run again",
    fn,
  );
  const [check, ...rest] = (body as Block).getStatements();
  const errSymbol = params[0]!.getNameNode().getSymbol();
  const forwards =
    check !== undefined && isErrorForward(w, check, err) && !rest.some((s) => named(s, err).some((id) => id.getSymbol() === errSymbol));
  if (!forwards) {
    refuseUnless(
      call !== undefined,
      "error-not-forwarded",
      `the inner callback does not start by passing \`${err}\` on (\`if (${err}) return callback(${err});\`); awaiting ` +
        "would throw where it did something else",
      check ?? fn,
    );
    // The callback looks at the error itself (`if (err && err.code === "ENOENT") ...`): the error is caught into it.
    return inspected(w, call!, fn, (body as Block).getStatements());
  }
  w.move(fn);
  const value = params[1]?.getNameNode().getText();
  // The callback's parameter was a variable of its own: one it assigns stays assignable (`let`).
  const kind = params[1] !== undefined && isAssigned(rest, params[1].getNameNode()) ? "let" : "const";
  return [...withCommentOnAwait(awaited(value, kind), openerComment(body)), ...w.block(rest, { later: true, mustLeave: false }, fn)];
}

/**
 * `api(args, (err, value) => { ...reads err... })`: the awaited call's error is caught into `err` (null when it
 * succeeds, as the callback was given), and the callback's code follows, answering as it did.
 */
function inspected(w: ErrFirstWriter, call: CallExpression, fn: ArrowFunction | FunctionExpression, statements: readonly Statement[]): string[] {
  const [errParam, valueParam] = fn.getParameters();
  for (const param of [errParam!, ...(valueParam === undefined ? [] : [valueParam])]) {
    refuseUnless(Node.isIdentifier(param.getNameNode()), "error-not-forwarded", "the inner callback destructures its parameters", param);
  }
  w.move(fn);
  const typed = !/\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath());
  const typeOf = (node: Node): string => node.getType().getText(node, ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
  const err = errParam!.getName();
  const value = valueParam?.getName();
  const caught = err === "caught" || value === "caught" ? "caught2" : "caught";
  const form = w.promiseForm(call);
  const args = call.getArguments().slice(0, -1).map((a) => w.text(a)).join(", ");
  // An inner callback inspected inside this one's code, with the same names (`(err, names)` in `(err, stats)`),
  // lands in the same scope once both are flat: it assigns the variables this one declared, which no closure reads.
  const declare = (name: string, declaration: string): string[] => (w.inspectedNames.includes(name) ? [] : [declaration]);
  const head = [
    ...declare(err, `let ${err}${typed ? `: ${typeOf(errParam!)}` : ""} = null;`),
    ...(w.inspectedNames.includes(err) ? [`${err} = null;`] : []),
    ...(value === undefined ? [] : declare(value, `let ${value}${typed ? `!: ${typeOf(valueParam!)}` : ""};`)),
    "try {",
    `${value === undefined ? "" : `${value} = `}await ${form}(${args});`,
    `} catch (${caught}) {`,
    `${err} = ${caught}${typed ? ` as ${typeOf(errParam!)}` : ""};`,
    "}",
  ];
  const shared = [errParam!, ...(valueParam === undefined ? [] : [valueParam])].filter((p) => !readInClosure(p.getNameNode(), statements)).map((p) => p.getName());
  w.inspectedNames.push(...shared);
  try {
    return [...withCommentOnAwait(head, openerComment(fn.getBody())), ...w.block(statements, { later: true, mustLeave: false }, fn)];
  } finally {
    w.inspectedNames.splice(w.inspectedNames.length - shared.length, shared.length);
  }
}

/**
 * `step(args, (err) => cleanup(more, (closeErr) => cb(err || closeErr)))`: the cleanup runs whether the step
 * failed or not, and the same error wins (see cleanup-errors.ts).
 */
function cleanup(w: ErrFirstWriter, call: CallExpression, fn: ArrowFunction | FunctionExpression, { cleanup, error, precedence }: CleanupCombination): string[] {
  const inner = cleanup.getArguments().at(-1)!;
  w.move(fn);
  w.move(inner);
  const step = `await ${w.promiseForm(call)}(${call.getArguments().slice(0, -1).map((a) => w.text(a)).join(", ")});`;
  const end = `await ${w.promiseForm(cleanup)}(${cleanup.getArguments().slice(0, -1).map((a) => w.text(a)).join(", ")});`;
  // JavaScript runs as written: a catch without a binding is ES2019 (see HandlerWriter's bindCatch).
  const quiet = ["try {", end, /\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath()) ? "} catch (ignored) {}" : "} catch {}"];
  if (precedence === "cleanup") return ["try {", step, "} finally {", end, "}", "return;"];
  const rethrow = ["try {", step, `} catch (${error}) {`, ...quiet, `throw ${error};`, "}"];
  return [...rethrow, ...(precedence === "first" ? [end] : quiet), "return;"];
}

/** `if (err) return callback(err);`, with or without braces, or `if (err) { callback(err); return; }`. */
/**
 * Whether the inner callback `fn` forwards an error first (`if (err) return callback(err)`) and takes at most
 * `(err, value)`: it never reads a value given with an error, nor the values after the first.
 */
export function readsOnlyTheValue(w: ErrFirstWriter, fn: ArrowFunction | FunctionExpression): boolean {
  const params = fn.getParameters();
  const body = fn.getBody();
  const first = Node.isBlock(body) ? body.getStatements()[0] : undefined;
  return params.length >= 1 && params.length <= 2 && first !== undefined && isErrorForward(w, first, params[0]!.getName());
}

function isErrorForward(w: ErrFirstWriter, statement: Statement, err: string): boolean {
  if (!Node.isIfStatement(statement) || statement.getExpression().getText() !== err || statement.getElseStatement() !== undefined) return false;
  const then = statement.getThenStatement();
  const inner = Node.isBlock(then) ? then.getStatements() : [then];
  const forwards = (s: Statement | undefined): boolean => {
    const e = Node.isReturnStatement(s) ? s.getExpression() : Node.isExpressionStatement(s) ? s.getExpression() : undefined;
    return e !== undefined && Node.isCallExpression(e) && w.isCallback(e.getExpression()) && e.getArguments().length === 1 && e.getArguments()[0]!.getText() === err;
  };
  if (inner.length === 1) return Node.isReturnStatement(inner[0]) && forwards(inner[0]);
  return inner.length === 2 && forwards(inner[0]) && Node.isReturnStatement(inner[1]) && inner[1].getExpression() === undefined;
}
