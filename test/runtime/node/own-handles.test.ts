import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { describe, expect, test } from "vitest";
import { openLoop, run, type LoopReport } from "corral";
import { installLoopHooks } from "corral/node";
import { runProgram } from "../../support/run-program.ts";

installLoopHooks();

/** Listener counts of the events a handle ends with: programs and Node's own tests assert them. */
function counts(server: net.Server, socket: net.Socket, child: ChildProcess): number[] {
  return [server.listenerCount("close"), socket.listenerCount("close"), child.listenerCount("exit")];
}

/** A listening server, a socket connected to it and a child process, made by legacy code. */
async function handles(): Promise<{ server: net.Server; socket: net.Socket; child: ChildProcess }> {
  const server = net.createServer((s) => s.end());
  await once(server.listen(0, "127.0.0.1"), "listening");
  const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await once(socket, "connect");
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
  await once(child, "spawn");
  return { server, socket, child };
}

describe("handles a loop owns", () => {
  test("carry no listener of corral's; closed at the loop's end, and ones that ended by themselves are not counted", async () => {
    const outside = await handles();
    const plain = counts(outside.server, outside.socket, outside.child);
    outside.child.kill();
    outside.socket.destroy();
    outside.server.close();

    let inLoop: number[] = [];
    let report: LoopReport | undefined;
    let owned: Awaited<ReturnType<typeof handles>> | undefined;
    await run((cx) =>
      openLoop(cx, { onClose: (r) => (report = r) }, async () => {
        owned = await handles();
        inLoop = counts(owned.server, owned.socket, owned.child);
        await once(spawn(process.execPath, ["-e", ""]), "exit"); // ended by itself: not the loop's to close
      }),
    );
    expect(inLoop).toEqual(plain);
    expect(report?.closed).toMatchObject({ server: 1, "child process": 1 });
    expect([owned?.socket.destroyed, owned?.server.listening, owned?.child.killed]).toEqual([true, false, true]);
  });
});

describe("what a loop owns, it holds weakly", () => {
  test("destroyed sockets nobody else holds are garbage while the loop is still open", async () => {
    const ran = await runProgram("owned-sockets-collected.mjs", ["--expose-gc"]);
    expect(ran.stderr).toBe("");
    const { made, collected } = JSON.parse(ran.stdout) as { made: number; collected: number };
    expect(collected).toBeGreaterThanOrEqual(made - 1); // V8 may keep the latest a little longer (0 when held)
  });
});
