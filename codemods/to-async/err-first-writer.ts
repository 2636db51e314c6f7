/**
 * The body of an err-first function, rewritten statement by statement into its async form (see err-first.ts for
 * what is rewritten and what is refused).
 */
import { Node, type ArrowFunction, type Block, type CallExpression, type Expression, type FunctionDeclaration, type FunctionExpression, type Identifier, type ReturnStatement, type Statement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { textWith } from "./rename.ts";
import { innerCallback, readsOnlyTheValue } from "./inner-callback.ts";
import { deferredCall, deferredWait } from "./deferred.ts";
import { isNullish, named, ownReturns } from "./writer-syntax.ts";
import { checkLoop, startedLoop } from "./next-loop.ts";
import { withOwnComments } from "./statement-comments.ts";
import { takesErrFirstCallback } from "./wrapper.ts";
import { asyncLibraryAnswer } from "./async-library.ts";
import { checkAnswersOnce } from "./answer-trust.ts";
import { checkAnswersLater, madeAsync, promiseFormOf } from "./callee-forms.ts";
import { answeringHelpers, hoistedDeclarations } from "./answering-helper.ts";

export interface Context {
  /** Whether code here runs in a callback of an API (later), not synchronously in the function's call. */
  later: boolean;
  /** Whether an answer here must also leave the function (a branch of an `if` that other code follows). */
  mustLeave: boolean;
}

/** How the writer treats a callback that may be called in the same turn. */
export interface WriterSettings {
  /** Refuse it (`--strict`) instead of converting it with a note that the async form always answers later. */
  strict?: boolean;
  /**
   * Read the function only to prove it calls back at most once (answers-once.ts), not to rewrite it: a path that
   * ends without calling back is no refusal then (it answers never, and so does an awaited form of it).
   */
  proving?: boolean;
  /**
   * While proving: only how often it answers matters, not with what. The caller's continuation forwards an error
   * first and takes at most `(err, value)`: it never reads a value given with an error, nor further values.
   */
  onlyHowOften?: boolean;
}

/**
 * How a path answers with a value (`undefined`: none), once it is written: `return value;` in the function itself;
 * an iteratee of the `async` library written as a loop's body goes on with the next iteration instead.
 * `promise`: the value is a promise whose outcome is the answer (an err-first call handed the callback).
 */
export type Answer = (value: string | undefined, promise: boolean) => string[];

const returnAnswer: Answer = (value) => [value === undefined ? "return;" : `return ${value};`];

/** What a writer shares with the writers of err-first functions written inside its function (see {@link ErrFirstWriter.nested}). */
interface Shared {
  readonly needed: Import[];
  /** Inner callbacks whose bodies move into the function: their own rewrites (if any) are not used. */
  readonly moved: Set<object>;
  /** What the rewrite changes in behaviour beyond the function's own note. */
  readonly notes: string[];
  /** Where the old function could answer in the same turn (converted, not refused, unless strict): for the note. */
  readonly sameTurn: string[];
  /** Calls of functions made async in this run the writer rewrote to await (a recursive call among them). */
  readonly awaited: Set<Node>;
  /** Whether the function waits for anything (awaits, or answers with a promise): else it always answers at once. */
  readonly waits: { some: boolean };
}

export class ErrFirstWriter {
  readonly needed: Import[];
  readonly notes: string[];
  readonly sameTurn: string[];
  readonly awaited: Set<Node>;
  readonly waits: { some: boolean };
  private readonly moved: Set<object>;
  /** Whether a call awaits a function of the file planned after this one (so the two are in a cycle of calls). */
  assumedHere = false;
  /** The `next()` loops being written, innermost last (next-loop.ts), and the calls of them that became `continue`. */
  private readonly loops: FunctionExpression[] = [];
  private readonly continued = new Set<Node>();
  /** The variables the inspected inner callbacks being written declared, in scope of what is written now. */
  readonly inspectedNames: string[] = [];
  /** Local functions that answer through the callback (answering-helper.ts), and the calls of them that answer. */
  private readonly helpers: FunctionDeclaration[] = [];
  private readonly helperCalls = new Set<Node>();

  /**
   * @param inner - edits of functions inside this one rewritten already (and call sites other rewrites changed in
   *   it): copied code carries them
   * @param answer - how a path answers (`return value;` by default)
   */
  constructor(
    readonly cb: Identifier,
    readonly imports: FileImports,
    private readonly inner: readonly Edit[] = [],
    readonly settings: WriterSettings = {},
    readonly answerWith: Answer = returnAnswer,
    shared: Shared = { needed: [], moved: new Set(), notes: [], sameTurn: [], awaited: new Set(), waits: { some: false } },
  ) {
    this.needed = shared.needed;
    this.moved = shared.moved;
    this.notes = shared.notes;
    this.sameTurn = shared.sameTurn;
    this.awaited = shared.awaited;
    this.waits = shared.waits;
  }

  /**
   * A writer for an err-first function written inside this one (an iteratee of the `async` library) whose callback
   * is `cb`, answering with `answer`: its imports, moved code, notes and settings are this one's.
   */
  nested(cb: Identifier, answer: Answer): ErrFirstWriter {
    const shared = { needed: this.needed, moved: this.moved, notes: this.notes, sameTurn: this.sameTurn, awaited: this.awaited, waits: this.waits };
    return new ErrFirstWriter(cb, this.imports, this.inner, this.settings, answer, shared);
  }

  /** Record that the inner function `fn` moves into the function: its own rewrite, if any, is not used. */
  move(fn: Node): void {
    this.moved.add(fn);
  }

  /** The code of `node` as it moves into the async function, with the inner edits applied. */
  text(node: Node): string {
    return textWith(node, new Map(), false, this.inner.filter((edit) => !this.moved.has(edit.owner as object)));
  }

  use(module: string, name: string, preferred = name): string {
    return this.imports.take(this.needed, module, name, preferred);
  }

  /**
   * The statements of a block, rewritten. Every path must end by answering: a callback call (last on its path),
   * or handing the callback to a callback API.
   */
  block(statements: readonly Statement[], ctx: Context, at: Node): string[] {
    const declared = answeringHelpers(statements, (node, found) => this.mentionsCallback(node, found));
    this.helpers.push(...declared);
    const out = this.statements(statements, ctx, at);
    for (const helper of declared) this.checkHelperUsed(helper);
    return out;
  }

  private statements(statements: readonly Statement[], ctx: Context, at: Node): string[] {
    const out: string[] = [];
    // After an answer that leaves, what follows is dead but for function declarations, which are hoisted.
    const rest = (i: number): string[] => hoistedDeclarations(statements.slice(i + 1)).flatMap((fn) => ["", this.declaration(fn)]);
    // The last statement that runs: only function declarations (hoisted) may follow it.
    let lastRun = statements.length - 1;
    while (lastRun > 0 && Node.isFunctionDeclaration(statements[lastRun])) lastRun--;
    for (const [i, statement] of statements.entries()) {
      const own = (lines: string[]): string[] => withOwnComments(statement, lines); // its comments move with it
      if (Node.isFunctionDeclaration(statement)) {
        // Set apart by a blank line, as functions declared among statements usually are.
        out.push(...(out.length > 0 ? [""] : []), ...own([this.declaration(statement)]), ...(i < statements.length - 1 ? [""] : []));
        continue;
      }
      const loop = startedLoop(statement);
      if (loop !== undefined && this.mentionsCallback(loop)) {
        refuseUnless(i === lastRun, "callback-not-last", "code runs after the `next()` loop starts; as a loop it would wait for the loop to end", statement);
        return [...out, ...own(this.loop(loop, ctx)), ...rest(i)];
      }
      const answer = this.answer(statement, ctx);
      if (answer !== undefined) {
        const next = statements[i + 1];
        const thenReturn = next !== undefined && Node.isReturnStatement(next) && next.getExpression() === undefined && i + 1 === lastRun;
        const leaves = Node.isReturnStatement(statement) || thenReturn;
        // Read only to count its answers, code after the last one that never answers changes no count.
        const quietAfter = this.settings.proving === true && !ctx.mustLeave && !statements.slice(i + 1).some((s) => this.mentionsCallback(s));
        refuseUnless(
          leaves || i === lastRun || quietAfter,
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
        return [...out, ...own(answer), ...rest(i)];
      }
      if (Node.isTryStatement(statement) && this.mentionsCallback(statement)) {
        const last = i === lastRun;
        out.push(...own(this.tryStatement(statement, { ...ctx, mustLeave: ctx.mustLeave || !last }, last)));
        if (last) return [...out, ...rest(i)];
        continue;
      }
      if (Node.isIfStatement(statement) && this.mentionsCallback(statement)) {
        const last = i === lastRun;
        out.push(...own(this.ifStatement(statement, { ...ctx, mustLeave: ctx.mustLeave || !last }, last)));
        if (last) return [...out, ...rest(i)];
        continue;
      }
      refuseUnless(
        !this.mentionsCallback(statement),
        ...this.escapes(statement),
        statement,
      );
      out.push(...own([this.plain(statement)]));
    }
    refuseUnless(this.settings.proving === true, "callback-not-called", "a path ends without calling the callback; as an async function it would answer with undefined", at);
    return out;
  }

  /**
   * A statement that does not mention the callback, as the async function runs it. Its bare `return`s, paths that
   * leave without calling back (`if (this.aborted) return`), return a promise that never settles: awaited, such a
   * path goes on never, as its callback was never called. A `return` of a value is refused: it would answer with it.
   */
  private plain(statement: Statement): string {
    const returns = ownReturns(statement);
    const valued = returns.find((r) => r.getExpression() !== undefined);
    refuseUnless(
      this.settings.proving === true || valued === undefined,
      "callback-not-called",
      `a path returns \`${valued?.getExpression()?.getText()}\` without calling the callback; as an async function it would answer with that value`,
      valued ?? statement,
    );
    return returns.length === 0 ? this.text(statement) : this.neverAnswering(statement, returns);
  }

  private neverAnswering(statement: Statement, returns: readonly ReturnStatement[]): string {
    const typed = !/\.[cm]?jsx?$/.test(statement.getSourceFile().getFilePath());
    const never = `return new Promise${typed ? "<never>" : ""}(() => {})`;
    this.notes.push(
      "a path that returned without calling back now returns a promise that never settles: awaiting it waits " +
        "forever, as the callback was never called",
    );
    const replacements = new Map<Node, string>(returns.map((r) => [r, r.getText().endsWith(";") ? `${never};` : never]));
    return textWith(statement, replacements, false, this.inner.filter((edit) => !this.moved.has(edit.owner as object)));
  }

  /**
   * A function declared among the statements: a helper that answers through the callback becomes an async function
   * whose paths answer as this function's do (answering-helper.ts); any other stays as written.
   */
  private declaration(fn: FunctionDeclaration): string {
    if (!this.helpers.includes(fn)) return this.plain(fn);
    const body = this.block((fn.getBody() as Block).getStatements(), { later: false, mustLeave: false }, fn);
    if (body.at(-1) === "return;") body.pop();
    const params = fn.getParameters().map((p) => this.text(p)).join(", ");
    return [`async function ${fn.getName()}(${params}) {`, ...body, "}"].join("\n");
  }

  /** Refuses a helper that answers through the callback and is used other than by a call that answers. */
  private checkHelperUsed(fn: FunctionDeclaration): void {
    const symbol = fn.getNameNode()!.getSymbol();
    const stray = named(fn.getParentOrThrow(), fn.getName()!).find((id) => id !== fn.getNameNode() && id.getSymbol() === symbol && !this.helperCalls.has(id));
    refuseUnless(
      stray === undefined,
      "callback-escapes",
      `\`${fn.getName()}\` answers through the callback and is used other than by calling it as the last step of a path ` +
        "(handed on as a value, or called with code after it); as an async function only such a call can answer",
      stray ?? fn,
    );
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
      !last && !this.mentionsCallback(block) ? block.getStatements().flatMap((s) => withOwnComments(s, [this.plain(s)])) : this.block(block.getStatements(), ctx, block);
    const clause = statement.getCatchClause();
    const binding = clause?.getVariableDeclaration()?.getText();
    return [
      "try {",
      ...part(statement.getTryBlock()),
      "}",
      ...(clause === undefined ? [] : [`catch${binding === undefined ? "" : ` (${binding})`} {`, ...part(clause.getBlock()), "}"]),
      ...(finallyBlock === undefined ? [] : [`finally ${this.plain(finallyBlock)}`]),
    ];
  }

  /** `if` with callback calls inside: a branch that mentions the callback must answer on every path. */
  private ifStatement(statement: import("ts-morph").IfStatement, ctx: Context, last: boolean): string[] {
    const branch = (node: Statement): string[] => {
      const statements = Node.isBlock(node) ? node.getStatements() : [node];
      if (!last && !statements.some((s) => this.mentionsCallback(s))) return statements.map((s) => this.plain(s));
      return this.block(statements, ctx, node);
    };
    const otherwise = statement.getElseStatement();
    refuseUnless(
      !last || otherwise !== undefined || this.settings.proving === true,
      "callback-not-called",
      "a path after this `if` ends without calling the callback",
      statement,
    );
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
    return expr === undefined ? undefined : this.answerOf(expr, ctx);
  }

  /**
   * The body of an err-first function written inside this one, whose callback is this writer's (an iteratee of the
   * `async` library): a block, or an expression that answers.
   */
  functionBody(fn: ArrowFunction | FunctionExpression, ctx: Context): string[] {
    const body = fn.getBody();
    if (Node.isBlock(body)) return this.block(body.getStatements(), ctx, body);
    const answer = this.answerOf(body as Expression, ctx);
    refuseUnless(answer !== undefined, "callback-not-called", "the function's body does not call its callback", body);
    return answer;
  }

  /** If the expression `expr` (a statement's) answers: its rewritten form. */
  private answerOf(expr: Expression, ctx: Context): string[] | undefined {
    if (!Node.isCallExpression(expr)) return undefined;
    if (this.isCallback(expr.getExpression())) return this.completion(expr, ctx);
    const helper = this.helperCalled(expr);
    if (helper !== undefined) {
      this.helperCalls.add(expr.getExpression());
      return this.answerWith(`${helper.getName()}(${expr.getArguments().map((a) => this.text(a)).join(", ")})`, true);
    }
    const loop = this.loopCalled(expr);
    if (loop !== undefined) {
      this.continued.add(expr.getExpression());
      return [`continue ${loop.getName()!};`];
    }
    const deferred = deferredCall(expr);
    if (deferred !== undefined && this.mentionsCallback(deferred.fn)) {
      // The timer fires once, later: its code answers there.
      const wait = deferredWait(this, expr, deferred);
      this.move(deferred.fn);
      this.waits.some = true;
      return [wait, ...this.functionBody(deferred.fn, { later: true, mustLeave: false })];
    }
    const library = asyncLibraryAnswer(this, expr, ctx);
    if (library !== undefined) {
      this.waits.some = true;
      return library;
    }
    const args = expr.getArguments();
    const lastArg = args.at(-1);
    if (lastArg === undefined) return undefined;
    if (this.isCallback(lastArg)) {
      // Handing the callback to something that is not an err-first API (`pending.push(callback)`) is escaping.
      if (!madeAsync(this, expr.getExpression()) && !takesErrFirstCallback(expr.getExpression())) return undefined;
      checkAnswersLater(this, expr, ctx);
      return this.handOver(expr, args.slice(0, -1) as Expression[]);
    }
    if ((Node.isArrowFunction(lastArg) || Node.isFunctionExpression(lastArg)) && this.mentionsCallback(lastArg)) {
      checkAnswersLater(this, expr, ctx);
      return this.continuation(expr, lastArg);
    }
    return undefined;
  }

  /** `callback(err)` -> `throw err`; `callback(null, value)` -> `return value`. */
  private completion(call: CallExpression, ctx: Context): string[] {
    if (!ctx.later) {
      refuseUnless(
        this.settings.strict !== true,
        "callback-called-synchronously",
        "the callback is called synchronously here; the async form always answers later (without --strict this " +
          "alone refuses nothing: the rewrite notes it)",
        call,
      );
      this.sameTurn.push(`\`${call.getText()}\` answered in the same turn`);
    }
    const [error, value, extra] = call.getArguments();
    const seen = this.settings.onlyHowOften !== true;
    refuseUnless(extra === undefined || !seen, "callback-multiple-values", "the callback is called with more than one value", call);
    if (error === undefined || isNullish(error)) return this.answerWith(value === undefined ? undefined : this.text(value), false);
    refuseUnless(value === undefined || !seen, "callback-error-and-value", "the callback is called with both an error and a value", call);
    return [`throw ${this.text(error)};`];
  }

  /** `api(args..., callback)`: the API's promise form answers. */
  private handOver(call: CallExpression, args: Expression[]): string[] {
    checkAnswersOnce(this, call);
    const form = this.promiseForm(call);
    return this.answerWith(`${form}(${args.map((a) => this.text(a)).join(", ")})`, true);
  }

  /** `api(args..., (err, value) => { if (err) return callback(err); ...rest })`. */
  private continuation(call: CallExpression, fn: ArrowFunction | FunctionExpression): string[] {
    checkAnswersOnce(this, call, readsOnlyTheValue(this, fn));
    const form = (): [string, string] => [this.promiseForm(call), call.getArguments().slice(0, -1).map((a) => this.text(a)).join(", ")];
    return innerCallback(
      this,
      fn,
      (value, kind) => {
        const [callee, args] = form();
        return [value === undefined ? `await ${callee}(${args});` : `${kind} ${value} = await ${callee}(${args});`];
      },
      call,
    );
  }

  promiseForm(call: CallExpression): string {
    this.waits.some = true;
    return promiseFormOf(this, call.getExpression(), call, call.getArguments().length);
  }

  /** `next: for (;;) { ... }` for `(function next() { ... })()`: each `next()` a `continue next;`. */
  private loop(fn: FunctionExpression, ctx: Context): string[] {
    checkLoop(fn);
    this.moved.add(fn);
    this.loops.push(fn);
    const body = this.block((fn.getBody() as Block).getStatements(), { later: ctx.later, mustLeave: false }, fn.getBody());
    this.loops.pop();
    const symbol = fn.getNameNode()!.getSymbol();
    const stray = named(fn.getBody(), fn.getName()!).find((id) => id.getSymbol() === symbol && !this.continued.has(id));
    refuseUnless(
      stray === undefined,
      "next-loop-escapes",
      `\`${fn.getName()}\` is used other than by calling it as the last step of a path (or inside a function that stays a ` +
        "callback); as a loop, only such a call can become `continue`",
      stray ?? fn,
    );
    if (body.at(-1) === `continue ${fn.getName()};`) body.pop(); // the end of a turn goes round anyway
    return [`${fn.getName()}: for (;;) {`, ...body, "}"];
  }

  /** Why a statement that mentions the callback (or a `next()` loop) without answering is refused: code and message. */
  private escapes(statement: Statement): [string, string] {
    if (named(statement, this.cb.getText()).some((id) => this.isCallback(id))) {
      return ["callback-escapes", "the callback is used other than by calling it or handing it to a callback API at the end of a path"];
    }
    const helper = this.helpers.find((fn) => this.mentionsCallback(statement, [fn]));
    if (helper !== undefined) {
      return [
        "callback-escapes",
        `\`${helper.getName()}\` answers through the callback and is used other than by calling it as the last step of a path ` +
          "(handed on as a value, or called with code after it); as an async function only such a call can answer",
      ];
    }
    return [
      "next-loop-escapes",
      "the `next()` loop function is used other than by calling it as the last step of a path; as a loop, only such a call can become `continue`",
    ];
  }

  /** The helper answering through the callback that `call` calls, if any. */
  private helperCalled(call: CallExpression): FunctionDeclaration | undefined {
    const callee = call.getExpression();
    if (!Node.isIdentifier(callee)) return undefined;
    return this.helpers.find((fn) => fn.getNameNode()!.getSymbol() === callee.getSymbol());
  }

  /** The `next()` loop `call` goes round again, if it calls one being written (with no arguments). */
  private loopCalled(call: CallExpression): FunctionExpression | undefined {
    const callee = call.getExpression();
    if (!Node.isIdentifier(callee) || call.getArguments().length > 0) return undefined;
    return this.loops.find((fn) => fn.getNameNode()!.getSymbol() === callee.getSymbol());
  }

  isCallback(node: Node): boolean {
    return Node.isIdentifier(node) && node.getSymbol() === this.cb.getSymbol();
  }

  /**
   * Whether `node` mentions the callback, a `next()` loop being written or a helper that answers through the callback
   * (their calls answer too); `helpers`: those known so far.
   */
  mentionsCallback(node: Node, helpers: readonly FunctionDeclaration[] = this.helpers): boolean {
    if (named(node, this.cb.getText()).some((id) => this.isCallback(id)) || this.isCallback(node)) return true;
    const names = (fn: FunctionDeclaration | FunctionExpression): boolean =>
      named(node, fn.getName()!).some((id) => id !== fn.getNameNode() && id.getSymbol() === fn.getNameNode()!.getSymbol());
    return this.loops.some(names) || helpers.some(names);
  }
}

