// Promise ordering, and a program that handles its own rejections and exceptions.
const log = [];
process.on("unhandledRejection", (reason) => log.push(`program saw unhandled: ${reason.message}`));
process.on("uncaughtException", (error, origin) => log.push(`program saw uncaught: ${error.message} (${origin})`));
Promise.resolve().then(() => log.push("then 1")).then(() => log.push("then 2"));
(async () => {
  log.push("async start");
  await null;
  log.push("async after await");
})();
Promise.reject(new Error("nobody catches me"));
setTimeout(() => {
  throw new Error("thrown in a timer");
}, 1);
queueMicrotask(() => log.push("microtask"));
const settled = await Promise.allSettled([Promise.resolve(1), Promise.reject(new Error("x")), new Promise((r) => setTimeout(r, 2, 3))]);
log.push(`allSettled: ${settled.map((s) => s.status).join(",")}`);
log.push(`race: ${await Promise.race([new Promise((r) => setTimeout(r, 5, "slow")), new Promise((r) => setTimeout(r, 1, "fast"))])}`);
setTimeout(() => console.log(JSON.stringify(log, null, 1)), 10);
