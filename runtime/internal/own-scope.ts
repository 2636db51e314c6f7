import { scoped } from "../cancel-scope.ts";
import type { Cx } from "../cx.ts";

/**
 * Run a helper's `body` (a wait and what follows it: `lock.withLock`, `child.result`, `retry`) in a plain scope of
 * its own on `cx`'s task. A forgotten `await` of the helper is then reported once, by the scope around, as for
 * `withNursery` (leaving it, the scope around marks the helper's promise handled), instead of the helper's
 * rejection ending the process as unhandled. The scope has no deadline and nothing cancels it alone, so it never
 * absorbs the body's failure: the helper settles as its body does.
 */
export function inOwnScope<T>(cx: Cx, operation: string, body: (cx: Cx) => Promise<T>): Promise<T> {
  return scoped(cx, operation, {}, body) as Promise<T>;
}
