import { checkThunks, type Thunk } from "./all.ts";
import { holding } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { NurseryImpl, withNursery } from "./nursery.ts";
import type { TaskEnd } from "./internal/spawn.ts";
import { taskOf } from "./internal/task.ts";

/**
 * `Promise.race` on nursery semantics: runs every thunk as a task; the first to settle decides. A value is
 * returned once the others have been cancelled and awaited; a failure is rethrown the same way. A loser that
 * fails with something other than `Cancelled` while being cancelled is not hidden: its error is thrown.
 * @throws UsageError for an empty list (Promise.race([]) would wait forever)
 * @example
 * const reply = await race(cx, [(cx) => askPrimary(cx, q), (cx) => askReplica(cx, q)]);
 */
export function race<const F extends readonly Thunk[]>(cx: Cx, thunks: F): Promise<Awaited<ReturnType<F[number]>>> {
  return holding(cx, () => raceIn(cx, thunks)) as Promise<Awaited<ReturnType<F[number]>>>;
}

async function raceIn(cx: Cx, thunks: readonly Thunk[]): Promise<unknown> {
  taskOf(cx, "race");
  checkThunks("race", thunks);
  if (thunks.length === 0) {
    throw new UsageError("race(cx, []): nothing to race; Promise.race([]) would never settle. Pass at least one thunk.");
  }
  let won = false;
  let winner: unknown;
  await withNursery(cx, (nursery) => {
    const impl = nursery as NurseryImpl;
    const end: TaskEnd = {
      onReturned(value) {
        if (!won) {
          won = true;
          winner = value;
          impl.scope.cancel("race: another task finished first");
        }
        impl.onReturned(value);
      },
      onFailed: impl.onFailed,
    };
    for (const thunk of thunks) impl.startWith(thunk, [], end);
  });
  return winner;
}
