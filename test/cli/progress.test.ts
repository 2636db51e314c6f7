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
    expect(written).toEqual(["\rcorral: [###############---------------] 5/10 files", "\r\x1b[2K"]);
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
