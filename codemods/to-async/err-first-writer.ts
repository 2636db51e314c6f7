/**
 * The body of an err-first function, rewritten statement by statement into its async form (see err-first.ts for
 * what is rewritten and what is refused).
 */
import { Node, SyntaxKind, ts, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression, type Identifier, type Statement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { findAll } from "../engine/walk.ts";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { nativeFor } from "./preamble.ts";
import { textWith } from "./rename.ts";
import { isNodeApi, promiseCallee, promiseFormOf, takesErrFirstCallback } from "./wrapper.ts";

export interface Context {
  /** Whether code here runs in a callback of an API (later), not synchronously in the function's call. */
  later: boolean;
  /** Whether an answer here must also leave the function (a branch of an `if` that other code follows). */
  mustLeave: boolean;
}

export class ErrFirstWriter {
  readonly needed: Import[] = [];
  /** Inner callbacks whose bodies move into the function: their own rewrites (if any) are not used. */
  private readonly moved = new Set<object>();

  /**
   * @param inner - edits of functions inside this one rewritten already (and call sites other rewrites changed in
   *   it): copied code carries them
   */
  constructor(
    private readonly cb: Identifier,
    private readonly imports: FileImports,
    private readonly inner: readonly Edit[] = [],
  ) {}

  /** The code of `node` as it moves into the async function, with the inner edits applied. */
  private text(node: Node): string {
    return textWith(node, new Map(), false, this.inner.filter((edit) => !this.moved.has(edit.owner as object)));
  }

  use(module: string, name: string): string {
    return this.imports.take(this.needed, module, name);
  }

  /**
   * The statements of a block, rewritten. Every path must end by answering: a callback call (last on its path),
   * or handing the callback to a callback API.
   */
  block(statements: readonly Statement[], ctx: Context, at: Node): string[] {
    const out: string[] = [];
    for (const [i, statement] of statements.entries()) {
      const answer = this.answer(statement, ctx);
      if (answer !== undefined) {
        const next = statements[i + 1];
        const thenReturn = next !== undefined && Node.isReturnStatement(next) && next.getExpression() === undefined && i + 2 === statements.length;
        const leaves = Node.isReturnStatement(statement) || thenReturn;
        refuseUnless(
          leaves || i === statements.length - 1,
          "callback-not-last",
          "code runs after the callback is called; as a return it would not",
          statement,
        );
        refuseUnless(
          leaves || !ctx.mustLeave,
          "callback-may-run-twice",
          "after this, the function goes on past the `if` (and may call the callback again); as a return it would stop",
          statement,
        );
        return [...out, ...answer];
      }
      if (Node.isTryStatement(statement) && this.mentionsCallback(statement)) {
        const last = i === statements.length - 1;
        out.push(...this.tryStatement(statement, { ...ctx, mustLeave: ctx.mustLeave || !last }, last));
        if (last) return out;
        continue;
      }
      if (Node.isIfStatement(statement) && this.mentionsCallback(statement)) {
        const last = i === statements.length - 1;
        out.push(...this.ifStatement(statement, { ...ctx, mustLeave: ctx.mustLeave || !last }, last));
        if (last) return out;
        continue;
      }
      refuseUnless(
        !this.mentionsCallback(statement),
        "callback-escapes",
        "the callback is used other than by calling it or handing it to a callback API at the end of a path",
        statement,
      );
      refuseUnless(
        !Node.isReturnStatement(statement) && !containsOwnReturn(statement),
        "callback-not-called",
        "a path returns without calling the callback; as an async function it would answer with undefined",
        statement,
      );
      out.push(this.text(statement));
    }
    throw new Refusal("callback-not-called", "a path ends without calling the callback; as an async function it would answer with undefined", at);
  }

  /** `try`/`catch` with callback calls inside (`catch (e) { return callback(e); }`): each block as a branch. */
  private tryStatement(statement: import("ts-morph").TryStatement, ctx: Context, last: boolean): string[] {
    const finallyBlock = statement.getFinallyBlock();
    refuseUnless(
      finallyBlock === undefined || !this.mentionsCallback(finallyBlock),
      "callback-escapes",
      "the callback is called in a `finally` block",
      statement,
    );
    const part = (block: import("ts-morph").Block): string[] =>
      !last && !this.mentionsCallback(block) ? block.getStatements().map((s) => this.text(s)) : this.block(block.getStatements(), ctx, block);
    const clause = statement.getCatchClause();
    const binding = clause?.getVariableDeclaration()?.getText();
    return [
      "try {",
      ...part(statement.getTryBlock()),
      "}",
      ...(clause === undefined ? [] : [`catch${binding === undefined ? "" : ` (${binding})`} {`, ...part(clause.getBlock()), "}"]),
      ...(finallyBlock === undefined ? [] : [`finally ${this.text(finallyBlock)}`]),
    ];
  }

  /** `if` with callback calls inside: a branch that mentions the callback must answer on every path. */
  private ifStatement(statement: import("ts-morph").IfStatement, ctx: Context, last: boolean): string[] {
    const branch = (node: Statement): string[] => {
      const statements = Node.isBlock(node) ? node.getStatements() : [node];
      if (!last && !statements.some((s) => this.mentionsCallback(s))) return [this.text(node)];
      return this.block(statements, ctx, node);
    };
    const otherwise = statement.getElseStatement();
    refuseUnless(!last || otherwise !== undefined, "callback-not-called", "a path after this `if` ends without calling the callback", statement);
    return [
      `if (${this.text(statement.getExpression())}) {`,
      ...branch(statement.getThenStatement()),
      "}",
      ...(otherwise === undefined ? [] : ["else {", ...branch(otherwise), "}"]),
    ];
  }

  /** If `statement` answers (calls the callback, or hands it to an API): its rewritten form. */
  private answer(statement: Statement, ctx: Context): string[] | undefined {
    const expr = Node.isExpressionStatement(statement) ? statement.getExpression() : Node.isReturnStatement(statement) ? statement.getExpression() : undefined;
    if (expr === undefined || !Node.isCallExpression(expr)) return undefined;
    if (this.isCallback(expr.getExpression())) return this.completion(expr, ctx);
    const args = expr.getArguments();
    const lastArg = args.at(-1);
    if (lastArg === undefined) return undefined;
    if (this.isCallback(lastArg)) {
      // Handing the callback to something that is not an err-first API (`pending.push(callback)`) is escaping.
      if (!this.madeAsync(expr.getExpression()) && !takesErrFirstCallback(expr.getExpression())) return undefined;
      this.checkAnswersLater(expr, ctx);
      return this.handOver(expr, args.slice(0, -1) as Expression[]);
    }
    if ((Node.isArrowFunction(lastArg) || Node.isFunctionExpression(lastArg)) && this.mentionsCallback(lastArg)) {
      this.checkAnswersLater(expr, ctx);
      return this.continuation(expr, lastArg);
    }
    return undefined;
  }

  /**
   * Called in the function's own turn, an API must surely call back later, or the callback may run synchronously
   * through it: Node's own APIs do, and so do functions this run made async; for others nobody can tell.
   */
  private checkAnswersLater(call: CallExpression, ctx: Context): void {
    const callee = call.getExpression();
    if (ctx.later || this.madeAsync(callee) !== undefined) return;
    // A function of this file not made async before this one: refused, not a target, or planned after this one.
    const local = Node.isIdentifier(callee) && callee.getSymbol()?.getDeclarations().some((d) => Node.isFunctionDeclaration(d) && d.getSourceFile() === call.getSourceFile());
    refuseUnless(
      isNodeApi(callee),
      "callback-may-run-synchronously",
      `\`${callee.getText()}\` may call back synchronously, and the callback with it; the async form always answers later ` +
        (local
          ? `(if \`${callee.getText()}\` is migrated in this run, run again for this one; if it is refused, see why)`
          : "(migrate that function first, then this one)"),
      call,
    );
  }

  /** The async version of a file-local err-first function this run rewrote, if `callee` names one (`f`, `exports.f`). */
  private madeAsync(callee: Node): string | undefined {
    return Node.isIdentifier(callee) || Node.isPropertyAccessExpression(callee) ? this.imports.madeAsync.get(callee.getText()) : undefined;
  }

  /** `callback(err)` -> `throw err`; `callback(null, value)` -> `return value`. */
  private completion(call: CallExpression, ctx: Context): string[] {
    refuseUnless(
      ctx.later,
      "callback-called-synchronously",
      "the callback is called synchronously here; the async form always answers later",
      call,
    );
    const [error, value, extra] = call.getArguments();
    refuseUnless(extra === undefined, "callback-multiple-values", "the callback is called with more than one value", call);
    if (error === undefined || isNullish(error)) return [value === undefined ? "return;" : `return ${this.text(value)};`];
    refuseUnless(value === undefined, "callback-error-and-value", "the callback is called with both an error and a value", call);
    return [`throw ${this.text(error)};`];
  }

  /** `api(args..., callback)`: the API's promise form answers. */
  private handOver(call: CallExpression, args: Expression[]): string[] {
    const form = this.promiseForm(call);
    return [`return ${form}(${args.map((a) => this.text(a)).join(", ")});`];
  }

  /** `api(args..., (err, value) => { if (err) return callback(err); ...rest })`. */
  private continuation(call: CallExpression, fn: ArrowFunction | FunctionExpression): string[] {
    refuseUnless(
      !Node.isFunctionExpression(fn) || !usesOwnThis(fn),
      "handler-this-would-change",
      "the inner callback uses its own `this`",
      fn,
    );
    const params = fn.getParameters();
    refuseUnless(params.length >= 1 && params.length <= 2, "callback-multiple-values", "the inner callback takes more than (err, value)", fn);
    const err = params[0]!.getName();
    const body = fn.getBody();
    refuseUnless(Node.isBlock(body), "error-not-forwarded", "the inner callback's body is not a block starting with the error check", fn);
    const [check, ...rest] = (body as import("ts-morph").Block).getStatements();
    refuseUnless(
      check !== undefined && this.isErrorForward(check, err),
      "error-not-forwarded",
      `the inner callback does not start by passing \`${err}\` on (\`if (${err}) return callback(${err});\`); awaiting ` +
        "would throw where it did something else",
      check ?? fn,
    );
    const errSymbol = params[0]!.getNameNode().getSymbol();
    refuseUnless(
      !rest.some((s) => named(s, err).some((id) => id.getSymbol() === errSymbol)),
      "error-not-forwarded",
      `\`${err}\` is read after the check`,
      fn,
    );
    this.moved.add(fn);
    const form = this.promiseForm(call);
    const args = call.getArguments().slice(0, -1).map((a) => this.text(a)).join(", ");
    const value = params[1]?.getNameNode().getText();
    const awaited = value === undefined ? `await ${form}(${args});` : `const ${value} = await ${form}(${args});`;
    return [awaited, ...this.block(rest, { later: true, mustLeave: false }, fn)];
  }

  private promiseForm(call: CallExpression): string {
    const native = this.madeAsync(call.getExpression());
    const direct = native === undefined ? undefined : nativeFor(call.getExpression(), native, call.getArguments().length, call);
    if (direct !== undefined) return direct;
    const form = promiseFormOf(call.getExpression());
    refuseUnless(
      form !== undefined,
      "callback-api-unknown",
      `\`${call.getExpression().getText()}\` has no promise form corral knows to give the same result`,
      call,
    );
    return promiseCallee(call.getExpression(), form, () => this.use("node:util", "promisify"));
  }

  /** `if (err) return callback(err);`, with or without braces, or `if (err) { callback(err); return; }`. */
  private isErrorForward(statement: Statement, err: string): boolean {
    if (!Node.isIfStatement(statement) || statement.getExpression().getText() !== err || statement.getElseStatement() !== undefined) return false;
    const then = statement.getThenStatement();
    const inner = Node.isBlock(then) ? then.getStatements() : [then];
    const forwards = (s: Statement | undefined): boolean => {
      const e = Node.isReturnStatement(s) ? s.getExpression() : Node.isExpressionStatement(s) ? s.getExpression() : undefined;
      return e !== undefined && Node.isCallExpression(e) && this.isCallback(e.getExpression()) && e.getArguments().length === 1 && e.getArguments()[0]!.getText() === err;
    };
    if (inner.length === 1) return Node.isReturnStatement(inner[0]) && forwards(inner[0]);
    return inner.length === 2 && forwards(inner[0]) && Node.isReturnStatement(inner[1]) && inner[1].getExpression() === undefined;
  }

  private isCallback(node: Node): boolean {
    return Node.isIdentifier(node) && node.getSymbol() === this.cb.getSymbol();
  }

  private mentionsCallback(node: Node): boolean {
    return named(node, this.cb.getText()).some((id) => this.isCallback(id)) || this.isCallback(node);
  }
}

/** The identifiers under `node` spelled `name` (found without wrapping the others). */
function named(node: Node, name: string): Node[] {
  return findAll(node, (n) => ts.isIdentifier(n) && n.text === name);
}

function isNullish(node: Node): boolean {
  return Node.isNullLiteral(node) || (Node.isIdentifier(node) && node.getText() === "undefined");
}

function containsOwnReturn(node: Node): boolean {
  return node.getDescendantsOfKind(SyntaxKind.ReturnStatement).some((r) => {
    const owner = r.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a));
    return owner === undefined || owner.getStart() <= node.getStart();
  });
}

function usesOwnThis(fn: FunctionExpression): boolean {
  return fn.getDescendantsOfKind(SyntaxKind.ThisKeyword).some((t) => t.getFirstAncestor((a) => Node.isFunctionExpression(a) || Node.isFunctionDeclaration(a)) === fn);
}
