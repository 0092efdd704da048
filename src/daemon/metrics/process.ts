// Metrics of the Node process: event-loop delay and utilization, memory, uptime, Node version.
// Event-loop delay and utilization cover the interval since the previous scrape (the histogram is reset
// at each scrape), so each scrape answers "how was the loop since you last asked". With two scrapers the
// intervals are split between them; run one. The monitor's first tick after a reset only restarts its
// clock, so a stall that ends at that first tick (within ~10 ms of a scrape) is not counted.

import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Registry } from './registry.ts';

/** Sampling interval of the delay monitor, in milliseconds (delays shorter than this are not seen). */
export const LOOP_DELAY_RESOLUTION_MS = 10;

const NS_PER_SECOND = 1e9;

export interface ProcessMetrics {
  /** Stops the delay monitor (call when the daemon shuts down). */
  stop(): void;
}

export function registerProcessMetrics(registry: Registry, prefix = 'slsk_'): ProcessMetrics {
  const delay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  delay.enable();
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  const loop = registry.gauge({
    name: `${prefix}nodejs_eventloop_delay_seconds`,
    help: `Event-loop delay since the previous scrape, in seconds, sampled every ${LOOP_DELAY_RESOLUTION_MS} ms (0 when no sample yet)`,
    labels: ['quantile'],
    maxSeries: 3,
  });
  const utilization = registry.gauge({
    name: `${prefix}nodejs_eventloop_utilization_ratio`,
    help: 'Share of the time since the previous scrape the event loop was busy (0 to 1)',
  });
  const memory = registry.gauge({
    name: `${prefix}process_memory_bytes`,
    help: 'Memory of the process in bytes, by kind (rss, heapUsed, heapTotal, external, arrayBuffers; see process.memoryUsage)',
    labels: ['kind'],
    maxSeries: 5,
  });
  const uptime = registry.gauge({ name: `${prefix}process_uptime_seconds`, help: 'Seconds since the process started' });
  const version = registry.gauge({
    name: `${prefix}nodejs_version_info`,
    help: 'Node.js version running the daemon (always 1)',
    labels: ['version', 'major'],
    maxSeries: 1,
  });
  version.set({ version: process.version, major: String(process.versions.node.split('.')[0]) }, 1);

  loop.collectWith((set) => {
    const sampled = delay.count > 0;
    set({ quantile: '0.5' }, sampled ? delay.percentile(50) / NS_PER_SECOND : 0);
    set({ quantile: '0.99' }, sampled ? delay.percentile(99) / NS_PER_SECOND : 0);
    set({ quantile: '1' }, sampled ? delay.max / NS_PER_SECOND : 0);
    delay.reset();
  });
  registry.beforeCollect(() => {
    const now = performance.eventLoopUtilization();
    utilization.set({}, performance.eventLoopUtilization(now, lastUtilization).utilization);
    lastUtilization = now;
    uptime.set({}, process.uptime());
  });
  memory.collectWith((set) => {
    const usage = process.memoryUsage();
    set({ kind: 'rss' }, usage.rss);
    set({ kind: 'heapUsed' }, usage.heapUsed);
    set({ kind: 'heapTotal' }, usage.heapTotal);
    set({ kind: 'external' }, usage.external);
    set({ kind: 'arrayBuffers' }, usage.arrayBuffers);
  });
  return { stop: () => delay.disable() };
}
