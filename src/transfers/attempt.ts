// One try at a transfer: its ticket, its F connection, its timer and its AbortController. A retry,
// a new offer or a cancel ends the attempt and (except for a cancel) starts a new one; whatever the
// old one still has in flight — a socket closing late, a reply to its ticket, its timer — holds the
// old object and checks `current` before touching the transfer, so it cannot change a newer try.

import type { Socket } from 'node:net';

export class Attempt {
  /** Aborted when the attempt ends: every await of this attempt gives up. */
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The ticket of this try's offer (ours or the uploader's), when it has one. */
  ticket: number | undefined;
  /** The F connection of this try, once it is open. */
  socket: Socket | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once end() ran: nothing this attempt does may change the transfer any more. */
  get ended(): boolean {
    return this.controller.signal.aborted;
  }

  /** Runs `callback` after `ms` unless the attempt ended first; one timer per attempt. */
  setTimer(ms: number, callback: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.ended) callback();
    }, ms);
    // A retry or a wait must not keep the process alive on its own.
    this.timer.unref();
  }

  clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops this try: its awaits abort, its timer is cleared and its connection closed. */
  end(): void {
    this.clearTimer();
    if (!this.ended) this.controller.abort(new Error('the attempt ended'));
    this.socket?.destroy();
  }
}
