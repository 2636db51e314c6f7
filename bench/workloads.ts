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
  channel0: {
    raw: raw.iteratorHandoff,
    corral: (n) => corral.channelThroughput(n, 0),
    effect: (n) => effect.channelThroughput(n, 0),
    effection: (n) => effection.channelThroughput(n, 0),
  },
  channel64: {
    raw: raw.iteratorHandoff,
    corral: (n) => corral.channelThroughput(n, 64),
    effect: (n) => effect.channelThroughput(n, 64),
    effection: (n) => effection.channelThroughput(n, 64),
  },
  producersChannel: {
    raw: (n) => raw.boundedQueueProducers(n, 10, 64),
    corral: (n) => corral.producersIntoChannel(n, 10, 64, true),
    shared: (n) => corral.producersIntoChannel(n, 10, 64, false),
  },
  lockHandoffs: {
    raw: (n) => raw.lockHandoffs(n, 2),
    corral: (n) => corral.lockHandoffs(n, 2),
    effect: (n) => effect.lockHandoffs(n, 2),
    effection: (n) => effection.lockHandoffs(n, 2),
  },
  bridgedAwaits: {
    raw: raw.resolvedAwaits,
    corral: corral.bridgedAwaits,
  },
  timersOutsideLoop: {
    raw: raw.legacyTimers,
    corral: corral.capturedTimersOutsideLoop,
  },
  sleepingMemory: {
    raw: (n) => heldBytes((measure) => raw.holdSleepers(n, measure)),
    corral: (n) => heldBytes((measure) => corral.holdSleepers(n, measure)),
  },
};
