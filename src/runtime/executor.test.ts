import type { AnnotationPatch, AssumedKind, ClaimRefValue, PassInput, PodInfo, PodRef } from '../cluster/index.js';
import type { Claim, Plan } from '../core/index.js';
import { claim } from '../core/volumes/testing.js';
import { executePlan } from './executor.js';
import { FakeApi } from './fake-api.js';
import { silentLogger } from './log.js';

const T = 1_000;

function input(...names: string[]): PassInput {
  const pods = new Map<string, PodInfo>(
    names.map((n) => [`ns/${n}`, { ref: { namespace: 'ns', name: n, uid: `u-${n}` }, scheduled: undefined }]),
  );
  return { snapshot: { nodes: [], pods: [], pdbs: [] }, pods, rejected: [], volumeVersions: new Map() };
}

/** Pods, plus claims `ns/<name>` (uid `uid-<name>`) and volumes at resourceVersion 7. */
function storageInput(pods: string[], claims: string[], volumes: string[]): PassInput {
  const base = input(...pods);
  return {
    ...base,
    snapshot: { ...base.snapshot, claims: claims.map((c) => claim(c, { namespace: 'ns' })) },
    volumeVersions: new Map(volumes.map((v) => [v, '7'])),
  };
}

class Assumed {
  readonly live = new Map<string, string>();
  assume(kind: AssumedKind, ref: PodRef, node: string): void {
    this.live.set(`${kind}:${ref.name}`, node);
  }
  forget(kind: AssumedKind, ref: PodRef): void {
    this.live.delete(`${kind}:${ref.name}`);
  }
  assumeClaim(c: Claim, annotations: AnnotationPatch): void {
    this.live.set(`claim:${c.name}`, JSON.stringify(annotations));
  }
  forgetClaim(c: Claim): void {
    this.live.delete(`claim:${c.name}`);
  }
  assumeVolume(volume: string, ref: ClaimRefValue | undefined): void {
    this.live.set(`volume:${volume}`, ref === undefined ? '' : ref.name);
  }
  forgetVolume(volume: string): void {
    this.live.delete(`volume:${volume}`);
  }
}

const PREFIX = 'custom-scheduling.k8s.io';
const CHOSEN_AT = `${PREFIX}/volume-chosen-at`;
const T_RFC3339 = new Date(T).toISOString();

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
      { api, assumed, log: silentLogger(), concurrency: 4, annotationPrefix: PREFIX },
      new AbortController().signal,
      T,
    );
    expect(api.calls.map((c) => `${c.op} ${c.pod}`)).toEqual(['evict ns/low', 'bind ns/a', 'nominate ns/high']);
    expect([...assumed.live.keys()].sort()).toEqual(['bind:a', 'eviction:low', 'nomination:high']);
  });

  it('forgets a bind that failed for sure, keeps one abandoned at the deadline', async () => {
    const api = new FakeApi();
    api.failures.set('bind:ns/a', { kind: 'gone', status: 404, message: 'pods "a" not found' });
    api.failures.set('bind:ns/b', 'abandon');
    api.failures.set('bind:ns/c', { kind: 'forbidden', status: 403, message: 'cannot create pods/binding' });
    const assumed = new Assumed();
    const report = await executePlan(
      plan({ bindings: ['a', 'b', 'c', 'd'].map((n) => ({ pod: `ns/${n}`, node: `node-${n}` })) }),
      input('a', 'b', 'c', 'd'),
      { api, assumed, log: silentLogger(), concurrency: 2, annotationPrefix: PREFIX },
      new AbortController().signal,
      T,
    );
    expect(report.bindings.map((b) => b.result)).toEqual(['failed', 'abandoned', 'failed', 'done']);
    expect([...assumed.live.keys()].sort()).toEqual(['bind:b', 'bind:d']);
  });

  it('keeps a write assumed when its failure does not prove it missed: no answer, 5xx, a bind conflict', async () => {
    const api = new FakeApi();
    api.failures.set('bind:ns/a', { kind: 'transient', status: undefined, message: 'socket hang up' });
    api.failures.set('bind:ns/b', { kind: 'transient', status: 503, message: 'etcdserver: leader changed' });
    api.failures.set('bind:ns/c', { kind: 'conflict', status: 409, message: 'pod ns/c is already assigned' });
    api.failures.set('bind:ns/d', { kind: 'transient', status: 429, message: 'too many requests' });
    api.failures.set('nominate:ns/e', { kind: 'conflict', status: 409, message: 'the object has been modified' });
    const assumed = new Assumed();
    const report = await executePlan(
      plan({
        bindings: ['a', 'b', 'c', 'd'].map((n) => ({ pod: `ns/${n}`, node: `node-${n}` })),
        nominations: [{ pod: 'ns/e', node: 'node-e' }],
      }),
      input('a', 'b', 'c', 'd', 'e'),
      { api, assumed, log: silentLogger(), concurrency: 2, annotationPrefix: PREFIX },
      new AbortController().signal,
      T,
    );
    expect(report.bindings.map((b) => b.result)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect([...assumed.live.keys()].sort()).toEqual(['bind:a', 'bind:b', 'bind:c']);
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
      { api, assumed, log: silentLogger(), concurrency: 1, annotationPrefix: PREFIX },
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
      { api, assumed: new Assumed(), log: silentLogger(), concurrency: 3, annotationPrefix: PREFIX },
      new AbortController().signal,
      T,
    );
    expect(peak).toBe(3);
  });

  describe('volume choices and releases', () => {
    const run = (p: Partial<Plan>, passInput: PassInput, api = new FakeApi(), assumed = new Assumed()) =>
      executePlan(
        plan(p),
        passInput,
        { api, assumed, log: silentLogger(), concurrency: 1, annotationPrefix: PREFIX },
        new AbortController().signal,
        T,
      ).then((report) => ({ report, api, assumed }));

    it('annotates a dynamic claim with the node and the time, then nominates the pod', async () => {
      const { api, assumed, report } = await run(
        {
          nominations: [{ pod: 'ns/p', node: 'n1' }],
          volumeChoices: [{ pod: 'ns/p', node: 'n1', claims: [{ claim: 'ns/data', volume: '' }] }],
        },
        storageInput(['p'], ['data'], []),
      );
      const annotations = { 'volume.kubernetes.io/selected-node': 'n1', [CHOSEN_AT]: T_RFC3339 };
      expect(api.calls).toEqual([
        { op: 'annotateClaim', pod: 'ns/data', detail: JSON.stringify({ uid: 'uid-data', annotations }) },
        { op: 'nominate', pod: 'ns/p', detail: 'n1' },
      ]);
      expect(report.volumes).toEqual([
        { pod: 'ns/p', node: 'n1', object: 'persistentvolumeclaim ns/data', result: 'done' },
      ]);
      expect(report.nominations).toEqual([{ pod: 'ns/p', node: 'n1', result: 'done' }]);
      expect(assumed.live.get('claim:data')).toBe(JSON.stringify(annotations));
    });

    it('pre-binds a chosen volume to the claim (at the watched version), stamps the claim, then nominates', async () => {
      const { api, assumed } = await run(
        {
          nominations: [{ pod: 'ns/p', node: 'n2' }],
          volumeChoices: [
            {
              pod: 'ns/p',
              node: 'n2',
              claims: [
                { claim: 'ns/a', volume: 'pv-a' },
                { claim: 'ns/b', volume: '' },
              ],
            },
          ],
        },
        storageInput(['p'], ['a', 'b'], ['pv-a']),
      );
      const claimRef = { namespace: 'ns', name: 'a', uid: 'uid-a' };
      expect(api.calls).toEqual([
        { op: 'setVolumeClaim', pod: 'pv-a', detail: JSON.stringify({ resourceVersion: '7', claimRef }) },
        {
          op: 'annotateClaim',
          pod: 'ns/a',
          detail: JSON.stringify({ uid: 'uid-a', annotations: { [CHOSEN_AT]: T_RFC3339 } }),
        },
        {
          op: 'annotateClaim',
          pod: 'ns/b',
          detail: JSON.stringify({
            uid: 'uid-b',
            annotations: { 'volume.kubernetes.io/selected-node': 'n2', [CHOSEN_AT]: T_RFC3339 },
          }),
        },
        { op: 'nominate', pod: 'ns/p', detail: 'n2' },
      ]);
      expect([...assumed.live.keys()].sort()).toEqual(['claim:a', 'claim:b', 'nomination:p', 'volume:pv-a']);
    });

    it('writes the choice of a pod already nominated there, without nominating it again', async () => {
      const { api, report } = await run(
        { volumeChoices: [{ pod: 'ns/p', node: 'n1', claims: [{ claim: 'ns/data', volume: '' }] }] },
        storageInput(['p'], ['data'], []),
      );
      expect(api.calls.map((c) => `${c.op} ${c.pod}`)).toEqual(['annotateClaim ns/data']);
      expect(report.nominations).toEqual([]);
    });

    it('neither stamps the claim nor nominates the pod when the volume changed since the snapshot (409)', async () => {
      const api = new FakeApi();
      api.failures.set('setVolumeClaim:pv-a', {
        kind: 'conflict',
        status: 409,
        message: 'the object has been modified',
      });
      const { assumed, report } = await run(
        {
          nominations: [{ pod: 'ns/p', node: 'n1' }],
          volumeChoices: [{ pod: 'ns/p', node: 'n1', claims: [{ claim: 'ns/a', volume: 'pv-a' }] }],
        },
        storageInput(['p'], ['a'], ['pv-a']),
        api,
      );
      expect(api.calls.map((c) => `${c.op} ${c.pod}`)).toEqual(['setVolumeClaim pv-a']);
      expect(report.volumes).toEqual([
        { pod: 'ns/p', node: 'n1', object: 'persistentvolume pv-a', result: 'failed', errorClass: 'conflict' },
      ]);
      expect(report.nominations).toEqual([]);
      expect(assumed.live.size).toBe(0);
    });

    it('keeps an abandoned claim write assumed and still nominates (the pass deadline decides the rest)', async () => {
      const api = new FakeApi();
      api.failures.set('annotateClaim:ns/data', 'abandon');
      const { assumed, report } = await run(
        {
          nominations: [{ pod: 'ns/p', node: 'n1' }],
          volumeChoices: [{ pod: 'ns/p', node: 'n1', claims: [{ claim: 'ns/data', volume: '' }] }],
        },
        storageInput(['p'], ['data'], []),
        api,
      );
      expect(report.volumes.map((v) => v.result)).toEqual(['abandoned']);
      expect(report.nominations.map((n) => n.result)).toEqual(['done']);
      expect(assumed.live.has('claim:data')).toBe(true);
    });

    it('releases before choosing: clears the volume’s claimRef, then removes both annotations', async () => {
      const { api, assumed, report } = await run(
        {
          volumeReleases: [
            { claim: 'ns/old', volume: 'pv-old' },
            { claim: 'ns/dyn', volume: '' },
          ],
          nominations: [{ pod: 'ns/p', node: 'n1' }],
          volumeChoices: [{ pod: 'ns/p', node: 'n1', claims: [{ claim: 'ns/data', volume: 'pv-old' }] }],
        },
        storageInput(['p'], ['old', 'dyn', 'data'], ['pv-old']),
      );
      const removed = { 'volume.kubernetes.io/selected-node': null, [CHOSEN_AT]: null };
      expect(api.calls.slice(0, 3)).toEqual([
        { op: 'setVolumeClaim', pod: 'pv-old', detail: JSON.stringify({ resourceVersion: '7', claimRef: null }) },
        { op: 'annotateClaim', pod: 'ns/old', detail: JSON.stringify({ uid: 'uid-old', annotations: removed }) },
        { op: 'annotateClaim', pod: 'ns/dyn', detail: JSON.stringify({ uid: 'uid-dyn', annotations: removed }) },
      ]);
      expect(api.calls.slice(3).map((c) => `${c.op} ${c.pod}`)).toEqual([
        'setVolumeClaim pv-old',
        'annotateClaim ns/data',
        'nominate ns/p',
      ]);
      expect(report.volumes.map((v) => [v.pod, v.object])).toEqual([
        ['', 'persistentvolume pv-old'],
        ['', 'persistentvolumeclaim ns/old'],
        ['', 'persistentvolumeclaim ns/dyn'],
        ['ns/p', 'persistentvolume pv-old'],
        ['ns/p', 'persistentvolumeclaim ns/data'],
      ]);
      expect(assumed.live.get('volume:pv-old')).toBe('data');
    });

    it('leaves the claim stamped when clearing the volume failed, so the next pass releases again', async () => {
      const api = new FakeApi();
      api.failures.set('setVolumeClaim:pv-old', { kind: 'conflict', status: 409, message: 'modified' });
      const { report } = await run(
        { volumeReleases: [{ claim: 'ns/old', volume: 'pv-old' }] },
        storageInput([], ['old'], ['pv-old']),
        api,
      );
      expect(api.calls.map((c) => c.op)).toEqual(['setVolumeClaim']);
      expect(report.volumes.map((v) => v.result)).toEqual(['failed']);
    });

    it('writes nothing for a claim or volume missing from the snapshot, and does not nominate', async () => {
      const { api, report } = await run(
        {
          nominations: [{ pod: 'ns/p', node: 'n1' }],
          volumeChoices: [
            {
              pod: 'ns/p',
              node: 'n1',
              claims: [
                { claim: 'ns/ghost', volume: '' },
                { claim: 'ns/a', volume: 'pv-ghost' },
              ],
            },
          ],
        },
        storageInput(['p'], ['a'], []),
      );
      expect(api.calls).toEqual([]);
      expect(report.volumes.map((v) => [v.object, v.result])).toEqual([
        ['persistentvolumeclaim ns/ghost', 'failed'],
        ['persistentvolume pv-ghost', 'failed'],
      ]);
    });
  });
});
