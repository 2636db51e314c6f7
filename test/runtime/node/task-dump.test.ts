import { expect, test } from "vitest";
import { WatchedProgram } from "../../support/watch-program.ts";

// Real signals to a real program (test/programs/task-dump.mjs, built code as users run it: build first).
test("after installTaskDump(), SIGUSR2 prints the task tree to stderr and the program goes on", async () => {
  const program = new WatchedProgram("task-dump.mjs");
  await program.until("ready\n");
  program.child.kill("SIGUSR2");
  await program.until(/bridged: waiting on .*\n/, "stderr"); // the dump's last line
  program.child.stdin!.end();
  expect(await program.exited).toEqual({ code: 0, signal: null });
  expect(program.stdout).toBe("ready\nfinished\n");
  const lines = program.stderr.split("\n");
  expect(lines[0]).toMatch(/^run \(clock at [\d.]+ ms\)$/);
  expect(lines[1]).toMatch(/^ {2}task #1 main: waiting on event\.wait, for [\d.]+ ms$/);
  expect(program.stderr).toMatch(/task #\d+ waitForStdin: waiting on event\.wait, for [\d.]+ ms\n/);
  expect(program.stderr).toMatch(
    /task #\d+ bridged: waiting on fromPromise \(state: waiting\), for [\d.]+ ms, called at bridged \(file:\/\/\S+\/test\/programs\/task-dump\.mjs:\d+:\d+\)\n/,
  );
});

test("without installTaskDump(), SIGUSR2 keeps Node's default action: the dump is opt-in", async () => {
  const program = new WatchedProgram("task-dump.mjs", ["--no-dump"]);
  await program.until("ready\n");
  program.child.kill("SIGUSR2");
  expect(await program.exited).toEqual({ code: null, signal: "SIGUSR2" });
  expect(program.stderr).toBe("");
});
