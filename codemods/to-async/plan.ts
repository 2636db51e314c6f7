import { Node, SyntaxKind, ts, type Expression, type ExpressionStatement, type NewExpression, type ReturnStatement } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import { isAccessor, nameOf, type Accessor, type Candidate, type FunctionNode } from "../engine/functions.ts";
import { findAll } from "../engine/walk.ts";
import { refuseUnless, Unchanged } from "../engine/refusal.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { awaitedForm } from "./awaited-form.ts";
import { chainOf, inlineHandlers, type Chain } from "./chain.ts";
import { callbackParam } from "./callback-param.ts";
import { isCallbackifyShim } from "./callbackify-shim.ts";
import { planErrFirst } from "./err-first.ts";
import { isNeverSettling, isPromiseWrapper, wrapperOf } from "./wrapper.ts";
import { returnsPromise } from "./returns-promise.ts";
import { directReturns, endReachable, hasOwnChain, outsideBoundary } from "./analysis.ts";
import { ChainWriter } from "./generate.ts";

/** The rewrite of one function: edits against its file's original text, and what changes in behaviour. */
export interface Rewrite {
  edits: Edit[];
  notes: string[];
  /** Functions nested in this one whose code the rewrite moved inline (their own results are not reported). */
  inlined: object[];
  /** Imports the new code needs (added to the file once, by the engine). */
  imports: Import[];
}

const FIRE_AND_FORGET =
  "the function starts a Promise chain it does not return: it runs on while the function goes on, and " +
  "awaiting it would change when the code after it runs";

const ALREADY_ASYNC = "already async, with no Promise chain it returns to rewrite; nothing to do for --to async (--to scoped is its next stage)";

const SYNC_THROW_NOTE =
  "became async: if code before its first await throws, it now returns a rejected promise instead of throwing";

/** How strictly `--to async` plans (`MigrateOptions.strict`). */
export interface PlanSettings {
  /** Refuse an err-first function whose callback may be called in the same turn, instead of converting it. */
  strict?: boolean;
}

/**
 * The `--to async` eligibility check and plan for one function, shared by `scan` and `migrate`: a rewrite,
 * `undefined` when there is nothing to rewrite, or a thrown `Refusal` saying why it would change behaviour.
 */
export function planToAsync(fn: Candidate, inner: readonly Edit[], imports: FileImports, settings: PlanSettings = {}): Rewrite | undefined {
  if (isAccessor(fn)) return planAccessor(fn);
  const rewrite = planFunction(fn, inner, imports, settings);
  const floating = rewrite === undefined || fn.isAsync() ? undefined : floatingChain(fn);
  if (floating !== undefined) {
    const text = floating.getText().replace(/\s+/g, " ").replace(/;$/, "");
    rewrite!.notes.push(`\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` still starts a chain nobody awaits: it runs on beside the function, as before`);
  }
  return rewrite;
}

function planFunction(fn: Exclude<Candidate, Accessor>, inner: readonly Edit[], imports: FileImports, settings: PlanSettings): Rewrite | undefined {
  // An async function already answers with a promise: only the chains it returns are rewritten, with no note.
  const already = fn.isAsync();
  if (already && isGenerator(fn)) throw new Unchanged("already-async", ALREADY_ASYNC, fn);
  if (Node.isMethodDeclaration(fn) && fn.getName() === "then") {
    refuseUnless(
      returnedPromises(fn, fn.getBody()!).length === 0,
      "thenable-then",
      "a `then` method makes its object a thenable; rewriting it changes how `await` treats the object",
      fn,
    );
  }
  const body = fn.getBody();
  if (body === undefined) return undefined;
  if (isCallbackifyShim(body)) {
    throw new Unchanged("callback-shape-kept", "the callback shape an earlier run kept for callers: it calls its async version already", fn);
  }
  // An anonymous function passed as a value is a callback itself, answered by whoever calls it: not a target.
  const callback = already || nameOf(fn) === "<anonymous>" ? undefined : callbackParam(fn);
  if (callback !== undefined && findAll(body, (node) => ts.isIdentifier(node) && node.text === callback.getText(), undefined, true).length > 0) {
    return { ...planErrFirst(fn, callback, imports, inner, settings), inlined: [] };
  }
  // A chain started and not returned (`this.connect().catch(noop)`) stays as it is, here and in any rewrite: it
  // runs on beside the function, before and after. With nothing else to rewrite, the function is unchanged.
  const returned = returnedPromises(fn, body);
  if (returned.length === 0) {
    if (already) throw new Unchanged("already-async", ALREADY_ASYNC, fn);
    if (returnsPromise(fn)) {
      throw new Unchanged(
        "promise-returned-as-is",
        "it returns a promise it does not build in its return (a call's promise, or a chain held in a variable): its " +
          "callers await it already; nothing for --to async to rewrite",
        fn,
      );
    }
    if (floatingChain(fn) !== undefined) {
      throw new Unchanged(
        "fire-and-forget-chain-kept",
        "it starts a chain it neither returns nor awaits, which stays as it is (running on beside the function): nothing else to rewrite",
        fn,
      );
    }
    if (hasOwnChain(fn)) {
      throw new Unchanged("chain-not-returned", "its chains are held, not returned nor left running: nothing for --to async to rewrite", fn);
    }
    if (callback !== undefined) {
      throw new Unchanged("callback-unused", `it takes a callback (\`${callback.getText()}\`) it never calls nor hands on: nothing to convert`, fn);
    }
    return undefined;
  }
  refuseUnless(!isGenerator(fn), "generator", "a generator function cannot become async without changing what it returns", fn);
  if (!already) {
    checkReturnType(fn);
    if (Node.isBlock(body)) checkOtherReturns(fn, body, returned);
  }
  for (const item of returned) if (item.chain !== undefined) checkReceiver(item.chain);
  const wrappers = returned.map((item) => (item.wrapper === undefined ? undefined : wrapperOf(item.wrapper)));

  const handlers = returned.flatMap(({ chain }) => (chain === undefined ? [] : inlineHandlers(chain)));
  const writer = new ChainWriter(fn, handlers, inner);
  const edits: Edit[] = [];
  const notes = already ? [] : [SYNC_THROW_NOTE];
  const needed: Import[] = [];
  for (const [i, { chain, at }] of returned.entries()) {
    const wrapper = wrappers[i];
    const lines =
      wrapper === undefined
        ? writer.returning(chain!)
        : awaitedForm(wrapper, { imports, needed, notes, fresh: (base) => writer.fresh(base), text: (node) => writer.textOf(node), last: isLastStatement(fn, at) });
    if (Node.isReturnStatement(at)) {
      // `if (x) return p.then(f);`: several statements need a block where one stood alone.
      const alone = !Node.isBlock(at.getParent()) && !Node.isCaseClause(at.getParent()) && !Node.isDefaultClause(at.getParent());
      const text = lines.join("\n");
      if (!alone || lines.length === 1) edits.push({ start: at.getStart(), end: at.getEnd(), text });
      else edits.push(blockInPlaceOf(at, text));
    } else {
      // An arrow's expression body becomes a block: one edit from the arrow's start, so it is formatted whole.
      const head = fn.getSourceFile().getFullText().slice(fn.getStart(), at.getStart());
      const edit = { start: fn.getStart(), end: at.getEnd(), text: `${already ? "" : "async "}${head}{\n${lines.join("\n")}\n}` };
      return { edits: [edit], notes, inlined: handlers, imports: needed };
    }
  }
  if (!already) edits.push(asyncInsertion(fn));
  return { edits, notes, inlined: handlers, imports: needed };
}

/**
 * A getter cannot be `async`, and its readers read it as a property: one returning a chain is refused (as a method
 * it could be migrated). An accessor that starts a chain it does not return is refused like any function.
 */
function planAccessor(fn: Accessor): undefined {
  const body = fn.getBody();
  if (body === undefined) return undefined;
  refuseUnless(
    returnedPromises(fn, body).length === 0,
    "accessor",
    `\`${nameOf(fn)}\` is a ${Node.isGetAccessorDeclaration(fn) ? "getter" : "setter"}: it cannot become async; make it a method ` +
      "and migrate that, or leave it as it is",
    fn,
  );
  const floating = floatingChain(fn);
  refuseUnless(floating === undefined, "fire-and-forget-chain", FIRE_AND_FORGET, floating ?? fn);
  return undefined;
}

export function isGenerator(fn: FunctionNode): boolean {
  return (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isMethodDeclaration(fn)) && fn.isGenerator();
}

/** Whether `at` is the last statement of the function's body (a `return;` after it would be redundant). */
function isLastStatement(fn: FunctionNode, at: Node): boolean {
  const body = fn.getBody();
  return !Node.isBlock(body) || body.getStatements().at(-1) === at;
}

/** What the function returns that the rewrite turns into awaits: a chain, or a `new Promise` wrapper. */
interface Returned {
  at: ReturnStatement | Expression;
  chain?: Chain;
  wrapper?: NewExpression;
}

/** The chains and wrappers the function returns: `return ...;` statements, or an arrow's expression body. */
function returnedPromises(fn: Candidate, body: Node): Returned[] {
  const classify = (value: Node | undefined, at: ReturnStatement | Expression): Returned[] => {
    if (value === undefined) return [];
    const chain = chainOf(value);
    if (chain !== undefined) return [{ at, chain }];
    return isPromiseWrapper(value) && !isNeverSettling(value) ? [{ at, wrapper: value }] : [];
  };
  if (!Node.isBlock(body)) return classify(body, body as Expression);
  return directReturns(fn).flatMap((ret) => classify((ret as ReturnStatement).getExpression(), ret as ReturnStatement));
}

/** A chain used as a statement of its own (nobody awaits it), outside nested functions. */
function floatingChain(fn: Candidate): Node | undefined {
  const statements = findAll(fn, ts.isExpressionStatement, outsideBoundary);
  return statements.find((statement) => chainOf((statement as ExpressionStatement).getExpression()) !== undefined);
}

function checkReturnType(fn: FunctionNode): void {
  const declared = fn.getReturnTypeNode();
  if (declared === undefined) return;
  const text = declared.getText();
  refuseUnless(
    Node.isTypeReference(declared) && declared.getTypeName().getText() === "Promise",
    "return-type-not-promise",
    `the declared return type \`${text}\` is not a Promise; an async function always returns one`,
    declared,
  );
}

/** Every other way out of the function must already give a promise, or callers would see a change. */
function checkOtherReturns(fn: FunctionNode, body: Node, returned: readonly { at: Node }[]): void {
  const rewritten = new Set(returned.map(({ at }) => at));
  for (const ret of directReturns(fn)) {
    if (rewritten.has(ret)) continue;
    const value = (ret as ReturnStatement).getExpression();
    refuseUnless(
      value !== undefined && givesPromise(value),
      "returns-non-promise",
      "another return gives a value that may not be a promise; as an async function it would give a promise of it",
      ret,
    );
  }
  refuseUnless(
    !endReachable(body),
    "returns-non-promise",
    "the function can finish without returning (giving undefined); as an async function it would give a promise",
    fn,
  );
}

/** Whether `value` surely is a promise: typed as one, or built by `Promise.x(...)` / `new Promise(...)`. */
function givesPromise(value: Expression): boolean {
  if (chainOf(value) !== undefined) return true;
  if (Node.isNewExpression(value) && value.getExpression().getText() === "Promise") return true;
  if (Node.isCallExpression(value) && /^Promise\.\w+$/.test(value.getExpression().getText())) return true;
  const type = value.getType();
  if (type.isAny() || type.isUnknown()) return false;
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.every((part) => part.getSymbol()?.getName() === "Promise");
}

/** The chain must start from a Promise (or an untyped value): other thenables' `catch`/`finally` may differ. */
function checkReceiver(chain: Chain): void {
  const type = chain.base.getType();
  if (type.isAny() || type.isUnknown()) return;
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  refuseUnless(
    parts.every((part) => ["Promise", "PromiseLike"].includes(part.getSymbol()?.getName() ?? "")),
    "non-promise-receiver",
    `\`.${chain.links[0]!.kind}\` is called on a \`${type.getText()}\`, not a Promise; its methods may not behave ` +
      "like a Promise's",
    chain.base,
  );
}

/** `{ text }` in place of a lone statement; before an `else`, the `else` follows the brace (`} else`). */
function blockInPlaceOf(statement: ReturnStatement, text: string): Edit {
  const parent = statement.getParent();
  const elseKeyword =
    Node.isIfStatement(parent) && parent.getThenStatement() === statement
      ? parent.getFirstChildByKind(SyntaxKind.ElseKeyword)
      : undefined;
  if (elseKeyword === undefined) return { start: statement.getStart(), end: statement.getEnd(), text: `{\n${text}\n}` };
  return { start: statement.getStart(), end: elseKeyword.getStart(), text: `{\n${text}\n} ` };
}

/** Where `async ` goes: before `function`, before a method's name (after its modifiers), before an arrow. */
export function asyncInsertion(fn: FunctionNode): Edit {
  let at: number;
  if (Node.isMethodDeclaration(fn)) at = fn.getNameNode().getStart();
  else if (Node.isArrowFunction(fn)) at = fn.getStart();
  // (an arrow with an expression body is rewritten whole, its `async` included)
  else at = fn.getFirstChildByKindOrThrow(SyntaxKind.FunctionKeyword).getStart();
  return { start: at, end: at, text: "async " };
}
