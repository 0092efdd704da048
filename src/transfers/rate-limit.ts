// A token bucket shared by every transfer of one direction: a transfer takes tokens for the bytes
// it just moved and waits as long as the bucket says before moving more. Tokens may go negative (a
// debt), so a large chunk is paid for afterwards and the average rate holds exactly.

export class TokenBucket {
  private rate: number;
  private tokens = 0;
  private last: number;
  private readonly now: () => number;

  /** `bytesPerSecond` 0 = unlimited. */
  constructor(bytesPerSecond: number, now: () => number = Date.now) {
    this.now = now;
    this.rate = Math.max(0, bytesPerSecond);
    this.last = now();
    this.tokens = this.burst;
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  get unlimited(): boolean {
    return this.rate <= 0;
  }

  /** A quarter of a second's worth: how far ahead an idle bucket lets a transfer run. */
  private get burst(): number {
    return Math.max(1024, this.rate / 4);
  }

  setRate(bytesPerSecond: number): void {
    this.refill();
    this.rate = Math.max(0, bytesPerSecond);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** A chunk size that keeps a limited transfer smooth (about 1/8 s of the rate). */
  chunkSize(max: number): number {
    if (this.unlimited) return max;
    return Math.max(1024, Math.min(max, Math.floor(this.rate / 8)));
  }

  /** Takes `bytes` worth of tokens; returns how many ms to wait before moving more (0 = go on). */
  take(bytes: number): number {
    if (this.unlimited) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    if (this.rate > 0) this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.rate);
  }
}
