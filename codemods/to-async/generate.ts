/**
 * Promise chain -> statements of an async function. The chain's semantics are kept exactly:
 * - `.then(f)` awaits what came before, then runs f's body with its parameter bound to the value;
 * - `.catch(h)` is a `try` around everything before it; `.then(f, r)` a `try` around only what came before f, so r
 *   never sees f's errors (the jscodeshift codemods get this wrong);
 * - `.finally(k)` is `try { ... } finally { await k(); }`: k's result never replaces the value, its rejection does
 *   (TypeScript's own refactoring returns k's result and swallows the error instead).
 * A `return` inside a `try` awaits its value, or the `catch` would not see the rejection.
 */
import { Node, ts, type Expression, type Identifier } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import { isInert } from "./analysis.ts";
import type { Chain, Handler, Link } from "./chain.ts";
import { HandlerWriter, RETURN, type Context, type Sink } from "./handler-writer.ts";

export class ChainWriter extends HandlerWriter {
  /** The statements that compute `chain` and return its value. */
  returning(chain: Chain): string[] {
    this.prepareAll(chain);
    return this.genChain(chain, RETURN, { inTry: false });
  }

  /** Statements computed before a chain's `try` blocks (see {@link gen}'s base case). */
  private hoisted: string[] = [];

  protected genChain(chain: Chain, sink: Sink, ctx: Context): string[] {
    const outer = this.hoisted;
    this.hoisted = [];
    const lines = this.gen(chain.base, chain.links, sink, ctx);
    const out = [...this.hoisted, ...lines];
    this.hoisted = outer;
    return out;
  }

  private prepareAll(chain: Chain): void {
    for (const [i, link] of chain.links.entries()) {
      if (link.handler !== undefined) {
        const earlier = link.kind === "then" ? passedOn(chain.links[i - 1], link) : undefined;
        if (earlier !== undefined) this.prepareReusing(link.handler as Extract<Handler, { kind: "inline" }>, earlier);
        else if (link.kind === "then") this.prepare(link.handler, "value");
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
      if (ctx.ownTry !== true || isInert(base)) return this.emit(base, this.copy(base), sink, ctx, true);
      // The chain's start runs before any handler is attached: if it throws there and then, no `.catch` or
      // `.finally` of the chain sees it. So it is evaluated before the `try` blocks, and awaited inside them.
      const promise = this.names.fresh("promise");
      this.hoisted.push(`const ${promise} = ${this.copy(base)};`);
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
}

/**
 * The parameter of the handler before `link` that it hands on unchanged to `link`'s handler, which takes it under
 * the same name (`.then((total) => save(total).then(() => total)).then((total) => ...)`); neither assigns it.
 */
function passedOn(previous: Link | undefined, link: Link): Identifier | undefined {
  if (previous?.kind !== "then" || previous.onRejected !== undefined || link.onRejected !== undefined) return undefined;
  const [before, after] = [previous.handler, link.handler];
  if (before?.kind !== "inline" || after?.kind !== "inline") return undefined;
  const [p, q] = [before.fn.getParameters(), after.fn.getParameters()];
  if (p.length !== 1 || q.length !== 1 || q[0]!.getTypeNode() !== undefined || q[0]!.hasInitializer()) return undefined;
  const [from, to] = [p[0]!.getNameNode(), q[0]!.getNameNode()];
  if (!Node.isIdentifier(from) || !Node.isIdentifier(to) || from.getText() !== to.getText()) return undefined;
  if (assigns(before.fn, from) || assigns(after.fn, to)) return undefined;
  // What the handler gives: the parameter itself, or a chain whose last handler takes nothing and gives it.
  let value: Node = before.fn.getBody();
  if (Node.isBlock(value)) {
    const statements = value.getStatements();
    const only = statements.length === 1 && Node.isReturnStatement(statements[0]) ? statements[0].getExpression() : undefined;
    if (only === undefined) return undefined;
    value = only;
  }
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    const [last] = value.getArguments();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "then" || value.getArguments().length !== 1) return undefined;
    if (!Node.isArrowFunction(last) || last.getParameters().length !== 0) return undefined;
    value = last.getBody();
  }
  return Node.isIdentifier(value) && value.getSymbol() === from.getSymbol() ? from : undefined;
}

/** Whether `fn` assigns the variable `name` declares (`name = ...`, `name += ...`, `name++`). */
function assigns(fn: Node, name: Identifier): boolean {
  const symbol = name.getSymbol();
  return fn.getDescendantsOfKind(ts.SyntaxKind.Identifier).some((id) => {
    if (id === name || id.getSymbol() !== symbol) return false;
    const parent = id.getParent();
    if (Node.isBinaryExpression(parent)) return parent.getLeft() === id && parent.getOperatorToken().getKind() >= ts.SyntaxKind.FirstAssignment && parent.getOperatorToken().getKind() <= ts.SyntaxKind.LastAssignment;
    return Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent);
  });
}
