import { describe, expect, test } from "vitest";
import { Progress } from "../../cli/progress.ts";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
}

describe("the progress bar", () => {
  test("on a terminal: drawn in place once the run is slow enough, then cleared", () => {
    const { written, stream: out } = stream(true);
    const bar = new Progress("files", out, 0);
    bar.update(5, 10);
    bar.end();
    expect(written).toEqual(["\rcorral: [###############---------------] 5/10 files\x1b[K", "\r\x1b[2K"]);
  });

  test("a phase of the run in place of what is counted; the rest of a longer line before it is erased", () => {
    const { written, stream: out } = stream(true);
    const bar = new Progress("files read", out, 0);
    bar.update(10, 10, "files read; deciding --to scoped across the project");
    bar.update(10, 10);
    expect(written).toEqual([
      "\rcorral: [##############################] 10/10 files read; deciding --to scoped across the project\x1b[K",
      "\rcorral: [##############################] 10/10 files read\x1b[K",
    ]);
  });

  test("nothing when stderr is not a terminal, or before the delay", () => {
    const piped = stream(false);
    const bar = new Progress("files", piped.stream, 0);
    bar.update(5, 10);
    bar.end();
    expect(piped.written).toEqual([]);
    const quick = stream(true);
    const soon = new Progress("files", quick.stream, 60_000);
    soon.update(5, 10);
    soon.end();
    expect(quick.written).toEqual([]);
  });
});
