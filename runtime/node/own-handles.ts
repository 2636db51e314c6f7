/**
 * Sockets, servers, child processes and file watchers created by legacy code inside a loop belong to it: Node
 * announces the first three on diagnostics channels, in the creating code's async context; `fs.watch` is wrapped.
 * Each is closed (destroyed, killed) when the loop closes, unless it has ended by itself. No listener is added to a
 * socket, server or child process to learn of its end (a program, or Node's own tests, may count their listeners):
 * the loop asks whether it has ended (see `Closer.ended`). A watcher, whose end shows in no public property, is
 * disowned on its 'close' event.
 */
import type { ChildProcess } from "node:child_process";
import diagnostics from "node:diagnostics_channel";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import type { Server, Socket } from "node:net";
import type { Closer, LoopImpl } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";

const socketCloser: Closer<Socket> = {
  kind: "socket",
  close: (socket) => socket.destroy(),
  ended: (socket) => socket.destroyed,
};
const serverCloser: Closer<Server> = {
  kind: "server",
  close: (server) => {
    server.close();
    // An HTTP server also holds idle keep-alive connections that are not owned sockets of this loop.
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  },
  ended: (server) => !server.listening,
};
const processCloser: Closer<ChildProcess> = {
  kind: "child process",
  close: (child) => void child.kill(),
  ended: (child) => child.exitCode !== null || child.signalCode !== null,
};
const watcherCloser: Closer<fs.FSWatcher> = { kind: "fs.watch", close: (watcher) => watcher.close() };

/** Own `handle` in the current loop. */
function adopt(handle: object, closer: Closer): LoopImpl | undefined {
  const loop = owningLoop();
  if (loop === undefined || loop.owns(handle)) return undefined; // a server is announced again on every listen()
  loop.own(handle, closer);
  return loop;
}

let installed = false;

/** Subscribe to Node's channels and wrap `fs.watch` (idempotent). */
export function ownHandles(): void {
  if (installed) return;
  installed = true;
  diagnostics.subscribe("net.client.socket", ({ socket }: any) => adopt(socket, socketCloser));
  diagnostics.subscribe("net.server.socket", ({ socket }: any) => adopt(socket, socketCloser));
  // Once it listens (asyncEnd): from then on "not listening" means it has closed.
  diagnostics.subscribe("tracing:net.server.listen:asyncEnd", ({ server }: any) => adopt(server, serverCloser));
  diagnostics.subscribe("child_process", ({ process }: any) => adopt(process, processCloser));
  const nodeWatch = fs.watch;
  fs.watch = function watch(this: unknown) {
    const watcher = Reflect.apply(nodeWatch, this, arguments) as fs.FSWatcher;
    const loop = adopt(watcher, watcherCloser);
    if (loop !== undefined) watcher.once("close", () => loop.disown(watcher));
    return watcher;
  } as typeof fs.watch;
  syncBuiltinESMExports();
}
