import { expect, test } from "vitest";
import * as corral from "corral";
import * as node from "corral/node";
import * as testing from "corral/testing";

// The public surface, one snapshot per entry point: a change here is an API change and shows in review.
test("public exports", () => {
  expect(Object.keys(corral).sort()).toMatchInlineSnapshot(`
    [
      "BrokenResourceError",
      "BusyResourceError",
      "Cancelled",
      "CapacityLimiter",
      "ClosedResourceError",
      "Condition",
      "CorralError",
      "EndOfChannel",
      "Event",
      "Lock",
      "MultiError",
      "ReceiveChannel",
      "Semaphore",
      "SendChannel",
      "SystemClock",
      "TooSlowError",
      "UsageError",
      "WouldBlock",
      "all",
      "bridge",
      "checkpoint",
      "failAfter",
      "failAt",
      "fromAsyncIterable",
      "fromCallback",
      "fromEvent",
      "fromEvents",
      "fromPromise",
      "isCancelled",
      "moveOnAfter",
      "moveOnAt",
      "named",
      "openChannel",
      "openLoop",
      "race",
      "retry",
      "run",
      "shield",
      "sleep",
      "sleepForever",
      "sleepUntil",
      "toAsyncIterable",
      "toCallback",
      "toPromise",
      "withCancelScope",
      "withNursery",
    ]
  `);
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "MockClock",
      "mockRun",
      "waitAllTasksBlocked",
    ]
  `);
  expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
    [
      "currentLoop",
      "formatTaskTree",
      "installLoopHooks",
      "installTaskDump",
      "printTaskTree",
      "taskTree",
    ]
  `);
});
