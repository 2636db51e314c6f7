import { describe, expect, test } from "vitest";
import { Cancelled, UsageError, moveOnAfter, sleep, sleepForever, withNursery, type Cx, type Ready } from "corral";
import { mockRun } from "corral/testing";

class Boom extends Error {}

async function server(cx: Cx, ready: Ready<number>, port: number): Promise<void> {
  await sleep(cx, 10); // binding
  ready(port);
  await sleepForever(cx);
}

describe("nursery.startReady", () => {
  test(
    "resolves to the value passed to ready; afterwards the task belongs to the nursery",
    mockRun(async (cx, clock) => {
      const result = await withNursery(cx, async (n) => {
        const port = await n.startReady(server, 8080);
        expect(port).toBe(8080);
        expect(clock.now()).toBe(10);
        await sleep(cx, 5);
        n.cancelScope.cancel(); // stops the server, which now runs in the nursery
        return "served";
      });
      expect(result).toBe("served");
    }),
  );

  test(
    "an error before ready comes out of startReady",
    mockRun(async (cx) => {
      const boom = new Boom("cannot bind");
      await withNursery(cx, async (n) => {
        await expect(
          n.startReady(async (cx: Cx) => {
            await sleep(cx, 1);
            throw boom;
          }),
        ).rejects.toBe(boom);
      });
    }),
  );

  test(
    "an error after ready fails the nursery",
    mockRun(async (cx) => {
      const boom = new Boom("crashed later");
      await expect(
        withNursery(cx, async (n) => {
          await n.startReady(async (cx: Cx, ready: Ready<void>) => {
            ready();
            await sleep(cx, 5);
            throw boom;
          });
          await sleepForever(cx);
        }),
      ).rejects.toBe(boom);
    }),
  );

  test(
    "returning without ready is an error with a clear message",
    mockRun(async (cx) => {
      await withNursery(cx, async (n) => {
        await expect(n.startReady(async () => {})).rejects.toThrow(/returned without calling ready\(value\)/);
      });
    }),
  );

  test(
    "calling ready twice throws in the child",
    mockRun(async (cx) => {
      let second: unknown;
      await withNursery(cx, async (n) => {
        await n.startReady(async (_cx: Cx, ready: Ready<string>) => {
          ready("once");
          try {
            ready("twice");
          } catch (e) {
            second = e;
          }
        });
      });
      expect(second).toBeInstanceOf(UsageError);
      expect(String(second)).toMatch(/called twice/);
    }),
  );

  test(
    "before ready, the caller's timeout reaches the child; after ready, it does not",
    mockRun(async (cx) => {
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        const slow = await moveOnAfter(cx, 5, () =>
          n.startReady(async (cx: Cx, ready: Ready<void>) => {
            try {
              await sleep(cx, 100);
              ready();
            } catch (e) {
              log.push(e instanceof Cancelled ? "slow starter cancelled" : "other");
              throw e;
            }
          }),
        );
        expect(slow).toBeUndefined();
        await moveOnAfter(cx, 5, () =>
          n.startReady(async (cx: Cx, ready: Ready<void>) => {
            ready();
            await sleep(cx, 20);
            log.push("started task outlived the caller's scope");
          }),
        );
      });
      expect(log).toEqual(["slow starter cancelled", "started task outlived the caller's scope"]);
    }),
  );

  test(
    "scopes the child entered before ready move with it to the nursery",
    mockRun(async (cx) => {
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await n.startReady(async (cx: Cx, ready: Ready<void>) => {
          await moveOnAfter(cx, 50, async (cx) => {
            ready();
            await sleepForever(cx);
          });
          log.push(`inner timeout at ${cx.now()}`);
          await moveOnAfter(cx, 1_000, async (cx) => {
            await sleepForever(cx).catch((e: unknown) => {
              log.push(`nursery cancel reached the moved task at ${cx.now()}`);
              throw e;
            });
          });
        });
        await sleep(cx, 100);
        n.cancelScope.cancel();
      });
      expect(log).toEqual(["inner timeout at 50", "nursery cancel reached the moved task at 100"]);
    }),
  );
});
