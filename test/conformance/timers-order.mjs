// Ordering of timers, immediates, ticks and microtasks, and the Timeout API, as Node defines them.
import timers from "node:timers";
import { setImmediate as immediateP, setTimeout as sleepP } from "node:timers/promises";
import { promisify } from "node:util";
const log = [];
// The last wait below is unref'd: nothing else keeps the process alive, so Node exits with 13 (unsettled await).
process.on("exit", (code) => console.log(JSON.stringify(log, null, 1), code));
setTimeout(() => {
  log.push("timeout 1 (a)");
  process.nextTick(() => log.push("tick inside timeout"));
  Promise.resolve().then(() => log.push("microtask inside timeout"));
}, 1);
setTimeout(() => log.push("timeout 1 (b)"), 1);
setImmediate(() => log.push("immediate"));
process.nextTick(() => log.push("tick"));
queueMicrotask(() => log.push("microtask"));
const cleared = setTimeout(() => log.push("cleared timeout ran!"), 2);
clearTimeout(cleared);
const byId = setTimeout(() => log.push("cleared-by-id timeout ran!"), 2);
clearTimeout(+byId);
const t = setTimeout(() => {}, 1000);
log.push(`Timeout api: ${typeof t.ref} ${typeof t.unref} ${t.hasRef()} ${t.unref().hasRef()} ${typeof t.refresh}`);
clearTimeout(t);
let n = 0;
const iv = setInterval(() => {
  if (++n === 3) {
    clearInterval(iv);
    log.push("interval ran 3 times");
  }
}, 1);
await sleepP(20);
log.push(`timers/promises: ${await sleepP(1, "value")} ${await immediateP("imm")}`);
log.push(`promisify(setTimeout): ${await promisify(setTimeout)(1, "p")}`);
log.push(`node:timers is the global: ${timers.setTimeout === setTimeout}`);
const ac = new AbortController();
const aborted = sleepP(1000, null, { signal: ac.signal }).catch((e) => `${e.name} ${e.code}`);
ac.abort();
log.push(`aborted sleep: ${await aborted}`);
try {
  setTimeout("not a function");
} catch (e) {
  log.push(`bad callback: ${e.code}`);
}
await sleepP(1, null, { ref: false });
const unrefd = setTimeout(() => log.push("unref'd timer kept the process alive!"), 60_000);
unrefd.unref();
