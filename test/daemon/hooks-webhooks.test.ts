// Webhooks against a real HTTP receiver on 127.0.0.1: what is sent, when it is tried again, and that
// nothing grows while a receiver is down. Only the waits between retries are stubbed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { HookDispatcher, WebhookUrlError, type HookDispatcherOptions, type HookEvent, type WebhookConfig } from '../../src/daemon/hooks/index.ts';
import { InstantClock, Receiver, RecordingLogger, StuckClock, deadUrl } from './hooks-support.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const message: HookEvent = { type: 'privateMessage', at: '2026-12-07T21:00:00.000Z', data: { user: 'alice', text: 'hi "there"' } };
const MESSAGE_JSON = '{"type":"privateMessage","at":"2026-12-07T21:00:00.000Z","data":{"user":"alice","text":"hi \\"there\\""}}';

const webhook = (url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig => ({ url, events: [], timeoutMs: 10_000, retries: 3, headers: {}, ...extra });

function dispatcher(t: test.TestContext, options: Partial<HookDispatcherOptions> & Pick<HookDispatcherOptions, 'webhooks'>): { hooks: HookDispatcher; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  const hooks = new HookDispatcher({ scripts: [], logger, random: () => 0.5, closeTimeoutMs: 5000, ...options });
  t.after(() => hooks.close());
  return { hooks, logger };
}

test('500 twice then 200: three POSTs of the exact JSON, with backoff between them', async (t) => {
  const receiver = await Receiver.start([{ status: 500 }, { status: 500 }]);
  t.after(() => receiver.close());
  const clock = new InstantClock();
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(receiver.url, { headers: { authorization: 'Bearer s3cret' } })], clock });

  hooks.dispatch(message);
  await logger.waitFor(/delivered privateMessage/);

  assert.equal(receiver.requests.length, 3);
  for (const request of receiver.requests) {
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hook?token=secret');
    assert.equal(request.body, MESSAGE_JSON);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], `slsk-ts/${VERSION}`);
    assert.equal(request.headers.authorization, 'Bearer s3cret');
  }
  // random() = 0.5: three quarters of 1 s, then of 2 s.
  assert.deepEqual(clock.waits, [750, 1500]);
  assert.deepEqual(hooks.stats(), [{ hook: `webhook[0] ${new URL(receiver.url).origin}/hook`, kind: 'webhook', queued: 0, delivered: 1, failed: 0, retried: 2, dropped: 0 }]);
  // Neither the header's secret nor the URL's token reaches the log.
  const logged = JSON.stringify(logger.lines);
  assert.doesNotMatch(logged, /s3cret|token=secret/);
});

test('404 is final: one request, counted as failed, logged with what to check', async (t) => {
  const receiver = await Receiver.start([{ status: 404 }]);
  t.after(() => receiver.close());
  const clock = new InstantClock();
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(receiver.url)], clock });

  hooks.dispatch(message);
  const line = await logger.waitFor(/failed to deliver/);
  await hooks.close();

  assert.equal(receiver.requests.length, 1);
  assert.deepEqual(clock.waits, []);
  assert.equal(line.level, 'warn');
  assert.match(line.message, /HTTP 404.*check the URL/);
  assert.deepEqual(hooks.stats()[0], { hook: hooks.stats()[0]?.hook, kind: 'webhook', queued: 0, delivered: 0, failed: 1, retried: 0, dropped: 0 });
});

test('a receiver that never answers: each attempt times out, then the event is given up', async (t) => {
  const receiver = await Receiver.start(['hang', 'hang']);
  t.after(() => receiver.close());
  const clock = new InstantClock();
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(receiver.url, { timeoutMs: 100, retries: 1 })], clock });

  hooks.dispatch(message);
  const line = await logger.waitFor(/failed to deliver/);

  assert.equal(receiver.requests.length, 2);
  assert.match(line.message, /no answer within 100 ms/);
  assert.deepEqual(clock.waits, [750]);
  assert.equal(hooks.stats()[0]?.failed, 1);
  assert.equal(hooks.stats()[0]?.retried, 1);
});

test('Retry-After is honoured, as seconds or as a date, and capped', async (t) => {
  const clock = new InstantClock(Date.parse('2026-12-07T21:00:00Z'));
  const receiver = await Receiver.start([
    { status: 429, headers: { 'retry-after': '100000' } },
    { status: 503, headers: { 'retry-after': 'Mon, 07 Dec 2026 21:00:05 GMT' } },
    { status: 503, headers: { 'retry-after': '7' } },
  ]);
  t.after(() => receiver.close());
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(receiver.url)], clock, retryPolicy: { maxRetryAfterMs: 30_000 } });

  hooks.dispatch(message);
  await logger.waitFor(/delivered privateMessage/);

  assert.equal(receiver.requests.length, 4);
  assert.deepEqual(clock.waits, [30_000, 5000, 7000]);
});

test('a receiver that is down: its queue stays bounded, the oldest events are dropped and counted', async (t) => {
  const clock = new StuckClock();
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(await deadUrl())], clock, maxQueuePerHook: 2, closeTimeoutMs: 0 });

  hooks.dispatch(message);
  await clock.waitForSleeps(1); // the first event failed to connect and waits to retry
  for (let i = 0; i < 4; i++) hooks.dispatch(message);

  assert.deepEqual({ ...hooks.stats()[0], hook: '' }, { hook: '', kind: 'webhook', queued: 2, delivered: 0, failed: 0, retried: 1, dropped: 2 });
  assert.equal(logger.lines.filter((line) => /dropped its oldest/.test(line.message)).length, 2);

  await hooks.close();
  // Every event is accounted for: the one waiting to retry failed, the queued ones were dropped.
  assert.deepEqual({ ...hooks.stats()[0], hook: '' }, { hook: '', kind: 'webhook', queued: 0, delivered: 0, failed: 1, retried: 1, dropped: 4 });
  hooks.dispatch(message);
  assert.equal(hooks.stats()[0]?.queued, 0, 'nothing is queued once closed');
});

test('deliveries in flight are capped over every webhook', async (t) => {
  const clock = new StuckClock();
  const url = await deadUrl();
  const { hooks } = dispatcher(t, { webhooks: [webhook(url), webhook(url)], clock, maxWebhooksInFlight: 1, closeTimeoutMs: 0 });

  hooks.dispatch(message);
  await clock.waitForSleeps(1);
  // The first hook holds the only slot while it waits to retry; the second hook's event waits its turn.
  assert.deepEqual(
    hooks.stats().map((s) => [s.queued, s.retried]),
    [
      [0, 1],
      [1, 0],
    ],
  );
});

test('each hook gets only the events it lists', async (t) => {
  const receiver = await Receiver.start();
  t.after(() => receiver.close());
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook(receiver.url, { events: ['userOnline'] })], clock: new InstantClock() });

  hooks.dispatch(message);
  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:01.000Z', data: { user: 'bob' } });
  await logger.waitFor(/delivered userOnline/);

  assert.deepEqual(
    receiver.requests.map((r) => r.body),
    ['{"type":"userOnline","at":"2026-12-07T21:00:01.000Z","data":{"user":"bob"}}'],
  );
});

test('only http and https URLs are accepted, with an error that says which hook and what to give', () => {
  const logger = new RecordingLogger();
  for (const url of ['file:///etc/passwd', 'ftp://example.org/x', 'not a url']) {
    assert.throws(
      () => new HookDispatcher({ webhooks: [webhook('https://example.org/ok'), webhook(url)], scripts: [], logger }),
      (error: unknown) => error instanceof WebhookUrlError && /webhooks\[1\]\.url/.test(error.message) && /http:\/\/ or https:\/\//.test(error.message),
    );
  }
});

test('dispatch never throws, even for an event that cannot be written as JSON', (t) => {
  const { hooks, logger } = dispatcher(t, { webhooks: [webhook('http://127.0.0.1:9/x')], clock: new InstantClock() });
  const broken = { type: 'userOnline', at: 'x', data: { user: 1n } } as unknown as HookEvent;
  assert.doesNotThrow(() => hooks.dispatch(broken));
  assert.equal(logger.lines.at(-1)?.level, 'error');
  assert.equal(hooks.stats()[0]?.queued, 0);
});

test('backoff doubles up to its cap, jittered between half and all of each step', async (t) => {
  const receiver = await Receiver.start(Array.from({ length: 6 }, () => ({ status: 502 })));
  t.after(() => receiver.close());
  const clock = new InstantClock();
  const draws = [0, 1, 0.5, 0, 1, 0.5];
  const { hooks, logger } = dispatcher(t, {
    webhooks: [webhook(receiver.url, { retries: 6 })],
    clock,
    random: () => draws.shift() ?? 0,
    retryPolicy: { baseDelayMs: 1000, maxDelayMs: 4000 },
  });

  hooks.dispatch(message);
  await logger.waitFor(/delivered privateMessage/);

  assert.equal(receiver.requests.length, 7);
  assert.deepEqual(clock.waits, [500, 2000, 3000, 2000, 4000, 3000]);
});
