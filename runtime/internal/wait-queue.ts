import type { Waitable, Waiter } from "./park.ts";

/**
 * A FIFO of parked waiters, linked through the waiters themselves so that joining, leaving on cancellation and
 * waking are O(1) and allocate nothing. Every blocking primitive keeps one (a channel keeps two).
 */
export class WaitQueue implements Waitable {
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  size = 0;

  push(waiter: Waiter): void {
    waiter.queuePrev = this.tail;
    waiter.queueNext = null;
    if (this.tail !== null) this.tail.queueNext = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.size++;
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
  }

  /** Cancellation took the waiter's task away. */
  abandon(waiter: Waiter): void {
    this.remove(waiter);
  }

  /** Every queued waiter, oldest first, for statistics and close. */
  *[Symbol.iterator](): IterableIterator<Waiter> {
    for (let waiter = this.head; waiter !== null; waiter = waiter.queueNext) yield waiter;
  }
}
