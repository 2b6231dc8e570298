// Prometheus metrics of the scheduler (prom-client). The class owns its own Registry, so
// two schedulers in one process (tests) never share counters, and callers speak in
// domain terms (observePass, recordBind) rather than in label names.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an API write ended, as the executor sees it (see src/cluster/errors.ts). */
export type CallResult = 'success' | 'gone' | 'conflict' | 'transient' | 'forbidden' | 'invalid' | 'abandoned';

/** Error classes of src/cluster/errors.ts; `watch` errors are counted by their class too. */
export type ApiErrorClass = 'gone' | 'conflict' | 'transient' | 'forbidden' | 'invalid';

export interface SchedulerMetricsOptions {
  /** Metric name prefix; default `custom_scheduler_`. */
  readonly prefix?: string;
  /** Also export Node.js process metrics (cpu, memory, event loop lag); default false. */
  readonly processMetrics?: boolean;
}

/** Pass durations from 5 ms to 30 s: a pass normally takes milliseconds, its deadline is 30 s. */
const PASS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class SchedulerMetrics {
  readonly registry: Registry;
  private readonly passDuration: Histogram;
  private readonly pendingPods: Gauge;
  private readonly binds: Counter<'result'>;
  private readonly evictions: Counter<'result'>;
  private readonly nominations: Counter<'result'>;
  private readonly volumeWrites: Counter<'result'>;
  private readonly apiErrors: Counter<'class'>;
  private readonly gangsPlaced: Counter;
  private readonly gangsWaiting: Gauge;
  private readonly leader: Gauge;

  constructor(options: SchedulerMetricsOptions = {}) {
    const p = options.prefix ?? 'custom_scheduler_';
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    this.passDuration = new Histogram({
      name: `${p}pass_duration_seconds`,
      help: 'Duration of one scheduling pass: snapshot, plan, execute and record.',
      buckets: PASS_BUCKETS,
      registers,
    });
    this.pendingPods = new Gauge({
      name: `${p}pending_pods`,
      help: 'Pods of this scheduler waiting to be bound, as of the last pass.',
      registers,
    });
    this.binds = new Counter({
      name: `${p}binds_total`,
      help: 'Bind calls, by result.',
      labelNames: ['result'],
      registers,
    });
    this.evictions = new Counter({
      name: `${p}evictions_total`,
      help: 'Eviction calls for preemption, by result.',
      labelNames: ['result'],
      registers,
    });
    this.nominations = new Counter({
      name: `${p}nominations_total`,
      help: 'Writes of status.nominatedNodeName, by result.',
      labelNames: ['result'],
      registers,
    });
    this.volumeWrites = new Counter({
      name: `${p}volume_writes_total`,
      help: 'Writes of volume choices and their releases (claim annotations, volume claimRefs), by result.',
      labelNames: ['result'],
      registers,
    });
    this.apiErrors = new Counter({
      name: `${p}api_errors_total`,
      help: 'Failed API calls (every attempt that failed), by error class.',
      labelNames: ['class'],
      registers,
    });
    this.gangsPlaced = new Counter({
      name: `${p}gangs_placed_total`,
      help: 'Gangs that reached their quorum and were placed.',
      registers,
    });
    this.gangsWaiting = new Gauge({
      name: `${p}gangs_waiting`,
      help: 'Gangs with pending members that could not be placed in the last pass.',
      registers,
    });
    this.leader = new Gauge({
      name: `${p}leader`,
      help: 'Whether this replica schedules: 1 while it holds the lease (always, without leader election), 0 on standby.',
      registers,
    });
    // Start the usual series at 0, so dashboards and rate() see them before the first bind.
    for (const c of [this.binds, this.evictions, this.nominations, this.volumeWrites]) c.inc({ result: 'success' }, 0);
    if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: p });
  }

  /** One pass took this long (seconds). */
  observePass(seconds: number): void {
    this.passDuration.observe(seconds);
  }

  /** Pending pods of this scheduler seen by the last pass. */
  setPendingPods(count: number): void {
    this.pendingPods.set(count);
  }

  recordBind(result: CallResult): void {
    this.binds.inc({ result });
  }

  recordEviction(result: CallResult): void {
    this.evictions.inc({ result });
  }

  recordNomination(result: CallResult): void {
    this.nominations.inc({ result });
  }

  recordVolumeWrite(result: CallResult): void {
    this.volumeWrites.inc({ result });
  }

  recordApiError(errorClass: ApiErrorClass): void {
    this.apiErrors.inc({ class: errorClass });
  }

  /** `count` gangs reached their quorum and were placed in a pass. */
  recordGangsPlaced(count = 1): void {
    if (count > 0) this.gangsPlaced.inc(count);
  }

  /** Gangs left waiting (short of members or of room) after the last pass. */
  setGangsWaiting(count: number): void {
    this.gangsWaiting.set(count);
  }

  /** This replica started (true) or stopped (false) scheduling. */
  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  /** The Content-Type header for render()'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
