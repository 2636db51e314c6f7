import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { describe, expect, test } from "vitest";
import { fromPromise, moveOnAfter, openLoop, run, sleep, toCallback, UsageError, type LoopReport } from "corral";
import { installLoopHooks } from "corral/node";
import { MockClock, mockRun } from "corral/testing";

installLoopHooks();

describe("what a loop reports at close", () => {
  test(
    "a bare promise detached by cancellation is an orphan: counted, its late rejection swallowed and kept",
    mockRun(async (cx) => {
      let report: LoopReport | undefined;
      let rejectLate: (error: Error) => void = () => {};
      const late = new Error("rejected after the caller gave up");
      await openLoop(cx, { onClose: (r) => (report = r) }, async () => {
        await moveOnAfter(cx, 10, (cx) => fromPromise(cx, new Promise((_, reject) => (rejectLate = reject))));
        await moveOnAfter(cx, 10, (cx) => fromPromise(cx, new Promise(() => {})));
        rejectLate(late);
        await fromPromise(cx, Promise.resolve()); // let the rejection land
      });
      expect(report?.orphans).toEqual({ pending: 1, resolved: 0, rejected: 1, unstopped: 0, errors: [late] });
    }),
  );

  test(
    "a strict loop fails when a detached promise is still pending at close",
    mockRun(async (cx) => {
      const closing = openLoop(cx, { strict: true }, async () => {
        await moveOnAfter(cx, 10, (cx) => fromPromise(cx, new Promise(() => {})));
      });
      await expect(closing).rejects.toThrow(UsageError);
      await expect(closing).rejects.toThrow(/1 detached promise\(s\) pending/);
    }),
  );

  test("a strict loop reports a handle it does not own that is still alive; one closed in time is not reported", async () => {
    let socket: dgram.Socket | undefined;
    const failing = run(async (cx) => {
      await openLoop(cx, { strict: true }, async () => {
        socket = dgram.createSocket("udp4");
        socket.bind(0, "127.0.0.1");
        dgram.createSocket("udp4").close(); // closed by the legacy code itself
      });
    });
    await expect(failing).rejects.toThrow(/handles alive: UDPWRAP(?! x)/);
    socket?.close();
  });

  test("a legacy callback that throws fails the loop's scope instead of vanishing; the loop still closes", async () => {
    const boom = new Error("the legacy callback threw");
    const log: string[] = [];
    const outcome = run(
      async (cx) => {
        await openLoop(cx, async (loop) => {
          toCallback(async () => "value", { loop })(() => {
            throw boom;
          });
          try {
            await sleep(cx, 60_000);
          } finally {
            log.push("the loop's body was cancelled");
          }
        });
      },
      { clock: new MockClock({ autojump: true }) },
    );
    await expect(outcome).rejects.toBe(boom);
    expect(log).toEqual(["the loop's body was cancelled"]);
  });

  test("watchers, servers and sockets made inside a loop are closed with it, and counted in its report", async () => {
    let report: LoopReport | undefined;
    let watcherClosed: Promise<unknown> | undefined;
    let server: net.Server | undefined;
    let client: net.Socket | undefined;
    await run(async (cx) => {
      await openLoop(cx, { onClose: (r) => (report = r) }, async () => {
        const watcher = fs.watch(os.tmpdir());
        watcherClosed = new Promise((resolve) => watcher.once("close", resolve)); // hangs (and times out) if never closed
        server = net.createServer(() => {}).listen(0, "127.0.0.1");
        await fromPromise(cx, new Promise((resolve) => server!.once("listening", resolve)));
        client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
        await fromPromise(cx, new Promise((resolve) => client!.once("connect", resolve)));
      });
    });
    expect(report?.closed).toEqual({ "fs.watch": 1, server: 1, socket: 2 }); // the client and the accepted socket
    expect(server?.listening).toBe(false);
    expect(client?.destroyed).toBe(true);
    await watcherClosed;
  });

  test("mockRun fails a test whose legacy timers outlive its body, after closing them", async () => {
    let ticks = 0;
    const leaky = mockRun(async (cx) => {
      setInterval(() => ticks++, 10);
      await sleep(cx, 35);
    });
    await expect(leaky()).rejects.toThrow(/legacy work outlived the test body: 1 setInterval/);
    expect(ticks).toBe(3);
    const tidy = mockRun(async (cx) => {
      const interval = setInterval(() => ticks++, 10);
      await sleep(cx, 35);
      clearInterval(interval);
    });
    await expect(tidy()).resolves.toBeUndefined();
  });
});
