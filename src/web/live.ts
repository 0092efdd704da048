// The daemon's event stream, the page's only source of live data (no polling). The browser's
// EventSource reconnects by itself and resumes with Last-Event-ID; while it is down the page says it
// is offline, and a `resync` (events were missed) or a reconnection makes listeners reload their state.

import type { DaemonEvent } from '../daemon/events/schemas.ts';

type EventName = DaemonEvent['event'];
type DataOf<N extends EventName> = Extract<DaemonEvent, { event: N }>['data'];

export type StreamState = 'connecting' | 'online' | 'offline';

export class LiveEvents {
  readonly #source: EventSource;
  #state: StreamState = 'connecting';
  #everOnline = false;
  readonly #stateListeners = new Set<(state: StreamState) => void>();
  readonly #reloadListeners = new Set<() => void>();

  constructor(url = '/api/v1/events') {
    this.#source = new EventSource(url, { withCredentials: true });
    this.#source.onopen = () => {
      // Back after a break: what happened meanwhile may not all have been replayed.
      if (this.#everOnline) for (const listener of this.#reloadListeners) listener();
      this.#everOnline = true;
      this.#set('online');
    };
    this.#source.onerror = () => this.#set(this.#source.readyState === EventSource.CLOSED ? 'offline' : this.#everOnline ? 'offline' : 'connecting');
    this.#source.addEventListener('resync', () => {
      for (const listener of this.#reloadListeners) listener();
    });
  }

  get state(): StreamState {
    return this.#state;
  }

  #set(state: StreamState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }

  /** Calls `listener` with each event of this type; returns the unsubscribe. */
  on<N extends EventName>(name: N, listener: (data: DataOf<N>) => void): () => void {
    const handler = (message: MessageEvent<string>): void => listener(JSON.parse(message.data) as DataOf<N>);
    this.#source.addEventListener(name, handler as EventListener);
    return () => this.#source.removeEventListener(name, handler as EventListener);
  }

  onState(listener: (state: StreamState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Calls `listener` when state may have been missed (a resync, a reconnection). */
  onReload(listener: () => void): () => void {
    this.#reloadListeners.add(listener);
    return () => this.#reloadListeners.delete(listener);
  }

  close(): void {
    this.#source.close();
  }
}
