/**
 * Memory channels (`openChannel`), one test per rule: rendezvous and buffering, the `...Nowait` forms, the end of
 * the channel, closing either side or one clone, cancellation (a cancelled operation did not happen), the checkpoint
 * rule, FIFO fairness, statistics, and argument checks. Time comes only from the MockClock of `mockRun`.
 */
import { describe, expect, test } from "vitest";
import {
  BrokenResourceError,
  Cancelled,
  ClosedResourceError,
  EndOfChannel,
  ReceiveChannel,
  SendChannel,
  UsageError,
  WouldBlock,
  checkpoint,
  failAfter,
  moveOnAfter,
  openChannel,
  sleep,
  withCancelScope,
  withNursery,
  type CancelScope,
  type ChannelStatistics,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";
import { WaitQueue } from "../../runtime/internal/wait-queue.ts";

/** The class name of what a promise rejected with (CorralError subclasses name themselves). */
function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}

/** "ok <value>" or "threw <ErrorClass>": how an operation ended, for logs. */
async function outcome(operation: Promise<unknown>): Promise<string> {
  try {
    return `ok ${String(await operation)}`;
  } catch (error) {
    return `threw ${nameOf(error)}`;
  }
}

/**
 * How many waiters the blocking primitives' wait queues hand out (return or yield) while `work` runs: the work of
 * walking a queue, counted instead of timed.
 */
function waitersWalkedDuring(work: () => void): number {
  const prototype = WaitQueue.prototype as unknown as Record<PropertyKey, unknown>;
  const originals = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  let walked = 0;
  const count = (value: unknown): void => {
    if (value instanceof Object && "task" in value) walked++;
  };
  for (const key of Reflect.ownKeys(prototype)) {
    const method = prototype[key];
    if (key === "constructor" || typeof method !== "function") continue;
    originals.set(key, method as (...args: unknown[]) => unknown);
    prototype[key] = function (this: unknown, ...args: unknown[]): unknown {
      const result = (method as (...args: unknown[]) => unknown).apply(this, args);
      if (result instanceof Object && Symbol.iterator in result && !("task" in result)) {
        return (function* () {
          for (const item of result as Iterable<unknown>) {
            count(item);
            yield item;
          }
        })();
      }
      count(result);
      return result;
    };
  }
  try {
    work();
  } finally {
    for (const [key, method] of originals) prototype[key] = method;
  }
  return walked;
}

function statistics(fields: Partial<ChannelStatistics>): ChannelStatistics {
  return {
    currentBufferUsed: 0,
    maxBufferSize: 0,
    openSendChannels: 1,
    openReceiveChannels: 1,
    tasksWaitingSend: 0,
    tasksWaitingReceive: 0,
    ...fields,
  };
}

describe("openChannel arguments", () => {
  test("defaults to capacity 0 and returns a send end and a receive end over one shared state", () => {
    const [send, receive] = openChannel<number>();
    expect(send).toBeInstanceOf(SendChannel);
    expect(receive).toBeInstanceOf(ReceiveChannel);
    expect(send.statistics()).toEqual(statistics({ maxBufferSize: 0 }));
    expect(receive.statistics()).toEqual(send.statistics());
  });

  test.each([0, 1, 64, Infinity])("accepts capacity %s", (capacity) => {
    const [send] = openChannel<number>(capacity);
    expect(send.statistics().maxBufferSize).toBe(capacity);
  });

  test.each<[string, unknown]>([
    ["-1", -1],
    ["1.5", 1.5],
    ["NaN", NaN],
    ["-Infinity", -Infinity],
    ['"3" (a string)', "3"],
    ["null", null],
  ])("rejects capacity %s with a UsageError that says what is allowed", (_label, capacity) => {
    let error: unknown;
    try {
      openChannel(capacity as number);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain("capacity must be a whole number >= 0 or Infinity");
    expect((error as Error).message).toContain(`got ${String(capacity)}`);
  });
});

describe("capacity 0 is a rendezvous", () => {
  test(
    "send does not return until a receiver has taken the value, and returns at that moment",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await send.send(cx, "hello");
          log.push(`send returned at ${cx.now()}`);
        });
        await sleep(cx, 100);
        expect(log, "nobody has received yet").toEqual([]);
        expect(send.statistics()).toEqual(statistics({ tasksWaitingSend: 1 }));
        const value = await receive.receive(cx);
        log.push(`received ${value} at ${cx.now()}`);
      });
      expect([...log].sort()).toEqual(["received hello at 100", "send returned at 100"]);
      expect(send.statistics()).toEqual(statistics({}));
    }),
  );

  test(
    "receive waits until a sender arrives; a waiting receiver takes the value straight from send",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          const value = await receive.receive(cx);
          log.push(`received ${value} at ${cx.now()}`);
        });
        await sleep(cx, 50);
        expect(log).toEqual([]);
        expect(receive.statistics()).toEqual(statistics({ tasksWaitingReceive: 1 }));
        await send.send(cx, "late");
        log.push(`send returned at ${cx.now()}`);
      });
      expect([...log].sort()).toEqual(["received late at 50", "send returned at 50"]);
    }),
  );

  test(
    "sendNowait fails with WouldBlock unless a receiver is already waiting, then hands the value over",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>();
      expect(() => send.sendNowait(1)).toThrow(WouldBlock);
      expect(send.statistics()).toEqual(statistics({}));
      const got: number[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => void got.push(await receive.receive(cx)));
        await waitAllTasksBlocked(cx);
        send.sendNowait(2);
        expect(send.statistics()).toEqual(statistics({}));
      });
      expect(got).toEqual([2]);
      expect(() => receive.receiveNowait(), "the refused value 1 was never sent").toThrow(WouldBlock);
    }),
  );

  test(
    "receiveNowait fails with WouldBlock unless a sender is waiting, then takes its value and unblocks it",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>();
      expect(() => receive.receiveNowait()).toThrow(WouldBlock);
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await send.send(cx, 7);
          log.push(`send returned at ${cx.now()}`);
        });
        await sleep(cx, 20);
        expect(receive.receiveNowait()).toBe(7);
        expect(receive.statistics()).toEqual(statistics({}));
      });
      expect(log).toEqual(["send returned at 20"]);
    }),
  );

  test("the WouldBlock messages say what to use instead", () => {
    const [send, receive] = openChannel<number>();
    expect(() => send.sendNowait(1)).toThrow(/use send\(cx, value\)/);
    expect(() => receive.receiveNowait()).toThrow(/use receive\(cx\)/);
  });
});

describe("a buffered channel", () => {
  test(
    "send returns at once while the buffer has room, then waits until a receive makes room",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(2);
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          for (const value of [1, 2, 3]) {
            await send.send(cx, value);
            log.push(`sent ${value} at ${cx.now()}`);
          }
        });
        await waitAllTasksBlocked(cx);
        expect(log).toEqual(["sent 1 at 0", "sent 2 at 0"]);
        expect(send.statistics()).toEqual(statistics({ maxBufferSize: 2, currentBufferUsed: 2, tasksWaitingSend: 1 }));
        await sleep(cx, 30);
        expect(await receive.receive(cx)).toBe(1);
        await waitAllTasksBlocked(cx);
        expect(log).toEqual(["sent 1 at 0", "sent 2 at 0", "sent 3 at 30"]);
        expect(send.statistics()).toEqual(statistics({ maxBufferSize: 2, currentBufferUsed: 2 }));
        expect(await receive.receive(cx)).toBe(2);
        expect(await receive.receive(cx)).toBe(3);
      });
    }),
  );

  test("sendNowait fills the buffer and then fails with WouldBlock; receiveNowait drains it in order, then fails", () => {
    const [send, receive] = openChannel<string>(3);
    send.sendNowait("a");
    send.sendNowait("b");
    send.sendNowait("c");
    expect(() => send.sendNowait("d")).toThrow(WouldBlock);
    expect(send.statistics().currentBufferUsed).toBe(3);
    expect([receive.receiveNowait(), receive.receiveNowait(), receive.receiveNowait()]).toEqual(["a", "b", "c"]);
    expect(() => receive.receiveNowait(), "the refused value d was never buffered").toThrow(WouldBlock);
  });

  test(
    "receiving from a full buffer moves the longest-waiting sender's value into it and wakes that sender",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(1);
      send.sendNowait("buffered");
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await send.send(cx, "waiting");
          log.push(`send returned at ${cx.now()}`);
        });
        await sleep(cx, 5);
        expect(receive.receiveNowait()).toBe("buffered");
        expect(receive.statistics()).toEqual(statistics({ maxBufferSize: 1, currentBufferUsed: 1 }));
      });
      expect(log).toEqual(["send returned at 5"]);
      expect(receive.receiveNowait()).toBe("waiting");
    }),
  );

  test(
    "capacity Infinity never blocks a sender, however many values wait",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(Infinity);
      // Blocking would mean waiting forever here (no receiver runs): failAfter turns that into a TooSlowError.
      await failAfter(cx, 1, async (cx) => {
        for (let i = 0; i < 10_000; i++) await send.send(cx, i);
        for (let i = 10_000; i < 10_100; i++) send.sendNowait(i);
      });
      expect(cx.now()).toBe(0);
      expect(send.statistics()).toEqual(statistics({ maxBufferSize: Infinity, currentBufferUsed: 10_100 }));
      for (let i = 0; i < 10_100; i++) expect(receive.receiveNowait()).toBe(i);
      expect(() => receive.receiveNowait()).toThrow(WouldBlock);
    }),
  );
});

describe("the end of the channel", () => {
  test("EndOfChannel comes only after every sender clone is closed and every buffered value was received", () => {
    const [send, receive] = openChannel<number>(3);
    const clone = send.clone();
    send.sendNowait(1);
    clone.sendNowait(2);
    send.close();
    expect(receive.receiveNowait()).toBe(1);
    clone.sendNowait(3);
    clone.close();
    expect(receive.receiveNowait()).toBe(2);
    expect(receive.receiveNowait()).toBe(3);
    expect(() => receive.receiveNowait()).toThrow(EndOfChannel);
    expect(() => receive.receiveNowait(), "the channel stays ended").toThrow(EndOfChannel);
  });

  test(
    "a blocked receiver stays blocked while any sender clone is open and gets EndOfChannel when the last one closes",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(1);
      const clone = send.clone();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          log.push(`${await outcome(receive.receive(cx))} at ${cx.now()}`);
        });
        await sleep(cx, 10);
        send.close();
        await sleep(cx, 10);
        expect(log, "one sender clone is still open").toEqual([]);
        expect(receive.statistics()).toEqual(
          statistics({ maxBufferSize: 1, openSendChannels: 1, tasksWaitingReceive: 1 }),
        );
        clone.close();
        expect(receive.statistics().tasksWaitingReceive).toBe(0);
      });
      expect(log).toEqual(["threw EndOfChannel at 20"]);
      await expect(receive.receive(cx)).rejects.toBeInstanceOf(EndOfChannel);
    }),
  );

  test(
    "for await over iterate(cx) yields every value in order and ends when every sender clone is closed",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const got: string[] = [];
      await withNursery(cx, async (n) => {
        const producers = [send, send.clone()];
        producers.forEach((end, id) => {
          n.start(async (cx) => {
            for (let i = 0; i < 3; i++) {
              await sleep(cx, id === 0 ? 10 : 25);
              await end.send(cx, `p${id}-${i}`);
            }
            end.close();
          });
        });
        for await (const value of receive.iterate(cx)) got.push(`${value}@${cx.now()}`);
        expect(cx.now(), "the loop ended when the last sender closed").toBe(75);
      });
      expect(got).toEqual(["p0-0@10", "p0-1@20", "p1-0@25", "p0-2@30", "p1-1@50", "p1-2@75"]);
    }),
  );

  test(
    "leaving a for await loop early takes nothing more from the channel",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(Infinity);
      for (const value of [1, 2, 3, 4]) send.sendNowait(value);
      const got: number[] = [];
      for await (const value of receive.iterate(cx)) {
        got.push(value);
        if (value === 2) break;
      }
      expect(got).toEqual([1, 2]);
      expect(receive.statistics().currentBufferUsed).toBe(2);
      expect(receive.receiveNowait()).toBe(3);
    }),
  );
});

describe("closing the receive side", () => {
  test(
    "closing the last receiver fails blocked senders and every later send with BrokenResourceError and drops the buffer",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(1);
      send.sendNowait("buffered");
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          log.push(`${await outcome(send.send(cx, "blocked"))} at ${cx.now()}`);
        });
        await sleep(cx, 15);
        receive.close();
        expect(send.statistics()).toEqual(
          statistics({ maxBufferSize: 1, currentBufferUsed: 0, openReceiveChannels: 0, tasksWaitingSend: 0 }),
        );
      });
      expect(log).toEqual(["threw BrokenResourceError at 15"]);
      await expect(send.send(cx, "later")).rejects.toBeInstanceOf(BrokenResourceError);
      expect(() => send.sendNowait("later")).toThrow(BrokenResourceError);
      expect(() => send.sendNowait("later")).toThrow(/every receive end of this channel is closed/);
      const clone = send.clone();
      await expect(clone.send(cx, "from a clone")).rejects.toBeInstanceOf(BrokenResourceError);
      expect(send.statistics().currentBufferUsed).toBe(0);
    }),
  );

  test(
    "capacity 0: a sender blocked in a rendezvous fails with BrokenResourceError when the last receiver closes",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(0);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await expect(send.send(cx, 1)).rejects.toBeInstanceOf(BrokenResourceError);
        });
        await waitAllTasksBlocked(cx);
        receive.close();
      });
    }),
  );

  test(
    "while any receive clone is open, senders go on",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(1);
      const clone = receive.clone();
      send.sendNowait(1);
      receive.close();
      expect(send.statistics()).toEqual(statistics({ maxBufferSize: 1, currentBufferUsed: 1, openReceiveChannels: 1 }));
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await send.send(cx, 2);
        });
        await sleep(cx, 5);
        expect(clone.receiveNowait()).toBe(1);
        expect(await clone.receive(cx)).toBe(2);
      });
    }),
  );
});

describe("closing one clone", () => {
  test(
    "a task blocked sending on a clone that gets closed fails with ClosedResourceError; one blocked on another clone goes on",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const a = send.clone();
      const b = send.clone();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => void log.push(`a: ${await outcome(a.send(cx, "from a"))} at ${cx.now()}`));
        n.start(async (cx) => void log.push(`b: ${await outcome(b.send(cx, "from b"))} at ${cx.now()}`));
        await sleep(cx, 10);
        a.close();
        expect(send.statistics()).toEqual(statistics({ openSendChannels: 2, tasksWaitingSend: 1 }));
        await sleep(cx, 10);
        expect(await receive.receive(cx)).toBe("from b");
      });
      expect(log).toEqual(["a: threw ClosedResourceError at 10", "b: ok undefined at 20"]);
      expect(() => receive.receiveNowait(), "the value offered on the closed clone was never sent").toThrow(WouldBlock);
    }),
  );

  test(
    "a task blocked receiving on a clone that gets closed fails with ClosedResourceError; receivers on other clones go on",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const a = receive.clone();
      const b = receive.clone();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => void log.push(`a: ${await outcome(a.receive(cx))} at ${cx.now()}`));
        n.start(async (cx) => void log.push(`b: ${await outcome(b.receive(cx))} at ${cx.now()}`));
        await sleep(cx, 10);
        a.close();
        expect(send.statistics()).toEqual(statistics({ openReceiveChannels: 2, tasksWaitingReceive: 1 }));
        await sleep(cx, 10);
        send.sendNowait("for b");
      });
      expect(log).toEqual(["a: threw ClosedResourceError at 10", "b: ok for b at 20"]);
    }),
  );

  test(
    "with many clones blocked in one queue, closing clones in any order fails exactly their own tasks, oldest first, and the rest keep their FIFO order",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const clones = Array.from({ length: 6 }, () => send.clone());
      const failed: string[] = [];
      await withNursery(cx, async (n) => {
        // Round-robin: clone c's k-th sender is "c.k", so every clone's waiters are spread through the shared queue.
        for (let k = 0; k < 3; k++) {
          for (const [c, clone] of clones.entries()) {
            n.start(async (cx) => {
              try {
                await clone.send(cx, `${c}.${k}`);
              } catch (error) {
                failed.push(`${c}.${k} ${nameOf(error)}`);
              }
            });
          }
        }
        await waitAllTasksBlocked(cx);
        expect(await receive.receive(cx), "the oldest sender goes first").toBe("0.0");
        n.start(async (cx) => {
          try {
            await clones[1]!.send(cx, "1.late");
          } catch (error) {
            failed.push(`1.late ${nameOf(error)}`);
          }
        });
        await waitAllTasksBlocked(cx);
        for (const c of [4, 1, 0]) clones[c]!.close();
        await waitAllTasksBlocked(cx);
        expect(failed).toEqual([
          "4.0 ClosedResourceError",
          "4.1 ClosedResourceError",
          "4.2 ClosedResourceError",
          "1.0 ClosedResourceError",
          "1.1 ClosedResourceError",
          "1.2 ClosedResourceError",
          "1.late ClosedResourceError",
          "0.1 ClosedResourceError",
          "0.2 ClosedResourceError",
        ]);
        expect(send.statistics().tasksWaitingSend).toBe(9);
        const received: string[] = [];
        for (let i = 0; i < 9; i++) received.push(await receive.receive(cx));
        expect(received).toEqual(["2.0", "3.0", "5.0", "2.1", "3.1", "5.1", "2.2", "3.2", "5.2"]);
      });
      for (const c of [2, 3, 5]) clones[c]!.close();
      send.close();
      expect(() => receive.receiveNowait()).toThrow(EndOfChannel);
    }),
  );

  test(
    "closing one clone walks only its own blocked tasks, not the thousand blocked on another clone",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(0);
      await withNursery(cx, async (n) => {
        const closing = send.clone();
        for (let i = 0; i < 1_000; i++) n.start((cx) => send.send(cx, i));
        for (const value of [-1, -2]) {
          n.start((cx) => expect(closing.send(cx, value)).rejects.toBeInstanceOf(ClosedResourceError));
        }
        await waitAllTasksBlocked(cx);
        expect(waitersWalkedDuring(() => closing.close()), "waiters walked to close a clone with 2").toBeLessThanOrEqual(2);
        for (let i = 0; i < 1_000; i++) expect(await receive.receive(cx)).toBe(i);
        send.close();
      });
      const [other, empty] = openChannel<number>(0);
      await withNursery(cx, async (n) => {
        const closing = empty.clone();
        for (let i = 0; i < 1_000; i++) n.start((cx) => expect(empty.receive(cx)).resolves.toBe(i));
        n.start((cx) => expect(closing.receive(cx)).rejects.toBeInstanceOf(ClosedResourceError));
        await waitAllTasksBlocked(cx);
        expect(waitersWalkedDuring(() => closing.close()), "waiters walked to close a clone with 1").toBeLessThanOrEqual(1);
        for (let i = 0; i < 1_000; i++) other.sendNowait(i);
      });
    }),
  );

  test(
    "every operation on a closed send end fails with ClosedResourceError, also when the channel is broken; close is idempotent",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(4);
      const other = send.clone();
      send.close();
      send.close();
      expect(send.statistics().openSendChannels, "a second close changes nothing").toBe(1);
      await expect(send.send(cx, 1)).rejects.toBeInstanceOf(ClosedResourceError);
      expect(() => send.sendNowait(1)).toThrow(ClosedResourceError);
      expect(() => send.sendNowait(1)).toThrow(/this channel end was closed/);
      expect(() => send.clone()).toThrow(ClosedResourceError);
      expect(send.statistics().openSendChannels, "a failed clone opened nothing").toBe(1);
      receive.close();
      await expect(send.send(cx, 1), "closed wins over broken").rejects.toBeInstanceOf(ClosedResourceError);
      expect(() => send.sendNowait(1)).toThrow(ClosedResourceError);
      expect(() => other.sendNowait(1)).toThrow(BrokenResourceError);
      other.close();
    }),
  );

  test(
    "every operation on a closed receive end fails with ClosedResourceError, also when the channel has ended; close is idempotent",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(4);
      const other = receive.clone();
      send.sendNowait(1);
      receive.close();
      receive.close();
      expect(receive.statistics().openReceiveChannels, "a second close changes nothing").toBe(1);
      await expect(receive.receive(cx)).rejects.toBeInstanceOf(ClosedResourceError);
      expect(() => receive.receiveNowait()).toThrow(ClosedResourceError);
      expect(() => receive.clone()).toThrow(ClosedResourceError);
      expect(receive.statistics().openReceiveChannels, "a failed clone opened nothing").toBe(1);
      await expect(
        (async () => {
          for await (const _ of receive.iterate(cx)) throw new Error("a closed end yielded a value");
        })(),
      ).rejects.toBeInstanceOf(ClosedResourceError);
      send.close();
      await expect(receive.receive(cx), "closed wins over ended").rejects.toBeInstanceOf(ClosedResourceError);
      expect(other.receiveNowait(), "the other clone still gets the buffered value").toBe(1);
      expect(() => other.receiveNowait()).toThrow(EndOfChannel);
    }),
  );
});

describe("using closes a channel end at the end of its block (Trio's async with)", () => {
  test(
    "a producer that returns early still ends the channel; workers' clones close however they end",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(4);
      const handled: string[] = [];
      await withNursery(cx, (n) => {
        n.start(async (cx) => {
          using producer = send;
          for (const job of [1, 2, 3, 4, 5]) {
            if (job === 4) return; // without using, the workers would wait for a close that never comes
            await producer.send(cx, job);
          }
        });
        for (const name of ["a", "b"]) {
          n.start(async (cx) => {
            using worker = receive.clone();
            for await (const job of worker.iterate(cx)) handled.push(`${name}${job}`);
          });
        }
        receive.close();
      });
      expect(handled.map((h) => Number(h.slice(1))).sort()).toEqual([1, 2, 3]);
      expect(send.statistics()).toMatchObject({ openSendChannels: 0, openReceiveChannels: 0 });
    }),
  );

  test(
    "disposing is close: idempotent, also after an explicit close",
    mockRun(async () => {
      const [send, receive] = openChannel<number>(1);
      {
        using end = send;
        end.close();
      }
      send[Symbol.dispose]();
      expect(receive.receiveNowait.bind(receive)).toThrow(EndOfChannel);
      {
        using _end = receive;
      }
      expect(receive.statistics().openReceiveChannels).toBe(0);
    }),
  );
});

describe("cancellation: a cancelled operation did not happen", () => {
  test.each([0, 1, 3])(
    "capacity %s: a send cancelled while blocked did not send; no receiver ever sees the value",
    (capacity) =>
      mockRun(async (cx) => {
        const [send, receive] = openChannel<string>(capacity);
        const prefill = Array.from({ length: capacity }, (_, i) => `prefill ${i}`);
        for (const value of prefill) send.sendNowait(value);
        const log: string[] = [];
        await withNursery(cx, async (n) => {
          n.start(async (cx) => {
            const result = await moveOnAfter(cx, 10, async (cx) => {
              await send.send(cx, "cancelled");
              return "sent";
            });
            log.push(`cancelled sender: ${String(result)} at ${cx.now()}`);
          });
          n.start(async (cx) => {
            await sleep(cx, 20);
            await send.send(cx, "real");
            log.push(`real sender returned at ${cx.now()}`);
          });
          await sleep(cx, 15);
          expect(send.statistics().tasksWaitingSend, "the cancelled sender left the queue").toBe(0);
          await sleep(cx, 15);
          const got: string[] = [];
          for (let i = 0; i <= capacity; i++) got.push(await receive.receive(cx));
          expect(got).toEqual([...prefill, "real"]);
        });
        expect(log).toEqual(["cancelled sender: undefined at 10", "real sender returned at 30"]);
        expect(() => receive.receiveNowait()).toThrow(WouldBlock);
        expect(receive.statistics()).toEqual(statistics({ maxBufferSize: capacity }));
      })(),
  );

  test(
    "a receive cancelled while blocked did not take a value: the next receiver in line gets it",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          const result = await moveOnAfter(cx, 10, (cx) => receive.receive(cx));
          log.push(`cancelled receiver: ${String(result)} at ${cx.now()}`);
        });
        n.start(async (cx) => {
          await sleep(cx, 1); // joins the queue behind the first receiver
          log.push(`second receiver: ${await receive.receive(cx)} at ${cx.now()}`);
        });
        await sleep(cx, 20);
        expect(receive.statistics().tasksWaitingReceive).toBe(1);
        send.sendNowait("value");
      });
      expect(log).toEqual(["cancelled receiver: undefined at 10", "second receiver: value at 20"]);
    }),
  );

  test(
    "a send whose value was taken returns normally even if its scope is cancelled right after; the next checkpoint raises",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const log: string[] = [];
      let scope: CancelScope | undefined;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await withCancelScope(cx, async (cx, s) => {
            scope = s;
            await send.send(cx, "taken");
            log.push("send returned");
            await checkpoint(cx);
            log.push("unreachable");
          });
          log.push(`scope absorbed: ${String(scope!.cancelledCaught)}`);
        });
        await waitAllTasksBlocked(cx);
        expect(receive.receiveNowait()).toBe("taken");
        scope!.cancel();
      });
      expect(log).toEqual(["send returned", "scope absorbed: true"]);
    }),
  );

  test(
    "a receive that was handed a value returns it even if its scope is cancelled right after",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const log: string[] = [];
      let scope: CancelScope | undefined;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await withCancelScope(cx, async (cx, s) => {
            scope = s;
            log.push(`received ${await receive.receive(cx)}`);
            await checkpoint(cx);
            log.push("unreachable");
          });
        });
        await waitAllTasksBlocked(cx);
        send.sendNowait("handed over");
        scope!.cancel();
      });
      expect(log).toEqual(["received handed over"]);
    }),
  );
});

describe("send and receive are checkpoints", () => {
  test(
    "in a cancelled scope they raise Cancelled even when they could complete at once, and nothing is sent or taken",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(1);
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        // Room in the buffer: the send could complete, but does not.
        await expect(send.send(cx, "not sent")).rejects.toBeInstanceOf(Cancelled);
        expect(send.statistics().currentBufferUsed).toBe(0);
        // A value is buffered: the receive could take it, but does not.
        send.sendNowait("buffered");
        await expect(receive.receive(cx)).rejects.toBeInstanceOf(Cancelled);
        expect(receive.statistics().currentBufferUsed).toBe(1);
      });
      expect(receive.receiveNowait()).toBe("buffered");
      expect(() => receive.receiveNowait()).toThrow(WouldBlock);
    }),
  );

  test(
    "in a cancelled scope, send does not hand its value to a waiting receiver, nor receive take a waiting sender's",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          expect(await receive.receive(cx)).toBe("after the cancelled send");
        });
        await waitAllTasksBlocked(cx);
        await withCancelScope(cx, async (cx, scope) => {
          scope.cancel();
          await expect(send.send(cx, "cancelled")).rejects.toBeInstanceOf(Cancelled);
        });
        expect(send.statistics().tasksWaitingReceive, "the receiver still waits").toBe(1);
        send.sendNowait("after the cancelled send");
      });
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await send.send(cx, "waiting sender");
        });
        await waitAllTasksBlocked(cx);
        await withCancelScope(cx, async (cx, scope) => {
          scope.cancel();
          await expect(receive.receive(cx)).rejects.toBeInstanceOf(Cancelled);
        });
        expect(send.statistics().tasksWaitingSend, "the sender still waits").toBe(1);
        expect(receive.receiveNowait()).toBe("waiting sender");
      });
    }),
  );

  test(
    "Cancelled comes before ClosedResourceError, BrokenResourceError and EndOfChannel",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(1);
      const closedSend = send.clone();
      const closedReceive = receive.clone();
      closedSend.close();
      closedReceive.close();
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(closedSend.send(cx, 1)).rejects.toBeInstanceOf(Cancelled);
        await expect(closedReceive.receive(cx)).rejects.toBeInstanceOf(Cancelled);
        send.close(); // the channel has ended
        await expect(receive.receive(cx)).rejects.toBeInstanceOf(Cancelled);
      });
      const [send2, receive2] = openChannel<number>(1);
      receive2.close(); // the channel is broken
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(send2.send(cx, 1)).rejects.toBeInstanceOf(Cancelled);
      });
      receive.close();
      send2.close();
    }),
  );

  test(
    "sendNowait, receiveNowait, clone and close are not checkpoints: they work in a cancelled scope",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(2);
      await withCancelScope(cx, async (_cx, scope) => {
        scope.cancel();
        send.sendNowait(1);
        const clone = send.clone();
        clone.sendNowait(2);
        expect(receive.receiveNowait()).toBe(1);
        clone.close();
        send.close();
        expect(receive.receiveNowait()).toBe(2);
        expect(() => receive.receiveNowait()).toThrow(EndOfChannel);
        receive.clone().close();
        receive.close();
      });
      expect(send.statistics()).toEqual(statistics({ maxBufferSize: 2, openSendChannels: 0, openReceiveChannels: 0 }));
    }),
  );

  test(
    "a producer that never blocks (capacity Infinity) lets other tasks run at each send and is cancelled at its next send",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(Infinity);
      let returned = 0;
      let ending = "";
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          try {
            for (let i = 0; ; i++) {
              await send.send(cx, i);
              returned++;
            }
          } catch (error) {
            ending = nameOf(error);
            throw error;
          }
        });
        for (let i = 0; i < 5; i++) await checkpoint(cx);
        expect(returned, "the producer ran between our checkpoints").toBeGreaterThan(0);
        n.cancelScope.cancel();
      });
      expect(ending).toBe("Cancelled");
      expect(cx.now()).toBe(0);
      // Every send that returned was sent, and nothing else.
      expect(receive.statistics().currentBufferUsed).toBe(returned);
      for (let i = 0; i < returned; i++) expect(receive.receiveNowait()).toBe(i);
      expect(() => receive.receiveNowait()).toThrow(WouldBlock);
    }),
  );
});

describe("fairness: wake-ups are first come, first served", () => {
  test.each([0, 1])(
    "capacity %s: blocked senders are served in the order they blocked",
    (capacity) =>
      mockRun(async (cx) => {
        const [send, receive] = openChannel<string>(capacity);
        if (capacity === 1) send.sendNowait("buffered");
        const returned: number[] = [];
        const got: string[] = [];
        await withNursery(cx, async (n) => {
          // Started in the order 3, 1, 4, 0, 2 but blocking in the order 0..4.
          for (const id of [3, 1, 4, 0, 2]) {
            n.start(async (cx) => {
              await sleep(cx, id);
              await send.send(cx, `sender ${id}`);
              returned.push(id);
            });
          }
          await sleep(cx, 10);
          expect(send.statistics().tasksWaitingSend).toBe(5);
          for (let i = 0; i < 5 + capacity; i++) {
            got.push(await receive.receive(cx));
            await sleep(cx, 1);
          }
        });
        const expected = [0, 1, 2, 3, 4].map((id) => `sender ${id}`);
        expect(got).toEqual(capacity === 1 ? ["buffered", ...expected] : expected);
        expect(returned).toEqual([0, 1, 2, 3, 4]);
      })(),
  );

  test(
    "blocked receivers are served in the order they blocked",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(0);
      const got: string[] = [];
      await withNursery(cx, async (n) => {
        for (const id of [2, 4, 0, 3, 1]) {
          n.start(async (cx) => {
            await sleep(cx, id);
            got.push(`receiver ${id} got ${await receive.receive(cx)}`);
          });
        }
        await sleep(cx, 10);
        expect(receive.statistics().tasksWaitingReceive).toBe(5);
        for (let value = 0; value < 5; value++) await send.send(cx, value);
      });
      expect([...got].sort()).toEqual([0, 1, 2, 3, 4].map((id) => `receiver ${id} got ${id}`));
    }),
  );

  test(
    "a waiter that leaves by cancellation loses its place; the others keep their order",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<string>(0);
      const got: string[] = [];
      await withNursery(cx, async (n) => {
        for (const id of [0, 1, 2, 3]) {
          n.start(async (cx) => {
            await sleep(cx, id);
            const value = await moveOnAfter(cx, id === 1 ? 5 : 100, (cx) => receive.receive(cx));
            got.push(`receiver ${id}: ${String(value)}`);
          });
        }
        await sleep(cx, 10);
        expect(receive.statistics().tasksWaitingReceive).toBe(3);
        for (const value of ["a", "b", "c"]) send.sendNowait(value);
      });
      expect([...got].sort()).toEqual(["receiver 0: a", "receiver 1: undefined", "receiver 2: b", "receiver 3: c"]);
    }),
  );
});

describe("statistics", () => {
  test(
    "reports the buffer, the open ends and the waiting tasks at each stage, the same from every end",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(2);
      const ends = (): ChannelStatistics[] => [send, sendClone, receive, receiveClone].map((end) => end.statistics());
      const expectAll = (fields: Partial<ChannelStatistics>, stage: string): void => {
        const expected = statistics({ maxBufferSize: 2, ...fields });
        for (const stats of ends()) expect(stats, stage).toEqual(expected);
      };
      expect(send.statistics()).toEqual(statistics({ maxBufferSize: 2 }));
      const sendClone = send.clone();
      const receiveClone = receive.clone();
      expectAll({ openSendChannels: 2, openReceiveChannels: 2 }, "after cloning both ends");

      send.sendNowait(1);
      sendClone.sendNowait(2);
      expectAll({ openSendChannels: 2, openReceiveChannels: 2, currentBufferUsed: 2 }, "buffer full");

      await withNursery(cx, async (n) => {
        n.start((cx) => send.send(cx, 3));
        n.start((cx) => sendClone.send(cx, 4));
        await waitAllTasksBlocked(cx);
        expectAll(
          { openSendChannels: 2, openReceiveChannels: 2, currentBufferUsed: 2, tasksWaitingSend: 2 },
          "two senders blocked",
        );
        expect(receive.receiveNowait()).toBe(1);
        expectAll(
          { openSendChannels: 2, openReceiveChannels: 2, currentBufferUsed: 2, tasksWaitingSend: 1 },
          "one blocked sender moved into the buffer",
        );
        expect(receiveClone.receiveNowait()).toBe(2);
        expect(receive.receiveNowait()).toBe(3);
        expect(receive.receiveNowait()).toBe(4);
        expectAll({ openSendChannels: 2, openReceiveChannels: 2 }, "drained");
      });

      await withNursery(cx, async (n) => {
        n.start(async (cx) => expect(await outcome(receive.receive(cx))).toBe("threw EndOfChannel"));
        n.start(async (cx) => expect(await outcome(receiveClone.receive(cx))).toBe("threw EndOfChannel"));
        await waitAllTasksBlocked(cx);
        expectAll({ openSendChannels: 2, openReceiveChannels: 2, tasksWaitingReceive: 2 }, "two receivers blocked");
        send.close();
        expectAll({ openSendChannels: 1, openReceiveChannels: 2, tasksWaitingReceive: 2 }, "one sender closed");
        sendClone.close();
        expectAll({ openSendChannels: 0, openReceiveChannels: 2 }, "every sender closed: receivers released");
      });

      receive.close();
      expectAll({ openSendChannels: 0, openReceiveChannels: 1 }, "one receiver closed");
      receiveClone.close();
      expectAll({ openSendChannels: 0, openReceiveChannels: 0 }, "everything closed");
    }),
  );

  test(
    "waiting counts go back down when waiters are cancelled",
    mockRun(async (cx) => {
      const [send, receive] = openChannel<number>(0);
      await withNursery(cx, async (n) => {
        n.start((cx) => moveOnAfter(cx, 10, (cx) => send.send(cx, 1)));
        n.start((cx) => moveOnAfter(cx, 10, (cx) => send.send(cx, 2)));
        await waitAllTasksBlocked(cx);
        expect(send.statistics().tasksWaitingSend).toBe(2);
        await sleep(cx, 20);
        expect(send.statistics().tasksWaitingSend).toBe(0);
        n.start((cx) => moveOnAfter(cx, 10, (cx) => receive.receive(cx)));
        await waitAllTasksBlocked(cx);
        expect(send.statistics().tasksWaitingReceive).toBe(1);
        await sleep(cx, 20);
        expect(send.statistics()).toEqual(statistics({}));
      });
    }),
  );
});
