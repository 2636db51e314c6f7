/**
 * The run's deadline heap: every cancel scope with a finite deadline and every sleeping task, ordered by time,
 * ties broken by insertion order. Entries carry their own index so removal is O(log n) and never leaves a dead
 * entry behind (a dead entry would keep the host timer armed, and keep Node alive, after its sleeper is gone).
 */

/** Something that wants to be woken at `at`. `heapIndex` is -1 while it is not in a heap. */
export interface HeapEntry {
  at: number;
  seq: number;
  heapIndex: number;
  /** Called once when the clock reaches `at`; the entry is already out of the heap. */
  expire(): void;
}

export class DeadlineHeap {
  private readonly items: HeapEntry[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  get nextAt(): number {
    const top = this.items[0];
    return top === undefined ? Infinity : top.at;
  }

  peek(): HeapEntry | undefined {
    return this.items[0];
  }

  insert(entry: HeapEntry): void {
    entry.seq = this.nextSeq++;
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  remove(entry: HeapEntry): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    entry.heapIndex = -1;
    const last = this.items.pop()!;
    if (last === entry) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(last.heapIndex);
  }

  /** Re-sort `entry` after its `at` changed; inserts it if it was not in the heap. */
  update(entry: HeapEntry): void {
    if (entry.heapIndex < 0) return this.insert(entry);
    this.up(entry.heapIndex);
    this.down(entry.heapIndex);
  }

  private less(a: HeapEntry, b: HeapEntry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.less(entry, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!this.less(child, entry)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}
