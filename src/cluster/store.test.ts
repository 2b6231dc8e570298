import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { convertNamespace, convertNode, convertPdb, convertPod } from '../snapshot/convert.js';
import { SchedulerStore } from './store.js';

const T = Date.parse('2026-01-01T00:00:00Z');

function rawPod(
  name: string,
  o: {
    uid?: string;
    nodeName?: string;
    scheduler?: string;
    ns?: string;
    annotations?: Record<string, string>;
    cpu?: string;
  } = {},
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: o.uid ?? `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: new Date(T),
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    },
    spec: {
      schedulerName: o.scheduler ?? 'custom-scheduler',
      ...(o.nodeName === undefined ? {} : { nodeName: o.nodeName }),
      containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: o.cpu ?? '1' } } }],
    },
    status: { phase: 'Pending' },
  };
}

function rawNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '1' },
    status: { allocatable: { cpu: '1', memory: '1Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function setup(pods: V1Pod[], opts: { namespaces?: string[]; ttl?: number } = {}) {
  const state = {
    pods,
    nodes: [rawNode('n1')],
    namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { tier: 'web' } } }],
  };
  const warnings: string[] = [];
  const store = new SchedulerStore(
    { nodes: () => state.nodes, pods: () => state.pods, pdbs: () => [], namespaces: () => state.namespaces },
    {
      schedulerName: 'custom-scheduler',
      namespaces: opts.namespaces ?? [],
      assumeTtlMs: opts.ttl ?? 30_000,
      converters: { pod: convertPod, node: convertNode, pdb: convertPdb, namespace: convertNamespace },
      warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
    },
  );
  return { store, state, warnings };
}

const ref = (name: string) => ({ namespace: 'default', name, uid: `uid-${name}` });

describe('SchedulerStore', () => {
  it('puts the namespaces and their labels in the snapshot', () => {
    const { store } = setup([]);
    expect(store.snapshot(T).snapshot.namespaces).toEqual([{ name: 'default', labels: { tier: 'web' } }]);
  });

  it('shows an assumed bind until the watch reports it, then forgets it', () => {
    const { store, state } = setup([rawPod('a')]);
    store.assume('bind', ref('a'), 'n1', T);
    expect(store.snapshot(T).snapshot.pods[0]!.nodeName).toBe('n1');
    state.pods = [rawPod('a', { nodeName: 'n1' })];
    store.snapshot(T + 1);
    expect(store.assumedCount('bind')).toBe(0);
  });

  it('expires an assumed bind after the TTL and says so', () => {
    const { store, warnings } = setup([rawPod('a')], { ttl: 1_000 });
    store.assume('bind', ref('a'), 'n1', T);
    expect(store.snapshot(T + 500).snapshot.pods[0]!.nodeName).toBe('n1');
    expect(store.snapshot(T + 1_001).snapshot.pods[0]!.nodeName).toBe('');
    expect(warnings.join()).toContain('expired');
    expect(warnings).toEqual([
      `assumed write expired before the watch confirmed it {"kind":"bind","podKey":"default/a","node":"n1","at":${T}}`,
    ]);
  });

  it('shows an assumed eviction as terminating, so the victim is not evicted twice', () => {
    const { store } = setup([rawPod('v', { nodeName: 'n1' })]);
    store.assume('eviction', ref('v'), 'n1', T);
    expect(store.snapshot(T).snapshot.pods[0]!.deletionTime).toBe(T);
  });

  it('forgets writes for pods that are gone', () => {
    const { store, state } = setup([rawPod('a')]);
    store.assume('bind', ref('a'), 'n1', T);
    state.pods = [];
    store.snapshot(T);
    expect(store.assumedCount('bind')).toBe(0);
  });

  it('does not bind a recreated pod of the same name by mistake (assumed state is per UID)', () => {
    const { store, state } = setup([rawPod('a')]);
    store.assume('bind', ref('a'), 'n1', T);
    state.pods = [rawPod('a', { uid: 'uid-new' })];
    expect(store.snapshot(T).snapshot.pods[0]!.nodeName).toBe('');
  });

  it('reports our pending pod that fails to convert, logs it once, and keeps the rest', () => {
    const bad = rawPod('bad', { cpu: 'lots' });
    const { store, warnings } = setup([
      bad,
      rawPod('good'),
      rawPod('theirs', { scheduler: 'default-scheduler', cpu: 'x' }),
    ]);
    const first = store.snapshot(T);
    store.snapshot(T + 1);
    expect(first.snapshot.pods.map((p) => p.key)).toEqual(['default/good']);
    expect(first.rejected.map((r) => r.key)).toEqual(['default/bad']);
    expect(first.rejected[0]!.error).toMatch(/cpu/);
    expect(first.rejected).toEqual([
      {
        key: 'default/bad',
        ref: { namespace: 'default', name: 'bad', uid: 'uid-bad' },
        error: 'pod default/bad: spec.containers[0].resources.requests.cpu: invalid quantity "lots"',
      },
    ]);
    expect(warnings.filter((w) => w.includes('default/bad'))).toHaveLength(1);
  });

  it('leaves our pending pods of other namespaces out, but keeps bound ones (they hold capacity)', () => {
    const { store } = setup(
      [rawPod('a', { ns: 'other' }), rawPod('b', { ns: 'other', nodeName: 'n1' }), rawPod('c', { ns: 'mine' })],
      {
        namespaces: ['mine'],
      },
    );
    expect(store.snapshot(T).snapshot.pods.map((p) => p.key)).toEqual(['mine/c', 'other/b']);
  });

  it('never changes the informer objects', () => {
    const pod = Object.freeze(rawPod('a'));
    const { store } = setup([pod]);
    store.assume('bind', ref('a'), 'n1', T);
    expect(() => store.snapshot(T)).not.toThrow();
    expect(pod.spec?.nodeName).toBeUndefined();
  });

  it("hands the pass each pod's ref and PodScheduled condition, read from the informer object", () => {
    const waiting: V1Pod = {
      ...rawPod('waiting'),
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no room' }],
      },
    };
    const { store } = setup([waiting, rawPod('fresh')]);
    expect([...store.snapshot(T).pods]).toEqual([
      [
        'default/waiting',
        {
          ref: { namespace: 'default', name: 'waiting', uid: 'uid-waiting' },
          scheduled: { status: 'False', reason: 'Unschedulable', message: 'no room' },
        },
      ],
      ['default/fresh', { ref: { namespace: 'default', name: 'fresh', uid: 'uid-fresh' }, scheduled: undefined }],
    ]);
  });
});
