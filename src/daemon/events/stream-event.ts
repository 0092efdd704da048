// One emitted event as every subscriber shares it: serialised to SSE text once, whatever the
// number of clients.

import type { DaemonEventType } from './schemas.ts';

export interface StreamEvent {
  readonly id: number;
  readonly type: DaemonEventType;
  /** Events with the same key supersede each other (a transfer's progress): only the latest matters. */
  readonly coalesceKey: string | undefined;
  /** The complete SSE frame. */
  readonly frame: string;
  /** UTF-8 length of `frame`: what the replay and pending bounds count. */
  readonly bytes: number;
}
