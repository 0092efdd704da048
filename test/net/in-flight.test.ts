import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight, InFlightClosedError, InFlightTimeoutError, detachable, untilAborted } from '../../src/net/in-flight.ts';

function deferred<V>() {
  return Promise.withResolvers<V>();
}

test('callers of the same key share one run; the key is free once it settles', async () => {
  const set = new InFlight<string, number>({ timeoutMs: 60_000 });
  let starts = 0;
  const gate = deferred<number>();
  const work = () => {
    starts += 1;
    return gate.promise;
  };
  const a = set.run('alice', work);
  const b = set.run('alice', work);
  assert.equal(starts, 1);
  assert.equal(set.size, 1);
  gate.resolve(7);
  assert.deepEqual(await Promise.all([a, b]), [7, 7]);
  assert.equal(set.has('alice'), false);
  const again = set.run('alice', async () => 8);
  assert.equal(await again, 8);
  assert.equal(starts, 1, 'the second run used its own work function');
});

test('one caller aborting rejects only that caller; the others still get the result', async () => {
  const set = new InFlight<string, string>({ timeoutMs: 60_000 });
  const gate = deferred<string>();
  let workSignal: AbortSignal | undefined;
  const leaving = new AbortController();
  const first = set.run('k', (signal) => {
    workSignal = signal;
    return gate.promise;
  }, { signal: leaving.signal });
  const second = set.run('k', () => Promise.reject(new Error('never started')));
  leaving.abort(new Error('caller one gave up'));
  await assert.rejects(first, /caller one gave up/);
  assert.equal(workSignal?.aborted, false, 'the work was not cancelled by one caller leaving');
  gate.resolve('done');
  assert.equal(await second, 'done');
});

test('a caller whose signal is already aborted is refused at once and starts nothing', async () => {
  const set = new InFlight<string, string>({ timeoutMs: 60_000 });
  let starts = 0;
  await assert.rejects(
    async () => set.run('k', async () => {
      starts += 1;
      return 'x';
    }, { signal: AbortSignal.abort(new Error('too late')) }),
    /too late/,
  );
  assert.equal(starts, 0);
  assert.equal(set.size, 0);
});

test('work that never settles times out for every caller, aborts its signal and frees the key', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const set = new InFlight<string, string>({ timeoutMs: 1000, describe: (key) => `connecting to ${String(key)}` });
  let workSignal: AbortSignal | undefined;
  const never = (signal: AbortSignal) => {
    workSignal = signal;
    return new Promise<string>(() => {});
  };
  const a = set.run('bob', never);
  const b = set.run('bob', never);
  t.mock.timers.tick(999);
  assert.equal(set.has('bob'), true);
  t.mock.timers.tick(1);
  await assert.rejects(a, (error: unknown) => error instanceof InFlightTimeoutError && /connecting to bob did not finish within 1000 ms/.test(error.message));
  await assert.rejects(b, InFlightTimeoutError);
  assert.equal(workSignal?.aborted, true);
  assert.equal(set.has('bob'), false);
});

test('a per-run deadline overrides the set default', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const set = new InFlight<string, string>({ timeoutMs: 60_000 });
  const run = set.run('k', () => new Promise<string>(() => {}), { timeoutMs: 50 });
  t.mock.timers.tick(50);
  await assert.rejects(run, InFlightTimeoutError);
});

test('a work function that throws synchronously rejects its callers and frees the key', async () => {
  const set = new InFlight<string, string>({ timeoutMs: 60_000 });
  await assert.rejects(set.run('k', () => {
    throw new Error('bad start');
  }), /bad start/);
  assert.equal(set.size, 0);
});

test('close() fails every run with a typed error and aborts the work', async () => {
  const set = new InFlight<number, string>({ timeoutMs: 60_000 });
  const signals: AbortSignal[] = [];
  const hang = (signal: AbortSignal) => {
    signals.push(signal);
    return new Promise<string>(() => {});
  };
  const runs = [set.run(1, hang), set.run(2, hang)];
  set.close('client closed');
  for (const run of runs) await assert.rejects(run, (error: unknown) => error instanceof InFlightClosedError && error.message === 'client closed');
  assert.deepEqual(signals.map((s) => s.aborted), [true, true]);
  assert.equal(set.size, 0);
});

test('a rejection nobody waits for anymore is not unhandled', async () => {
  const unhandled = mock.fn();
  process.on('unhandledRejection', unhandled);
  try {
    const set = new InFlight<string, string>({ timeoutMs: 60_000 });
    const gate = deferred<string>();
    const leaving = new AbortController();
    const only = set.run('k', () => gate.promise, { signal: leaving.signal });
    leaving.abort(new Error('left'));
    await assert.rejects(only, /left/);
    gate.reject(new Error('work failed later'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(unhandled.mock.callCount(), 0);
  } finally {
    process.off('unhandledRejection', unhandled);
  }
});

test('detachable() passes the result through when the signal never fires', async () => {
  const signal = new AbortController().signal;
  assert.equal(await detachable(Promise.resolve(3), signal), 3);
  await assert.rejects(detachable(Promise.reject(new Error('boom')), signal), /boom/);
});

test('a run settled from outside (the answer came as an event) resolves every caller and stops its work', async () => {
  const set = new InFlight<string, string>({ timeoutMs: 60_000 });
  let workSignal: AbortSignal | undefined;
  const waiting = (signal: AbortSignal) => {
    workSignal = signal;
    return untilAborted(signal);
  };
  const a = set.run('reply', waiting);
  const b = set.run('reply', waiting);
  assert.equal(set.resolve('nobody', 'x'), false);
  assert.equal(set.resolve('reply', 'here'), true);
  assert.deepEqual(await Promise.all([a, b]), ['here', 'here']);
  assert.equal(workSignal?.aborted, true);
  assert.equal(set.has('reply'), false);
  const failed = set.run('reply', waiting);
  assert.equal(set.reject('reply', new Error('the link dropped')), true);
  await assert.rejects(failed, /the link dropped/);
  assert.equal(set.size, 0);
});

test('a timeout can fail with the owner’s own error type', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  class OwnTimeout extends Error {}
  const set = new InFlight<string, string>({ timeoutMs: 10, describe: (key) => `asking ${String(key)}`, timeoutError: (what, ms) => new OwnTimeout(`${what} timed out after ${ms} ms`) });
  const run = set.run('carol', (signal) => untilAborted(signal));
  t.mock.timers.tick(10);
  await assert.rejects(run, (error: unknown) => error instanceof OwnTimeout && error.message === 'asking carol timed out after 10 ms');
});

test('with endWhenAbandoned, a run ends once its last caller left, and the next caller starts afresh', async () => {
  const set = new InFlight<string, string>({ timeoutMs: 60_000, endWhenAbandoned: true });
  const signals: AbortSignal[] = [];
  const waiting = (signal: AbortSignal) => {
    signals.push(signal);
    return untilAborted(signal);
  };
  const one = new AbortController();
  const two = new AbortController();
  const first = set.run('ask', waiting, { signal: one.signal });
  const second = set.run('ask', waiting, { signal: two.signal });
  one.abort(new Error('one left'));
  await assert.rejects(first, /one left/);
  assert.equal(signals[0]?.aborted, false, 'a caller is still waiting');
  two.abort(new Error('two left'));
  await assert.rejects(second, /two left/);
  assert.equal(signals[0]?.aborted, true, 'nobody waits: the work stops');
  assert.equal(set.has('ask'), false);
  const third = set.run('ask', waiting);
  assert.equal(signals.length, 2, 'the next caller started a new run');
  set.resolve('ask', 'answered');
  assert.equal(await third, 'answered');
});
