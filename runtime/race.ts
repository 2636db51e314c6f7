import { checkThunks, type Thunk } from "./all.ts";
import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { NurseryImpl, withNursery } from "./nursery.ts";
import type { Scope } from "./internal/scope.ts";
import { taskOf, type Task, type TaskOwner } from "./internal/task.ts";

/**
 * `Promise.race` on nursery semantics: runs every thunk as a task; the first to settle decides. A value is
 * returned once the others have been cancelled and awaited; a failure is rethrown the same way. A loser that
 * fails with something other than `Cancelled` while being cancelled is not hidden: its error is thrown.
 * @throws UsageError for an empty list (Promise.race([]) would wait forever)
 * @example
 * const reply = await race(cx, [(cx) => askPrimary(cx, q), (cx) => askReplica(cx, q)]);
 */
export async function race<const F extends readonly Thunk[]>(
  cx: Cx,
  thunks: F,
): Promise<Awaited<ReturnType<F[number]>>> {
  taskOf(cx, "race");
  checkThunks("race", thunks);
  if (thunks.length === 0) {
    throw new UsageError("race(cx, []): nothing to race; Promise.race([]) would never settle. Pass at least one thunk.");
  }
  const winner = new Winner();
  await withNursery(cx, (nursery) => {
    winner.nursery = nursery as NurseryImpl;
    for (const thunk of thunks) winner.nursery.startWithSink(thunk, winner);
  });
  return winner.value as Awaited<ReturnType<F[number]>>;
}

/** Keeps the first value and cancels the rest of the race. */
class Winner implements TaskOwner {
  nursery!: NurseryImpl;

  get scope(): Scope {
    return this.nursery.scope;
  }

  won = false;
  value: unknown = undefined;

  taskReturned(task: Task, value: unknown): void {
    if (!this.won) {
      this.won = true;
      this.value = value;
      this.nursery.scope.cancel("race: another task finished first");
    }
    this.nursery.taskReturned(task, value);
  }

  taskFailed(task: Task, error: unknown): void {
    this.nursery.taskFailed(task, error);
  }
}
