/**
 * A legacy timer on a run's own clock: what `setTimeout`/`setInterval` create inside a loop whose run is not on the
 * system clock (a `MockClock` then drives legacy code too). It has the methods of Node's `Timeout`.
 */
import { AsyncResource } from "node:async_hooks";
import type { HeapEntry } from "../internal/deadline-heap.ts";
import { activity } from "../internal/host.ts";
import type { Closer, LoopImpl } from "../loop.ts";
import { invoke } from "./route-errors.ts";

const nativeSetImmediate = globalThis.setImmediate;

/** Virtual timers whose id was taken (`+timer`), so `clearTimeout(id)` finds them, as Node keeps its own. */
const byId = new Map<number, VirtualTimer>();
let nextId = 1;

// Named as the native timers are, so a loop's report reads the same on any clock.
const timeoutCloser: Closer<VirtualTimer> = { kind: "setTimeout", close: (timer) => timer.close() };
const intervalCloser: Closer<VirtualTimer> = { kind: "setInterval", close: (timer) => timer.close() };

export class VirtualTimer implements HeapEntry {
  at = 0;
  seq = 0;
  heapIndex = -1;
  private active = true;
  private refed = true;
  private id = 0;
  /** Legacy code's async context where the timer was set: its callback runs in it, as with Node's timers. */
  private readonly context = new AsyncResource("corral.Timeout");

  constructor(
    private readonly loop: LoopImpl,
    private readonly callback: Function,
    private readonly args: readonly unknown[],
    private readonly delay: number,
    readonly repeat: boolean,
  ) {
    loop.own(this, repeat ? intervalCloser : timeoutCloser);
    this.arm();
  }

  /** The clock reached `at`: run the callback on a host macrotask of its own (microtasks drain after each one). */
  expire(): void {
    nativeSetImmediate(fire, this);
  }

  /** @internal */
  fire(): void {
    if (!this.active) return;
    if (this.repeat) this.arm();
    else this.end();
    activity.count++;
    this.context.runInAsyncScope(invoke, undefined, this.loop, this.callback, this, this.args);
  }

  close(): this {
    if (this.active) {
      this.loop.run.unschedule(this);
      this.end();
    }
    return this;
  }

  refresh(): this {
    if (this.active) this.arm();
    return this;
  }

  ref(): this {
    this.refed = true;
    return this;
  }

  unref(): this {
    this.refed = false;
    return this;
  }

  hasRef(): boolean {
    return this.refed;
  }

  [Symbol.toPrimitive](): number {
    if (this.id === 0) {
      this.id = nextId++;
      if (this.active) byId.set(this.id, this);
    }
    return this.id;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private arm(): void {
    this.at = this.loop.run.clock.now() + this.delay;
    this.loop.run.schedule(this);
  }

  private end(): void {
    this.active = false;
    this.loop.disown(this);
    if (this.id !== 0) byId.delete(this.id);
  }
}

function fire(timer: VirtualTimer): void {
  timer.fire();
}

/** The virtual timer `clearTimeout` was given (the timer, or the id it handed out), if it is one. */
export function virtualTimerOf(handle: unknown): VirtualTimer | undefined {
  if (handle instanceof VirtualTimer) return handle;
  return typeof handle === "number" || typeof handle === "string" ? byId.get(Number(handle)) : undefined;
}
