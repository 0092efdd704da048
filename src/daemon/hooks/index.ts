export { HOOK_EVENTS, HOOK_EVENT_TYPES, HookEventSchema, listensTo, type HookEvent, type HookEventOf, type HookEventType } from './events.ts';
export { HookDispatcher, type HookDispatcherOptions, type HookStats } from './dispatcher.ts';
export type { HookCounters, HookLogger, HookLogFn } from './lane.ts';
export { scriptName, type ScriptConfig } from './scripts.ts';
export {
  WebhookUrlError,
  backoffDelay,
  checkWebhookUrl,
  defaultWebhookRetryPolicy,
  retryAfterMs,
  systemClock,
  webhookName,
  type HookClock,
  type WebhookConfig,
  type WebhookRetryPolicy,
} from './webhooks.ts';
