import { describe, expect, test } from "vitest";
import { Cancelled, Event, UsageError, moveOnAfter, sleep, withCancelScope, withNursery, type Cx } from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";

describe("Event: set and isSet", () => {
  test(
    "starts unset; set() sets it; setting again changes nothing",
    mockRun(async () => {
      const event = new Event();
      expect(event.isSet()).toBe(false);
      event.set();
      expect(event.isSet()).toBe(true);
      event.set();
      expect(event.isSet()).toBe(true);
    }),
  );

  test(
    "has no clear(): a set Event stays set",
    mockRun(async () => {
      const event = new Event();
      expect("clear" in event).toBe(false);
      event.set();
      expect(event.isSet()).toBe(true);
    }),
  );

  test(
    "set() is synchronous and not a checkpoint: it works inside a cancelled scope and wakes waiters at once",
    mockRun(async (cx) => {
      const event = new Event();
      let woke = false;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await event.wait(cx);
          woke = true;
        });
        await waitAllTasksBlocked(cx);
        expect(event.statistics().tasksWaiting).toBe(1);
        await withCancelScope(cx, (_cx, scope) => {
          scope.cancel();
          expect(event.set()).toBeUndefined();
          // The waiter left the queue synchronously, before anything else ran.
          expect(event.statistics().tasksWaiting).toBe(0);
          expect(woke).toBe(false);
        });
      });
      expect(woke).toBe(true);
    }),
  );
});

describe("Event.wait", () => {
  test(
    "blocks until set, then every waiter goes on at that moment",
    mockRun(async (cx, clock) => {
      const event = new Event();
      const wokeAt: number[] = [];
      await withNursery(cx, async (n) => {
        for (let i = 0; i < 3; i++) {
          n.start(async (cx) => {
            await event.wait(cx);
            wokeAt.push(cx.now());
          });
        }
        await sleep(cx, 25);
        expect(wokeAt).toEqual([]);
        expect(event.statistics().tasksWaiting).toBe(3);
        event.set();
      });
      expect(wokeAt).toEqual([25, 25, 25]);
      expect(clock.now()).toBe(25);
    }),
  );

  test(
    "waiters are woken in the order they started waiting",
    mockRun(async (cx) => {
      const event = new Event();
      const order: string[] = [];
      await withNursery(cx, async (n) => {
        for (const name of ["first", "second", "third"]) {
          n.start(async (cx) => {
            await event.wait(cx);
            order.push(name);
          });
          await waitAllTasksBlocked(cx);
        }
        event.set();
      });
      expect(order).toEqual(["first", "second", "third"]);
    }),
  );

  test(
    "returns without blocking when already set, for waiters that come later too",
    mockRun(async (cx, clock) => {
      const event = new Event();
      event.set();
      await event.wait(cx);
      await event.wait(cx);
      expect(clock.now()).toBe(0);
      expect(event.statistics().tasksWaiting).toBe(0);
    }),
  );

  test(
    "is a checkpoint even when already set: a cancelled waiter gets Cancelled",
    mockRun(async (cx) => {
      const event = new Event();
      event.set();
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(event.wait(cx)).rejects.toBeInstanceOf(Cancelled);
      });
    }),
  );

  test(
    "throws Cancelled at once when called in a cancelled scope on an unset event, and does not queue",
    mockRun(async (cx) => {
      const event = new Event();
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        const waiting = event.wait(cx);
        expect(event.statistics().tasksWaiting).toBe(0);
        await expect(waiting).rejects.toBeInstanceOf(Cancelled);
      });
      expect(event.isSet()).toBe(false);
    }),
  );

  test(
    "a wait cancelled by a timeout throws Cancelled and leaves no waiter behind",
    mockRun(async (cx, clock) => {
      const event = new Event();
      let seen: unknown;
      const result = await moveOnAfter(cx, 10, async (cx) => {
        try {
          await event.wait(cx);
        } catch (e) {
          seen = e;
          throw e;
        }
        return "woken";
      });
      expect(result).toBeUndefined();
      expect(seen).toBeInstanceOf(Cancelled);
      expect((seen as Cancelled).source).toBe("deadline");
      expect(clock.now()).toBe(10);
      expect(event.statistics().tasksWaiting).toBe(0);
    }),
  );

  test(
    "cancelling one waiter does not disturb the others: they still wake on set()",
    mockRun(async (cx) => {
      const event = new Event();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await event.wait(cx);
          log.push("a");
        });
        n.start(async (cx) => {
          const outcome = await moveOnAfter(cx, 5, async (cx) => {
            await event.wait(cx);
            return "woken";
          });
          log.push(`b ${String(outcome)}`);
        });
        n.start(async (cx) => {
          await event.wait(cx);
          log.push("c");
        });
        await sleep(cx, 10);
        expect(event.statistics().tasksWaiting).toBe(2);
        event.set();
      });
      expect(log).toEqual(["b undefined", "a", "c"]);
    }),
  );

  test(
    "rejects a value that is not a cx with a UsageError",
    mockRun(async () => {
      const event = new Event();
      await expect(event.wait({} as Cx)).rejects.toThrow(UsageError);
      await expect(event.wait({} as Cx)).rejects.toThrow(/event\.wait: expected the cx/);
      expect(event.statistics().tasksWaiting).toBe(0);
    }),
  );
});

describe("Event.statistics", () => {
  test(
    "reports exactly { tasksWaiting }",
    mockRun(async (cx) => {
      const event = new Event();
      expect(event.statistics()).toEqual({ tasksWaiting: 0 });
      await withNursery(cx, async (n) => {
        n.start((cx) => event.wait(cx));
        n.start((cx) => event.wait(cx));
        await waitAllTasksBlocked(cx);
        expect(event.statistics()).toEqual({ tasksWaiting: 2 });
        event.set();
      });
      expect(event.statistics()).toEqual({ tasksWaiting: 0 });
    }),
  );
});
