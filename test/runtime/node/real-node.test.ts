import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

/**
 * Real Node parts on 127.0.0.1, each in a program of its own (test/programs/): unhandled rejections and crashes must
 * meet Node's own process-level handling, not the test runner's. The programs import the built package (dist/).
 */
const programs = fileURLToPath(new URL("../../programs/", import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProgram(name: string, nodeArgs: string[] = []): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, programs + name], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

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
