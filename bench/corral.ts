/** The workloads on corral, written as a user would write them. */
import { checkpoint, run, sleep, withNursery, type Cx } from "corral";

export async function spawnJoin(n: number): Promise<void> {
  await run((cx) =>
    withNursery(cx, (nursery) => {
      for (let i = 0; i < n; i++) nursery.start(child);
    }),
  );
}

async function child(_cx: Cx): Promise<void> {
  await Promise.resolve();
}

export async function checkpoints(n: number): Promise<void> {
  await run(async (cx) => {
    for (let i = 0; i < n; i++) await checkpoint(cx);
  });
}

/** n tasks asleep in one nursery; cancel the nursery; ms until every task's finally ran and the nursery exited. */
export async function cancelSleepers(n: number): Promise<number> {
  let cleaned = 0;
  let start = 0;
  const elapsed = await run(async (cx) => {
    await withNursery(cx, (nursery) => {
      for (let i = 0; i < n; i++) {
        nursery.start(async (cx) => {
          try {
            await sleep(cx, 1e9);
          } finally {
            cleaned++;
          }
        });
      }
      start = performance.now();
      nursery.cancelScope.cancel();
    });
    return performance.now() - start;
  });
  if (cleaned !== n) throw new Error(`corral cancelSleepers: ${cleaned} of ${n} cleanups ran`);
  return elapsed;
}

/** Hold n sleeping tasks while `measure` runs, then cancel them all. */
export async function holdSleepers(n: number, measure: () => void): Promise<void> {
  await run((cx) =>
    withNursery(cx, async (nursery) => {
      for (let i = 0; i < n; i++) nursery.start((cx) => sleep(cx, 1e9));
      measure();
      nursery.cancelScope.cancel();
    }),
  );
}
