import { writeSync } from "node:fs";
import { taskTree, type RunNode, type ScopeNode, type TaskNode, type WaitNode } from "./task-tree.ts";

/**
 * The task tree as indented text, two spaces a level: each run, the scopes each task entered, the tasks started in
 * each nursery and loop, and on each task's line what it waits on.
 * @example
 * run (clock at 1000 ms)
 *   task #1 main
 *     loop
 *       nursery
 *         task #2 crawl: waiting on receive (currentBufferUsed: 0, ...) for 250 ms
 *         task #3 fetchPage: waiting on fromPromise (state: "waiting") for 900 ms, called at fetchPage (file:///app/crawl.js:12:7)
 */
export function formatTaskTree(runs: readonly RunNode[] = taskTree()): string {
  if (runs.length === 0) return "no corral run in progress\n";
  const lines: string[] = [];
  for (const run of runs) {
    lines.push(`run (clock at ${ms(run.now)})${run.cancelled ? ", cancelled" : ""}`);
    task(run.main, run.now, 1, lines);
  }
  return lines.join("\n") + "\n";
}

/**
 * Print {@link formatTaskTree} to standard error (synchronously: it is also what a process about to exit prints).
 * @param write - where to print instead
 */
export function printTaskTree(write: (text: string) => void = toStderr): void {
  let text: string;
  try {
    text = formatTaskTree();
  } catch (error) {
    // Called from signal handlers: a corral bug here must not end the program it was asked to describe.
    text = `corral: the task dump failed (a corral bug, please report it): ${error instanceof Error ? error.stack : String(error)}\n`;
  }
  write(text);
}

function toStderr(text: string): void {
  writeSync(2, text);
}

function task(node: TaskNode, now: number, depth: number, lines: string[]): void {
  const waiting = node.waiting === null ? "" : `: ${wait(node.waiting, now)}`;
  lines.push(`${indent(depth)}task #${node.id} ${node.name}${waiting}`);
  for (const scope of node.scopes) scopeLines(scope, now, depth + 1, lines);
}

function scopeLines(node: ScopeNode, now: number, depth: number, lines: string[]): void {
  const about: string[] = [];
  if (node.deadline !== null) about.push(`deadline ${ms(node.deadline)} (${relative(node.deadline - now)})`);
  if (node.shield) about.push("shielded");
  if (node.cancelled) about.push("cancelled");
  if (node.owns !== undefined) {
    const owned = Object.entries(node.owns).map(([kind, count]) => `${count} ${kind}`);
    about.push(owned.length === 0 ? "owns no legacy handles" : `owns ${owned.join(", ")}`);
  }
  if (node.orphans !== undefined && node.orphans > 0) about.push(`${node.orphans} detached promise(s) pending`);
  const kind = node.openedBy === undefined ? node.kind : `${node.kind} (${node.openedBy})`;
  lines.push(`${indent(depth)}${kind}${about.length === 0 ? "" : `: ${about.join(", ")}`}`);
  for (const scope of node.scopes) scopeLines(scope, now, depth + 1, lines);
  for (const child of node.tasks) task(child, now, depth + 1, lines);
  if (node.unseen > 0) {
    lines.push(
      `${indent(depth + 1)}${node.unseen} more task(s) not waiting on corral: running, or awaiting a promise ` +
        "without fromPromise",
    );
  }
}

function wait(node: WaitNode, now: number): string {
  const { until, ...facts } = node.facts;
  let head = `waiting on ${node.on}`;
  if (typeof until === "number") head += ` until ${ms(until)} (${relative(until - now)})`;
  const shown = Object.entries(facts).map(([key, value]) => `${key}: ${show(value)}`);
  if (shown.length > 0) head += ` (${shown.join(", ")})`;
  const parts = [head];
  if (node.stopping) parts.push("cancelled: waiting for the legacy work to stop");
  if (node.waited !== undefined) parts.push(`for ${ms(node.waited)}`);
  if (node.calledAt !== undefined) parts.push(`called at ${node.calledAt}`);
  return parts.join(", ");
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
}

function ms(value: number): string {
  return `${Math.round(value * 1000) / 1000} ms`;
}

function relative(delta: number): string {
  return delta >= 0 ? `in ${ms(delta)}` : `passed ${ms(-delta)} ago`;
}

function indent(depth: number): string {
  return "  ".repeat(depth);
}
