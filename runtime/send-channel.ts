import type { ChannelState, ChannelStatistics } from "./channel.ts";
import { brokenChannel } from "./channel.ts";
import { yieldNow } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { ClosedResourceError, WouldBlock } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import type { UsingDisposable } from "./internal/disposable.ts";
import { disposeByClosing } from "./internal/dispose-symbol.ts";
import { interrupt, park, wake } from "./internal/park.ts";
import { HandleWaiters } from "./internal/wait-queue.ts";

// The `using` side of SendChannel: declared here, installed below by disposeByClosing, so that corral's declarations
// still compile where `lib` has no Symbol.dispose (see internal/disposable.ts).
export interface SendChannel<T> extends UsingDisposable {}

/**
 * The sending end of a memory channel (see `openChannel`). A `using` declaration closes it at the end of its block,
 * as Trio's `async with send_channel:` does, so a producer that returns early or throws still ends the channel.
 * @example
 * n.start(async (cx) => {
 *   using producer = send; // closed however this task ends
 *   for (const job of jobs) await producer.send(cx, job);
 * });
 */
export class SendChannel<T> {
  private closed = false;
  /** The tasks blocked sending on this end (not on its clones). */
  private readonly waiting = new HandleWaiters();

  /** @internal */
  constructor(private readonly state: ChannelState<T>) {}

  /**
   * Send `value`, waiting while the buffer is full (for capacity 0: until a receiver takes it). A checkpoint. If it
   * throws `Cancelled`, the value was not sent; if it returns, it was, exactly once.
   * @throws ClosedResourceError if this end is closed; BrokenResourceError if every receive end is closed
   */
  send(cx: Cx, value: T): Promise<void> {
    try {
      const task = enter(cx, "send");
      if (this.trySend(value)) return yieldNow();
      const sent = park<void>(task, this.state.sendWaiters);
      const waiter = task.wait!;
      waiter.payload = value;
      this.state.sendWaiters.push(waiter, this.waiting);
      return sent;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Send now or throw `WouldBlock`. Not a checkpoint.
   * @throws WouldBlock when the buffer is full and no receiver is waiting
   */
  sendNowait(value: T): void {
    if (!this.trySend(value)) {
      throw new WouldBlock("sendNowait: the channel's buffer is full and no receiver is waiting; use send(cx, value)");
    }
  }

  /** Another sending end on the same channel; close each one separately. */
  clone(): SendChannel<T> {
    this.checkOpen("clone");
    this.state.openSenders++;
    return new SendChannel(this.state);
  }

  /**
   * Close this end. Tasks blocked sending on it get `ClosedResourceError`; once every sending end is closed,
   * receivers get `EndOfChannel` after the buffer drains. Idempotent. Costs O(this end's blocked tasks), however many
   * clones wait on the channel.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Each interrupt takes the waiter off the channel's queue and so off this end's list.
    for (let waiter = this.waiting.head; waiter !== null; waiter = this.waiting.head) {
      interrupt(waiter.task, closedError("send"));
    }
    if (--this.state.openSenders === 0) this.state.sendersGone();
  }

  statistics(): ChannelStatistics {
    return this.state.statistics();
  }

  private trySend(value: T): boolean {
    this.checkOpen("send");
    const { state } = this;
    if (state.openReceivers === 0) throw brokenChannel();
    const receiver = state.receiveWaiters.shift();
    if (receiver !== null) {
      wake(receiver.task, value);
      return true;
    }
    if (state.buffer.length < state.capacity) {
      state.buffer.push(value);
      return true;
    }
    return false;
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw closedError(operation);
  }
}

disposeByClosing(SendChannel);

/** The error of an operation on a closed channel end. */
export function closedError(operation: string): ClosedResourceError {
  return new ClosedResourceError(
    `${operation}: this channel end was closed. Closing is final; use another clone, or stop using it after close().`,
  );
}
