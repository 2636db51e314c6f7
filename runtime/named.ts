import { UsageError } from "./errors.ts";

/**
 * `fn` under the name `name`: a task running it is called `name` in a task dump (corral/node's `taskTree`), where an
 * inline arrow shows as "(anonymous)". Pass it wherever a scoped function goes (`n.start`, `n.startReady`, `all`,
 * `race`, `loop.expose`, `toPromise`); `fn` itself is left unchanged. A task's name is otherwise its function's name.
 * @throws UsageError when `name` is not a string or `fn` not a function
 * @example
 * for (const url of urls) n.start(named(`fetch ${url}`, (cx) => fetchPage(cx, url)));
 */
export function named<F extends (...args: any[]) => unknown>(name: string, fn: F): F {
  if (typeof name !== "string") throw new UsageError(`named(name, fn): name must be a string, got ${typeof name}`);
  if (typeof fn !== "function") throw new UsageError(`named(name, fn): fn must be a function, got ${typeof fn}`);
  const renamed = function (this: unknown, ...args: unknown[]): unknown {
    return fn.apply(this, args);
  };
  Object.defineProperty(renamed, "name", { value: name });
  return renamed as F;
}
