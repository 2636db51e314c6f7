import { expect, test } from "vitest";
import { UsageError, named, run, withNursery, type Cx } from "corral";

test("named(name, fn) gives a task function a name and passes its arguments through", async () => {
  const greet = named("greeter", async (_cx: Cx, who: string) => `hello ${who}`);
  expect(greet.name).toBe("greeter");
  let said = "";
  await run((cx) => withNursery(cx, (n) => n.start(async (cx, who) => void (said = await greet(cx, who)), "you")));
  expect(said).toBe("hello you");
});

test("named(name, fn) refuses what is not a name and a function", () => {
  expect(() => named(42 as unknown as string, async () => {})).toThrow(UsageError);
  expect(() => named("x", "f" as unknown as () => void)).toThrow(/fn must be a function/);
});
