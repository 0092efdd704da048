// The Prometheus text exposition format, version 0.0.4: `# HELP`, `# TYPE`, then one line per sample.
// https://prometheus.io/docs/instrumenting/exposition_formats/

import { formatNumber, type MetricSnapshot } from './registry.ts';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** HELP text escapes backslash and newline. */
export const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Label values escape backslash, double quote and newline. */
export const escapeLabelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function exposition(metrics: readonly MetricSnapshot[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = sample.labels.length === 0 ? '' : `{${sample.labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
      lines.push(`${sample.name}${labels} ${formatNumber(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
