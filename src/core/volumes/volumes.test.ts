// Volumes through the whole planner: VolumeBinding, VolumeZone, VolumeRestrictions and
// NodeVolumeLimits, with the choices a plan writes and the releases of stale ones.
import type { Claim, CsiNode, Node, PersistentVolume, Pod, Snapshot, StorageClass } from '../model.js';
import { planCycle } from '../plan.js';
import type { Plan } from '../plan-types.js';
import { config, deepFreeze, node, pod, T0 } from '../testing.js';
import { claim, GiB, onNode, storageClass, uses, volume } from './testing.js';

const NOW = T0 + 3_600_000;
interface Storage {
  claims?: Claim[];
  volumes?: PersistentVolume[];
  classes?: StorageClass[];
  csiNodes?: CsiNode[];
}
const snapshot = (nodes: Node[], pods: Pod[], s: Storage = {}): Snapshot => ({
  nodes,
  pods,
  pdbs: [],
  claims: s.claims ?? [],
  volumes: s.volumes ?? [],
  storageClasses: s.classes ?? [storageClass('local'), storageClass('fast', { provisioner: 'csi.example.com' })],
  csiNodes: s.csiNodes ?? [],
});
const plan = (s: Snapshot, c = config()): Plan => planCycle(deepFreeze(s), c, NOW);
const nodes = [node('a'), node('b')];

describe('claims that hold the pod on every node', () => {
  it.each([
    ['a missing claim', {}, 'persistentvolumeclaim "data" not found'],
    [
      'a claim being deleted',
      { claims: [claim('data', { deleting: true })] },
      'persistentvolumeclaim "data" is being deleted',
    ],
    [
      'an unbound claim of an Immediate class',
      {
        claims: [claim('data', { storageClassName: 'now' })],
        classes: [storageClass('now', { bindingMode: 'Immediate' })],
      },
      'pod has unbound immediate PersistentVolumeClaims',
    ],
    [
      'an unbound claim without a class',
      { claims: [claim('data', { storageClassName: '' })] },
      'pod has unbound immediate PersistentVolumeClaims',
    ],
    [
      'a lost claim',
      { claims: [claim('data', { phase: 'Lost', volumeName: 'gone' })] },
      'persistentvolumeclaim "data" bound to non-existent persistentvolume "gone"',
    ],
  ])('%s', (_name, storage: Storage, reason) => {
    const p = plan(
      snapshot(nodes, [pod('p', { volumes: uses('data'), priority: 100 }), pod('low', { nodeName: 'a' })], storage),
    );
    expect(p.bindings).toEqual([]);
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable).toEqual([
      { pod: 'default/p', reason: 'Unschedulable', message: `0/2 nodes are available: ${reason}.` },
    ]);
  });

  it('holds a pod with resource claims, naming the field', () => {
    const p = plan(snapshot(nodes, [pod('p', { resourceClaims: true })]));
    expect(p.unschedulable[0]?.message).toContain('spec.resourceClaims');
    expect(p.bindings).toEqual([]);
  });

  it('holds a pod whose ReadWriteOncePod claim another pod uses', () => {
    const rwop = claim('data', { accessModes: ['ReadWriteOncePod'], volumeName: 'pv', phase: 'Bound' });
    const storage = {
      claims: [rwop],
      volumes: [volume('pv', { claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' } })],
    };
    const user = pod('user', { nodeName: 'a', volumes: uses('data') });
    const p = plan(snapshot(nodes, [user, pod('p', { volumes: uses('data') })], storage));
    expect(p.unschedulable[0]?.message).toBe(
      '0/2 nodes are available: node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod.',
    );
    const alone = plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], storage));
    expect(alone.bindings).toHaveLength(1);
  });

  it('needs a generic ephemeral volume’s claim to exist and be owned by the pod', () => {
    const volumes = [{ kind: 'claim' as const, name: 'scratch', claimName: 'p-scratch', ephemeral: true }];
    const waiting = plan(snapshot(nodes, [pod('p', { volumes })]));
    expect(waiting.unschedulable[0]?.message).toContain(
      'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"',
    );
    const foreign = plan(
      snapshot(nodes, [pod('p', { volumes })], { claims: [claim('p-scratch', { controllerPodUid: 'someone' })] }),
    );
    expect(foreign.unschedulable[0]?.message).toContain('was not created for pod default/p (pod is not owner)');
    const owned = claim('p-scratch', { controllerPodUid: 'uid-p', volumeName: 'pv', phase: 'Bound' });
    const ok = plan(snapshot(nodes, [pod('p', { volumes })], { claims: [owned], volumes: [volume('pv')] }));
    expect(ok.bindings).toEqual([{ pod: 'default/p', node: 'a' }]);
  });
});

describe('bound claims', () => {
  const bound = claim('data', { volumeName: 'pv', phase: 'Bound' });
  const ref = { namespace: 'default', name: 'data', uid: 'uid-data' };

  it('binds the pod where the volume’s node affinity allows', () => {
    const storage = { claims: [bound], volumes: [volume('pv', { claimRef: ref, nodeAffinity: onNode('b') })] };
    const p = plan(
      snapshot(
        [node('a', { cpu: 8 }), node('b')],
        [pod('busy', { nodeName: 'a', cpu: 4 }), pod('p', { volumes: uses('data') })],
        storage,
      ),
    );
    expect(p.bindings).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(p.volumeChoices).toBeUndefined();
  });

  it('rejects nodes outside the volume’s node affinity or zone, with kube-scheduler’s reasons', () => {
    const zone = 'topology.kubernetes.io/zone';
    const zoned = [node('a', { labels: { [zone]: 'z1' } }), node('b', { labels: { [zone]: 'z2' } })];
    const storage = {
      claims: [bound],
      volumes: [volume('pv', { claimRef: ref, labels: { [zone]: 'z3__z4' } })],
    };
    expect(plan(snapshot(zoned, [pod('p', { volumes: uses('data') })], storage)).unschedulable[0]?.message).toBe(
      '0/2 nodes are available: 2 node(s) had no available volume zone. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    const pinned = { claims: [bound], volumes: [volume('pv', { claimRef: ref, nodeAffinity: onNode('c') })] };
    expect(plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], pinned)).unschedulable[0]?.message).toContain(
      "2 node(s) didn't match PersistentVolume's node affinity",
    );
    const missing = { claims: [bound], volumes: [] };
    expect(plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], missing)).unschedulable[0]?.message).toContain(
      '2 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
    );
  });

  it('waits, nominated, for a claim the volume controller is still binding', () => {
    const binding = claim('data', { volumeName: 'pv', phase: 'Pending' });
    const p = plan(
      snapshot(nodes, [pod('p', { volumes: uses('data') })], {
        claims: [binding],
        volumes: [volume('pv', { claimRef: ref, nodeAffinity: onNode('b') })],
      }),
    );
    expect(p.bindings).toEqual([]);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(p.volumeChoices).toBeUndefined();
  });
});

describe('first-consumer claims', () => {
  it('chooses the smallest free volume that fits on the node, and nominates the pod', () => {
    const storage = {
      claims: [claim('data', { request: 3 * GiB })],
      volumes: [
        volume('big', { capacity: 100 * GiB, nodeAffinity: onNode('b') }),
        volume('small', { capacity: 5 * GiB, nodeAffinity: onNode('b') }),
        volume('tiny', { capacity: 1 * GiB, nodeAffinity: onNode('b') }),
        volume('elsewhere', { capacity: 5 * GiB, nodeAffinity: onNode('c') }),
        volume('wrong-mode', { capacity: 5 * GiB, accessModes: ['ReadOnlyMany'], nodeAffinity: onNode('a') }),
      ],
    };
    const p = plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], storage));
    expect(p.bindings).toEqual([]);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(p.volumeChoices).toEqual([
      { pod: 'default/p', node: 'b', claims: [{ claim: 'default/data', volume: 'small' }] },
    ]);
  });

  it('never gives one volume to two pods in a pass', () => {
    const storage = {
      claims: [claim('one'), claim('two')],
      volumes: [volume('only', { nodeAffinity: onNode('a') })],
    };
    const p = plan(
      snapshot(
        nodes,
        [pod('p1', { volumes: uses('one'), age: 1 }), pod('p2', { volumes: uses('two'), age: 2 })],
        storage,
      ),
    );
    expect(p.volumeChoices).toEqual([
      { pod: 'default/p1', node: 'a', claims: [{ claim: 'default/one', volume: 'only' }] },
    ]);
    expect(p.unschedulable).toEqual([
      {
        pod: 'default/p2',
        reason: 'Unschedulable',
        message:
          "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      },
    ]);
  });

  it('provisions dynamically where the class’s allowed topologies say, writing the selected node', () => {
    const zone = 'topology.kubernetes.io/zone';
    const zoned = [node('a', { labels: { [zone]: 'z1' }, cpu: 8 }), node('b', { labels: { [zone]: 'z2' } })];
    const allowed = [{ matchExpressions: [{ key: zone, operator: 'In' as const, values: ['z2'] }], matchFields: [] }];
    const storage = {
      claims: [claim('data', { storageClassName: 'fast' })],
      classes: [storageClass('fast', { provisioner: 'csi.example.com', allowedTopologies: allowed })],
    };
    const p = plan(
      snapshot(zoned, [pod('busy', { nodeName: 'a', cpu: 4 }), pod('p', { volumes: uses('data') })], storage),
    );
    expect(p.volumeChoices).toEqual([{ pod: 'default/p', node: 'b', claims: [{ claim: 'default/data', volume: '' }] }]);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
  });

  it('keeps a claim on its selected node or pre-bound volume, and binds once the claim is Bound', () => {
    const selected = claim('data', {
      storageClassName: 'fast',
      annotations: { 'volume.kubernetes.io/selected-node': 'b' },
    });
    const waiting = plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], { claims: [selected] }));
    expect(waiting.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(waiting.volumeChoices).toBeUndefined();

    const preBound = volume('pv', {
      claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' },
      phase: 'Available',
      nodeAffinity: onNode('b'),
    });
    const pre = plan(
      snapshot(nodes, [pod('p', { volumes: uses('data') })], { claims: [claim('data')], volumes: [preBound] }),
    );
    expect(pre.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(pre.volumeChoices).toBeUndefined();

    const done = claim('data', { volumeName: 'pv', phase: 'Bound' });
    const bound = plan(
      snapshot(nodes, [pod('p', { volumes: uses('data'), nominatedNodeName: 'b' })], {
        claims: [done],
        volumes: [{ ...preBound, phase: 'Bound' }],
      }),
    );
    expect(bound.bindings).toEqual([{ pod: 'default/p', node: 'b' }]);
  });

  it('releases a choice of its own that did not bind in time, and holds the pod this pass', () => {
    const stale = claim('data', {
      storageClassName: 'fast',
      annotations: {
        'volume.kubernetes.io/selected-node': 'b',
        'custom-scheduling.k8s.io/volume-chosen-at': new Date(NOW - 6 * 60_000).toISOString(),
      },
    });
    const p = plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], { claims: [stale] }));
    expect(p.volumeReleases).toEqual([{ claim: 'default/data', volume: '' }]);
    expect(p.unschedulable[0]?.message).toContain('did not bind in time');
    const fresh = {
      ...stale,
      annotations: {
        ...stale.annotations,
        'custom-scheduling.k8s.io/volume-chosen-at': new Date(NOW - 60_000).toISOString(),
      },
    };
    expect(
      plan(snapshot(nodes, [pod('p', { volumes: uses('data') })], { claims: [fresh] })).volumeReleases,
    ).toBeUndefined();
  });
});

describe('CSI attach limits', () => {
  it('keeps a node under its CSINode limit for the driver', () => {
    const ref = (name: string) => ({ namespace: 'default', name, uid: `uid-${name}` });
    const storage = {
      claims: [
        claim('old', { volumeName: 'pv1', phase: 'Bound' }),
        claim('new', { volumeName: 'pv2', phase: 'Bound' }),
      ],
      volumes: [
        volume('pv1', { claimRef: ref('old'), csiDriver: 'disk.csi', csiHandle: 'h1' }),
        volume('pv2', { claimRef: ref('new'), csiDriver: 'disk.csi', csiHandle: 'h2' }),
      ],
      csiNodes: [{ name: 'a', attachLimits: new Map([['disk.csi', 1]]) }],
    };
    const busy = pod('busy', { nodeName: 'a', cpu: 2, volumes: uses('old') });
    const p = plan(snapshot([node('a', { cpu: 8 }), node('b')], [busy, pod('p', { volumes: uses('new') })], storage));
    expect(p.bindings).toEqual([{ pod: 'default/p', node: 'b' }]);
  });
});

describe('gangs with claims', () => {
  it('nominates the whole gang with its volumes chosen, and binds it once every claim is Bound', () => {
    const members = [1, 2].map((i) => pod(`m${i}`, { group: 'g', volumes: uses(`data-${i}`), age: i }));
    const storage = {
      claims: [claim('data-1'), claim('data-2')],
      volumes: [volume('pv-a', { nodeAffinity: onNode('a') }), volume('pv-b', { nodeAffinity: onNode('b') })],
    };
    const p = plan(snapshot(nodes, members, storage));
    expect(p.bindings).toEqual([]);
    expect(p.nominations.map((n) => n.pod)).toEqual(['default/m1', 'default/m2']);
    expect(p.volumeChoices?.flatMap((c) => c.claims.map((x) => x.volume)).sort()).toEqual(['pv-a', 'pv-b']);
  });
});
