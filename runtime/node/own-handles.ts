/**
 * Sockets, servers, child processes and file watchers created by legacy code inside a loop belong to it: Node
 * announces the first three on diagnostics channels, in the creating code's async context; `fs.watch` is wrapped.
 * Each is disowned when it closes by itself, and closed (destroyed, killed) when the loop closes.
 */
import type { ChildProcess } from "node:child_process";
import diagnostics from "node:diagnostics_channel";
import type { EventEmitter } from "node:events";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import type { Server, Socket } from "node:net";
import type { Closer } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";

const socketCloser: Closer<Socket> = { kind: "socket", close: (socket) => socket.destroy() };
const serverCloser: Closer<Server> = {
  kind: "server",
  close: (server) => {
    server.close();
    // An HTTP server also holds idle keep-alive connections that are not owned sockets of this loop.
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  },
};
const processCloser: Closer<ChildProcess> = {
  kind: "child process",
  close: (child) => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  },
};
const watcherCloser: Closer<fs.FSWatcher> = { kind: "fs.watch", close: (watcher) => watcher.close() };

/** Own `handle` in the current loop until it emits `endEvent`. */
function adopt(handle: EventEmitter, closer: Closer, endEvent: string): void {
  const loop = owningLoop();
  if (loop === undefined || loop.owns(handle)) return; // a server is announced again on every listen()
  loop.own(handle, closer);
  handle.once(endEvent, () => loop.disown(handle));
}

let installed = false;

/** Subscribe to Node's channels and wrap `fs.watch` (idempotent). */
export function ownHandles(): void {
  if (installed) return;
  installed = true;
  diagnostics.subscribe("net.client.socket", ({ socket }: any) => adopt(socket, socketCloser, "close"));
  diagnostics.subscribe("net.server.socket", ({ socket }: any) => adopt(socket, socketCloser, "close"));
  diagnostics.subscribe("tracing:net.server.listen:asyncStart", ({ server }: any) => adopt(server, serverCloser, "close"));
  diagnostics.subscribe("child_process", ({ process }: any) => adopt(process, processCloser, "exit"));
  const nodeWatch = fs.watch;
  fs.watch = function watch(this: unknown) {
    const watcher = Reflect.apply(nodeWatch, this, arguments) as fs.FSWatcher;
    adopt(watcher, watcherCloser, "close");
    return watcher;
  } as typeof fs.watch;
  syncBuiltinESMExports();
}
