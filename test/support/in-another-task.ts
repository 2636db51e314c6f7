import { withNursery, type Cx } from "corral";

/** Run `body` as another task (a child of a nursery opened on `cx`) and return what it threw, or undefined. */
export async function thrownInAnotherTask(cx: Cx, body: (cx: Cx) => unknown): Promise<unknown> {
  let caught: unknown;
  await withNursery(cx, (n) =>
    n.start(async (cx) => {
      try {
        await body(cx);
      } catch (error) {
        caught = error;
      }
    }),
  );
  return caught;
}
