import { Node, SyntaxKind } from "ts-morph";
import type { FileImports, Import } from "../engine/imports.ts";
import { nativeFor } from "./preamble.ts";
import { sharedWrapper } from "./module-wrappers.ts";
import { promiseCallee, type Wrapper } from "./wrapper.ts";

/** What writing an awaited form needs from the function's rewrite. */
export interface FormContext {
  imports: FileImports;
  /** Imports this rewrite adds (filled in). */
  needed: Import[];
  /** The rewrite's notes (filled in). */
  notes: string[];
  fresh(base: string): string;
  /** The code of a node as it moves (with the edits of functions inside it rewritten already). */
  text(node: Node): string;
  /** Whether the `return` being replaced is the function's last statement. */
  last: boolean;
}

const TIMER_THROW_NOTE =
  "if computing the value throws, the promise now rejects; before, the throw happened inside the timer callback " +
  "(an uncaught exception) and the promise never settled";

const ERROR_LISTENER_NOTE =
  "the event wait now removes both listeners when either event fires: an 'error' emitted later is no longer " +
  "swallowed by a leftover listener";

/** The statements that replace `return new Promise(...)` of a wrapper: its awaited form. */
export function awaitedForm(wrapper: Wrapper, ctx: FormContext): string[] {
  switch (wrapper.kind) {
    case "timer": {
      const delay = use(ctx, "node:timers/promises", "setTimeout", "delay");
      const ms = wrapper.delay === undefined ? "" : ctx.text(wrapper.delay);
      if (wrapper.value !== undefined && wrapper.early) {
        // setTimeout(resolve, ms, value): the value is read when the timer is set, as delay(ms, value) does.
        return [`return ${delay}(${ms}, ${ctx.text(wrapper.value)});`];
      }
      const after = wrapper.value === undefined ? (ctx.last ? [] : ["return;"]) : [`return ${ctx.text(wrapper.value)};`];
      if (wrapper.value !== undefined && mayThrow(wrapper.value)) ctx.notes.push(TIMER_THROW_NOTE);
      return [`await ${delay}(${ms});`, ...after];
    }
    case "event": {
      const once = use(ctx, "node:events", "once", "once");
      const value = ctx.fresh("value");
      ctx.notes.push(ERROR_LISTENER_NOTE);
      return [`const [${value}] = await ${once}(${ctx.text(wrapper.emitter)}, ${ctx.text(wrapper.event)});`, `return ${value};`];
    }
    case "callback": {
      const args = wrapper.args.map((a) => ctx.text(a)).join(", ");
      // A function of this file this run made async is its own promise form (promisify of it would never settle).
      const made = Node.isIdentifier(wrapper.callee) ? ctx.imports.madeAsync.get(wrapper.callee.getText()) : undefined;
      const native = made === undefined ? undefined : nativeFor(wrapper.callee, made, wrapper.args.length + 1, wrapper.callee);
      const callee = native ?? promiseForm(wrapper.callee, wrapper.form, ctx, wrapper.args.length + 1);
      if (wrapper.resolves) return [`return ${callee}(${args});`];
      // `resolve()`: the wrapper gave `undefined`, whatever the API calls back with (`fs.mkdir` gives a path).
      return [`await ${callee}(${args});`, ...(ctx.last ? [] : ["return;"])];
    }
  }
}

/** `fs.promises.x`, or `promisify(api)` made once at module level where it can be (module-wrappers.ts). */
function promiseForm(callee: Node, form: "fs" | "promisify", ctx: FormContext, count: number): string {
  const text = promiseCallee(callee, form, () => use(ctx, "node:util", "promisify", "promisify"));
  return form === "promisify" ? sharedWrapper(callee, text, "Async", ctx, count) : text;
}

function use(ctx: FormContext, module: string, name: string, preferred: string): string {
  return ctx.imports.take(ctx.needed, module, name, preferred);
}

/** Whether evaluating `node` can run code (a call, `new`, a property read through a getter). */
function mayThrow(node: Node): boolean {
  return !(Node.isIdentifier(node) || Node.isLiteralExpression(node) || node.getKind() === SyntaxKind.TrueKeyword || node.getKind() === SyntaxKind.FalseKeyword || node.getKind() === SyntaxKind.NullKeyword);
}
