// EventEmitter, events.once/on, EventTarget, AbortController/AbortSignal.
import { EventEmitter, once, on } from "node:events";
const log = [];
const e = new EventEmitter();
e.on("x", (a, b) => log.push(`on x ${a} ${b}`));
e.once("x", () => log.push("once x"));
e.prependListener("x", () => log.push("prepended"));
e.emit("x", 1, 2);
e.emit("x", 3, 4);
log.push(`listeners: ${e.listenerCount("x")} names: ${e.eventNames().join(",")}`);
try {
  e.emit("error", new Error("no error listener"));
} catch (err) {
  log.push(`error without listener throws: ${err.message}`);
}
setTimeout(() => e.emit("later", "v"), 1);
log.push(`events.once: ${await once(e, "later")}`);
const ac = new AbortController();
setTimeout(() => {
  e.emit("tick", 1);
  e.emit("tick", 2);
  ac.abort();
}, 1);
try {
  for await (const [v] of on(e, "tick", { signal: ac.signal })) log.push(`events.on: ${v}`);
} catch (err) {
  log.push(`events.on ended: ${err.name}`);
}
const target = new EventTarget();
target.addEventListener("ping", (ev) => log.push(`EventTarget ${ev.type}`), { once: true });
target.dispatchEvent(new Event("ping"));
target.dispatchEvent(new Event("ping"));
const signal = AbortSignal.timeout(5);
const keepAlive = setTimeout(() => {}, 10_000); // AbortSignal.timeout's own timer does not keep the process alive
await new Promise((resolve) => signal.addEventListener("abort", resolve));
clearTimeout(keepAlive);
log.push(`AbortSignal.timeout: ${signal.reason.name}`);
const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort("why")]);
log.push(`AbortSignal.any: ${any.aborted} ${any.reason}`);
try {
  AbortSignal.abort("r").throwIfAborted();
} catch (err) {
  log.push(`throwIfAborted: ${err}`);
}
console.log(JSON.stringify(log, null, 1));
