// Prometheus metrics of the daemon: the registry, the text exposition format, process and daemon metrics.
export * from './registry.ts';
export * from './exposition.ts';
export * from './process.ts';
export * from './daemon-metrics.ts';
