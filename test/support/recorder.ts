// Things that happen, in order, for tests to wait on: a wait settles on an item already recorded or
// on the next one that fits, with a timeout — never a sleep. A cursor (`mark()`) lets a wait ignore
// what happened before it.

export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { from: number; test: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  private readonly defaultTimeoutMs: number;

  constructor(defaultTimeoutMs = 5000) {
    this.defaultTimeoutMs = defaultTimeoutMs;
  }

  push(item: T): void {
    const index = this.items.length;
    this.items.push(item);
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from || !waiter.test(item)) return true;
      waiter.resolve(item);
      return false;
    });
  }

  /** A cursor: waits given it only look at what happens from now on. */
  mark(): number {
    return this.items.length;
  }

  since(from: number): T[] {
    return this.items.slice(from);
  }

  /** The first item from `from` on that passes `test` — already here, or the next one to come. */
  wait(test: (item: T) => boolean, what: string, from = 0, timeoutMs = this.defaultTimeoutMs): Promise<T> {
    const found = this.items.slice(from).find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        from,
        test,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = JSON.stringify(this.items.slice(from).slice(-12), (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen.slice(0, 4000)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
