import { describe, expect, test } from "vitest";
import { runProgram } from "../../support/run-program.ts";

/** Real Node parts on 127.0.0.1, each in a program of its own (test/programs/, see run-program.ts). */
describe("the interop loop against real Node parts", () => {
  test("an HTTP server and fetch: cancelling the fetch mid-response reaches the server; no socket is left", async () => {
    const ran = await runProgram("http-fetch-cancel.mjs");
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout)).toEqual({
      fetched: "cancelled",
      serverSawAbort: true,
      listening: true,
      tcpHandlesLeft: 0,
    });
  });

  test("a child process is killed on cancellation, and a legacy one when its loop closes", async () => {
    const ran = await runProgram("child-process-kill.mjs");
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout)).toEqual({
      cancelled: { code: null, signal: "SIGTERM" },
      legacySignal: "SIGTERM",
    });
  });

  test("an unhandled rejection in the loop fails its scope; outside any loop Node still crashes", async () => {
    const ran = await runProgram("unhandled-rejection.mjs");
    expect(JSON.parse(ran.stdout.split("\n")[0]!)).toEqual([
      "sibling cancelled and cleaned up",
      "run failed with: legacy rejection nobody handled",
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("Error: outside any loop");
  });
});
