/**
 * Scheduling for the executor: one operation at a time per resource (agents are not written
 * to run concurrently against themselves), and a bound on agents running across resources.
 */
import { assert } from "../shared/assert.js";

/** A counting semaphore; waiters are served in arrival order. */
export class Slots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly max: number) {
    assert(Number.isInteger(max) && max > 0, "slot count is a positive integer");
  }
  async acquire(): Promise<void> {
    if (this.used < this.max) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else {
      assert(this.used > 0, "release matches an acquire");
      this.used--;
    }
  }
  get inUse(): number {
    return this.used;
  }
}

/** Per-key FIFO mutexes with a bounded number of waiters per key. */
export class KeyedSerializer {
  private readonly tails = new Map<string, { tail: Promise<void>; depth: number }>();
  constructor(private readonly waitingMax: number) {}

  /** Whether another operation may queue on `key` now. */
  hasRoom(key: string): boolean {
    return (this.tails.get(key)?.depth ?? 0) <= this.waitingMax;
  }

  /**
   * Runs `fn` after every earlier call on the same key has finished.
   * @example await serializer.run("vip", () => runAgent(...));
   */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(key) ?? { tail: Promise.resolve(), depth: 0 };
    const before = entry.tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    entry.tail = before.then(() => mine);
    entry.depth++;
    this.tails.set(key, entry);
    try {
      await before;
      return await fn();
    } finally {
      release();
      entry.depth--;
      if (entry.depth === 0 && this.tails.get(key) === entry) this.tails.delete(key);
    }
  }
}
