import { describe, expect, test } from "vitest";
import {
  Cancelled,
  ClosedResourceError,
  openLoop,
  shield,
  sleep,
  sleepForever,
  withNursery,
  type Cx,
  type Loop,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";
import type { Closer, LoopImpl, LoopReport } from "../../runtime/loop.ts";

describe("openLoop and loop.expose", () => {
  test(
    "a legacy call runs the scoped function as a task; its promise settles with the value once the task exited",
    mockRun(async (cx) => {
      const log: string[] = [];
      const result = await openLoop(cx, async (loop) => {
        const double = loop.expose(async (cx: Cx, n: number) => {
          await sleep(cx, 10);
          log.push("task done");
          return n * 2;
        });
        const value = await double(21); // a legacy caller: a plain await of a promise
        log.push(`caller got ${value}`);
        return "body";
      });
      expect(result).toBe("body");
      expect(log).toEqual(["task done", "caller got 42"]);
    }),
  );

  test(
    "a task's error goes to its caller, not to the loop's nursery",
    mockRun(async (cx) => {
      const boom = new RangeError("bad id");
      const result = await openLoop(cx, async (loop) => {
        const failing = loop.expose(async () => {
          throw boom;
        });
        await expect(failing()).rejects.toBe(boom);
        await sleep(cx, 5); // the loop is still running: the failure did not cancel it
        return "still running";
      });
      expect(result).toBe("still running");
    }),
  );

  test(
    "closing the loop cancels running tasks, their callers get Cancelled after cleanup, later calls are refused",
    mockRun(async (cx) => {
      const log: string[] = [];
      let kept: Loop | undefined;
      let pending: Promise<unknown> | undefined;
      await openLoop(cx, async (loop) => {
        kept = loop;
        pending = loop.expose(async (cx: Cx) => {
          try {
            await sleepForever(cx);
          } finally {
            await shield(cx, (cx) => sleep(cx, 20));
            log.push("cleanup finished");
          }
        })();
        pending.catch(() => {});
        await waitAllTasksBlocked(cx);
      });
      const error = await pending!.catch((e: unknown) => e);
      expect(log).toEqual(["cleanup finished"]);
      expect(error).toBeInstanceOf(Cancelled);
      expect(error).toMatchObject({ source: "shutdown" });
      expect(kept!.closed).toBe(true);
      await expect(kept!.expose(async () => 1)()).rejects.toBeInstanceOf(ClosedResourceError);
    }),
  );

  test(
    "a failure of the body closes the loop and is rethrown",
    mockRun(async (cx) => {
      const boom = new Error("body failed");
      await expect(
        withNursery(cx, (n) =>
          n.start((cx) =>
            openLoop(cx, () => {
              throw boom;
            }),
          ),
        ),
      ).rejects.toBe(boom);
    }),
  );

  test(
    "resources that ended by themselves are dropped as more are owned, and are not closed at the end",
    mockRun(async (cx) => {
      type Thing = { ended: boolean };
      const closed: Thing[] = [];
      const closer: Closer<Thing> = { kind: "thing", close: (thing) => void closed.push(thing), ended: (thing) => thing.ended };
      const live: Thing = { ended: false };
      const gone: Thing[] = Array.from({ length: 100 }, () => ({ ended: true }));
      let report: LoopReport | undefined;
      let stillOwned = -1;
      await openLoop(cx, { onClose: (r) => (report = r) }, (loop) => {
        const impl = loop as LoopImpl;
        impl.own(live, closer as Closer);
        for (const thing of gone) impl.own(thing, closer as Closer);
        stillOwned = gone.filter((thing) => impl.owns(thing)).length;
      });
      expect(stillOwned).toBeLessThan(gone.length / 2); // a loop that runs for days does not keep every ended socket
      expect(closed).toEqual([live]);
      expect(report?.closed).toEqual({ thing: 1 });
    }),
  );
});
