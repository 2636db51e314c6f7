import { Node, SyntaxKind } from "ts-morph";
import type { FileImports, Import } from "../engine/imports.ts";
import type { Wrapper } from "./wrapper.ts";

/** What writing an awaited form needs from the function's rewrite. */
export interface FormContext {
  imports: FileImports;
  /** Imports this rewrite adds (filled in). */
  needed: Import[];
  /** The rewrite's notes (filled in). */
  notes: string[];
  fresh(base: string): string;
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
      const ms = wrapper.delay?.getText() ?? "";
      if (wrapper.value !== undefined && wrapper.early) {
        // setTimeout(resolve, ms, value): the value is read when the timer is set, as delay(ms, value) does.
        return [`return ${delay}(${ms}, ${wrapper.value.getText()});`];
      }
      const after = wrapper.value === undefined ? (ctx.last ? [] : ["return;"]) : [`return ${wrapper.value.getText()};`];
      if (wrapper.value !== undefined && mayThrow(wrapper.value)) ctx.notes.push(TIMER_THROW_NOTE);
      return [`await ${delay}(${ms});`, ...after];
    }
    case "event": {
      const once = use(ctx, "node:events", "once", "once");
      const value = ctx.fresh("value");
      ctx.notes.push(ERROR_LISTENER_NOTE);
      return [`const [${value}] = await ${once}(${wrapper.emitter.getText()}, ${wrapper.event.getText()});`, `return ${value};`];
    }
    case "callback": {
      const args = wrapper.args.map((a) => a.getText()).join(", ");
      const callee = wrapper.callee;
      if (wrapper.form === "fs") {
        const [owner, name] = [callee.getText().slice(0, callee.getText().lastIndexOf(".")), callee.getText().slice(callee.getText().lastIndexOf(".") + 1)];
        return [`return ${owner}.promises.${name}(${args});`];
      }
      const promisify = use(ctx, "node:util", "promisify", "promisify");
      const text = callee.getText();
      const owner = text.includes(".") ? text.slice(0, text.lastIndexOf(".")) : undefined;
      const fn = owner === undefined ? text : `${text}.bind(${owner})`;
      return [`return ${promisify}(${fn})(${args});`];
    }
  }
}

function use(ctx: FormContext, module: string, name: string, preferred: string): string {
  const { text, added } = ctx.imports.use(module, name, preferred);
  if (added !== undefined && !ctx.needed.includes(added)) ctx.needed.push(added);
  return text;
}

/** Whether evaluating `node` can run code (a call, `new`, a property read through a getter). */
function mayThrow(node: Node): boolean {
  return !(Node.isIdentifier(node) || Node.isLiteralExpression(node) || node.getKind() === SyntaxKind.TrueKeyword || node.getKind() === SyntaxKind.FalseKeyword || node.getKind() === SyntaxKind.NullKeyword);
}
