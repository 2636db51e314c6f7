/**
 * Promise chain -> statements of an async function. The chain's semantics are kept exactly:
 * - `.then(f)` awaits what came before, then runs f's body with its parameter bound to the value;
 * - `.catch(h)` is a `try` around everything before it; `.then(f, r)` a `try` around only what came before f, so r
 *   never sees f's errors (the jscodeshift codemods get this wrong);
 * - `.finally(k)` is `try { ... } finally { await k(); }`: k's result never replaces the value, its rejection does
 *   (TypeScript's own refactoring returns k's result and swallows the error instead).
 * A `return` inside a `try` awaits its value, or the `catch` would not see the rejection.
 */
import { Node, SyntaxKind, type Expression, type Statement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FunctionNode } from "../engine/functions.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { declaredIn, directReturns, endReachable, isInert, usesOwn } from "./analysis.ts";
import { chainOf, type Chain, type Handler, type Link } from "./chain.ts";
import { Names } from "./names.ts";
import { boundNames, renameDeclared, textWith, type Replacements } from "./rename.ts";
import { calleeOf, referenceMayBeThenable } from "./handler-reference.ts";
import { mayBeThenable, operand } from "./types.ts";

/** Where the value of (part of) a chain goes. */
type Sink =
  | { kind: "return" }
  /** `const target = value`, or just evaluate it when target is undefined. */
  | { kind: "bind"; target: string | undefined; annotation: string }
  /** `name = value`, for a `let` declared before a `try`. */
  | { kind: "assign"; name: string };

interface Context {
  /** Inside a `try` block: a returned promise must be awaited there, or the `catch`/`finally` would not wait for it. */
  inTry: boolean;
  /** Inside a `try` that stands for a `catch`/`finally` of the chain being written (not of an enclosing one). */
  ownTry?: boolean;
}

/** A handler made ready to write: how the value is bound (`bind`) or caught (`clause`), and its body for a sink. */
interface Prepared {
  bind: Sink;
  clause: string;
  body: (sink: Sink, ctx: Context, mustReturn: boolean) => string[];
}

const DISCARD: Sink = { kind: "bind", target: undefined, annotation: "" };
const RETURN: Sink = { kind: "return" };

export class ChainWriter {
  private readonly names: Names;
  private readonly replacements: Replacements = new Map();
  /** Whether catch variables need `: any` (TypeScript with unknown catch variables), as a `.catch` handler's is. */
  private readonly anyCatch: boolean;

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
    this.anyCatch = !/\.[cm]?jsx?$/.test(file.getFilePath()) && (options.useUnknownInCatchVariables ?? options.strict ?? false);
  }

  /** Prepared handlers, made in chain order so earlier handlers keep their own names when names collide. */
  private readonly prepared = new Map<Handler, Prepared>();
  private readonly inner: readonly Edit[];

  /** The statements that compute `chain` and return its value. */
  returning(chain: Chain): string[] {
    this.prepareAll(chain);
    return this.genChain(chain, RETURN, { inTry: false });
  }

  /** A fresh local name for new code of this function. */
  fresh(base: string): string {
    return this.names.fresh(base);
  }

  /** Statements computed before a chain's `try` blocks (see {@link gen}'s base case). */
  private hoisted: string[] = [];

  private genChain(chain: Chain, sink: Sink, ctx: Context): string[] {
    const outer = this.hoisted;
    this.hoisted = [];
    const lines = this.gen(chain.base, chain.links, sink, ctx);
    const out = [...this.hoisted, ...lines];
    this.hoisted = outer;
    return out;
  }

  /** The chain `node` is, parsed once (its handlers are prepared once, under one set of names). */
  private chainAt(node: Node): Chain | undefined {
    if (Node.isBlock(node)) return undefined;
    if (!this.chains.has(node)) this.chains.set(node, chainOf(node));
    return this.chains.get(node);
  }

  private readonly chains = new Map<Node, Chain | undefined>();

  private prepareAll(chain: Chain): void {
    for (const link of chain.links) {
      if (link.handler !== undefined) {
        if (link.kind === "then") this.prepare(link.handler, "value");
        else if (link.kind === "catch") this.prepareCatch(link.handler);
      }
      if (link.onRejected !== undefined) this.prepareCatch(link.onRejected);
      for (const handler of [link.handler, link.onRejected]) {
        const nested = handler?.kind === "inline" ? this.chainAt(handler.fn.getBody()) : undefined;
        if (nested !== undefined) this.prepareAll(nested);
      }
    }
  }

  private gen(base: Expression, links: readonly Link[], sink: Sink, ctx: Context): string[] {
    const last = links[links.length - 1];
    if (last === undefined) {
      if (ctx.ownTry !== true || isInert(base)) return this.emit(base, this.text(base), sink, ctx, true);
      // The chain's start runs before any handler is attached: if it throws there and then, no `.catch` or
      // `.finally` of the chain sees it. So it is evaluated before the `try` blocks, and awaited inside them.
      const promise = this.names.fresh("promise");
      this.hoisted.push(`const ${promise} = ${this.text(base)};`);
      return this.emit(undefined, promise, sink, ctx, true);
    }
    const prefix = links.slice(0, -1);
    switch (last.kind) {
      case "then":
        if (last.onRejected !== undefined) {
          if (last.handler === undefined) return this.genCatch(base, prefix, last.onRejected, sink, ctx, last.comments);
          return this.genTwoArgThen(base, prefix, last, sink, ctx);
        }
        if (last.handler === undefined) return this.gen(base, prefix, sink, ctx);
        return this.genThen(base, prefix, last, sink, ctx);
      case "catch":
        if (last.handler === undefined) return this.gen(base, prefix, sink, ctx);
        return this.genCatch(base, prefix, last.handler, sink, ctx, last.comments);
      case "finally":
        if (last.handler === undefined) return this.gen(base, prefix, sink, ctx);
        return this.genFinally(base, prefix, last.handler, sink, ctx, last.comments);
    }
  }

  private genThen(base: Expression, prefix: readonly Link[], link: Link, sink: Sink, ctx: Context): string[] {
    const { bind, body } = this.prepare(link.handler!, "value");
    return [...this.gen(base, prefix, bind, ctx), ...link.comments, ...body(sink, ctx, false)];
  }

  private genCatch(base: Expression, prefix: readonly Link[], handler: Handler, sink: Sink, ctx: Context, comments: string[] = []): string[] {
    const { declare, inner, after } = this.holder(sink);
    const { clause, body } = this.prepareCatch(handler);
    return [
      ...declare,
      "try {",
      ...this.gen(base, prefix, inner, { inTry: true, ownTry: true }),
      `} catch${clause} {`,
      ...comments,
      ...body(inner === RETURN ? RETURN : inner, ctx, false),
      "}",
      ...after,
    ];
  }

  private genTwoArgThen(base: Expression, prefix: readonly Link[], link: Link, sink: Sink, ctx: Context): string[] {
    refuseUnless(
      sink.kind === "return",
      "two-arg-then-mid-chain",
      "a two-argument `.then(onFulfilled, onRejected)` followed by more of the chain would need a flag to skip " +
        "onFulfilled after onRejected ran; rewrite that part by hand or split the chain",
      link.call,
    );
    const { bind, body } = this.prepare(link.handler!, "value");
    const onRejected = this.prepareCatch(link.onRejected!);
    // `let` the fulfilment value before the try, so onFulfilled runs after it, where its errors are not caught.
    const { declare, inner, after } = this.holder(bind);
    return [
      ...declare,
      "try {",
      ...this.gen(base, prefix, inner, { inTry: true, ownTry: true }),
      `} catch${onRejected.clause} {`,
      ...onRejected.body(RETURN, ctx, true),
      "}",
      ...after,
      ...link.comments,
      ...body(sink, ctx, false),
    ];
  }

  private genFinally(base: Expression, prefix: readonly Link[], handler: Handler, sink: Sink, ctx: Context, comments: string[]): string[] {
    const { declare, inner, after } = this.holder(sink);
    const caught = prefix[prefix.length - 1];
    // `.catch(h).finally(k)` is one `try/catch/finally`: the finally block runs after the catch block, as k after h.
    const tryCatch =
      caught?.kind === "catch" && caught.handler !== undefined
        ? (() => {
            const { clause, body } = this.prepareCatch(caught.handler);
            return [
              "try {",
              ...this.gen(base, prefix.slice(0, -1), inner, { inTry: true, ownTry: true }),
              `} catch${clause} {`,
              ...caught.comments,
              ...body(inner, { inTry: true }, false),
            ];
          })()
        : ["try {", ...this.gen(base, prefix, inner, { inTry: true, ownTry: true })];
    return [...declare, ...tryCatch, "} finally {", ...comments, ...this.finallyBody(handler, ctx), "}", ...after];
  }

  /**
   * A sink usable inside a `try`: returns stay returns; a `const` becomes a `let` declared before the try (through a
   * temporary when the target is a destructuring pattern), assigned inside it.
   */
  private holder(sink: Sink): { declare: string[]; inner: Sink; after: string[] } {
    if (sink.kind !== "bind" || sink.target === undefined) return { declare: [], inner: sink, after: [] };
    if (/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(sink.target)) {
      return { declare: [`let ${sink.target}${sink.annotation};`], inner: { kind: "assign", name: sink.target }, after: [] };
    }
    const temp = this.names.fresh("value");
    return {
      declare: [`let ${temp};`],
      inner: { kind: "assign", name: temp },
      after: [`const ${sink.target}${sink.annotation} = ${temp};`],
    };
  }

  /**
   * A fulfilment handler: how the value before it is bound (its parameter, or a fresh name for a handler passed by
   * reference), and its body written for a sink.
   */
  private prepare(handler: Handler, valueName: string): Prepared {
    const done = this.prepared.get(handler);
    if (done !== undefined) return done;
    const prepared = this.prepareNew(handler, valueName);
    this.prepared.set(handler, prepared);
    return prepared;
  }

  private prepareNew(handler: Handler, valueName: string): Prepared {
    if (handler.kind === "reference") {
      const callee = calleeOf(handler.expr);
      const name = this.names.fresh(valueName);
      return {
        bind: { kind: "bind", target: name, annotation: "" },
        clause: "",
        body: (sink, ctx) => this.emit(undefined, `${callee}(${name})`, sink, ctx, referenceMayBeThenable(handler.expr)),
      };
    }
    const fn = handler.fn;
    this.checkInline(fn);
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

  /** A rejection handler: its `catch` clause (` (e)`, ` (e: any)` or empty) and its body. */
  private prepareCatch(handler: Handler): Prepared {
    const done = this.prepared.get(handler);
    if (done !== undefined) return done;
    const prepared = this.prepareCatchNew(handler);
    this.prepared.set(handler, prepared);
    return prepared;
  }

  private prepareCatchNew(handler: Handler): Prepared {
    const any = this.anyCatch ? ": any" : "";
    if (handler.kind === "reference") {
      const callee = calleeOf(handler.expr);
      const name = this.names.fresh("error");
      return {
        bind: DISCARD,
        clause: ` (${name}${any})`,
        body: (sink, ctx) => this.emit(undefined, `${callee}(${name})`, sink, ctx, referenceMayBeThenable(handler.expr)),
      };
    }
    const fn = handler.fn;
    this.checkInline(fn);
    const [param] = fn.getParameters();
    this.renameInside(fn, param === undefined ? [] : boundNames(param.getNameNode()));
    const body = (sink: Sink, ctx: Context, mustReturn: boolean): string[] => this.body(fn.getBody() as Node, sink, ctx, mustReturn);
    if (param === undefined) return { bind: DISCARD, clause: "", body };
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
  private finallyBody(handler: Handler, ctx: Context): string[] {
    if (handler.kind === "reference") {
      return this.emit(undefined, `${calleeOf(handler.expr)}()`, DISCARD, ctx, referenceMayBeThenable(handler.expr));
    }
    const fn = handler.fn;
    this.checkInline(fn);
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
      return this.emit(body as Expression, this.text(body), sink, ctx, mayBeThenable(body));
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
      ...this.emit(value, value === undefined ? "undefined" : this.text(value), sink, ctx, value !== undefined && mayBeThenable(value)),
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

  /**
   * A statement with its own comments: those on the lines before it and the one after it on its last line (the
   * text before the first line break of its leading trivia is the previous statement's trailing comment).
   */
  private copyStatement(statement: Statement, replacements: Replacements): string {
    const text = statement.getSourceFile().getFullText();
    const leading = text.slice(statement.getFullStart(), statement.getStart());
    const ownLeading = leading.includes("\n") ? leading.slice(leading.indexOf("\n") + 1) : leading;
    const trailing = statement.getTrailingCommentRanges().map((r) => text.slice(statement.getEnd(), r.getEnd())).at(-1) ?? "";
    return (ownLeading + this.copy(statement, false, replacements) + trailing).replace(/^\s*\n/, "");
  }

  /** The statement that sends `text` (the value of `node`) to `sink`. */
  private emit(node: Node | undefined, text: string, sink: Sink, ctx: Context, thenable: boolean): string[] {
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

  private text(node: Node): string {
    return this.copy(node);
  }

  /** The code of `node` as it moves: renamed, with inner rewrites applied; with leading comments when `full`. */
  private copy(node: Node, full = false, replacements: Replacements = this.replacements): string {
    return textWith(node, replacements, full, this.inner);
  }

  /** Give the names a handler declares (parameter and top-level declarations) free names in the function. */
  private renameInside(fn: Node, params: import("ts-morph").Identifier[]): void {
    const body = (fn as import("ts-morph").ArrowFunction).getBody();
    const declared = [...params, ...(Node.isBlock(body) ? declaredIn(body, fn) : [])];
    renameDeclared(fn, declared, this.names, this.replacements);
  }

  /** An inline handler can be inlined: no `this`/`arguments` of its own, one plain parameter at most, not a generator. */
  private checkInline(fn: import("ts-morph").ArrowFunction | import("ts-morph").FunctionExpression): void {
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


}

