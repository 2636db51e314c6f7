import { UsageError } from "../errors.ts";
import { discard, type Waiter } from "./park.ts";
import type { Scope } from "./scope.ts";

/**
 * What a scope still holds when it is left: waits nobody awaited (`void sleep(cx, 10)`) and scopes entered but
 * never left (a `withCancelScope` not awaited). They are closed and reported as one UsageError; the waits reject
 * with it and the scopes' bodies meet it at their next checkpoint, so nothing is left running or pending. Checked
 * once per scope instead of once per task, so tasks need no completion handler of their own.
 */
export function sweep(scope: Scope, where: string): UsageError | undefined {
  const waits: Waiter[] = [];
  const scopes: Scope[] = [];
  collect(scope, waits, scopes);
  if (waits.length + scopes.length === 0) return undefined;
  const misuse = new UsageError(
    `${where} ended with ${waits.length} corral operation(s) still waiting and ${scopes.length} scope(s) still ` +
      "open: a task returned without awaiting a sleep, wait, withNursery or withCancelScope it started. " +
      "Await every corral call (a floating promise is the usual cause).",
  );
  for (const waiter of waits) discard(waiter, misuse);
  for (const child of scopes) {
    child.holder?.then(undefined, ignore); // its eventual rejection is this misuse's consequence, reported here
    child.detach();
  }
  return misuse;
}

function ignore(): void {}

function collect(scope: Scope, waits: Waiter[], scopes: Scope[]): void {
  for (let waiter = scope.parkedHead; waiter !== null; waiter = waiter.next) waits.push(waiter);
  if (scope.children === null) return;
  for (const child of scope.children) {
    collect(child, waits, scopes);
    scopes.push(child);
  }
}
