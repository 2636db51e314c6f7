import type { ChannelState, ChannelStatistics } from "./channel.ts";
import { yieldWith } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { EndOfChannel, WouldBlock } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import type { UsingDisposable } from "./internal/disposable.ts";
import { disposeByClosing } from "./internal/dispose-symbol.ts";
import { interrupt, park, wake } from "./internal/park.ts";
import { HandleWaiters } from "./internal/wait-queue.ts";
import { closedError } from "./send-channel.ts";

const nothing: unique symbol = Symbol("nothing");

// The `using` side of ReceiveChannel, as for SendChannel.
export interface ReceiveChannel<T> extends UsingDisposable {}

/**
 * The receiving end of a memory channel (see `openChannel`). A `using` declaration closes it at the end of its
 * block, as Trio's `async with receive_channel:` does.
 * @example
 * n.start(async (cx) => {
 *   using worker = receive.clone(); // closed however this worker ends
 *   for await (const job of worker.iterate(cx)) await handle(cx, job);
 * });
 */
export class ReceiveChannel<T> {
  private closed = false;
  /** The tasks blocked receiving on this end (not on its clones). */
  private readonly waiting = new HandleWaiters();

  /** @internal */
  constructor(private readonly state: ChannelState<T>) {}

  /**
   * Receive the next value, waiting for one. A checkpoint. If it throws `Cancelled`, no value was taken.
   * @throws EndOfChannel once every sending end is closed and the buffer is empty; ClosedResourceError if this end
   *   is closed
   */
  receive(cx: Cx): Promise<T> {
    try {
      const task = enter(cx, "receive");
      const value = this.tryReceive();
      if (value !== nothing) return yieldWith(value);
      const received = park<T>(task, this.state.receiveWaiters);
      this.state.receiveWaiters.push(task.wait!, this.waiting);
      return received;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Receive now or throw `WouldBlock`. Not a checkpoint.
   * @throws WouldBlock when nothing is buffered and no sender is waiting; EndOfChannel once the channel has ended
   */
  receiveNowait(): T {
    const value = this.tryReceive();
    if (value === nothing) {
      throw new WouldBlock("receiveNowait: nothing to receive yet; use receive(cx) to wait for a value");
    }
    return value;
  }

  /**
   * The values as an async iterator, ending when the channel ends. Each step is a `receive(cx)`.
   * @example
   * for await (const job of receive.iterate(cx)) await handle(cx, job);
   */
  async *iterate(cx: Cx): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let value: T;
      try {
        value = await this.receive(cx);
      } catch (error) {
        if (error instanceof EndOfChannel) return;
        throw error;
      }
      yield value;
    }
  }

  /** Another receiving end on the same channel; close each one separately. */
  clone(): ReceiveChannel<T> {
    if (this.closed) throw closedError("clone");
    this.state.openReceivers++;
    return new ReceiveChannel(this.state);
  }

  /**
   * Close this end. Tasks blocked receiving on it get `ClosedResourceError`; once every receiving end is closed,
   * buffered values are dropped and senders get `BrokenResourceError`. Idempotent. Costs O(this end's blocked tasks),
   * however many clones wait on the channel.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Each interrupt takes the waiter off the channel's queue and so off this end's list.
    for (let waiter = this.waiting.head; waiter !== null; waiter = this.waiting.head) {
      interrupt(waiter.task, closedError("receive"));
    }
    if (--this.state.openReceivers === 0) this.state.receiversGone();
  }

  statistics(): ChannelStatistics {
    return this.state.statistics();
  }

  private tryReceive(): T | typeof nothing {
    if (this.closed) throw closedError("receive");
    const { state } = this;
    if (state.buffer.length > 0) {
      const value = state.buffer.shift();
      const sender = state.sendWaiters.shift();
      if (sender !== null) {
        state.buffer.push(sender.payload as T);
        wake(sender.task, undefined);
      }
      return value;
    }
    const sender = state.sendWaiters.shift();
    if (sender !== null) {
      const value = sender.payload as T; // before wake: waking empties the waiter for reuse
      wake(sender.task, undefined);
      return value;
    }
    if (state.openSenders === 0) throw new EndOfChannel();
    return nothing;
  }
}

disposeByClosing(ReceiveChannel);
