import type { Closer } from "../loop.ts";

/**
 * The resources a loop owns whose end it asks about (`Closer.ended`) instead of being told: sockets, servers, child
 * processes. Held weakly, so one that has ended and that nobody else holds is collected (an open handle is held by
 * Node itself); the ended or collected are dropped as more are added, once the set has doubled (amortised O(1)).
 */
export class WatchedResources {
  private readonly refs = new Map<WeakRef<object>, Closer>();
  private readonly refOf = new WeakMap<object, WeakRef<object>>();
  private sweepAt = 64;

  add(resource: object, closer: Closer): void {
    const ref = new WeakRef(resource);
    this.refOf.set(resource, ref);
    this.refs.set(ref, closer);
    if (this.refs.size < this.sweepAt) return;
    for (const [ref, closer] of this.refs) {
      const resource = ref.deref();
      if (resource === undefined || closer.ended!(resource)) this.refs.delete(ref);
    }
    this.sweepAt = Math.max(64, 2 * this.refs.size);
  }

  has(resource: object): boolean {
    const ref = this.refOf.get(resource);
    return ref !== undefined && this.refs.has(ref);
  }

  delete(resource: object): boolean {
    const ref = this.refOf.get(resource);
    return ref !== undefined && this.refs.delete(ref);
  }

  /** The resources still alive and not ended, with their closers. */
  *live(): IterableIterator<[object, Closer]> {
    for (const [ref, closer] of this.refs) {
      const resource = ref.deref();
      if (resource !== undefined && !closer.ended!(resource)) yield [resource, closer];
    }
  }
}
