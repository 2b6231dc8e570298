import type {
  KubernetesObject,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
} from '@kubernetes/client-node';
import type { GangSource } from '../core/index.js';
import {
  convertClaim,
  convertCsiNode,
  convertNamespace,
  convertNode,
  convertPdb,
  convertPersistentVolume,
  convertPod,
  convertPodGroup,
  convertStorageClass,
} from '../snapshot/convert.js';
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

function rawClaim(
  name: string,
  o: { uid?: string; annotations?: Record<string, string> } = {},
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: 'default',
      uid: o.uid ?? `uid-${name}`,
      resourceVersion: '3',
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    status: { phase: 'Pending' },
  };
}

function rawVolume(name: string, o: { claim?: string; resourceVersion?: string } = {}): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: o.resourceVersion ?? '5' },
    spec: {
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'local',
      ...(o.claim === undefined
        ? {}
        : {
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: 'default',
              name: o.claim,
              uid: `uid-${o.claim}`,
            },
          }),
    },
    status: { phase: o.claim === undefined ? 'Available' : 'Bound' },
  };
}

function setup(
  pods: V1Pod[],
  opts: {
    namespaces?: string[];
    ttl?: number;
    claims?: V1PersistentVolumeClaim[];
    volumes?: V1PersistentVolume[];
    podGroups?: KubernetesObject[];
    unavailable?: Partial<Record<GangSource, string>>;
  } = {},
) {
  const state = {
    pods,
    nodes: [rawNode('n1')],
    namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { tier: 'web' } } }],
    claims: opts.claims ?? [],
    volumes: opts.volumes ?? [],
    storageClasses: [
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'z-fast' }, provisioner: 'x' },
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'local' },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    ],
    csiNodes: [
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSINode',
        metadata: { name: 'n1' },
        spec: { drivers: [{ name: 'd', nodeID: 'n1', topologyKeys: [], allocatable: { count: 2 } }] },
      },
    ],
  };
  const warnings: string[] = [];
  const store = new SchedulerStore(
    {
      nodes: () => state.nodes,
      pods: () => state.pods,
      pdbs: () => [],
      namespaces: () => state.namespaces,
      claims: () => state.claims,
      volumes: () => state.volumes,
      storageClasses: () => state.storageClasses,
      csiNodes: () => state.csiNodes,
      podGroups: () => opts.podGroups ?? [],
      unavailableGangSources: () => opts.unavailable ?? {},
    },
    {
      schedulerName: 'custom-scheduler',
      namespaces: opts.namespaces ?? [],
      assumeTtlMs: opts.ttl ?? 30_000,
      converters: {
        pod: convertPod,
        node: convertNode,
        pdb: convertPdb,
        namespace: convertNamespace,
        claim: convertClaim,
        volume: convertPersistentVolume,
        storageClass: convertStorageClass,
        csiNode: convertCsiNode,
        podGroup: convertPodGroup,
      },
      warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
    },
  );
  return { store, state, warnings };
}

const ref = (name: string) => ({ namespace: 'default', name, uid: `uid-${name}` });

describe('SchedulerStore', () => {
  it('puts the PodGroups (sorted by source, namespace, name) and the unavailable gang sources in the snapshot', () => {
    const group = (apiVersion: string, name: string): KubernetesObject & { spec: unknown } => ({
      apiVersion,
      kind: 'PodGroup',
      metadata: { namespace: 'default', name, uid: `uid-${name}` },
      spec: { minMember: 2 },
    });
    const { store } = setup([], {
      podGroups: [group('scheduling.x-k8s.io/v1alpha1', 'b'), group('scheduling.x-k8s.io/v1alpha1', 'a')],
      unavailable: { volcano: 'podgroups.scheduling.volcano.sh/v1beta1 is not served by this cluster' },
    });
    const { snapshot } = store.snapshot(T);
    expect(snapshot.podGroups?.map((g) => `${g.source} ${g.namespace}/${g.name} ${String(g.quorum)}`)).toEqual([
      'scheduler-plugins default/a 2',
      'scheduler-plugins default/b 2',
    ]);
    expect(snapshot.unavailableGangSources).toEqual({
      volcano: 'podgroups.scheduling.volcano.sh/v1beta1 is not served by this cluster',
    });
    expect(setup([]).store.snapshot(T).snapshot.unavailableGangSources).toBeUndefined();
  });

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

  describe('storage', () => {
    const SELECTED = 'volume.kubernetes.io/selected-node';
    const claimOf = (store: SchedulerStore, at: number, name = 'data') =>
      store.snapshot(at).snapshot.claims?.find((c) => c.name === name);
    const volumeOf = (store: SchedulerStore, at: number, name = 'pv-1') =>
      store.snapshot(at).snapshot.volumes?.find((v) => v.name === name);

    it('puts claims, volumes, classes and CSI nodes in the snapshot, sorted, with each volume’s version', () => {
      const { store } = setup([], {
        claims: [rawClaim('b'), rawClaim('a')],
        volumes: [rawVolume('pv-2'), rawVolume('pv-1')],
      });
      const input = store.snapshot(T);
      expect(input.snapshot.claims?.map((c) => c.key)).toEqual(['default/a', 'default/b']);
      expect(input.snapshot.volumes?.map((v) => v.name)).toEqual(['pv-1', 'pv-2']);
      expect(input.snapshot.storageClasses?.map((c) => [c.name, c.bindingMode])).toEqual([
        ['local', 'WaitForFirstConsumer'],
        ['z-fast', 'Immediate'],
      ]);
      expect(input.snapshot.csiNodes).toEqual([{ name: 'n1', attachLimits: new Map([['d', 2]]) }]);
      expect(input.volumeVersions).toEqual(
        new Map([
          ['pv-2', '5'],
          ['pv-1', '5'],
        ]),
      );
    });

    it('shows annotations written to a claim until the watch shows them, then forgets them', () => {
      const { store, state } = setup([], { claims: [rawClaim('data', { annotations: { keep: 'me' } })] });
      const data = claimOf(store, T)!;
      store.assumeClaim(data, { [SELECTED]: 'n1', stamp: '2026' }, T);
      expect(claimOf(store, T)?.annotations).toEqual({ keep: 'me', [SELECTED]: 'n1', stamp: '2026' });
      state.claims = [rawClaim('data', { annotations: { keep: 'me', [SELECTED]: 'n1', stamp: '2026' } })];
      claimOf(store, T + 1);
      expect(store.assumedVolumeWrites()).toEqual({ claims: 0, volumes: 0 });
    });

    it('shows annotations removed from a claim as gone until the watch shows them gone', () => {
      const { store, state } = setup([], {
        claims: [rawClaim('data', { annotations: { [SELECTED]: 'n1', keep: 'me' } })],
      });
      store.assumeClaim(claimOf(store, T)!, { [SELECTED]: null }, T);
      expect(claimOf(store, T)?.annotations).toEqual({ keep: 'me' });
      expect(store.assumedVolumeWrites().claims).toBe(1);
      state.claims = [rawClaim('data', { annotations: { keep: 'me' } })];
      claimOf(store, T + 1);
      expect(store.assumedVolumeWrites().claims).toBe(0);
    });

    it('lays a later patch of the same claim over the earlier one (a release, then a new choice)', () => {
      const { store } = setup([], { claims: [rawClaim('data', { annotations: { [SELECTED]: 'old', stamp: '1' } })] });
      const data = claimOf(store, T)!;
      store.assumeClaim(data, { [SELECTED]: null, stamp: null }, T);
      store.assumeClaim(data, { [SELECTED]: 'n2', stamp: '2' }, T);
      expect(claimOf(store, T)?.annotations).toEqual({ [SELECTED]: 'n2', stamp: '2' });
    });

    it('shows a volume pre-bound (or cleared) by us until the watch shows it', () => {
      const { store, state } = setup([], { volumes: [rawVolume('pv-1'), rawVolume('pv-2', { claim: 'old' })] });
      store.assumeVolume('pv-1', { namespace: 'default', name: 'data', uid: 'uid-data' }, T);
      store.assumeVolume('pv-2', undefined, T);
      expect(volumeOf(store, T)?.claimRef).toEqual({ namespace: 'default', name: 'data', uid: 'uid-data' });
      expect(volumeOf(store, T, 'pv-2')?.claimRef).toBeUndefined();
      state.volumes = [rawVolume('pv-1', { claim: 'data', resourceVersion: '6' }), rawVolume('pv-2')];
      expect(store.snapshot(T + 1).volumeVersions.get('pv-1')).toBe('6');
      expect(store.assumedVolumeWrites()).toEqual({ claims: 0, volumes: 0 });
    });

    it('expires volume writes the watch never shows after the TTL, and says so', () => {
      const { store, warnings } = setup([], { claims: [rawClaim('data')], volumes: [rawVolume('pv-1')], ttl: 1_000 });
      store.assumeClaim(claimOf(store, T)!, { [SELECTED]: 'n1' }, T);
      store.assumeVolume('pv-1', { namespace: 'default', name: 'data', uid: 'uid-data' }, T);
      expect(claimOf(store, T + 1_000)?.annotations).toEqual({ [SELECTED]: 'n1' });
      expect(claimOf(store, T + 1_001)?.annotations).toEqual({});
      expect(volumeOf(store, T + 1_001)?.claimRef).toBeUndefined();
      expect(warnings).toEqual([
        `assumed write expired before the watch confirmed it {"object":"persistentvolumeclaim default/data","at":${T}}`,
        `assumed write expired before the watch confirmed it {"object":"persistentvolume pv-1","at":${T}}`,
      ]);
    });

    it('forgets writes to a claim that is gone, and never shows them on a recreated claim of the same name', () => {
      const { store, state } = setup([], { claims: [rawClaim('data')] });
      store.assumeClaim(claimOf(store, T)!, { [SELECTED]: 'n1' }, T);
      state.claims = [rawClaim('data', { uid: 'uid-new' })];
      expect(claimOf(store, T)?.annotations).toEqual({});
      expect(store.assumedVolumeWrites().claims).toBe(0);
    });

    it('forgets a write when the call failed for sure', () => {
      const { store } = setup([], { claims: [rawClaim('data')], volumes: [rawVolume('pv-1')] });
      const data = claimOf(store, T)!;
      store.assumeClaim(data, { [SELECTED]: 'n1' }, T);
      store.assumeVolume('pv-1', { namespace: 'default', name: 'data', uid: 'uid-data' }, T);
      store.forgetClaim(data);
      store.forgetVolume('pv-1');
      expect(claimOf(store, T)?.annotations).toEqual({});
      expect(volumeOf(store, T)?.claimRef).toBeUndefined();
    });
  });
});
