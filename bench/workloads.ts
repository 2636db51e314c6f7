/**
 * Every workload of the benchmark, by name, for every library that has it. A workload returns the ms it measured
 * itself, or nothing (then its wall time counts); memory workloads return bytes.
 */
import * as corral from "./corral.ts";
import { heldBytes } from "./measure.ts";
import * as effect from "./peers/effect.ts";
import * as effection from "./peers/effection.ts";
import * as raw from "./raw.ts";

export type Workload = (n: number) => Promise<number | void>;

export const workloads: Record<string, Record<string, Workload>> = {
  spawnJoin: {
    raw: raw.spawnJoin,
    corral: corral.spawnJoin,
    effect: effect.spawnJoin,
    effection: effection.spawnJoin,
  },
  checkpoints: {
    raw: raw.awaits,
    corral: corral.checkpoints,
  },
  cancelSleepers: {
    raw: raw.cancelSleepers,
    corral: corral.cancelSleepers,
    effect: effect.cancelSleepers,
    effection: effection.cancelSleepers,
  },
  sleepingMemory: {
    raw: (n) => heldBytes((measure) => raw.holdSleepers(n, measure)),
    corral: (n) => heldBytes((measure) => corral.holdSleepers(n, measure)),
  },
};
