/** corral/testing: deterministic time and test helpers for scoped code. */
export { MockClock, type MockClockOptions } from "./mock-clock.ts";
export { mockRun, type MockRunOptions } from "./mock-run.ts";
export { waitAllTasksBlocked } from "./wait-all-tasks-blocked.ts";
