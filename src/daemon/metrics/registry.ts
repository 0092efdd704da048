// A small Prometheus-style metrics registry: counters, gauges (optionally read at scrape time by a
// collect callback) and histograms with fixed buckets, each with a declared, bounded set of labels.
// A metric refuses more than `maxSeries` distinct label combinations: values past the bound are dropped
// and counted in the registry's overflow counter, so a bug that feeds network data (a username, a path)
// into a label cannot grow memory or the scrape without bound.

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

/** One line of the exposition: `name{labels} value`. Label pairs are in declaration order. */
export interface Sample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
}

export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const DEFAULT_MAX_SERIES = 100;

export class MetricDefinitionError extends Error {
  override readonly name = 'MetricDefinitionError';
}

export interface MetricOptions<L extends string> {
  readonly name: string;
  /** One sentence saying what is measured and in which unit; becomes the `# HELP` line. */
  readonly help: string;
  readonly labels?: readonly L[];
  /** Distinct label combinations kept; default {@link DEFAULT_MAX_SERIES}. */
  readonly maxSeries?: number;
}

/** The part every metric shares: name and label validation, and the bounded map of label combinations. */
abstract class Metric<L extends string, S> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly #maxSeries: number;
  readonly #series = new Map<string, { labels: readonly (readonly [string, string])[]; state: S }>();
  readonly #onOverflow: (metric: string) => void;

  constructor(options: MetricOptions<L>, onOverflow: (metric: string) => void, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(options.name)) throw new MetricDefinitionError(`Metric name '${options.name}' is invalid: use letters, digits, '_' and ':', not starting with a digit`);
    const labels = options.labels ?? [];
    for (const label of labels) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new MetricDefinitionError(`Label name '${label}' of ${options.name} is invalid: use letters, digits and '_', not starting with a digit or '__'`);
      if (reserved.includes(label)) throw new MetricDefinitionError(`Label name '${label}' is reserved for ${options.name}'s type; rename the label`);
    }
    if (new Set(labels).size !== labels.length) throw new MetricDefinitionError(`Metric ${options.name} declares a label twice`);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = labels;
    this.#maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.#onOverflow = onOverflow;
  }

  protected abstract initial(): S;

  /** The state of one label combination, created on first use; undefined when the bound is reached. */
  protected series(labels: Partial<Record<L, string>> = {}): S | undefined {
    const pairs = this.labelNames.map((name): readonly [string, string] => {
      const value = labels[name];
      if (value === undefined) throw new MetricDefinitionError(`Metric ${this.name} needs label '${name}'`);
      return [name, value];
    });
    if (Object.keys(labels).length !== pairs.length) throw new MetricDefinitionError(`Metric ${this.name} takes only the labels ${JSON.stringify(this.labelNames)}`);
    const key = JSON.stringify(pairs.map(([, value]) => value));
    const found = this.#series.get(key);
    if (found !== undefined) return found.state;
    if (this.#series.size >= this.#maxSeries) {
      this.#onOverflow(this.name);
      return undefined;
    }
    const state = this.initial();
    this.#series.set(key, { labels: pairs, state });
    return state;
  }

  protected entries(): Iterable<{ labels: readonly (readonly [string, string])[]; state: S }> {
    return this.#series.values();
  }

  protected clear(): void {
    this.#series.clear();
  }

  abstract snapshot(): MetricSnapshot;
}

export class Counter<L extends string = never> extends Metric<L, { value: number }> {
  readonly type = 'counter';

  constructor(options: MetricOptions<L>, onOverflow: (metric: string) => void) {
    super(options, onOverflow);
    if (!options.name.endsWith('_total')) throw new MetricDefinitionError(`Counter ${options.name} must end in _total`);
    if (this.labelNames.length === 0) this.series();
  }

  protected initial(): { value: number } {
    return { value: 0 };
  }

  inc(labels?: Partial<Record<L, string>>, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new RangeError(`Counter ${this.name} can only grow by a finite amount >= 0, not ${by}`);
    const state = this.series(labels);
    if (state !== undefined) state.value += by;
  }

  snapshot(): MetricSnapshot {
    const samples = [...this.entries()].map(({ labels, state }) => ({ name: this.name, labels, value: state.value }));
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}

/** Called at scrape time; `set` gives the value of one label combination. Series it does not set are absent. */
export type GaugeCollector<L extends string> = (set: (labels: Partial<Record<L, string>>, value: number) => void) => void;

export class Gauge<L extends string = never> extends Metric<L, { value: number }> {
  readonly type = 'gauge';
  #collector: GaugeCollector<L> | undefined;

  constructor(options: MetricOptions<L>, onOverflow: (metric: string) => void) {
    super(options, onOverflow);
    if (this.labelNames.length === 0) this.series();
  }

  protected initial(): { value: number } {
    return { value: 0 };
  }

  set(labels: Partial<Record<L, string>>, value: number): void {
    const state = this.series(labels);
    if (state !== undefined) state.value = value;
  }

  inc(labels: Partial<Record<L, string>> = {}, by = 1): void {
    const state = this.series(labels);
    if (state !== undefined) state.value += by;
  }

  /** From now on the gauge's values are whatever `collector` sets at each scrape (replacing any set before). */
  collectWith(collector: GaugeCollector<L>): void {
    this.#collector = collector;
  }

  snapshot(): MetricSnapshot {
    if (this.#collector !== undefined) {
      this.clear();
      this.#collector((labels, value) => this.set(labels, value));
    }
    const samples = [...this.entries()].map(({ labels, state }) => ({ name: this.name, labels, value: state.value }));
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}

interface HistogramState {
  /** Per bucket (not cumulative), plus one for +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, finite and strictly increasing; +Inf is implied. */
  readonly buckets: readonly number[];
}

export class Histogram<L extends string = never> extends Metric<L, HistogramState> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(options: HistogramOptions<L>, onOverflow: (metric: string) => void) {
    super(options, onOverflow, ['le']);
    const b = options.buckets;
    if (b.length === 0 || b.some((bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= (b[i - 1] as number)))) {
      throw new MetricDefinitionError(`Histogram ${options.name} needs finite, strictly increasing buckets (+Inf is added)`);
    }
    this.buckets = [...b];
    if (this.labelNames.length === 0) this.series();
  }

  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(labels: Partial<Record<L, string>>, value: number): void {
    if (Number.isNaN(value)) return;
    const state = this.series(labels);
    if (state === undefined) return;
    const index = this.buckets.findIndex((bound) => value <= bound);
    (state.counts[index === -1 ? this.buckets.length : index] as number) += 1;
    state.sum += value;
    state.count += 1;
  }

  snapshot(): MetricSnapshot {
    const samples: Sample[] = [];
    for (const { labels, state } of this.entries()) {
      let cumulative = 0;
      [...this.buckets, Infinity].forEach((bound, i) => {
        cumulative += state.counts[i] as number;
        samples.push({ name: `${this.name}_bucket`, labels: [...labels, ['le', formatNumber(bound)]], value: cumulative });
      });
      samples.push({ name: `${this.name}_sum`, labels, value: state.sum });
      samples.push({ name: `${this.name}_count`, labels, value: state.count });
    }
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}

/** A sample value as the text format writes it (Go's ParseFloat reads all of these). */
export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

/** A group of values read at scrape time, before the metrics are snapshotted (process metrics, for one). */
export type Collector = () => void;

export class Registry {
  readonly #metrics = new Map<string, Metric<string, unknown>>();
  readonly #beforeCollect: Collector[] = [];
  /** Label combinations refused because a metric reached its bound, by metric name. */
  readonly overflow: Counter<'metric'>;

  constructor(options: { overflowMetric?: string } = {}) {
    this.overflow = this.counter({
      name: options.overflowMetric ?? 'metrics_label_sets_dropped_total',
      help: 'Samples dropped because their metric already had its maximum number of label combinations (a bug if it grows)',
      labels: ['metric'],
    });
  }

  readonly #countOverflow = (metric: string): void => {
    if (metric !== this.overflow.name) this.overflow.inc({ metric });
  };

  #add<M extends Metric<string, unknown>>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new MetricDefinitionError(`Metric ${metric.name} is declared twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    return this.#add(new Counter(options, this.#countOverflow));
  }

  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    return this.#add(new Gauge(options, this.#countOverflow));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.#add(new Histogram(options, this.#countOverflow));
  }

  /** Runs `collector` at the start of every scrape (to refresh several plain gauges at once). */
  beforeCollect(collector: Collector): void {
    this.#beforeCollect.push(collector);
  }

  /** Every metric, in declaration order, with its values as of now. */
  collect(): MetricSnapshot[] {
    for (const collector of this.#beforeCollect) collector();
    return [...this.#metrics.values()].map((metric) => metric.snapshot());
  }
}
