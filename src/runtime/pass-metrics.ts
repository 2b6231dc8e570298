// Turns what one pass planned and did into the scheduler's metrics.
import { gangKeyResolver, type PlanConfig } from '../core/index.js';
import type { WriteReport } from './executor.js';
import type { CallResult, SchedulerMetrics } from './metrics.js';
import type { PassSummary } from './pass.js';

function callResult(w: WriteReport): CallResult {
  if (w.result === 'done') return 'success';
  if (w.result === 'abandoned') return 'abandoned';
  return w.errorClass ?? 'invalid';
}

export function recordPass(
  metrics: SchedulerMetrics,
  summary: PassSummary,
  seconds: number,
  config: Pick<PlanConfig, 'gangSources'>,
): void {
  const { plan, report, pods, snapshot } = summary;
  if (summary.skipped || plan === undefined) return;
  metrics.observePass(seconds);
  // Still pending after this pass: held back, or nominated and waiting for victims.
  metrics.setPendingPods(plan.unschedulable.length + plan.nominations.length);
  // The planner's grouping: a pod held on its own (an invalid or disagreeing declaration) is in no gang.
  const gangOf = snapshot === undefined ? undefined : gangKeyResolver(snapshot, config);
  const gang = (key: string): string | undefined => {
    const pod = pods?.get(key);
    return pod === undefined || gangOf === undefined ? undefined : gangOf(pod);
  };
  const waiting = new Set(plan.unschedulable.map((u) => gang(u.pod)).filter((g) => g !== undefined));
  metrics.setGangsWaiting(waiting.size);
  if (report === undefined) return; // dry run: nothing was written

  const count = (writes: readonly WriteReport[], record: (r: CallResult) => void): void => {
    for (const w of writes) {
      record(callResult(w));
      if (w.errorClass !== undefined) metrics.recordApiError(w.errorClass);
    }
  };
  count(report.bindings, (r) => metrics.recordBind(r));
  count(report.evictions, (r) => metrics.recordEviction(r));
  count(report.nominations, (r) => metrics.recordNomination(r));
  count(report.volumes, (r) => metrics.recordVolumeWrite(r));
  const placed = new Set(
    report.bindings
      .filter((b) => b.result === 'done')
      .map((b) => gang(b.pod))
      .filter((g) => g !== undefined),
  );
  if (placed.size > 0) metrics.recordGangsPlaced(placed.size);
}
