import type { AssumedKind, PassInput, PodInfo, PodRef } from '../cluster/index.js';
import type { Plan } from '../core/index.js';
import { executePlan } from './executor.js';
import { FakeApi } from './fake-api.js';
import { silentLogger } from './log.js';

const T = 1_000;

function input(...names: string[]): PassInput {
  const pods = new Map<string, PodInfo>(
    names.map((n) => [`ns/${n}`, { ref: { namespace: 'ns', name: n, uid: `u-${n}` }, scheduled: undefined }]),
  );
  return { snapshot: { nodes: [], pods: [], pdbs: [] }, pods, rejected: [] };
}

class Assumed {
  readonly live = new Map<string, string>();
  assume(kind: AssumedKind, ref: PodRef, node: string): void {
    this.live.set(`${kind}:${ref.name}`, node);
  }
  forget(kind: AssumedKind, ref: PodRef): void {
    this.live.delete(`${kind}:${ref.name}`);
  }
}

const plan = (p: Partial<Plan>): Plan => ({ bindings: [], evictions: [], nominations: [], unschedulable: [], ...p });

describe('executePlan', () => {
  it('evicts first, then binds, then nominates', async () => {
    const api = new FakeApi();
    const assumed = new Assumed();
    await executePlan(
      plan({
        nominations: [{ pod: 'ns/high', node: 'n1' }],
        bindings: [{ pod: 'ns/a', node: 'n2' }],
        evictions: [{ pod: 'ns/low', node: 'n1', preemptor: 'ns/high' }],
      }),
      input('high', 'a', 'low'),
      { api, assumed, log: silentLogger(), concurrency: 4 },
      new AbortController().signal,
      T,
    );
    expect(api.calls.map((c) => `${c.op} ${c.pod}`)).toEqual(['evict ns/low', 'bind ns/a', 'nominate ns/high']);
    expect([...assumed.live.keys()].sort()).toEqual(['bind:a', 'eviction:low', 'nomination:high']);
  });

  it('forgets a bind that failed for sure, keeps one abandoned at the deadline', async () => {
    const api = new FakeApi();
    api.failures.set('bind:ns/a', { kind: 'conflict', status: 409, message: 'already bound' });
    api.failures.set('bind:ns/b', 'abandon');
    api.failures.set('bind:ns/c', { kind: 'forbidden', status: 403, message: 'cannot create pods/binding' });
    const assumed = new Assumed();
    const report = await executePlan(
      plan({ bindings: ['a', 'b', 'c', 'd'].map((n) => ({ pod: `ns/${n}`, node: `node-${n}` })) }),
      input('a', 'b', 'c', 'd'),
      { api, assumed, log: silentLogger(), concurrency: 2 },
      new AbortController().signal,
      T,
    );
    expect(report.bindings.map((b) => b.result)).toEqual(['failed', 'abandoned', 'failed', 'done']);
    expect([...assumed.live.keys()].sort()).toEqual(['bind:b', 'bind:d']);
  });

  it('keeps a victim whose eviction a PDB refused (429): not assumed gone', async () => {
    const api = new FakeApi();
    api.failures.set('evict:ns/low', {
      kind: 'transient',
      status: 429,
      message: 'Cannot evict pod as it would violate the pod disruption budget.',
    });
    const assumed = new Assumed();
    const report = await executePlan(
      plan({ evictions: [{ pod: 'ns/low', node: 'n1', preemptor: 'ns/high' }] }),
      input('low', 'high'),
      { api, assumed, log: silentLogger(), concurrency: 1 },
      new AbortController().signal,
      T,
    );
    expect(report.evictions[0]!.result).toBe('failed');
    expect(assumed.live.size).toBe(0);
  });

  it('never has more calls in flight than the concurrency limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const api = new FakeApi();
    const bind = api.bind.bind(api);
    api.bind = async (ref, node) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return bind(ref, node);
    };
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    await executePlan(
      plan({ bindings: names.map((n) => ({ pod: `ns/${n}`, node: 'x' })) }),
      input(...names),
      { api, assumed: new Assumed(), log: silentLogger(), concurrency: 3 },
      new AbortController().signal,
      T,
    );
    expect(peak).toBe(3);
  });
});
