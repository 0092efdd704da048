// Token buckets: a burst allowance that refills at a steady rate. Time comes from a clock
// function so tests can move it.

export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly now: Clock;

  constructor(capacity: number, refillPerMinute: number, now: Clock = Date.now) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.refillPerMs = refillPerMinute / 60_000;
    this.now = now;
    this.updatedAt = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.refillPerMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether a take() now would succeed, without taking. */
  get available(): boolean {
    return this.tokens + (this.now() - this.updatedAt) * this.refillPerMs >= 1;
  }

  /** True once the bucket has refilled completely, so its owner may forget it. */
  get idle(): boolean {
    return this.tokens + (this.now() - this.updatedAt) * this.refillPerMs >= this.capacity;
  }
}

/** One bucket per key (an IP address), forgetting keys whose bucket has refilled. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly capacity: number;
  private readonly perMinute: number;
  private readonly now: Clock;

  constructor(capacity: number, perMinute: number, now: Clock = Date.now) {
    this.capacity = capacity;
    this.perMinute = perMinute;
    this.now = now;
  }

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      // Bounded memory: an attacker cycling through addresses cannot grow the map without limit.
      if (this.buckets.size >= 100_000) this.sweep();
      bucket = new TokenBucket(this.capacity, this.perMinute, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Whether `key` has a token left, without taking it. */
  available(key: string): boolean {
    return this.buckets.get(key)?.available ?? true;
  }

  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.idle) this.buckets.delete(key);
  }
}
