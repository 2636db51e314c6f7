/**
 * `npm run bench`: corral against raw Promises and against its peers (Effect, Effection), all in one run, printed as
 * ratios. Absolute times on shared machines are noise; ratios measured side by side are the figures to quote.
 * Options: --quick (fewer rounds, smaller sizes, for a smoke run), --json (machine-readable results on stdout).
 */
import * as corral from "./corral.ts";
import { heldBytes, medians, timed } from "./measure.ts";
import * as effect from "./peers/effect.ts";
import * as effection from "./peers/effection.ts";
import * as raw from "./raw.ts";

interface Row {
  workload: string;
  /** Median ms (or bytes) per variant. */
  results: Record<string, number>;
  unit: "ms" | "MB";
  notes?: string[];
  /** corral divided by the baseline named here must stay at or under `limit`. */
  target: { against: string; limit: number; text: string };
}

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const rounds = quick ? 3 : 7;
const scale = quick ? 0.1 : 1;
const size = (n: number): number => Math.max(1, Math.round(n * scale));

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];

  const spawnN = size(100_000);
  progress(`spawn and join ${spawnN} tasks`);
  rows.push({
    workload: `spawn+join ${spawnN} tasks (each awaits a resolved promise)`,
    unit: "ms",
    results: await medians(
      {
        raw: () => raw.spawnJoin(spawnN),
        corral: () => corral.spawnJoin(spawnN),
        effect: () => effect.spawnJoin(spawnN),
        // Effection costs ~100 us and ~15 KB per child (12-16 s, 1.5 GB at 100k): run a tenth and scale, its cost
        // being linear in n.
        effection: () => timed(() => effection.spawnJoin(Math.ceil(spawnN / 10))).then((ms) => ms * 10),
      },
      rounds,
    ),
    notes: ["effection: measured at n/10 and scaled x10 (its cost is linear in n)"],
    target: { against: "raw", limit: 1.5, text: "<= 1.5x raw Promise.all" },
  });

  const checkpointN = size(1_000_000);
  progress(`${checkpointN} sequential checkpoints`);
  rows.push({
    workload: `${checkpointN} sequential checkpoint(cx) vs await`,
    unit: "ms",
    results: await medians({ raw: () => raw.awaits(checkpointN), corral: () => corral.checkpoints(checkpointN) }, rounds),
    target: { against: "raw", limit: 3, text: "<= 3x raw await" },
  });

  const sleepersN = size(10_000);
  progress(`cancel ${sleepersN} sleeping tasks`);
  rows.push({
    workload: `cancel ${sleepersN} sleeping tasks until every cleanup ran`,
    unit: "ms",
    results: await medians(
      {
        raw: () => raw.cancelSleepers(sleepersN),
        corral: () => corral.cancelSleepers(sleepersN),
        effect: () => effect.cancelSleepers(sleepersN),
        effection: () => effection.cancelSleepers(sleepersN),
      },
      rounds,
    ),
    target: { against: "effect", limit: 1, text: "faster than Effect" },
  });

  const memoryN = size(100_000);
  progress(`memory of ${memoryN} sleeping tasks`);
  const mb = (bytes: number): number => bytes / 1024 / 1024;
  rows.push({
    workload: `heap held by ${memoryN} sleeping tasks`,
    unit: "MB",
    results: {
      raw: mb(await heldBytes((measure) => raw.holdSleepers(memoryN, measure), rounds)),
      corral: mb(await heldBytes((measure) => corral.holdSleepers(memoryN, measure), rounds)),
    },
    target: { against: "raw", limit: 1.5, text: "<= 1.5x raw promises" },
  });

  report(rows);
}

function report(rows: Row[]): void {
  const verdicts = rows.map((row) => {
    const ratio = row.results.corral! / row.results[row.target.against]!;
    return { ...row, ratio, met: ratio <= row.target.limit };
  });
  if (json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, rounds, rows: verdicts }, null, 2)}\n`);
    return;
  }
  const peers = ["raw", "corral", "effect", "effection"];
  const lines = [
    `corral benchmark, Node ${process.version}, median of ${rounds} interleaved rounds; ratios are corral / other`,
    "",
  ];
  for (const row of verdicts) {
    lines.push(row.workload);
    for (const peer of peers) {
      const value = row.results[peer];
      if (value === undefined) continue;
      const ratio = peer === "corral" ? "" : `   corral/${peer} = ${(row.results.corral! / value).toFixed(2)}x`;
      lines.push(`  ${peer.padEnd(10)} ${value.toFixed(2).padStart(9)} ${row.unit}${ratio}`);
    }
    for (const note of row.notes ?? []) lines.push(`  note: ${note}`);
    lines.push(`  target: ${row.target.text}: ${row.ratio.toFixed(2)}x ${row.met ? "met" : "MISSED"}`, "");
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
