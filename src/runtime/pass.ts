// One scheduling pass: snapshot, plan, execute, record. The planner is pure; every
// side effect of the pass happens here, after planning, and never inside it.
import type { ClusterApi, PassInput } from '../cluster/index.js';
import type { Plan, PlanConfig, Pod, Snapshot } from '../core/index.js';
import { executePlan, type AssumeSink, type ExecutionReport } from './executor.js';
import type { Feedback, PendingNotice } from './feedback.js';
import type { GangGuard } from './gang-guard.js';
import { mapLimit } from './limit.js';
import type { Logger } from './log.js';
import type { PodGroupStatusWriter } from './pod-group-status.js';

export interface PassDeps {
  readonly store: AssumeSink & { snapshot(now: number): PassInput };
  readonly synced: () => boolean;
  /** The node and pod watches are up (listed since their last failure): planning is safe. */
  readonly current: () => boolean;
  readonly plan: (snapshot: Snapshot, config: PlanConfig, now: number) => Plan;
  readonly planConfig: PlanConfig;
  readonly api: ClusterApi;
  readonly feedback: Feedback;
  readonly gangGuard: GangGuard;
  /** Writes the conditions of Kubernetes PodGroups after each pass; absent when that source is not in use. */
  readonly podGroupStatus?: Pick<PodGroupStatusWriter, 'afterPass'>;
  readonly log: Logger;
  readonly concurrency: number;
  readonly dryRun: boolean;
}

export interface PassSummary {
  readonly skipped: boolean;
  readonly plan?: Plan;
  readonly report?: ExecutionReport;
  /** The pods the plan was made from, by namespace/name. */
  readonly pods?: ReadonlyMap<string, Pod>;
  /** The snapshot the plan was made from (its PodGroups tell the pods' gangs). */
  readonly snapshot?: Snapshot;
}

export async function runPass(deps: PassDeps, signal: AbortSignal, now: number): Promise<PassSummary> {
  if (!deps.synced()) {
    deps.log.debug('pass skipped: listeners not synced yet');
    return { skipped: true };
  }
  if (!deps.current()) return { skipped: true }; // the caller logs when passes are held and resume
  const passStart = Date.now(); // a measurement only; the pass's time is `now`
  const exec = {
    api: deps.api,
    assumed: deps.store,
    log: deps.log,
    concurrency: deps.concurrency,
    annotationPrefix: deps.planConfig.annotationPrefix,
  };
  let input = deps.store.snapshot(now);
  const snapshotMs = Date.now() - passStart;

  const stranded = deps.gangGuard.check(input.snapshot, now);
  if (stranded.length > 0 && !deps.dryRun) {
    deps.log.warn('evicting members of gangs still below quorum after failed binds', {
      pods: stranded.map((e) => e.pod),
    });
    await executePlan(
      { evictions: stranded, bindings: [], nominations: [], unschedulable: [] },
      input,
      exec,
      signal,
      now,
    );
    input = deps.store.snapshot(now); // the evictions are assumed now: plan with them
  }

  const started = Date.now();
  const plan = deps.plan(input.snapshot, deps.planConfig, now);
  const planMs = Date.now() - started;
  const pods = new Map<string, Pod>(input.snapshot.pods.map((p) => [p.key, p]));
  const decided = plan.bindings.length + plan.evictions.length + plan.nominations.length > 0;
  deps.log.log(decided ? 'info' : 'debug', 'planned', {
    snapshotMs,
    planMs,
    bindings: plan.bindings.length,
    evictions: plan.evictions.length,
    nominations: plan.nominations.length,
    unschedulable: plan.unschedulable.length,
    volumeChoices: plan.volumeChoices?.length ?? 0,
    volumeReleases: plan.volumeReleases?.length ?? 0,
  });

  if (deps.dryRun) {
    logDryRun(plan, deps.log);
    return { skipped: false, plan, pods, snapshot: input.snapshot };
  }

  // A nomination the pod already carries needs no write.
  const fresh: Plan = {
    ...plan,
    nominations: plan.nominations.filter((n) => pods.get(n.pod)?.nominatedNodeName !== n.node),
  };
  const report = await executePlan(fresh, input, exec, signal, now);
  deps.gangGuard.noteBinds(report.bindings, input.snapshot, now);
  await deps.feedback.afterExecution(report, input, signal);

  const notices: PendingNotice[] = [
    ...plan.unschedulable,
    ...input.rejected.map((r) => ({
      pod: r.key,
      reason: 'InvalidPod',
      message: `pod cannot be scheduled: ${r.error}`,
    })),
  ];
  await deps.feedback.pending(notices, input, signal);
  await deps.podGroupStatus?.afterPass(input.snapshot, plan, report, signal, now);
  await clearStaleNominations(plan, pods, input, deps, signal, now);
  const count = (list: readonly { result: string }[]) => list.filter((w) => w.result === 'done').length;
  const acted =
    report.bindings.length + report.evictions.length + report.nominations.length + report.volumes.length > 0;
  // A summary per pass that did something (debug when idle), for throughput and stalls.
  deps.log.log(acted ? 'info' : 'debug', 'pass done', {
    snapshotMs,
    planMs,
    passMs: Date.now() - passStart,
    bound: count(report.bindings),
    evicted: count(report.evictions),
    nominated: count(report.nominations),
    volumeWrites: count(report.volumes),
    failed: [...report.bindings, ...report.evictions, ...report.nominations, ...report.volumes].filter(
      (w) => w.result !== 'done',
    ).length,
    unschedulable: plan.unschedulable.length + input.rejected.length,
  });
  return { skipped: false, plan, report, pods, snapshot: input.snapshot };
}

/** A pod the planner no longer nominates anywhere gives its reserved node back. */
async function clearStaleNominations(
  plan: Plan,
  pods: ReadonlyMap<string, Pod>,
  input: PassInput,
  deps: PassDeps,
  signal: AbortSignal,
  now: number,
): Promise<void> {
  const stale = plan.unschedulable.filter((u) => (pods.get(u.pod)?.nominatedNodeName ?? '') !== '');
  await mapLimit(stale, deps.concurrency, async (u) => {
    const ref = input.pods.get(u.pod)?.ref;
    if (ref === undefined) return;
    deps.store.assume('nomination', ref, '', now);
    const outcome = await deps.api.nominate(ref, '', signal);
    if (outcome.ok)
      deps.log.info(`nomination of ${u.pod} cleared`, { action: 'nomination-cleared', pod: u.pod, reason: u.reason });
    else deps.store.forget('nomination', ref);
  });
}

function logDryRun(plan: Plan, log: Logger): void {
  for (const e of plan.evictions)
    log.info(`would evict ${e.pod}`, {
      action: 'eviction',
      pod: e.pod,
      node: e.node,
      preemptor: e.preemptor,
      dryRun: true,
    });
  for (const b of plan.bindings)
    log.info(`would bind ${b.pod}`, { action: 'bind', pod: b.pod, node: b.node, dryRun: true });
  for (const n of plan.nominations)
    log.info(`would nominate ${n.pod}`, { action: 'nomination', pod: n.pod, node: n.node, dryRun: true });
  for (const c of plan.volumeChoices ?? [])
    for (const { claim, volume } of c.claims)
      log.info(`would choose ${volume === '' ? 'provisioning' : `volume ${volume}`} for claim ${claim}`, {
        action: 'volume',
        pod: c.pod,
        node: c.node,
        claim,
        volume,
        dryRun: true,
      });
  for (const r of plan.volumeReleases ?? [])
    log.info(`would release claim ${r.claim}`, { action: 'volume', claim: r.claim, volume: r.volume, dryRun: true });
  for (const u of plan.unschedulable)
    log.debug(`unschedulable ${u.pod}`, {
      action: 'unschedulable',
      pod: u.pod,
      reason: u.reason,
      message: u.message,
      dryRun: true,
    });
}
