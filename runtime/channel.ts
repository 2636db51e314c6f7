import { BrokenResourceError, EndOfChannel, UsageError } from "./errors.ts";
import { Deque } from "./internal/deque.ts";
import { interrupt } from "./internal/park.ts";
import { WaitQueue } from "./internal/wait-queue.ts";
import { ReceiveChannel } from "./receive-channel.ts";
import { SendChannel } from "./send-channel.ts";

/** What `statistics()` reports for either end of a channel. */
export interface ChannelStatistics {
  currentBufferUsed: number;
  maxBufferSize: number;
  openSendChannels: number;
  openReceiveChannels: number;
  tasksWaitingSend: number;
  tasksWaitingReceive: number;
}

/**
 * @internal The state both ends share. Invariants: a blocked receiver exists only while the buffer is empty; a
 * blocked sender only while the buffer is full (for capacity 0: always "full").
 */
export class ChannelState<T> {
  readonly buffer = new Deque<T>();
  readonly sendWaiters = new WaitQueue("send", this);
  readonly receiveWaiters = new WaitQueue("receive", this);
  openSenders = 1;
  openReceivers = 1;

  constructor(readonly capacity: number) {}

  statistics(): ChannelStatistics {
    return {
      currentBufferUsed: this.buffer.length,
      maxBufferSize: this.capacity,
      openSendChannels: this.openSenders,
      openReceiveChannels: this.openReceivers,
      tasksWaitingSend: this.sendWaiters.size,
      tasksWaitingReceive: this.receiveWaiters.size,
    };
  }

  /** The last sender closed: blocked receivers learn there will be no more values. */
  sendersGone(): void {
    for (let waiter = this.receiveWaiters.peek(); waiter !== null; waiter = this.receiveWaiters.peek()) {
      interrupt(waiter.task, new EndOfChannel());
    }
  }

  /** The last receiver closed: what is buffered can never be received, and blocked senders fail. */
  receiversGone(): void {
    this.buffer.clear();
    for (let waiter = this.sendWaiters.peek(); waiter !== null; waiter = this.sendWaiters.peek()) {
      interrupt(waiter.task, brokenChannel());
    }
  }
}

/** The error of a send once every receive end is closed. */
export function brokenChannel(): BrokenResourceError {
  return new BrokenResourceError(
    "send: every receive end of this channel is closed, so nothing can receive the value. Keep a receiver open " +
      "for as long as senders may send, or stop sending when this error arrives.",
  );
}

/**
 * Open a memory channel (Trio's memory channels): a `[send, receive]` pair of ends sharing a buffer of `capacity`
 * values. Capacity 0 (the default) is a rendezvous: `send` waits until a receiver takes the value. `Infinity`
 * never blocks senders (use with care: nothing then pushes back on a fast producer). Ends can be cloned for
 * several producers or consumers; receivers see `EndOfChannel` once every sender end is closed and the buffer is
 * drained.
 * @example
 * const [send, receive] = openChannel<Job>(64);
 * n.start(async (cx) => { for (const job of jobs) await send.send(cx, job); send.close(); });
 * for await (const job of receive.iterate(cx)) await run(cx, job);
 */
export function openChannel<T>(capacity = 0): [SendChannel<T>, ReceiveChannel<T>] {
  if (capacity !== Infinity && (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 0)) {
    throw new UsageError(`openChannel(capacity): capacity must be a whole number >= 0 or Infinity, got ${String(capacity)}`);
  }
  const state = new ChannelState<T>(capacity);
  return [new SendChannel(state), new ReceiveChannel(state)];
}
