// The status conditions of Kubernetes PodGroups (scheduling.k8s.io/v1beta1), written as
// kube-scheduler writes them: PodGroupInitiallyScheduled False (reason Unschedulable, the
// gang's message) while the gang waits, True (reason Scheduled) once its quorum is bound,
// and never back to False after that; DisruptionTarget True (reason PreemptionByScheduler)
// when the scheduler evicts members of the group.
import type { ClusterApi, PodGroupCondition, PodGroupRef } from '../cluster/index.js';
import { gangKey, gangKeyResolver, gangsOf, type Plan, type PlanConfig, type Snapshot } from '../core/index.js';
import type { ExecutionReport } from './executor.js';
import { mapLimit } from './limit.js';
import type { Logger } from './log.js';

export const INITIALLY_SCHEDULED = 'PodGroupInitiallyScheduled';
export const DISRUPTION_TARGET = 'DisruptionTarget';

/** A condition as the watch shows it on a PodGroup. */
export interface ObservedCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** A Kubernetes PodGroup as the watch shows it: what the writes need. */
export interface ObservedPodGroup {
  readonly ref: PodGroupRef;
  readonly generation: number;
  readonly conditions: readonly ObservedCondition[];
}

export interface ConditionChange {
  readonly group: PodGroupRef;
  readonly condition: PodGroupCondition;
}

/**
 * The condition writes a pass calls for: one per PodGroup and type whose wanted status,
 * reason or message differs from what it shows.
 */
export function conditionChanges(
  snapshot: Snapshot,
  plan: Plan,
  report: Pick<ExecutionReport, 'bindings' | 'evictions'>,
  observed: ReadonlyMap<string, ObservedPodGroup>,
  config: Pick<PlanConfig, 'schedulerName' | 'gangSources'>,
  now: Date,
): ConditionChange[] {
  if (observed.size === 0) return [];
  const { gangs } = gangsOf(snapshot, config);
  const keyOf = gangKeyResolver(snapshot, config);
  const pods = new Map(snapshot.pods.map((p) => [p.key, p]));
  const gangOfPod = (pod: string): string | undefined => {
    const p = pods.get(pod);
    return p === undefined ? undefined : keyOf(p);
  };
  const countBy = (keys: readonly (string | undefined)[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const k of keys) if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts;
  };
  const boundNow = countBy(report.bindings.filter((b) => b.result === 'done').map((b) => gangOfPod(b.pod)));
  const nominated = countBy(plan.nominations.map((n) => gangOfPod(n.pod)));
  const waitingMessage = new Map<string, string>();
  for (const u of plan.unschedulable) {
    const key = gangOfPod(u.pod);
    if (key !== undefined && !waitingMessage.has(key)) waitingMessage.set(key, u.message);
  }
  const preemptors = new Map<string, string>();
  for (const e of report.evictions) {
    const key = e.result === 'done' ? gangOfPod(e.pod) : undefined;
    if (key !== undefined && !preemptors.has(key)) preemptors.set(key, e.preemptor);
  }

  const changes: ConditionChange[] = [];
  const want = (group: ObservedPodGroup, type: string, status: 'True' | 'False', reason: string, message: string) => {
    const current = group.conditions.find((c) => c.type === type);
    if (current?.status === status && current.reason === reason && current.message === message) return;
    changes.push({
      group: group.ref,
      condition: {
        type,
        status,
        reason,
        message,
        observedGeneration: group.generation,
        lastTransitionTime: current?.status === status ? current.lastTransitionTime : now.toISOString(),
      },
    });
  };
  for (const group of observed.values()) {
    const key = gangKey('kubernetes', group.ref.namespace, group.ref.name);
    const preemptor = preemptors.get(key);
    if (preemptor !== undefined)
      want(group, DISRUPTION_TARGET, 'True', 'PreemptionByScheduler', `preempted by ${preemptor}`);

    const scheduled = group.conditions.find((c) => c.type === INITIALLY_SCHEDULED);
    if (scheduled?.status === 'True') continue; // terminal: never back to False
    const gang = gangs.get(key);
    if (gang === undefined) {
      // No member of ours is visible (or the group waits before any gang forms).
      const message = waitingMessage.get(key);
      if (message !== undefined) want(group, INITIALLY_SCHEDULED, 'False', 'Unschedulable', message);
      continue;
    }
    const placed = gang.placed + (boundNow.get(key) ?? 0);
    if (placed >= gang.quorum) {
      want(
        group,
        INITIALLY_SCHEDULED,
        'True',
        'Scheduled',
        `${placed} of ${gang.members.length} members bound (quorum ${gang.quorum})`,
      );
      continue;
    }
    const waitingFor = nominated.get(key);
    const message =
      waitingMessage.get(key) ??
      (waitingFor === undefined
        ? undefined
        : `gang ${key}: ${waitingFor} members nominated; waiting for the victims of preemption to leave`);
    if (message !== undefined) want(group, INITIALLY_SCHEDULED, 'False', 'Unschedulable', message);
  }
  return changes;
}

/** Writes the changes a pass calls for; a failed write is logged and tried again next pass. */
export class PodGroupStatusWriter {
  constructor(
    private readonly api: Pick<ClusterApi, 'setPodGroupCondition'>,
    private readonly observed: () => ReadonlyMap<string, ObservedPodGroup>,
    private readonly config: Pick<PlanConfig, 'schedulerName' | 'gangSources'>,
    private readonly log: Logger,
    private readonly concurrency: number,
  ) {}

  async afterPass(
    snapshot: Snapshot,
    plan: Plan,
    report: Pick<ExecutionReport, 'bindings' | 'evictions'>,
    signal: AbortSignal,
    now: number,
  ): Promise<void> {
    const changes = conditionChanges(snapshot, plan, report, this.observed(), this.config, new Date(now));
    await mapLimit(changes, this.concurrency, async ({ group, condition }) => {
      const outcome = await this.api.setPodGroupCondition(group, condition, signal);
      const fields = {
        podGroup: `${group.namespace}/${group.name}`,
        condition: condition.type,
        status: condition.status,
        reason: condition.reason,
      };
      if (outcome.ok)
        this.log.info(`PodGroup ${group.namespace}/${group.name}: ${condition.type}=${condition.status}`, fields);
      else this.log.warn('PodGroup condition not written', { ...fields, error: outcome.error.message });
    });
  }
}

/** The Kubernetes PodGroups as the watch shows them, by `namespace/name`; objects it cannot read are left out. */
export function observedPodGroups(objects: readonly unknown[]): Map<string, ObservedPodGroup> {
  const out = new Map<string, ObservedPodGroup>();
  for (const obj of objects) {
    const metadata = field(obj, 'metadata');
    const namespace = field(metadata, 'namespace');
    const name = field(metadata, 'name');
    const uid = field(metadata, 'uid');
    if (typeof namespace !== 'string' || typeof name !== 'string' || typeof uid !== 'string') continue;
    const generation = field(metadata, 'generation');
    const rawConditions = field(field(obj, 'status'), 'conditions');
    const conditions: ObservedCondition[] = [];
    if (Array.isArray(rawConditions)) {
      for (const c of rawConditions) {
        const text = (key: string): string => {
          const v = field(c, key);
          return typeof v === 'string' ? v : '';
        };
        conditions.push({
          type: text('type'),
          status: text('status'),
          reason: text('reason'),
          message: text('message'),
          lastTransitionTime: text('lastTransitionTime'),
        });
      }
    }
    out.set(`${namespace}/${name}`, {
      ref: { namespace, name, uid },
      generation: typeof generation === 'number' ? generation : 0,
      conditions,
    });
  }
  return out;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}
