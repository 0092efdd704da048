// Process metrics: the event-loop delay monitor sees a loop we block on purpose, and every process metric
// is present and numeric. Asserts only a lower bound caused by our own blocking (a busy machine only makes
// the delay larger), never a speed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, registerProcessMetrics, exposition } from '../../src/daemon/metrics/index.ts';

const nextLoopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function sampleValue(text: string, line: RegExp): number {
  const match = line.exec(text);
  assert.ok(match !== null, `${line} in\n${text}`);
  return Number(match[1]);
}

test('a blocked event loop shows in the delay quantiles of the next scrape', async (t) => {
  const registry = new Registry({ overflowMetric: 'p_dropped_total' });
  const processMetrics = registerProcessMetrics(registry, 'p_');
  t.after(() => processMetrics.stop());

  // The monitor's first tick after it starts or is reset (each scrape resets it) only starts its clock,
  // so block twice before each scrape: the first block's tick primes it, the second block is measured.
  const blockMs = 80;
  const blockThenLetMonitorTick = async (): Promise<void> => {
    const until = performance.now() + blockMs;
    while (performance.now() < until) {
      // Hold the loop: the delay monitor's timer cannot fire meanwhile.
    }
    // One turn finishes this one, the next runs the overdue monitor timer (timers come first in a turn).
    await nextLoopTurn();
    await nextLoopTurn();
  };
  let text = '';
  let max = 0;
  for (let round = 0; round < 5 && max < 0.04; round++) {
    await blockThenLetMonitorTick();
    await blockThenLetMonitorTick();
    text = exposition(registry.collect());
    max = sampleValue(text, /^p_nodejs_eventloop_delay_seconds\{quantile="1"\} (\S+)$/m);
  }
  assert.ok(max >= 0.04, `max delay ${max}s after blocking ${blockMs} ms`);
  assert.ok(sampleValue(text, /^p_nodejs_eventloop_delay_seconds\{quantile="0.5"\} (\S+)$/m) <= max);
  const utilization = sampleValue(text, /^p_nodejs_eventloop_utilization_ratio (\S+)$/m);
  assert.ok(utilization > 0 && utilization <= 1, `utilization ${utilization}`);
  for (const kind of ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers']) {
    assert.ok(sampleValue(text, new RegExp(`^p_process_memory_bytes\\{kind="${kind}"\\} (\\d+)$`, 'm')) >= 0);
  }
  assert.ok(sampleValue(text, /^p_process_uptime_seconds (\S+)$/m) > 0);
  assert.equal(sampleValue(text, new RegExp(`^p_nodejs_version_info\\{version="${process.version.replace(/\./g, '\\.')}",major="\\d+"\\} (\\S+)$`, 'm')), 1);
});
