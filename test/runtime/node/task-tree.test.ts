import { afterAll, expect, test } from "vitest";
import {
  Event,
  Lock,
  fromPromise,
  moveOnAfter,
  named,
  openChannel,
  shield,
  sleep,
  withNursery,
  type Cx,
} from "corral";
import { formatTaskTree, installLoopHooks, installTaskDump, taskTree, type TaskNode } from "corral/node";
import { mockRun } from "corral/testing";

installLoopHooks();

/** Every task of the dump, depth first. */
function tasksOf(node: TaskNode): TaskNode[] {
  const found = [node];
  const visit = (scopes: TaskNode["scopes"]): void => {
    for (const scope of scopes) {
      visit(scope.scopes);
      for (const task of scope.tasks) found.push(...tasksOf(task));
    }
  };
  visit(node.scopes);
  return found;
}

/**
 * Tasks blocked in every way a dump tells apart, on a MockClock: the dump is taken at 100 ms, when each has waited
 * 100 ms (the stopping bridge since its deadline at 50 ms).
 */
async function blockedTasks(cx: Cx, inspect: () => void): Promise<void> {
  const lock = new Lock();
  const done = new Event();
  const [send, receive] = openChannel<string>(0);
  let settleLegacy!: (value: string) => void;
  const legacy = new Promise<string>((resolve) => (settleLegacy = resolve));
  let settleStuck!: () => void;
  const stuck = new Promise<void>((resolve) => (settleStuck = resolve));
  let settleUnbridged!: () => void;
  const unbridged = new Promise<void>((resolve) => (settleUnbridged = resolve));
  await withNursery(cx, async (n) => {
    n.start(async function holder(cx) {
      await lock.acquire(cx);
      await done.wait(cx);
      lock.release(cx);
    });
    n.start(async function locker(cx) {
      await lock.acquire(cx);
      lock.release(cx);
    });
    n.start(async function consumer(cx) {
      await receive.receive(cx);
    });
    n.start(named("bridged fetch", async (cx) => void (await fromPromise(cx, legacy))));
    n.start(async function guarded(cx) {
      await moveOnAfter(cx, 500, (cx) => shield(cx, (cx) => done.wait(cx)));
    });
    n.start(async function stopper(cx) {
      await moveOnAfter(cx, 50, (cx) => fromPromise(cx, () => stuck, { detachAfter: Infinity }));
    });
    n.start(async function sleeper(cx) {
      await sleep(cx, 1_000);
    });
    n.start(async () => void (await unbridged));
    const timer = setTimeout(() => {}, 5_000);
    await sleep(cx, 100);
    try {
      inspect();
    } finally {
      // Whether the dump was as expected or not, every task can end (a failed expectation must not hang the test).
      clearTimeout(timer);
      done.set();
      settleLegacy("page");
      settleStuck();
      settleUnbridged();
    }
    await send.send(cx, "value");
  });
}

/** `text` without what depends on the machine and on the tests run before: call sites' paths, task numbers. */
function stable(text: string): string {
  const numbers = new Map<string, number>();
  return text
    .replace(/called at \S*(task-tree\.test\.ts):\d+:\d+/g, "called at $1")
    .replace(/#\d+/g, (id) => `#${numbers.get(id) ?? numbers.set(id, numbers.size + 1).get(id)}`);
}

const uninstall = installTaskDump({ signal: false });
afterAll(uninstall);

test(
  "the dump shows each task's name, scopes (deadline, shield), what it waits on, for how long and from where",
  mockRun(async (cx) => {
    await blockedTasks(cx, () => {
      const runs = taskTree();
      expect(runs).toHaveLength(1);
      const byName = new Map(tasksOf(runs[0]!.main).map((task) => [task.name, task]));
      expect([...byName.keys()].sort()).toEqual([
        "(anonymous)",
        "bridged fetch",
        "consumer",
        "guarded",
        "holder",
        "locker",
        "sleeper",
        "stopper",
      ]);
      const holder = byName.get("holder")!;
      expect(byName.get("locker")!.waiting).toEqual({
        on: "lock.acquire",
        facts: { locked: true, owner: `task #${holder.id} holder`, tasksWaiting: 1 },
        stopping: false,
        waited: 100,
      });
      expect(byName.get("consumer")!.waiting).toMatchObject({ on: "receive", waited: 100, stopping: false });
      expect(byName.get("consumer")!.waiting!.facts).toMatchObject({ currentBufferUsed: 0, tasksWaitingReceive: 1 });
      const bridged = byName.get("bridged fetch")!.waiting!;
      expect(bridged).toMatchObject({ on: "fromPromise", facts: { state: "waiting" }, waited: 100 });
      expect(bridged.calledAt).toMatch(/task-tree\.test\.ts:\d+:\d+/);
      expect(byName.get("stopper")!.waiting).toMatchObject({ on: "fromPromise", stopping: true, waited: 100 });
      expect(byName.get("sleeper")!.waiting).toMatchObject({ on: "sleep", facts: { until: 1_000 }, waited: 100 });
      const guarded = byName.get("guarded")!;
      expect(guarded.waiting).toMatchObject({ on: "event.wait", waited: 100 });
      expect(guarded.scopes).toMatchObject([
        {
          kind: "cancel scope",
          openedBy: "moveOnAfter",
          deadline: 500,
          shield: false,
          scopes: [{ kind: "cancel scope", openedBy: "shield", deadline: null, shield: true }],
        },
      ]);
      expect(byName.get("(anonymous)")!.waiting).toBeNull(); // the main task, running the dump
    });
  }),
);

test(
  "the text form indents the tree: runs, loops with their legacy handles, nurseries, scopes, tasks",
  mockRun(async (cx) => {
    await blockedTasks(cx, () => {
      expect(stable(formatTaskTree())).toMatchInlineSnapshot(`
        "run (clock at 100 ms)
          task #1 (anonymous)
            loop: owns no legacy handles
              loop: owns 1 setTimeout
                nursery
                  task #2 guarded: waiting on event.wait, for 100 ms
                    cancel scope (moveOnAfter): deadline 500 ms (in 400 ms)
                      cancel scope (shield): shielded
                  task #3 stopper: waiting on fromPromise (state: stopping), cancelled: waiting for the legacy work to stop, for 100 ms, called at task-tree.test.ts
                    cancel scope (moveOnAfter): deadline 50 ms (passed 50 ms ago), cancelled
                  task #4 locker: waiting on lock.acquire (locked: true, owner: task #5 holder, tasksWaiting: 1), for 100 ms
                  task #6 consumer: waiting on receive (currentBufferUsed: 0, maxBufferSize: 0, openSendChannels: 1, openReceiveChannels: 1, tasksWaitingSend: 0, tasksWaitingReceive: 1), for 100 ms
                  task #7 bridged fetch: waiting on fromPromise (state: waiting), for 100 ms, called at task-tree.test.ts
                  task #8 sleeper: waiting on sleep until 1000 ms (in 900 ms), for 100 ms
                  task #5 holder: waiting on event.wait, for 100 ms
                  1 more task(s) not waiting on corral: running, or awaiting a promise without fromPromise
        "
      `);
    });
  }),
);

test(
  "a startReady child shows in a scope of its own under its caller until it calls ready",
  mockRun(async (cx) => {
    await withNursery(cx, async (n) => {
      const ready = new Event();
      const started = n.startReady(async function server(cx, signalReady: (value: string) => void) {
        await ready.wait(cx);
        signalReady("listening");
      });
      await sleep(cx, 10);
      const nursery = taskTree()[0]!.main.scopes[0]!.scopes[0]!.scopes[0]!;
      expect(nursery).toMatchObject({ kind: "nursery", tasks: [], unseen: 0 });
      expect(nursery.scopes).toMatchObject([{ kind: "startReady", tasks: [{ name: "server", waiting: { on: "event.wait" } }] }]);
      ready.set();
      expect(await started).toBe("listening");
    });
  }),
);

test(
  "with callSites: false the dump keeps the wait times and drops the call sites (no stack capture per bridge)",
  mockRun(async (cx) => {
    const uninstallTimes = installTaskDump({ signal: false, callSites: false });
    uninstall();
    try {
      await blockedTasks(cx, () => {
        const tasks = tasksOf(taskTree()[0]!.main);
        const bridged = tasks.find((task) => task.name === "bridged fetch")!;
        expect(bridged.waiting).toEqual({ on: "fromPromise", facts: { state: "waiting" }, stopping: false, waited: 100 });
      });
    } finally {
      uninstallTimes();
    }
  }),
);

test(
  "without installTaskDump the dump still shows every task and wait, without durations or call sites",
  mockRun(async (cx) => {
    uninstall();
    await blockedTasks(cx, () => {
      const tasks = tasksOf(taskTree()[0]!.main);
      const bridged = tasks.find((task) => task.name === "bridged fetch")!;
      expect(bridged.waiting).toEqual({ on: "fromPromise", facts: { state: "waiting" }, stopping: false });
    });
  }),
);
