/**
 * `npm run bench`: corral against raw Promises and against its peers (Effect, Effection), all in one run, printed as
 * ratios. Absolute times on shared machines are noise; ratios measured side by side are the figures to quote.
 * Every sample runs in a fresh process (see sample.ts), variants interleaved round by round.
 * Options: --quick (3 rounds, a tenth of the sizes: a smoke run that never fails on targets), --json (results as
 * JSON on stdout). Exits 1 when a full run misses a target.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { medians, type Sampler } from "./measure.ts";

interface Case {
  title: string;
  workload: string;
  n: number;
  unit: "ms" | "MB";
  variants: string[];
  /** Variants measured at a smaller size and scaled up linearly (the divisor), with the reason. */
  scaled?: Record<string, { divisor: number; why: string }>;
  /**
   * corral divided by the `against` variant must stay at or under `limit`; or, with `perOpNs`, corral may cost at
   * most `limit` ns more per operation (n operations) than the `against` variant.
   */
  target: { against: string; limit: number; text: string; perOpNs?: true };
  /** A peer corral must also beat (ratio below 1). */
  ahead?: string;
  notes?: string[];
}

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const rounds = quick ? 3 : 7;
const size = (n: number): number => Math.max(1, Math.round(quick ? n / 10 : n));
const run = promisify(execFile);
const samplePath = fileURLToPath(new URL("./sample.js", import.meta.url));

const cases: Case[] = [
  {
    title: "spawn+join tasks that each await a resolved promise",
    workload: "spawnJoin",
    n: size(100_000),
    unit: "ms",
    variants: ["raw", "corral", "effect", "effection"],
    scaled: { effection: { divisor: 20, why: "~100 us and ~15 KB per child: 12-16 s and 1.5 GB at 100k" } },
    target: { against: "raw", limit: 1.5, text: "<= 1.5x raw Promise.all" },
  },
  {
    title: "sequential checkpoint(cx) against plain await",
    workload: "checkpoints",
    n: size(1_000_000),
    unit: "ms",
    variants: ["raw", "corral"],
    target: { against: "raw", limit: 3, text: "<= 3x raw await" },
  },
  {
    title: "cancel sleeping tasks until every cleanup has run",
    workload: "cancelSleepers",
    n: size(10_000),
    unit: "ms",
    variants: ["raw", "corral", "effect", "effection"],
    target: { against: "effect", limit: 1, text: "faster than Effect" },
  },
  {
    title: "values through a capacity-0 channel (rendezvous), one producer, one consumer",
    workload: "channel0",
    n: size(1_000_000),
    unit: "ms",
    variants: ["raw", "corral", "effect", "effection"],
    notes: ["raw: an async generator consumed by for await; effection: its channel has no capacity (never blocks)"],
    target: { against: "raw", limit: 2, text: "<= 2x raw async-iterator handoff, and ahead of Effect" },
    ahead: "effect",
  },
  {
    title: "values through a capacity-64 channel, one producer, one consumer",
    workload: "channel64",
    n: size(1_000_000),
    unit: "ms",
    variants: ["raw", "corral", "effect", "effection"],
    target: { against: "raw", limit: 2, text: "<= 2x raw async-iterator handoff, and ahead of Effect" },
    ahead: "effect",
  },
  {
    title: "producer tasks sending 10 values each into a capacity-64 channel, one consumer",
    workload: "producersChannel",
    n: size(8_000),
    unit: "ms",
    variants: ["raw", "corral", "shared"],
    notes: [
      "corral: a clone of the send end per producer, each closed when its producer is done (the worker-pool shape)",
      "shared: the same producers sharing one send end, closed once after them all",
      "raw: a hand-written bounded queue (an array and lists of waiting resolvers)",
    ],
    target: { against: "shared", limit: 1.3, text: "a clone per producer costs about what one shared end costs (<= 1.3x)" },
  },
  {
    title: "contended lock handoffs between 2 tasks, each yielding once while holding it",
    workload: "lockHandoffs",
    n: size(100_000),
    unit: "ms",
    variants: ["raw", "corral", "effect", "effection"],
    notes: ["raw: a hand-written fair promise mutex; effect: Semaphore.make(1).withPermits; effection: no lock, a queue token"],
    target: { against: "raw", limit: 2, text: "<= 2x a raw promise mutex, and ahead of Effect" },
    ahead: "effect",
  },
  {
    title: "sequential awaits of a resolved promise: fromPromise bridge against a plain await",
    workload: "bridgedAwaits",
    n: size(1_000_000),
    unit: "ms",
    variants: ["raw", "corral"],
    target: { against: "raw", limit: 100, text: "at most +100 ns per await over a raw await", perOpNs: true },
  },
  {
    title: "legacy timers set and cleared outside any loop, with corral/node's timer capture installed",
    workload: "timersOutsideLoop",
    n: size(1_000_000),
    unit: "ms",
    variants: ["raw", "corral"],
    notes: ["raw: the same code in a process where installLoopHooks() was never called"],
    target: { against: "raw", limit: 1.1, text: "nothing measurable (<= 1.1x, the run-to-run noise)" },
  },
  {
    title: "heap held by sleeping tasks",
    workload: "sleepingMemory",
    n: size(100_000),
    unit: "MB",
    variants: ["raw", "corral"],
    target: { against: "raw", limit: 1.5, text: "<= 1.5x raw promises" },
  },
];

async function sample(workload: string, variant: string, n: number): Promise<number> {
  const { stdout } = await run(process.execPath, ["--expose-gc", samplePath, workload, variant, String(n)], {
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout) as { value: number }).value;
}

async function measure(item: Case): Promise<Record<string, number>> {
  process.stderr.write(`bench: ${item.title} (n = ${item.n}, ${rounds} rounds)\n`);
  const samplers: Record<string, Sampler> = {};
  for (const variant of item.variants) {
    const divisor = item.scaled?.[variant]?.divisor ?? 1;
    samplers[variant] = async () => {
      const value = (await sample(item.workload, variant, Math.ceil(item.n / divisor))) * divisor;
      return item.unit === "MB" ? value / 1024 / 1024 : value;
    };
  }
  return medians(samplers, rounds);
}

async function main(): Promise<void> {
  const rows = [];
  for (const item of cases) {
    const results = await measure(item);
    const ratio = results.corral! / results[item.target.against]!;
    const extraNs = ((results.corral! - results[item.target.against]!) * 1e6) / item.n;
    const measured = item.target.perOpNs ? extraNs : ratio;
    const ahead = item.ahead === undefined || results.corral! < results[item.ahead]!;
    rows.push({ ...item, results, ratio, measured, met: measured <= item.target.limit && ahead });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, rounds, rows }, null, 2)}\n`);
    return;
  }
  const lines = [`corral benchmark, Node ${process.version}: median of ${rounds} rounds, one fresh process per sample`, ""];
  for (const row of rows) {
    lines.push(`${row.title} (n = ${row.n})`);
    for (const variant of row.variants) {
      const value = row.results[variant]!;
      const ratio = variant === "corral" ? "" : `   corral/${variant} = ${(row.results.corral! / value).toFixed(2)}x`;
      lines.push(`  ${variant.padEnd(10)} ${value.toFixed(2).padStart(10)} ${row.unit}${ratio}`);
    }
    for (const note of row.notes ?? []) lines.push(`  note: ${note}`);
    for (const [variant, { divisor, why }] of Object.entries(row.scaled ?? {})) {
      lines.push(`  note: ${variant} ran at n/${divisor} and was scaled x${divisor} (${why}; linear in n)`);
    }
    const measured = row.target.perOpNs ? `${row.measured >= 0 ? "+" : ""}${row.measured.toFixed(0)} ns` : `${row.ratio.toFixed(2)}x`;
    lines.push(`  target: ${row.target.text}: ${measured} ${row.met ? "met" : "MISSED"}`, "");
  }
  if (quick) lines.push("(--quick: a tenth of the sizes, where JIT warm-up dominates; the targets are for full runs)");
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!quick && rows.some((row) => !row.met)) process.exitCode = 1;
}

await main();
