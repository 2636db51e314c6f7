import { describe, expect, test } from "vitest";
import { Cancelled, checkpoint, moveOnAfter, withCancelScope, withNursery } from "corral";
import { mockRun } from "corral/testing";

describe("checkpoint", () => {
  test(
    "yields to other tasks",
    mockRun(async (cx) => {
      const log: string[] = [];
      await withNursery(cx, (n) => {
        for (const name of ["a", "b"]) {
          n.start(async (cx) => {
            for (let i = 0; i < 3; i++) {
              log.push(`${name}${i}`);
              await checkpoint(cx);
            }
          });
        }
      });
      expect(log).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
    }),
  );

  test(
    "throws Cancelled when cancelled",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(checkpoint(cx)).rejects.toBeInstanceOf(Cancelled);
      });
    }),
  );

  test("a loop of checkpoints cannot starve the host: a real-time deadline interrupts it", async () => {
    const { run } = await import("corral");
    let iterations = 0;
    const result = await run(async (cx) =>
      moveOnAfter(cx, 1, async (cx) => {
        for (;;) {
          iterations++;
          await checkpoint(cx);
        }
      }),
    );
    expect(result).toBeUndefined();
    expect(iterations).toBeGreaterThan(0);
  });
});
