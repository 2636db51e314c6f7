/**
 * One sample in a fresh process: `node --expose-gc sample.js <workload> <variant> <n>`. Runs the workload 5 times to
 * warm up (JIT, and a heap grown to its steady size, as in a long-running service), then 5 times, and prints the
 * median. A fresh heap per sample keeps one library's garbage (Effection leaves over a gigabyte) from being billed to
 * the next.
 */
import { collectGarbage, median, timed } from "./measure.ts";
import { workloads } from "./workloads.ts";

const WARMUPS = 5;
const RUNS = 5;

const [workloadName = "", variant = "", size = ""] = process.argv.slice(2);
const workload = workloads[workloadName]?.[variant];
if (workload === undefined) {
  process.stderr.write(`sample: unknown workload/variant ${workloadName}/${variant}\n`);
  process.exit(2);
}
const n = Number(size);
const values: number[] = [];
for (let i = 0; i < WARMUPS + RUNS; i++) {
  collectGarbage();
  let reported: number | void = undefined;
  const wall = await timed(async () => {
    reported = await workload(n);
  });
  if (i >= WARMUPS) values.push(typeof reported === "number" ? reported : wall);
}
process.stdout.write(`${JSON.stringify({ value: median(values) })}\n`);
