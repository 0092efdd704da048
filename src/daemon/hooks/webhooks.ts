// Webhook delivery: one POST of the event's JSON per attempt, each attempt with its own timeout;
// network errors, 5xx and 429 are tried again after an exponential, jittered wait (or the receiver's
// Retry-After, capped); other answers are final. Configured headers are secrets: never logged.

import { setTimeout as sleepFor } from 'node:timers/promises';
import type { DaemonConfig } from '../config/schema.ts';
import type { Deliver, HookCounters, HookDelivery, HookLogger } from './lane.ts';

export type WebhookConfig = DaemonConfig['webhooks'][number];

/** Time, injectable so tests decide how long a wait "took". */
export interface HookClock {
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: HookClock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepFor(ms, undefined, { signal });
  },
};

export interface WebhookRetryPolicy {
  /** Wait before the first retry; doubles each retry. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A receiver's Retry-After is honoured up to this long. */
  readonly maxRetryAfterMs: number;
}

export const defaultWebhookRetryPolicy: WebhookRetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
  readonly code = 'WEBHOOK_URL';
}

/** Only absolute http(s) URLs: anything else (file:, data:, a typo) is refused before the daemon starts. */
export function checkWebhookUrl(url: string, index: number): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlError(`webhooks[${index}].url is not a URL: give an http:// or https:// URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookUrlError(`webhooks[${index}].url uses ${parsed.protocol}, which is not accepted: give an http:// or https:// URL`);
  }
  return parsed;
}

/** How a webhook shows in logs and stats: no user, password or query string (they often hold tokens). */
export const webhookName = (url: URL, index: number): string => `webhook[${index}] ${url.origin}${url.pathname}`;

/** Full jitter's gentler cousin: between half and all of the exponential step, so retries spread but still grow. */
export function backoffDelay(retry: number, policy: WebhookRetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step * (0.5 + random() * 0.5));
}

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number, cap: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(cap, Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(cap, Math.max(0, at - now));
}

type Attempt =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly reason: string; readonly waitMs?: number | undefined }
  | { readonly kind: 'final'; readonly reason: string };

export interface WebhookDeliveryOptions {
  readonly config: WebhookConfig;
  readonly url: URL;
  readonly name: string;
  readonly userAgent: string;
  readonly policy: WebhookRetryPolicy;
  readonly clock: HookClock;
  readonly random: () => number;
  readonly logger: HookLogger;
}

export function webhookDelivery(options: WebhookDeliveryOptions): Deliver {
  const { config, name, logger, clock, policy } = options;
  return async (delivery: HookDelivery, counters: HookCounters, signal: AbortSignal): Promise<void> => {
    for (let retry = 0; ; retry++) {
      const attempt = await postOnce(options, delivery, signal);
      if (attempt.kind === 'delivered') {
        counters.delivered++;
        logger.debug({ hook: name, event: delivery.type, status: attempt.status, attempts: retry + 1 }, `hook ${name} delivered ${delivery.type}`);
        return;
      }
      if (signal.aborted) {
        counters.failed++;
        logger.warn({ hook: name, event: delivery.type }, `hook ${name}: ${delivery.type} not delivered because the daemon is stopping`);
        return;
      }
      if (attempt.kind === 'final' || retry >= config.retries) {
        counters.failed++;
        const next = attempt.kind === 'final' ? 'check the URL and what the receiver expects' : 'check that the receiver is up; raise retries or timeoutMs if it is slow';
        logger.warn({ hook: name, event: delivery.type, attempts: retry + 1, reason: attempt.reason }, `hook ${name} failed to deliver ${delivery.type} (${attempt.reason}); ${next}`);
        return;
      }
      counters.retried++;
      const waitMs = attempt.waitMs ?? backoffDelay(retry, policy, options.random);
      logger.debug({ hook: name, event: delivery.type, reason: attempt.reason, waitMs }, `hook ${name} will retry ${delivery.type}`);
      try {
        await clock.sleep(waitMs, signal);
      } catch {
        counters.failed++;
        logger.warn({ hook: name, event: delivery.type }, `hook ${name}: ${delivery.type} not delivered because the daemon is stopping`);
        return;
      }
    }
  };
}

async function postOnce(options: WebhookDeliveryOptions, delivery: HookDelivery, signal: AbortSignal): Promise<Attempt> {
  const { config, url, userAgent, clock, policy } = options;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...config.headers, 'content-type': 'application/json', 'user-agent': userAgent },
      body: delivery.body,
      // A redirect would re-send the event somewhere nobody configured: treat it as an answer.
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
    });
  } catch (error) {
    return { kind: 'retry', reason: describeFetchError(error, config.timeoutMs) };
  }
  // The body is not read: release the connection.
  await response.body?.cancel().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429 || status >= 500) {
    return { kind: 'retry', reason: `HTTP ${status}`, waitMs: retryAfterMs(response.headers.get('retry-after'), clock.now(), policy.maxRetryAfterMs) };
  }
  return { kind: 'final', reason: `HTTP ${status}` };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error instanceof Error && error.name === 'AbortError') return 'stopped';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
