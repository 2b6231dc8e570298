import type { Plan, Snapshot } from '../core/index.js';
import { config, gangRef, node, pod, podGroup, snap } from '../core/testing.js';
import type { WriteReport } from './executor.js';
import { FakeApi } from './fake-api.js';
import { silentLogger } from './log.js';
import {
  conditionChanges,
  observedPodGroups,
  PodGroupStatusWriter,
  type ObservedCondition,
  type ObservedPodGroup,
} from './pod-group-status.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const EARLIER = '2026-11-23T09:00:00Z';
const KEY = 'default/train (scheduling.k8s.io PodGroup)';
const EMPTY_PLAN: Plan = { bindings: [], evictions: [], nominations: [], unschedulable: [] };

function observed(conditions: ObservedCondition[] = []): Map<string, ObservedPodGroup> {
  return new Map([
    ['default/train', { ref: { namespace: 'default', name: 'train', uid: 'uid-pg' }, generation: 3, conditions }],
  ]);
}

function cluster(bound: number, pending: number): Snapshot {
  const members = [
    ...Array.from({ length: bound }, (_, i) =>
      pod(`b${i}`, { nodeName: 'n1', gangRefs: [gangRef('kubernetes', 'train')] }),
    ),
    ...Array.from({ length: pending }, (_, i) => pod(`p${i}`, { gangRefs: [gangRef('kubernetes', 'train')] })),
  ];
  return { ...snap([node('n1', { cpu: 8 })], members), podGroups: [podGroup('kubernetes', 'train', { quorum: 3 })] };
}

const done = (pod: string): WriteReport => ({ pod, node: 'n1', result: 'done' });

describe('PodGroup conditions', () => {
  it('a waiting gang: PodGroupInitiallyScheduled False, reason Unschedulable, with the gang message', () => {
    const plan: Plan = {
      ...EMPTY_PLAN,
      unschedulable: [
        { pod: 'default/p0', reason: 'GangUnschedulable', message: `gang ${KEY}: 2 of 3 members fit` },
        { pod: 'default/p1', reason: 'GangUnschedulable', message: `gang ${KEY}: 2 of 3 members fit` },
      ],
    };
    const changes = conditionChanges(cluster(0, 3), plan, { bindings: [], evictions: [] }, observed(), config(), NOW);
    expect(changes).toEqual([
      {
        group: { namespace: 'default', name: 'train', uid: 'uid-pg' },
        condition: {
          type: 'PodGroupInitiallyScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: `gang ${KEY}: 2 of 3 members fit`,
          observedGeneration: 3,
          lastTransitionTime: NOW.toISOString(),
        },
      },
    ]);
  });

  it('nothing to write when the condition already says so', () => {
    const message = `gang ${KEY}: 2 of 3 members fit`;
    const plan: Plan = { ...EMPTY_PLAN, unschedulable: [{ pod: 'default/p0', reason: 'GangUnschedulable', message }] };
    const current = observed([
      {
        type: 'PodGroupInitiallyScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastTransitionTime: EARLIER,
      },
    ]);
    expect(conditionChanges(cluster(0, 3), plan, { bindings: [], evictions: [] }, current, config(), NOW)).toEqual([]);
  });

  it('True (reason Scheduled) once the quorum is bound, counting this pass’s binds; the transition time moves', () => {
    const current = observed([
      {
        type: 'PodGroupInitiallyScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: 'm',
        lastTransitionTime: EARLIER,
      },
    ]);
    const plan: Plan = { ...EMPTY_PLAN, bindings: [{ pod: 'default/p0', node: 'n1' }] };
    const changes = conditionChanges(
      cluster(2, 1),
      plan,
      { bindings: [done('default/p0')], evictions: [] },
      current,
      config(),
      NOW,
    );
    expect(changes.map((c) => c.condition)).toEqual([
      {
        type: 'PodGroupInitiallyScheduled',
        status: 'True',
        reason: 'Scheduled',
        message: '3 of 3 members bound (quorum 3)',
        observedGeneration: 3,
        lastTransitionTime: NOW.toISOString(),
      },
    ]);
  });

  it('never goes back to False once True', () => {
    const current = observed([
      {
        type: 'PodGroupInitiallyScheduled',
        status: 'True',
        reason: 'Scheduled',
        message: 'm',
        lastTransitionTime: EARLIER,
      },
    ]);
    const plan: Plan = {
      ...EMPTY_PLAN,
      unschedulable: [{ pod: 'default/p0', reason: 'GangUnschedulable', message: 'x' }],
    };
    expect(conditionChanges(cluster(0, 3), plan, { bindings: [], evictions: [] }, current, config(), NOW)).toEqual([]);
  });

  it('DisruptionTarget True, reason PreemptionByScheduler, when members are evicted', () => {
    const current = observed([
      {
        type: 'PodGroupInitiallyScheduled',
        status: 'True',
        reason: 'Scheduled',
        message: 'm',
        lastTransitionTime: EARLIER,
      },
    ]);
    const report = { bindings: [], evictions: [{ ...done('default/b0'), preemptor: 'default/urgent' }] };
    const changes = conditionChanges(cluster(3, 0), EMPTY_PLAN, report, current, config(), NOW);
    expect(
      changes.map((c) => `${c.condition.type}=${c.condition.status} ${c.condition.reason}: ${c.condition.message}`),
    ).toEqual(['DisruptionTarget=True PreemptionByScheduler: preempted by default/urgent']);
  });

  it('a gang waiting for its victims says so', () => {
    const plan: Plan = { ...EMPTY_PLAN, nominations: [{ pod: 'default/p0', node: 'n1' }] };
    const changes = conditionChanges(cluster(2, 1), plan, { bindings: [], evictions: [] }, observed(), config(), NOW);
    expect(changes.map((c) => c.condition.message)).toEqual([
      `gang ${KEY}: 1 members nominated; waiting for the victims of preemption to leave`,
    ]);
  });

  it('the writer sends each change', async () => {
    const api = new FakeApi();
    const snapshot = cluster(0, 3);
    const plan: Plan = {
      ...EMPTY_PLAN,
      unschedulable: [{ pod: 'default/p0', reason: 'GangUnschedulable', message: 'wait' }],
    };
    const writer = new PodGroupStatusWriter(api, () => observed(), config(), silentLogger(), 2);
    await writer.afterPass(
      snapshot,
      plan,
      { bindings: [], evictions: [] },
      new AbortController().signal,
      NOW.getTime(),
    );
    expect(api.calls).toEqual([
      {
        op: 'setPodGroupCondition',
        pod: 'default/train',
        detail: 'PodGroupInitiallyScheduled=False Unschedulable: wait',
      },
    ]);
  });

  it('reads the PodGroups the watch shows', () => {
    const objects = [
      {
        metadata: { namespace: 'default', name: 'train', uid: 'u1', generation: 2 },
        status: {
          conditions: [
            {
              type: 'PodGroupInitiallyScheduled',
              status: 'True',
              reason: 'Scheduled',
              message: 'ok',
              lastTransitionTime: EARLIER,
            },
          ],
        },
      },
      { metadata: { name: 'no-namespace' } },
    ];
    expect([...observedPodGroups(objects).values()]).toEqual([
      {
        ref: { namespace: 'default', name: 'train', uid: 'u1' },
        generation: 2,
        conditions: [
          {
            type: 'PodGroupInitiallyScheduled',
            status: 'True',
            reason: 'Scheduled',
            message: 'ok',
            lastTransitionTime: EARLIER,
          },
        ],
      },
    ]);
  });
});
