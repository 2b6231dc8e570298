import type { PassInput, PodInfo, ScheduledCondition } from '../cluster/index.js';
import { FakeApi } from './fake-api.js';
import { Feedback } from './feedback.js';
import { silentLogger } from './log.js';

function input(scheduled?: ScheduledCondition): PassInput {
  const pods = new Map<string, PodInfo>([['ns/p', { ref: { namespace: 'ns', name: 'p', uid: 'u1' }, scheduled }]]);
  return { snapshot: { nodes: [], pods: [], pdbs: [] }, pods, rejected: [], volumeVersions: new Map() };
}
const signal = new AbortController().signal;
const notice = (message: string) => [{ pod: 'ns/p', reason: 'Unschedulable', message }];

describe('Feedback', () => {
  it('writes the condition and one FailedScheduling event, and not again while the message stays', async () => {
    const api = new FakeApi();
    const feedback = new Feedback(api, silentLogger(), 2);
    await feedback.pending(notice('0/3 nodes are available: 3 Insufficient cpu.'), input(), signal);
    await feedback.pending(notice('0/3 nodes are available: 3 Insufficient cpu.'), input(), signal);
    expect(api.calls.map((c) => c.op)).toEqual(['markUnschedulable', 'recordEvent']);
    expect(api.calls[1]!.detail).toBe('FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.');
    await feedback.pending(notice('0/4 nodes are available: 4 Insufficient cpu.'), input(), signal);
    expect(api.calls).toHaveLength(4);
  });

  it('writes nothing when the pod already carries the message (after a restart)', async () => {
    const api = new FakeApi();
    const feedback = new Feedback(api, silentLogger(), 2);
    const condition = { status: 'False', reason: 'Unschedulable', message: 'same' };
    await feedback.pending(notice('same'), input(condition), signal);
    expect(api.calls).toEqual([]);
  });

  it('records Scheduled on bind and Preempted on victims', async () => {
    const api = new FakeApi();
    const feedback = new Feedback(api, silentLogger(), 2);
    await feedback.afterExecution(
      {
        bindings: [{ pod: 'ns/p', node: 'n1', result: 'done' }],
        evictions: [{ pod: 'ns/p', node: 'n1', result: 'done', preemptor: 'ns/high' }],
        nominations: [],
        volumes: [],
      },
      input(),
      signal,
    );
    expect(api.calls.map((c) => c.detail)).toEqual([
      'Scheduled: Successfully assigned ns/p to n1',
      'Preempted: Preempted by ns/high on node n1',
    ]);
  });
});
