import { describe, expect, test } from "vitest";
import { UsageError, run, sleep, withNursery } from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

describe("MockClock", () => {
  test("jump(ms) moves time and wakes what became due", async () => {
    const clock = new MockClock({ start: 1_000 });
    const woke: number[] = [];
    await run(
      (cx) =>
        withNursery(cx, async (n) => {
          n.start(async (cx) => {
            await sleep(cx, 50);
            woke.push(cx.now());
          });
          await waitAllTasksBlocked(cx);
          clock.jump(49);
          await waitAllTasksBlocked(cx);
          expect(woke).toEqual([]);
          clock.jump(1);
          await waitAllTasksBlocked(cx);
          expect(woke).toEqual([1_050]);
        }),
      { clock },
    );
  });

  test("without autojump, time stands still while tasks are blocked", async () => {
    const clock = new MockClock();
    await run(
      (cx) =>
        withNursery(cx, async (n) => {
          n.start((cx) => sleep(cx, 10));
          await waitAllTasksBlocked(cx);
          await waitAllTasksBlocked(cx);
          expect(clock.now()).toBe(0);
          clock.jump(10);
        }),
      { clock },
    );
  });

  test("autojump can be switched on while running", async () => {
    const clock = new MockClock();
    await run(
      async (cx) => {
        clock.autojump = true;
        await sleep(cx, 500);
        expect(clock.now()).toBe(500);
      },
      { clock },
    );
  });

  test("an autojump threshold waits for real idleness before jumping", async () => {
    const clock = new MockClock({ autojump: 1 });
    expect(clock.idleThreshold).toBe(1);
    await run((cx) => sleep(cx, 10_000), { clock });
    expect(clock.now()).toBe(10_000);
  });

  test("refuses time going backwards and bad options", () => {
    expect(() => new MockClock().jump(-1)).toThrow(UsageError);
    expect(() => new MockClock().jump(-1)).toThrow(/time never goes back/);
    expect(() => new MockClock({ start: Number.NaN })).toThrow(/start must be a finite number/);
    expect(() => new MockClock({ autojump: -3 })).toThrow(/threshold/);
  });
});

describe("waitAllTasksBlocked", () => {
  test(
    "returns once every other task is blocked, before autojump moves time",
    mockRun(async (cx, clock) => {
      const progress: number[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          for (let i = 0; i < 5; i++) {
            await Promise.resolve();
            progress.push(i);
          }
          await sleep(cx, 100);
          progress.push(100);
        });
        await waitAllTasksBlocked(cx);
        expect(progress).toEqual([0, 1, 2, 3, 4]);
        expect(clock.now()).toBe(0);
      });
      expect(progress).toEqual([0, 1, 2, 3, 4, 100]);
    }),
  );
});

describe("mockRun", () => {
  test("fails the test when something outlives the body", async () => {
    const leaky = mockRun(async (cx) => {
      void sleep(cx, 10);
    });
    await expect(leaky()).rejects.toThrow(UsageError);
  });

  test("gives each call a fresh clock", async () => {
    const seen: number[] = [];
    const body = mockRun(async (cx, clock) => {
      seen.push(clock.now());
      await sleep(cx, 10);
    });
    await body();
    await body();
    expect(seen).toEqual([0, 0]);
  });
});
