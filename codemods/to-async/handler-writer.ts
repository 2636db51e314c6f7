/**
 * The handlers of a Promise chain, made ready to move into the enclosing async function: their parameters bound
 * under names free there, their bodies written for where the value goes (returned, bound, assigned), `this` and
 * `arguments` checked, returns awaited inside a `try`. `ChainWriter` (generate.ts) arranges them into statements.
 */
import { Node, type Expression, type Identifier, type Statement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FunctionNode } from "../engine/functions.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { declaredIn, directReturns, endReachable, isInert } from "./analysis.ts";
import { chainOf, checkInlinable, type Chain, type Handler } from "./chain.ts";
import { calleeOf, referenceMayBeThenable, takesNoArgument } from "./handler-reference.ts";
import { Names } from "./names.ts";
import { ownComments } from "./statement-comments.ts";
import { boundNames, renameDeclared, renameTo, textWith, type Replacements } from "./rename.ts";
import { mayBeThenable, operand } from "./types.ts";

/** Where the value of (part of) a chain goes. */
export type Sink =
  | { kind: "return" }
  /** `const target = value`, or just evaluate it when target is undefined. */
  | { kind: "bind"; target: string | undefined; annotation: string }
  /** `name = value`, for a `let` declared before a `try`. */
  | { kind: "assign"; name: string };

export interface Context {
  /** Inside a `try` block: a returned promise must be awaited there, or the `catch`/`finally` would not wait for it. */
  inTry: boolean;
  /** Inside a `try` that stands for a `catch`/`finally` of the chain being written (not of an enclosing one). */
  ownTry?: boolean;
}

/** A handler made ready to write: how the value is bound (`bind`) or caught (`clause`), and its body for a sink. */
export interface Prepared {
  bind: Sink;
  clause: string;
  body: (sink: Sink, ctx: Context, mustReturn: boolean) => string[];
}

export const DISCARD: Sink = { kind: "bind", target: undefined, annotation: "" };
export const RETURN: Sink = { kind: "return" };

export abstract class HandlerWriter {
  protected readonly names: Names;
  private readonly replacements: Replacements = new Map();
  /** Whether catch variables need `: any` (TypeScript with unknown catch variables), as a `.catch` handler's is. */
  private readonly anyCatch: boolean;
  /**
   * JavaScript runs as written: a `catch` without a binding is ES2019 (Node 10), a syntax error on the older
   * engines callback-era packages still support, and to their linters (standard 12 reads ES2018). TypeScript
   * compiles it down.
   */
  private readonly bindCatch: boolean;

  /**
   * @param handlers - every inline handler of the chains being rewritten in `fn`
   * @param inner - edits of functions inside `fn` rewritten already: copied code carries them
   */
  constructor(
    readonly fn: FunctionNode,
    handlers: readonly Node[],
    inner: readonly Edit[],
  ) {
    this.names = new Names(fn, handlers);
    // A handler moved inline is rewritten here from its original code: its own rewrite (if any) is not used.
    this.inner = inner.filter((edit) => !handlers.includes(edit.owner as Node));
    const file = fn.getSourceFile();
    const options = file.getProject().getCompilerOptions();
    this.bindCatch = /\.[cm]?jsx?$/.test(file.getFilePath());
    this.anyCatch = !this.bindCatch && (options.useUnknownInCatchVariables ?? options.strict ?? false);
  }

  /** Prepared handlers, made in chain order so earlier handlers keep their own names when names collide. */
  private readonly prepared = new Map<Handler, Prepared>();
  private readonly inner: readonly Edit[];

  /** The code of `node` as it moves: renamed, with the inner rewrites applied. */
  textOf(node: Node): string {
    return this.copy(node);
  }

  /** A fresh local name for new code of this function. */
  fresh(base: string): string {
    return this.names.fresh(base);
  }

  /** The chain `node` is, parsed once (its handlers are prepared once, under one set of names). */
  protected chainAt(node: Node): Chain | undefined {
    if (Node.isBlock(node)) return undefined;
    if (!this.chains.has(node)) this.chains.set(node, chainOf(node));
    return this.chains.get(node);
  }

  private readonly chains = new Map<Node, Chain | undefined>();

  /** Write `chain` (a handler's value that is itself a chain) for `sink`. */
  protected abstract genChain(chain: Chain, sink: Sink, ctx: Context): string[];

  /** A prepared handler, made once (its names are claimed once). */
  private cached(handler: Handler, make: () => Prepared): Prepared {
    let prepared = this.prepared.get(handler);
    if (prepared === undefined) this.prepared.set(handler, (prepared = make()));
    return prepared;
  }

  /**
   * A fulfilment handler: how the value before it is bound (its parameter, or a fresh name for a handler passed by
   * reference), and its body written for a sink.
   */
  protected prepare(handler: Handler, valueName: string): Prepared {
    return this.cached(handler, () => this.prepareNew(handler, valueName));
  }

  private prepareNew(handler: Handler, valueName: string): Prepared {
    if (handler.kind === "reference") {
      const callee = calleeOf(handler.expr);
      const thenable = referenceMayBeThenable(handler.expr);
      if (takesNoArgument(handler.expr)) {
        return { bind: DISCARD, clause: "", body: (sink, ctx) => this.emit(undefined, `${callee}()`, sink, ctx, thenable) };
      }
      const name = this.names.fresh(valueName);
      return {
        bind: { kind: "bind", target: name, annotation: "" },
        clause: "",
        body: (sink, ctx) => this.emit(undefined, `${callee}(${name})`, sink, ctx, thenable),
      };
    }
    const fn = handler.fn;
    checkInlinable(fn);
    const [param] = fn.getParameters();
    this.renameInside(fn, param === undefined ? [] : boundNames(param.getNameNode()));
    const bind: Sink =
      param === undefined
        ? DISCARD
        : {
            kind: "bind",
            target: this.copy(param.getNameNode()),
            annotation: param.getTypeNode() === undefined ? "" : `: ${param.getTypeNode()!.getText()}`,
          };
    return { bind, clause: "", body: (sink, ctx, mustReturn) => this.body(fn.getBody() as Node, sink, ctx, mustReturn) };
  }

  /**
   * A fulfilment handler whose value is the variable `earlier` already holds, under the same name (`.then((total)
   * => save(total).then(() => total)).then((total) => ...)`): its parameter is that variable, under the name it was
   * given, and nothing is bound (a `const total2 = total;` would be a copy a reader has to follow).
   */
  protected prepareReusing(handler: Extract<Handler, { kind: "inline" }>, earlier: Identifier): Prepared {
    return this.cached(handler, () => {
      const fn = handler.fn;
      checkInlinable(fn);
      const param = fn.getParameters()[0]!.getNameNode() as Identifier;
      this.handedOn.add(earlier.getSymbol()!);
      this.renameInside(fn, []);
      renameTo(fn, param, this.replacements.get(earlier) ?? earlier.getText(), this.replacements);
      return { bind: DISCARD, clause: "", body: (sink, ctx, mustReturn) => this.body(fn.getBody() as Node, sink, ctx, mustReturn) };
    });
  }

  /** Fulfilment values a handler hands on to the next one (see {@link prepareReusing}). */
  private readonly handedOn = new Set<import("ts-morph").Symbol>();

  /** A rejection handler: its `catch` clause (` (e)`, ` (e: any)` or empty) and its body. */
  protected prepareCatch(handler: Handler): Prepared {
    return this.cached(handler, () => this.prepareCatchNew(handler));
  }

  /** The clause of a `catch` whose error nothing reads: none, but in JavaScript (see {@link bindCatch}). */
  private unusedClause(): string {
    return this.bindCatch ? ` (${this.names.fresh("error")})` : "";
  }

  private prepareCatchNew(handler: Handler): Prepared {
    const any = this.anyCatch ? ": any" : "";
    if (handler.kind === "reference") {
      const callee = calleeOf(handler.expr);
      const thenable = referenceMayBeThenable(handler.expr);
      if (takesNoArgument(handler.expr)) {
        return { bind: DISCARD, clause: this.unusedClause(), body: (sink, ctx) => this.emit(undefined, `${callee}()`, sink, ctx, thenable) };
      }
      const name = this.names.fresh("error");
      return {
        bind: DISCARD,
        clause: ` (${name}${any})`,
        body: (sink, ctx) => this.emit(undefined, `${callee}(${name})`, sink, ctx, thenable),
      };
    }
    const fn = handler.fn;
    checkInlinable(fn);
    const [param] = fn.getParameters();
    this.renameInside(fn, param === undefined ? [] : boundNames(param.getNameNode()));
    const body = (sink: Sink, ctx: Context, mustReturn: boolean): string[] => this.body(fn.getBody() as Node, sink, ctx, mustReturn);
    if (param === undefined) return { bind: DISCARD, clause: this.unusedClause(), body };
    const pattern = this.copy(param.getNameNode());
    const type = param.getTypeNode()?.getText();
    if (type === undefined || type === "any" || type === "unknown") {
      return { bind: DISCARD, clause: ` (${pattern}${type === undefined ? any : `: ${type}`})`, body };
    }
    // A typed parameter (`(e: HttpError) =>`) is an assertion on the reason, which is `any`: keep it as one.
    const caught = this.names.fresh("error");
    return {
      bind: DISCARD,
      clause: ` (${caught}${any})`,
      body: (sink, ctx, mustReturn) => [`const ${pattern}: ${type} = ${caught};`, ...body(sink, ctx, mustReturn)],
    };
  }

  /** `.finally(k)`: k runs and is awaited; its value is dropped, its rejection replaces the outcome. */
  protected finallyBody(handler: Handler, ctx: Context): string[] {
    if (handler.kind === "reference") {
      return this.emit(undefined, `${calleeOf(handler.expr)}()`, DISCARD, ctx, referenceMayBeThenable(handler.expr));
    }
    const fn = handler.fn;
    checkInlinable(fn);
    refuseUnless(
      fn.getParameters().length === 0,
      "finally-handler-params",
      "a `.finally` handler that declares parameters (finally handlers get none)",
      fn,
    );
    this.renameInside(fn, []);
    const body = fn.getBody() as Node;
    if (Node.isBlock(body)) {
      refuseUnless(
        directReturns(fn).length === 0,
        "finally-handler-returns",
        "the `.finally` handler returns a value: inlined into a `finally` block its `return` would replace the " +
          "result (TypeScript's refactoring has this bug); keep it as a function or drop the return",
        fn,
      );
    }
    return this.body(body, DISCARD, ctx, false);
  }

  /** A handler's body (an expression, or a block) written for `sink`. */
  private body(body: Node, sink: Sink, ctx: Context, mustReturn: boolean): string[] {
    if (!Node.isBlock(body)) {
      // A handler returning a chain: the chain's value is the handler's (adopted), so it is flattened here.
      const nested = this.chainAt(body);
      if (nested !== undefined) return this.genChain(nested, sink, { inTry: ctx.inTry });
      return this.emit(body as Expression, this.copy(body), sink, ctx, mayBeThenable(body));
    }
    const fn = body.getParent() as Node;
    const statements = body.getStatements();
    const returns = directReturns(fn);
    if (sink.kind === "return") {
      const lines = statements.map((s) => this.statementText(s, returns, ctx));
      if (mustReturn && endReachable(body)) lines.push("return;");
      return lines;
    }
    const last = statements[statements.length - 1];
    if (returns.length === 0) {
      const lines = statements.map((s) => this.statementText(s, [], ctx));
      return sink.kind === "bind" && sink.target === undefined ? lines : [...lines, ...this.emit(undefined, "undefined", sink, ctx, false)];
    }
    refuseUnless(
      returns.length === 1 && returns[0] === last,
      "mid-chain-branching-returns",
      "a handler in the middle of the chain returns from more than one place; its value feeds the next handler, " +
        "so its returns cannot become returns of the function",
      returns[0]!,
    );
    const value = (last as import("ts-morph").ReturnStatement).getExpression();
    return [
      ...statements.slice(0, -1).map((s) => this.statementText(s, [], ctx)),
      ...this.emit(value, value === undefined ? "undefined" : this.copy(value), sink, ctx, value !== undefined && mayBeThenable(value)),
    ];
  }

  /** A statement of a handler, its direct returns awaited when inside a `try`. */
  private statementText(statement: Statement, returns: readonly Node[], ctx: Context): string {
    if (!ctx.inTry) return this.copyStatement(statement, this.replacements);
    const replacements: Replacements = new Map(this.replacements);
    for (const ret of returns) {
      if (!Node.isReturnStatement(ret)) continue;
      const value = ret.getExpression();
      if (value === undefined || !mayBeThenable(value)) continue;
      if (ret.getStart() < statement.getStart() || ret.getEnd() > statement.getEnd()) continue;
      replacements.set(value, `await ${operand(value, this.copy(value))}`);
    }
    return this.copyStatement(statement, replacements);
  }

  /** A statement with its own comments (statement-comments.ts). */
  private copyStatement(statement: Statement, replacements: Replacements): string {
    const { leading, trailing } = ownComments(statement);
    return (leading + this.copy(statement, false, replacements) + trailing).replace(/^\s*\n/, "");
  }

  /** The statement that sends `text` (the value of `node`) to `sink`. */
  protected emit(node: Node | undefined, text: string, sink: Sink, ctx: Context, mayBeThenable: boolean): string[] {
    // A value handed on to the next handler is a fulfilment value: never a thenable, nothing to await.
    const thenable = mayBeThenable && !(node !== undefined && Node.isIdentifier(node) && this.handedOn.has(node.getSymbol()!));
    const awaited = thenable ? `await ${node === undefined ? text : operand(node, text)}` : text;
    switch (sink.kind) {
      case "return":
        return [`return ${ctx.inTry && thenable ? awaited : text};`];
      case "assign":
        return [`${sink.name} = ${awaited};`];
      case "bind":
        if (sink.target !== undefined) return [`const ${sink.target}${sink.annotation} = ${awaited};`];
        if (thenable) return [`${awaited};`];
        return node !== undefined && isInert(node) ? [] : [`${text};`];
    }
  }

  /** The code of `node` as it moves: renamed, with inner rewrites applied; with leading comments when `full`. */
  protected copy(node: Node, full = false, replacements: Replacements = this.replacements): string {
    return textWith(node, replacements, full, this.inner);
  }

  /** Give the names a handler declares (parameter and top-level declarations) free names in the function. */
  private renameInside(fn: Node, params: import("ts-morph").Identifier[]): void {
    const body = (fn as import("ts-morph").ArrowFunction).getBody();
    const declared = [...params, ...(Node.isBlock(body) ? declaredIn(body, fn) : [])];
    renameDeclared(fn, declared, this.names, this.replacements);
  }

}
