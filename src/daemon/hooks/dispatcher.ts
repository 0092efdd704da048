// The daemon's hooks: each event goes to every webhook and script that listens to it. dispatch() is
// synchronous and never throws, so a service publishing an event is never slowed or broken by a
// hook; delivery happens in the background, bounded everywhere: slots in flight per kind, a queue
// per hook that drops its oldest event when full, a timeout per attempt, a bound on close().

import { readFileSync } from 'node:fs';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { listensTo, type HookEvent } from './events.ts';
import { HookLane, Slots, type HookCounters, type HookDelivery, type HookLogger } from './lane.ts';
import { scriptDelivery, scriptName, type ScriptConfig } from './scripts.ts';
import {
  checkWebhookUrl,
  defaultWebhookRetryPolicy,
  systemClock,
  webhookDelivery,
  webhookName,
  type HookClock,
  type WebhookConfig,
  type WebhookRetryPolicy,
} from './webhooks.ts';

export interface HookDispatcherOptions {
  readonly webhooks: readonly WebhookConfig[];
  readonly scripts: readonly ScriptConfig[];
  readonly logger: HookLogger;
  /** Webhook requests in flight at once, over every webhook. Default 8. */
  readonly maxWebhooksInFlight?: number;
  /** Scripts running at once, over every script. Default 2. */
  readonly maxScriptsRunning?: number;
  /** Events waiting per hook; when full the oldest is dropped. Default 100. */
  readonly maxQueuePerHook?: number;
  /** How long close() lets deliveries finish before aborting them. Default 10 s. */
  readonly closeTimeoutMs?: number;
  readonly retryPolicy?: Partial<WebhookRetryPolicy>;
  /** SIGTERM → SIGKILL wait for a script past its timeout. Default 5 s. */
  readonly killGraceMs?: number;
  /** Bytes of a script's stdout and stderr kept for the log. Default 2048. */
  readonly tailBytes?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly userAgent?: string;
  readonly clock?: HookClock;
  readonly random?: () => number;
}

export interface HookStats extends HookCounters {
  readonly hook: string;
  readonly kind: 'webhook' | 'script';
  readonly queued: number;
}

interface Hook {
  readonly kind: 'webhook' | 'script';
  readonly name: string;
  readonly events: readonly string[];
  readonly lane: HookLane;
}

/** The version in package.json, three folders up from both src/daemon/hooks and dist/daemon/hooks. */
function defaultUserAgent(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `slsk-ts/${pkg.version}`;
}

export class HookDispatcher {
  readonly #hooks: Hook[] = [];
  readonly #logger: HookLogger;
  readonly #closeTimeoutMs: number;
  readonly #stopGraceMs: number;
  readonly #stop = new AbortController();
  #closing: Promise<void> | undefined;

  /** Throws WebhookUrlError for a URL that is not http(s): the daemon refuses to start with it. */
  constructor(options: HookDispatcherOptions) {
    this.#logger = options.logger;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.#stopGraceMs = (options.killGraceMs ?? 5000) + 1000;
    const maxQueue = options.maxQueuePerHook ?? 100;
    const signal = this.#stop.signal;
    const webhookSlots = new Slots(options.maxWebhooksInFlight ?? 8);
    const scriptSlots = new Slots(options.maxScriptsRunning ?? 2);
    const policy = { ...defaultWebhookRetryPolicy, ...options.retryPolicy };
    const userAgent = options.userAgent ?? defaultUserAgent();
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    const logger = options.logger;

    options.webhooks.forEach((config, index) => {
      const url = checkWebhookUrl(config.url, index);
      const name = webhookName(url, index);
      const deliver = webhookDelivery({ config, url, name, userAgent, policy, clock, random, logger });
      this.#hooks.push({ kind: 'webhook', name, events: config.events, lane: new HookLane({ name, maxQueue, slots: webhookSlots, deliver, logger, signal }) });
    });
    options.scripts.forEach((config, index) => {
      const name = scriptName(config, index);
      const deliver = scriptDelivery({ config, name, killGraceMs: options.killGraceMs ?? 5000, tailBytes: options.tailBytes ?? 2048, env: options.env ?? process.env, logger });
      this.#hooks.push({ kind: 'script', name, events: config.events, lane: new HookLane({ name, maxQueue, slots: scriptSlots, deliver, logger, signal }) });
    });
  }

  /** Queues the event for every hook that listens to it; returns at once and never throws. */
  dispatch(event: HookEvent): void {
    try {
      if (this.#closing) {
        this.#logger.debug({ event: event.type }, 'hooks are closed: event not dispatched');
        return;
      }
      const listeners = this.#hooks.filter((hook) => listensTo(hook.events, event.type));
      if (listeners.length === 0) return;
      const delivery: HookDelivery = { type: event.type, body: JSON.stringify(event) };
      for (const hook of listeners) hook.lane.push(delivery);
    } catch (error) {
      this.#logger.error({ err: error, event: event?.type }, 'an event could not be dispatched to hooks; this is a bug, please report it');
    }
  }

  stats(): HookStats[] {
    return this.#hooks.map((hook) => ({ hook: hook.name, kind: hook.kind, queued: hook.lane.queued, ...hook.lane.counters }));
  }

  /** Lets queued and running deliveries finish for up to closeTimeoutMs, then aborts the rest; bounded either way. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const late = !(await this.#idleWithin(this.#closeTimeoutMs));
    if (late) this.#logger.warn({ closeTimeoutMs: this.#closeTimeoutMs }, `hooks still busy after ${this.#closeTimeoutMs} ms: stopping them`);
    this.#stop.abort(new Error('hooks closed'));
    // Aborting ends a request at once and a script within its kill grace; past that, stop waiting.
    if (!(await this.#idleWithin(this.#stopGraceMs))) {
      this.#logger.error({ stopGraceMs: this.#stopGraceMs }, 'a hook did not stop after being killed; check for scripts stuck in the kernel (e.g. on a dead network mount)');
    }
  }

  /** True when every lane went idle within `ms`. */
  async #idleWithin(ms: number): Promise<boolean> {
    const bound = new AbortController();
    const drained = Promise.all(this.#hooks.map((hook) => hook.lane.idle())).then(() => true);
    const timedOut = sleepFor(ms, false, { signal: bound.signal }).catch(() => false);
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      bound.abort();
    }
  }
}
