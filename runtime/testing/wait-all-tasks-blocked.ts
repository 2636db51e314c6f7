import type { Cx } from "../cx.ts";
import { blocked, park } from "../internal/park.ts";
import { taskOf } from "../internal/task.ts";

/**
 * Wait until every other task of the run is blocked (sleeping, waiting on a corral primitive, a timer or I/O) and
 * nothing has run for a whole host turn. Wakes before a `MockClock` autojumps, as in Trio, so a test can check
 * the state of a system that has settled. A checkpoint.
 * @example
 * n.start(worker); await waitAllTasksBlocked(cx); expect(worker.state).toBe("waiting");
 */
export function waitAllTasksBlocked(cx: Cx): Promise<void> {
  try {
    const task = taskOf(cx, "waitAllTasksBlocked");
    const problem = blocked(task, "waitAllTasksBlocked");
    if (problem !== undefined) return Promise.reject(problem);
    const settled = park<void>(task, task.run);
    task.run.addIdleWaiter(task);
    return settled;
  } catch (error) {
    return Promise.reject(error);
  }
}
