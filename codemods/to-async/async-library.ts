/**
 * The control-flow helpers of the `async` library (and of `neo-async`, its drop-in) called inside an err-first
 * function, written as the loops and `Promise.all` they stand for:
 *
 * | helper (and aliases) | becomes |
 * |---|---|
 * | `eachSeries(items, (item, next) => ..., final)` | `for (const item of items) { ... }`: `next()` goes on with the next item, `next(err)` throws |
 * | `each(items, (item, next) => ..., final)` | `await Promise.all(items.map(async (item) => { ... }))` |
 * | `eachOf`, `eachOfSeries` | the same over `items.entries()` / `items.map(async (item, key) => ...)` |
 * | `map`, `mapSeries` | the same, the results collected in order |
 * | `eachLimit`, `eachOfLimit`, `mapLimit` with a limit of `1` | their series forms |
 * | `series([t1, t2], final)` | t1's code, then t2's |
 * | `parallel([t1, t2], final)` | `await Promise.all([...])` |
 * | `waterfall([t1, t2], final)` | t1's code, its value the parameter of t2's |
 *
 * An iteratee or task is written by the err-first rules of the function itself (`ErrFirstWriter`, with its own
 * callback), or is a reference to an err-first function, called in its promise form. Why the forms agree: the
 * library starts the iteratees of `each` and `map` in order in one turn, as `items.map` does, and calls back at the
 * first error while the others run on, their later errors dropped, as `Promise.all` rejects at the first rejection;
 * the series forms start an item when the one before has answered and stop at the first error, as the loop does.
 *
 * What differs, and is said in the note: the library calls back in the same turn for an empty collection (and when
 * every iteratee answers at once); the loops answer later. It also takes objects, iterables and `null` as
 * collections: a collection typed as an array is iterated the same, an untyped one is taken to be an array (the
 * note says so), others are refused. The library is known by its import or `require`, never by a name alone.
 */
import { Node, ts, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression, type Identifier, type ParameterDeclaration } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import type { Context, ErrFirstWriter } from "./err-first-writer.ts";
import { checkLimitOfOne, checkNeoArity, helperName, HELPERS, type Helper } from "./async-library-helpers.ts";
import { Names } from "./names.ts";
import { isNodeApi } from "./wrapper.ts";
import { innerCallback } from "./inner-callback.ts";
import { checkAnswersLater, promiseFormOf } from "./callee-forms.ts";

/** An answer that ends the function it is written in (an iteratee's own async function). */
const returned = (value: string | undefined): string[] => [value === undefined ? "return;" : `return ${value};`];

/** A line standing for "this task has answered; go on with the next one", replaced once a task is written. */
const NEXT_TASK = "/* corral: next task */";

/** Names handed out in one function's rewrite, shared by the writers of its iteratees (keyed by their `needed`). */
const namesOf = new WeakMap<object, Names>();

/**
 * If `call` is a call of an `async` library helper that answers for the function (its final callback is the
 * function's callback, or calls it): its rewritten form; `undefined` for any other call. A `Refusal` when it cannot
 * be written with the same order and error behaviour.
 */
export function asyncLibraryAnswer(writer: ErrFirstWriter, call: CallExpression, ctx: Context): string[] | undefined {
  const name = helperName(call.getExpression());
  if (name === undefined || !writer.mentionsCallback(call)) return undefined;
  const helper = HELPERS[name];
  refuseUnless(
    helper !== undefined,
    "async-helper-unsupported",
    `\`${name}\` of the async library has no loop or Promise.all form corral writes (it writes each, eachSeries, ` +
      "eachOf, map, mapSeries, series, parallel, waterfall, their aliases and their limit-1 forms); rewrite this call by hand",
    call,
  );
  const tasks = helper.shape === "series" || helper.shape === "parallel" || helper.shape === "waterfall";
  const args = call.getArguments() as Expression[];
  const count = tasks ? 2 : helper.order === "limit" ? 4 : 3;
  refuseUnless(
    args.length === count,
    "async-helper-arguments",
    `\`${name}\` is called with ${args.length} arguments, not ${count}: without a final callback it returns a promise (async 3), or the call is not the usual one`,
    call,
  );
  if (helper.order === "limit") checkLimitOfOne(name, args[1]!);
  const final = args.at(-1)!;
  const library = new LibraryCall(writer, call, name, helper, ctx);
  // An iteratee or task answering in the function's own turn is refused by the writer's rules, as in the function.
  const empty = tasks ? Node.isArrayLiteralExpression(args[0]) && args[0].getElements().length === 0 : true;
  if (!ctx.later && empty) {
    writer.notes.push(`\`${name}\` of the async library called back in the same turn for an empty collection; the loop always answers later`);
  }
  const write = (result: string | undefined): string[] => (tasks ? library.tasks(args[0]!, result) : library.iterate(args[0]!, args.at(-2)!, result));
  if (writer.isCallback(final)) {
    // Handed the function's callback: the helper's outcome is the function's.
    const result = helper.shape === "each" || helper.shape === "eachOf" ? undefined : library.names.fresh("results");
    return [...write(result), ...writer.answerWith(result, false)];
  }
  refuseUnless(
    Node.isArrowFunction(final) || Node.isFunctionExpression(final),
    "callback-escapes",
    `the final callback of \`${name}\` is neither the function's callback nor a function written in place`,
    final,
  );
  refuseUnless(
    !(helper.shape === "each" || helper.shape === "eachOf") || final.getParameters().length <= 1,
    "async-helper-arguments",
    `the final callback of \`${name}\` takes a value; the library passes none`,
    final,
  );
  return innerCallback(writer, final, write);
}

type Inline = ArrowFunction | FunctionExpression;

/** One call of a helper being written. */
class LibraryCall {
  readonly names: Names;

  constructor(
    private readonly writer: ErrFirstWriter,
    private readonly call: CallExpression,
    private readonly name: string,
    private readonly helper: Helper,
    private readonly ctx: Context,
  ) {
    let names = namesOf.get(writer.needed);
    if (names === undefined) {
      names = new Names(writer.cb.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a)) ?? call.getSourceFile(), []);
      namesOf.set(writer.needed, names);
    }
    this.names = names;
  }

  /** `each`/`eachOf`/`map` and their series forms over `collection`, collecting results into `result` if given. */
  iterate(collection: Expression, iteratee: Expression, result: string | undefined): string[] {
    const withKey = this.helper.shape === "eachOf";
    let items = this.collection(collection);
    const fn = this.inline(iteratee, withKey ? 3 : 2);
    if (fn === undefined && !withKey) checkNeoArity(this.call, iteratee);
    const bound = fn === undefined ? undefined : fn.getParameters().slice(0, -1);
    const element = bound?.[0]?.getNameNode().getText() ?? this.names.fresh("item");
    const key = withKey ? (bound?.[1]?.getNameNode().getText() ?? this.names.fresh("key")) : undefined;
    const collects = this.helper.shape === "map" && result !== undefined;
    if (this.helper.order === "parallel") {
      const params = bound?.map((p) => p.getText()).join(", ") ?? [element, key].filter((k) => k !== undefined).join(", ");
      const mapped =
        fn === undefined
          ? `${items}.map((${params}) => ${this.referenceCall(iteratee, [element, key])})`
          : `${items}.map(async (${params}) => {\n${dropLast(this.writeIteratee(fn, returned), "return;").join("\n")}\n})`;
      return [collects ? `const ${result} = await Promise.all(${mapped});` : `await Promise.all(${mapped});`];
    }
    // A loop's binding is in its scope while the collection is read: a collection naming it is read first.
    if (bound !== undefined && this.mentionsAny(collection, bound)) {
      const copy = this.names.fresh("items");
      const lines = [`const ${copy} = ${items};`];
      items = copy;
      return [...lines, ...this.loop(fn, iteratee, items, element, key, collects ? result : undefined)];
    }
    return this.loop(fn, iteratee, items, element, key, collects ? result : undefined);
  }

  private loop(fn: Inline | undefined, iteratee: Expression, items: string, element: string, key: string | undefined, result: string | undefined): string[] {
    const head = key === undefined ? `for (const ${element} of ${items}) {` : `for (const [${key}, ${element}] of ${items}.entries()) {`;
    const answer = (value: string | undefined, promise: boolean): string[] => {
      const awaited = value !== undefined && promise ? `await ${value}` : value;
      if (result !== undefined) return [`${result}.push(${awaited ?? "undefined"});`, "continue;"];
      return [...(awaited === undefined || isPlain(awaited) ? [] : [`${awaited};`]), "continue;"];
    };
    refuseUnless(
      fn === undefined || !declaresVar(fn),
      "async-iteratee-var",
      `an iteratee of \`${this.name}\` declares a \`var\`: in a loop's body it would be one variable for every item, and the function's; make it \`let\` or \`const\``,
      fn ?? iteratee,
    );
    const body = fn === undefined ? answer(this.referenceCall(iteratee, [element, key]), true) : this.writeIteratee(fn, answer);
    return [...(result === undefined ? [] : [`const ${result} = [];`]), head, ...dropLast(body, "continue;"), "}"];
  }

  /** The collection's text; refused unless it is an array (or untyped, then taken to be one, as the note says). */
  private collection(collection: Expression): string {
    const type = collection.getType();
    if (type.isAny()) {
      this.writer.notes.push(
        `the collection of \`${this.name}\` is untyped and taken to be an array; the async library also iterated ` +
          "objects' values and took null or undefined as empty",
      );
    } else {
      const arrays = (type.isUnion() ? type.getUnionTypes() : [type]).every((t) => t.isArray() || t.isTuple() || t.getSymbol()?.getName() === "ReadonlyArray");
      refuseUnless(
        arrays,
        "async-collection-not-array",
        `the collection of \`${this.name}\` is a \`${type.getText(collection)}\`, not an array: the async library iterates ` +
          "objects by their values and takes null as empty, where a loop would not",
        collection,
      );
    }
    return this.writer.text(collection);
  }

  /** `series`, `parallel` and `waterfall` over an array of tasks written in place, collecting into `result`. */
  tasks(list: Expression, result: string | undefined): string[] {
    refuseUnless(
      Node.isArrayLiteralExpression(list) && list.getElements().every((e) => !Node.isSpreadElement(e)),
      "async-tasks-not-literal",
      `the tasks of \`${this.name}\` are not an array written in place (an object of tasks, or one built at run time); corral writes only a list it can read`,
      list,
    );
    const tasks = list.getElements() as Expression[];
    if (this.helper.shape === "parallel") return this.parallel(tasks, result);
    if (this.helper.shape === "series") return this.series(tasks, result);
    return this.waterfall(list, tasks, result);
  }

  private parallel(tasks: Expression[], result: string | undefined): string[] {
    const elements = tasks.map((task) => {
      const fn = this.inline(task, 1);
      if (fn === undefined) return this.referenceCall(task, []);
      const promises: boolean[] = [];
      const lines = this.writeIteratee(fn, (value, promise) => {
        promises.push(promise && value !== undefined);
        return [value === undefined ? "return;" : `return ${value};`];
      });
      // A task that only hands its callback to an API is that API's promise.
      if (lines.length === 1 && promises.length === 1 && promises[0] === true) return lines[0]!.replace(/^return /, "").replace(/;$/, "");
      return `(async () => {\n${dropLast(lines, "return;").join("\n")}\n})()`;
    });
    const all = `Promise.all([\n${elements.join(",\n")},\n])`;
    return [result === undefined ? `await ${all};` : `const ${result} = await ${all};`];
  }

  private series(tasks: Expression[], result: string | undefined): string[] {
    const out = result === undefined ? [] : [`const ${result} = [];`];
    for (const [i, task] of tasks.entries()) {
      const later = this.ctx.later || i > 0;
      const fn = this.inline(task, 1);
      const keep = (value: string | undefined): string[] =>
        result !== undefined ? [`${result}.push(${value ?? "undefined"});`] : value === undefined || isPlain(value) ? [] : [`${value};`];
      if (fn === undefined) {
        out.push(...keep(`await ${this.referenceCall(task, [])}`));
        continue;
      }
      const lines = this.writeIteratee(fn, (value, promise) => [...keep(value !== undefined && promise ? `await ${value}` : value), NEXT_TASK], later);
      // A `var` of the task would be the function's: the task keeps a function of its own.
      const inline = declaresVar(fn) ? undefined : straight(lines);
      if (inline !== undefined) {
        out.push(...(declares(inline) ? ["{", ...inline, "}"] : inline));
        continue;
      }
      // A task that answers before its end: a function of its own, whose returns end it.
      const own = this.writeIteratee(fn, returned, later);
      out.push(...keep(`await (async () => {\n${dropLast(own, "return;").join("\n")}\n})()`));
    }
    return out;
  }

  private waterfall(list: Node, tasks: Expression[], result: string | undefined): string[] {
    const out: string[] = [];
    // The name each task's value goes by: the next task's parameter, or the final callback's value.
    const inputs = tasks.map((task, i) => {
      if (i === 0) return undefined;
      const fn = this.inline(task, 2);
      if (fn === undefined) return this.names.fresh("value");
      const input = fn.getParameters()[0]!.getNameNode();
      // The parameter becomes a `const` of the function: it must not hide a name the function's other code reads.
      refuseUnless(
        Node.isIdentifier(input) && this.names.isFree(input.getText(), list),
        "async-waterfall-names",
        `the parameter \`${input.getText()}\` of a task of \`${this.name}\` would become a name of the function, where it names something else; rename it`,
        input,
      );
      return this.names.take(input.getText());
    });
    for (const [i, task] of tasks.entries()) {
      const into = i + 1 < tasks.length ? inputs[i + 1] : result;
      const input = inputs[i];
      const fn = this.inline(task, i === 0 ? 1 : 2);
      const later = this.ctx.later || i > 0;
      const store = (value: string | undefined): string[] => {
        refuseUnless(
          value !== undefined || into === undefined,
          "async-waterfall-arity",
          `a task of \`${this.name}\` answers without a value where the next one takes one (it would receive its callback in its place)`,
          task,
        );
        if (into === undefined) return value === undefined || isPlain(value) ? [] : [`${value};`];
        // `next(null, copy)` where `copy` is the next task's parameter's name: bound already.
        return value === into ? [] : [`const ${into} = ${value};`];
      };
      if (fn === undefined) {
        out.push(...store(`await ${this.referenceCall(task, input === undefined ? [] : [input])}`));
        continue;
      }
      const lines = this.writeIteratee(fn, (value, promise) => [...store(value !== undefined && promise ? `await ${value}` : value), NEXT_TASK], later);
      // A `var` of the task would be the function's: the task keeps a function of its own.
      const inline = declaresVar(fn) ? undefined : straight(lines);
      if (inline !== undefined && declaredNames(inline).every((n) => n === into || this.names.isFree(n, fn))) {
        out.push(...inline);
        continue;
      }
      const own = this.writeIteratee(fn, returned, later);
      out.push(...store(`await (async () => {\n${dropLast(own, "return;").join("\n")}\n})()`));
    }
    return out;
  }

  /** The function written in place for an iteratee or task taking `arity` parameters (its callback last); `undefined` for a reference. */
  private inline(node: Expression, arity: number): Inline | undefined {
    if (!Node.isArrowFunction(node) && !Node.isFunctionExpression(node)) {
      refuseUnless(
        Node.isIdentifier(node) || (Node.isPropertyAccessExpression(node) && isNodeApi(node)),
        "async-iteratee-unknown",
        `an iteratee or task of \`${this.name}\` is neither a function written in place nor an err-first function named ` +
          "(a method would lose its `this`: the library calls it without one)",
        node,
      );
      refuseUnless(
        !isAsyncFunction(node),
        "async-iteratee-async-function",
        `\`${node.getText()}\` is an async function: the library awaits it instead of passing it a callback`,
        node,
      );
      return undefined;
    }
    refuseUnless(!node.isAsync(), "async-iteratee-async-function", `an iteratee of \`${this.name}\` is an async function: the library awaits it`, node);
    refuseUnless(
      !Node.isFunctionExpression(node) || !usesOwn(node),
      "async-iteratee-this",
      `an iteratee of \`${this.name}\` reads its own \`this\`, \`arguments\` or name; written inline they would be the function's, or nothing`,
      node,
    );
    const params = node.getParameters();
    refuseUnless(
      params.length === arity && params.every((p) => !isUnusual(p)) && Node.isIdentifier(params.at(-1)!.getNameNode()),
      "async-iteratee-parameters",
      `an iteratee or task of \`${this.name}\` takes ${params.length} parameters; the library passes it ${arity} (its callback last)`,
      node,
    );
    return node;
  }

  /**
   * The body of an iteratee written in place, by the function's own rules with the iteratee's callback. `later`:
   * whether it surely runs after the function's own turn (a task after the first of `series` and `waterfall`: the
   * one before it answered later, or it would have been refused).
   */
  private writeIteratee(fn: Inline, answer: (value: string | undefined, promise: boolean) => string[], later = this.ctx.later): string[] {
    const callback = fn.getParameters().at(-1)!.getNameNode() as Identifier;
    refuseUnless(
      !this.writer.mentionsCallback(fn),
      "callback-escapes",
      `an iteratee or task of \`${this.name}\` uses the callback of the function around it, which the async form no longer has`,
      fn,
    );
    this.writer.move(fn);
    // async 3 takes `next(false)` as "stop, and never call back"; a throw would call back.
    for (const call of fn.getDescendantsOfKind(ts.SyntaxKind.CallExpression)) {
      const [error] = call.getArguments();
      refuseUnless(
        !(call.getExpression().getText() === callback.getText() && error !== undefined && error.getKind() === ts.SyntaxKind.FalseKeyword),
        "async-iteratee-stops",
        "`next(false)` stops the loop without calling back in async 3 (and is no error in async 2); rewrite it by hand",
        call,
      );
    }
    const lines = this.writer.nested(callback, answer).functionBody(fn, { later, mustLeave: false });
    return lines;
  }

  /** A reference iteratee called with `args`: in its promise form (it must surely call back later, as in the function itself). */
  private referenceCall(reference: Expression, args: (string | undefined)[]): string {
    checkAnswersLater(this.writer, this.call, this.ctx, reference);
    return `${promiseFormOf(this.writer, reference, reference)}(${args.filter((a) => a !== undefined).join(", ")})`;
  }

  private mentionsAny(node: Node, params: readonly ParameterDeclaration[]): boolean {
    const names = new Set(params.flatMap((p) => bindingNames(p.getNameNode())));
    return node.getDescendantsOfKind(ts.SyntaxKind.Identifier).some((id) => names.has(id.getText())) || (Node.isIdentifier(node) && names.has(node.getText()));
  }
}

/** The lines of a task whose only answer is its last line (the marker, dropped); `undefined` when it answers earlier. */
function straight(lines: string[]): string[] | undefined {
  if (lines.at(-1) !== NEXT_TASK) return undefined;
  const rest = lines.slice(0, -1);
  return rest.includes(NEXT_TASK) ? undefined : rest;
}

/** `lines` without a last line that is `last` (the end of a function or an iteration goes on anyway). */
function dropLast(lines: string[], last: string): string[] {
  return lines.at(-1) === last ? lines.slice(0, -1) : lines;
}

/** Whether evaluating `text` can do nothing: a name or a literal, dropped when its value is not used. */
function isPlain(text: string): boolean {
  return /^([\w$]+|"[^"]*"|'[^']*'|\d+)$/.test(text);
}

/** The names the statements declare at their top level (they would join the function's scope when inlined). */
function declaredNames(lines: readonly string[]): string[] {
  const file = ts.createSourceFile("task.ts", `async function task() {\n${lines.join("\n")}\n}`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const fn = file.statements[0] as ts.FunctionDeclaration;
  return (fn.body?.statements ?? []).flatMap((s) => {
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => namesIn(d.name));
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name !== undefined) return [s.name.text];
    return [];
  });
}

function declares(lines: readonly string[]): boolean {
  return declaredNames(lines).length > 0;
}

function namesIn(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : namesIn(e.name)));
}

function bindingNames(name: Node): string[] {
  return namesIn(name.compilerNode as ts.BindingName);
}

/** Whether `fn` declares a `var` of its own (function-scoped: inlined, it would be the enclosing function's). */
function declaresVar(fn: Inline): boolean {
  return fn.getDescendantsOfKind(ts.SyntaxKind.VariableDeclarationList).some(
    (list) =>
      (list.getFlags() & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0 &&
      list.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a)) === fn,
  );
}

/** A rest parameter, or one with a default value: not a binding a loop can declare. */
function isUnusual(p: ParameterDeclaration): boolean {
  return p.isRestParameter() || p.hasInitializer();
}

/** Whether `fn` reads its own `this`, `arguments` or name (a named function expression calling itself). */
function usesOwn(fn: FunctionExpression): boolean {
  const own = (n: Node) => n.getFirstAncestor((a) => Node.isFunctionExpression(a) || Node.isFunctionDeclaration(a)) === fn;
  const name = fn.getName();
  return (
    fn.getDescendantsOfKind(ts.SyntaxKind.ThisKeyword).some(own) ||
    fn.getDescendantsOfKind(ts.SyntaxKind.Identifier).some((id) => id.getText() === "arguments" && own(id)) ||
    (name !== undefined && fn.getBody().getDescendantsOfKind(ts.SyntaxKind.Identifier).some((id) => id.getText() === name))
  );
}

/** Whether the function `reference` names is async (the library awaits an `AsyncFunction` rather than pass a callback). */
function isAsyncFunction(reference: Expression): boolean {
  const declarations = (Node.isIdentifier(reference) ? reference.getSymbol()?.getDeclarations() : undefined) ?? [];
  return declarations.some((d) => {
    const fn = Node.isVariableDeclaration(d) ? d.getInitializer() : d;
    return fn !== undefined && (Node.isFunctionDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) && fn.isAsync();
  });
}
