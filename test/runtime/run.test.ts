import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { Cancelled, SystemClock, UsageError, run, sleep, sleepForever, withCancelScope, withNursery } from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";
import { runProgram } from "../support/run-program.ts";

describe("run", () => {
  test("resolves to main's value and rejects with main's error", async () => {
    const clock = new MockClock({ autojump: true });
    expect(await run(async (cx) => (await sleep(cx, 5), "value"), { clock })).toBe("value");
    const boom = new Error("boom");
    await expect(run(() => Promise.reject(boom), { clock })).rejects.toBe(boom);
  });

  test("an AbortSignal passed in options cancels the whole run", async () => {
    const controller = new AbortController();
    const clock = new MockClock();
    const log: string[] = [];
    const running = run(
      (cx) =>
        withNursery(cx, async (n) => {
          for (const name of ["a", "b"]) {
            n.start(async (cx) => {
              try {
                await sleepForever(cx);
              } finally {
                log.push(`${name} stopped`);
              }
            });
          }
          await waitAllTasksBlocked(cx);
          controller.abort(new Error("shutting down"));
          await sleepForever(cx);
        }),
      { clock, signal: controller.signal },
    );
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Cancelled);
    expect(error).toMatchObject({ source: "signal", reason: new Error("shutting down") });
    // What run rejects with speaks of the run, at top level: no in-scope hint.
    expect((error as Error).message).toBe(
      "run(main) was cancelled: its options.signal was aborted: shutting down. Every task has stopped and cleaned up.",
    );
    expect(log).toEqual(["a stopped", "b stopped"]);
  });

  test("an already aborted signal cancels at the first checkpoint", async () => {
    const reached: string[] = [];
    await expect(
      run(
        async (cx) => {
          reached.push("main started");
          await sleep(cx, 1);
          reached.push("unreachable");
        },
        { signal: AbortSignal.abort("no"), clock: new MockClock({ autojump: true }) },
      ),
    ).rejects.toBeInstanceOf(Cancelled);
    expect(reached).toEqual(["main started"]);
  });

  test("main returning while a sleep is pending fails the run: nothing is left running", async () => {
    await expect(
      run(
        async (cx) => {
          void sleep(cx, 1_000);
        },
        { clock: new MockClock() },
      ),
    ).rejects.toThrow(/still waiting/);
  });

  test("main returning while a scope body still runs fails the run", async () => {
    await expect(
      run(
        async (cx) => {
          void withCancelScope(cx, async () => {
            await new Promise(() => {});
          });
        },
        { clock: new MockClock() },
      ),
    ).rejects.toThrow(/scope\(s\) still open/);
  });

  test("main must be a function", async () => {
    await expect(run("main" as never)).rejects.toThrow(UsageError);
  });

  test("the default clock is the system clock and nothing stays armed afterwards", async () => {
    // No duration is asserted: only that a real sleep completes and the run settles.
    expect(await run(async (cx) => (await sleep(cx, 1), cx.now() > 0))).toBe(true);
    expect(new SystemClock().now()).toBeGreaterThan(0);
  });
});

describe("cx", () => {
  test(
    "cx.signal aborts exactly when cancellation becomes effective, with the Cancelled as reason",
    mockRun(async (cx) => {
      await withCancelScope(cx, { timeout: 10 }, async (cx) => {
        const signal = cx.signal;
        expect(cx.signal).toBe(signal); // one per scope, made on first read
        const reasons: unknown[] = [];
        signal.addEventListener("abort", () => reasons.push(signal.reason));
        await sleep(cx, 5);
        expect(signal.aborted).toBe(false);
        const error = await sleep(cx, 10).catch((e: unknown) => e);
        expect(signal.aborted).toBe(true);
        expect(reasons).toEqual([error]);
        expect(error).toBeInstanceOf(Cancelled);
      });
    }),
  );

  test(
    "a signal read after cancellation is already aborted",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel("why");
        expect(cx.signal.aborted).toBe(true);
        expect(cx.signal.reason).toMatchObject({ reason: "why" });
      });
    }),
  );

  test(
    "the signal follows the innermost scope; a child task's signal aborts with its nursery",
    mockRun(async (cx) => {
      const outer = cx.signal;
      await withNursery(cx, async (n) => {
        let childSignal: AbortSignal | undefined;
        n.start(async (cx) => {
          childSignal = cx.signal;
          await sleepForever(cx);
        });
        expect(cx.signal).not.toBe(outer);
        await waitAllTasksBlocked(cx);
        n.cancelScope.cancel();
        expect(childSignal!.aborted).toBe(true);
      });
      expect(outer.aborted).toBe(false);
    }),
  );
});

describe("run and a forgotten await", () => {
  test("a scope function called without await is reported once: run rejects, nothing rejects unhandled", async () => {
    const ran = await runProgram("forgotten-await.mjs");
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    const misuse = "UsageError: a scope ended with 1 corral operation(s)";
    expect(JSON.parse(ran.stdout)).toEqual({
      withNursery: misuse,
      withCancelScope: misuse,
      moveOnAfter: misuse,
      failAfter: misuse,
      shield: misuse,
      all: misuse,
      race: misuse,
      openLoop: misuse,
      retry: misuse,
      withLock: misuse,
      limiterRun: misuse,
      semaphoreRun: misuse,
      startWithResult: "UsageError: a scope ended with 2 corral operation(s)",
    });
  });
});

describe("corral loaded twice", () => {
  test("two copies of the runtime recognise each other's cx, loops and errors, and share their single state", async () => {
    const dir = await mkdtemp(join(tmpdir(), "corral-two-copies-"));
    const link = join(dir, "corral");
    await symlink(fileURLToPath(new URL("../..", import.meta.url)), link, "dir");
    try {
      const ran = await runProgram("two-copies.mjs", ["--preserve-symlinks"], [link]);
      expect(ran.stderr).toBe("");
      expect(JSON.parse(ran.stdout)).toEqual({
        twoCopies: true,
        crossed: {
          now: 1_025,
          fromB: "bridged",
          timedOut: "moved on",
          tooSlow: [true, true, true],
          usage: [true, true, false],
        },
        cancelled: [true, true, true],
        loop: "in loop",
        currentLoop: "found",
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
