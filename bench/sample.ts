/**
 * One sample in a fresh process: `node --expose-gc sample.js <workload> <variant> <n>`. Warms up (JIT, and a heap
 * grown to its steady size, as in a long-running service) with up to 5 runs, then measures up to 5 runs and prints
 * their median; a slow variant stops early at a time budget (always at least one of each). A fresh heap per sample
 * keeps one library's garbage (Effection leaves over a gigabyte) from being billed to the next. No full GC is forced
 * between runs of a sample: after one, V8 shrinks the young generation and re-decides which allocation sites to
 * pretenure, a state no steady-state service is in (it doubled corral's lock times and left raw's unchanged).
 */
import { median, timed } from "./measure.ts";
import { workloads, type Workload } from "./workloads.ts";

const WARMUP = { runs: 5, budgetMs: 2_000 };
const MEASURE = { runs: 5, budgetMs: 4_000 };

const [workloadName = "", variant = "", size = ""] = process.argv.slice(2);
const workload = workloads[workloadName]?.[variant];
if (workload === undefined) {
  process.stderr.write(`sample: unknown workload/variant ${workloadName}/${variant}\n`);
  process.exit(2);
}
const n = Number(size);

/** Run `work` up to `runs` times, stopping once `budgetMs` is spent; the values it measured. */
async function repeat(work: Workload, { runs, budgetMs }: { runs: number; budgetMs: number }): Promise<number[]> {
  const values: number[] = [];
  let spent = 0;
  while (values.length < runs && (values.length === 0 || spent < budgetMs)) {
    let reported: number | void = undefined;
    const wall = await timed(async () => {
      reported = await work(n);
    });
    spent += wall;
    values.push(typeof reported === "number" ? reported : wall);
  }
  return values;
}

await repeat(workload, WARMUP);
process.stdout.write(`${JSON.stringify({ value: median(await repeat(workload, MEASURE)) })}\n`);
