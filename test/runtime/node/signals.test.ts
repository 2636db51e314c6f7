import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { UsageError, run } from "corral";
import { WatchedProgram } from "../../support/watch-program.ts";

// A real program in a child process, built code as users run it (npm ci builds dist/), receiving real SIGINTs.
const dist = (path: string): string => pathToFileURL(join(import.meta.dirname, "../../../dist/runtime", path)).href;
const folder = mkdtempSync(join(tmpdir(), "corral-signals-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function program(cleanupMs: number): string {
  const file = join(folder, `program-${cleanupMs}.mjs`);
  writeFileSync(
    file,
    `import { run, shield, sleep } from ${JSON.stringify(dist("index.js"))};
import ${JSON.stringify(dist("node/index.js"))};
try {
  await run(async (cx) => {
    try {
      process.stdout.write("ready\\n");
      await sleep(cx, 60_000);
    } finally {
      process.stdout.write("cleaning up\\n");
      await shield(cx, (cx) => sleep(cx, ${cleanupMs}));
      process.stdout.write("cleanup done\\n");
    }
  }, { signals: true });
} catch (error) {
  process.stdout.write(\`run rejected: \${error.name} \${error.source}: \${error.message}\\n\`);
  process.exitCode = 3;
}
`,
  );
  return file;
}

/**
 * Start `file`, press Ctrl-C `presses` times, and collect what it printed and how it exited. The first press waits for
 * "ready", the second for "cleaning up" (the first one handled): two signals sent back to back can merge into one.
 */
function interrupt(file: string, presses: number): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    let pressed = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const due = stdout.includes("cleaning up\n") ? 2 : stdout.includes("ready\n") ? 1 : 0;
      for (; pressed < Math.min(due, presses); pressed++) child.kill("SIGINT");
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ stdout, code }));
  });
}

describe("run(main, { signals: true })", () => {
  test("the first Ctrl-C cancels the run and waits for its cleanup", async () => {
    const { stdout, code } = await interrupt(program(50), 1);
    expect(stdout).toBe(
      "ready\ncleaning up\ncleanup done\nrun rejected: Cancelled signal: run(main) was cancelled by Ctrl-C (SIGINT). Every task " +
        "has stopped and cleaned up.\n",
    );
    expect(code).toBe(3);
  });

  test("a second Ctrl-C exits at once with 130", async () => {
    const { stdout, code } = await interrupt(program(60_000), 2);
    expect(stdout).toBe("ready\ncleaning up\n");
    expect(code).toBe(130);
  });

  test("a second Ctrl-C prints the tasks still running to stderr before it exits", async () => {
    const program = new WatchedProgram("stuck-on-ctrl-c.mjs");
    await program.until("ready\n");
    program.child.kill("SIGINT");
    await program.until("cleaning up\n");
    program.child.kill("SIGINT");
    expect(await program.exited).toEqual({ code: 130, signal: null });
    expect(program.stderr.replace(/[\d.]+ ms/g, "N ms")).toBe(
      `corral: second Ctrl-C: exiting without waiting for these tasks:
run (clock at N ms), cancelled
  task #1 main
    loop
      nursery
        task #2 flushLogs: waiting on sleep until N ms (in N ms)
          cancel scope (shield): shielded
`,
    );
  });

  test("without corral/node imported, it says what to import", async () => {
    await expect(run(async () => {}, { signals: true })).rejects.toThrow(UsageError);
    await expect(run(async () => {}, { signals: true })).rejects.toThrow(/import "corral\/node"/);
  });
});
