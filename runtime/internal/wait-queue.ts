import type { WaitInfo, Waitable, Waiter } from "./park.ts";

/**
 * The waiters one handle has in a shared {@link WaitQueue} (a channel's clones share one queue of blocked senders),
 * oldest first: a second list through the same waiters, so closing one handle reaches its own waiters without
 * walking everyone else's. The queue keeps it: a waiter leaves it whenever it leaves the queue.
 */
export class HandleWaiters {
  head: Waiter | null = null;
  tail: Waiter | null = null;
}

/**
 * A FIFO of parked waiters, linked through the waiters themselves so that joining, leaving on cancellation and
 * waking are O(1) and allocate nothing. Every blocking primitive keeps one (a channel keeps two).
 */
export class WaitQueue implements Waitable {
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  size = 0;

  /**
   * @param operation - what its waiters are doing, as a task dump names it (`"lock.acquire"`)
   * @param owner - the primitive, whose `statistics()` a task dump shows beside each waiter (a lock's holder)
   */
  constructor(
    private readonly operation = "wait",
    private readonly owner: { statistics(): object } | null = null,
  ) {}

  /** Queue `waiter` last; with `handle`, also last among that handle's waiters. */
  push(waiter: Waiter, handle: HandleWaiters | null = null): void {
    waiter.queuePrev = this.tail;
    waiter.queueNext = null;
    if (this.tail !== null) this.tail.queueNext = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.size++;
    if (handle !== null) {
      waiter.handle = handle;
      waiter.handlePrev = handle.tail;
      waiter.handleNext = null;
      if (handle.tail !== null) handle.tail.handleNext = waiter;
      else handle.head = waiter;
      handle.tail = waiter;
    }
  }

  /** The longest-waiting waiter, still queued. */
  peek(): Waiter | null {
    return this.head;
  }

  /** Remove and return the longest-waiting waiter. */
  shift(): Waiter | null {
    const waiter = this.head;
    if (waiter !== null) this.remove(waiter);
    return waiter;
  }

  remove(waiter: Waiter): void {
    const { queuePrev, queueNext } = waiter;
    if (queuePrev !== null) queuePrev.queueNext = queueNext;
    else this.head = queueNext;
    if (queueNext !== null) queueNext.queuePrev = queuePrev;
    else this.tail = queuePrev;
    waiter.queuePrev = waiter.queueNext = null;
    this.size--;
    const { handle } = waiter;
    if (handle !== null) {
      const { handlePrev, handleNext } = waiter;
      if (handlePrev !== null) handlePrev.handleNext = handleNext;
      else handle.head = handleNext;
      if (handleNext !== null) handleNext.handlePrev = handlePrev;
      else handle.tail = handlePrev;
      waiter.handlePrev = waiter.handleNext = null;
      waiter.handle = null;
    }
  }

  describeWait(): WaitInfo {
    return { on: this.operation, facts: this.owner?.statistics() as Record<string, unknown> | undefined };
  }

  /** Cancellation took the waiter's task away. */
  abandon(waiter: Waiter): void {
    this.remove(waiter);
  }
}
