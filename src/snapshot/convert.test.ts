import { snapshotFromItems } from './convert.js';
import { deepFreeze, kubePod } from './test-helpers.js';

const node = (name: string) => ({
  kind: 'Node',
  metadata: { name },
  status: { allocatable: { cpu: '1', pods: '10' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pdb = (name: string) => ({
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'team-a' },
  spec: { selector: { matchLabels: { app: 'x' } } },
});

describe('snapshotFromItems', () => {
  it('dispatches on kind and ignores other kinds', () => {
    const items = deepFreeze([
      node('n1'),
      kubePod('p1'),
      pdb('b1'),
      { kind: 'Service', metadata: { name: 's' } },
      { kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 },
      node('n2'),
    ]);
    const { snapshot, errors } = snapshotFromItems(items);
    expect(errors).toEqual([]);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(snapshot.pods.map((p) => p.key)).toEqual(['team-a/p1']);
    expect(snapshot.pdbs.map((b) => `${b.namespace}/${b.name}`)).toEqual(['team-a/b1']);
    expect(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.pods)).toBe(true);
  });

  it('collects one error per bad item and keeps the good ones', () => {
    const { snapshot, errors } = snapshotFromItems(
      deepFreeze([
        { metadata: { name: 'x' }, spec: { containers: [] } },
        { metadata: { name: 'n' }, status: { allocatable: {} } },
        { metadata: { name: 'b' }, spec: { minAvailable: 1 } },
        { metadata: { name: 'mystery' } },
        'text',
        { kind: 'Pod', metadata: {} },
        kubePod('ok'),
        kubePod('ok'),
        node('n1'),
      ]),
    );
    expect(errors).toEqual([
      'items[0]: missing kind (looks like a Pod)',
      'items[1]: missing kind (looks like a Node)',
      'items[2]: missing kind (looks like a PodDisruptionBudget)',
      'items[3]: missing kind',
      'items[4]: expected an object',
      'pod without metadata.name',
      'pod team-a/ok: appears twice',
    ]);
    expect(snapshot.pods.map((p) => p.key)).toEqual(['team-a/ok']);
    expect(snapshot.nodes).toHaveLength(1);
  });

  it('tells pods apart by namespace', () => {
    const { snapshot, errors } = snapshotFromItems([
      kubePod('same', {}, { namespace: 'a' }),
      kubePod('same', {}, { namespace: 'b' }),
    ]);
    expect(errors).toEqual([]);
    expect(snapshot.pods.map((p) => p.key)).toEqual(['a/same', 'b/same']);
  });

  it('reads claims, volumes, classes and CSI nodes, and leaves each list out when the input has none', () => {
    const items = deepFreeze([
      { kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'team-a' }, spec: {} },
      { kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { capacity: { storage: '1Gi' } } },
      { kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner' },
      { kind: 'CSINode', metadata: { name: 'n1' }, spec: { drivers: [] } },
    ]);
    const { snapshot, errors } = snapshotFromItems(items);
    expect(errors).toEqual([]);
    expect(snapshot.claims?.map((c) => c.key)).toEqual(['team-a/data']);
    expect(snapshot.volumes?.map((v) => v.name)).toEqual(['pv-1']);
    expect(snapshot.storageClasses?.map((c) => c.name)).toEqual(['local']);
    expect(snapshot.csiNodes?.map((n) => n.name)).toEqual(['n1']);
    expect(Object.isFrozen(snapshot.claims) && Object.isFrozen(snapshot.volumes)).toBe(true);

    const bare = snapshotFromItems([node('n1')]).snapshot;
    expect(['claims', 'volumes', 'storageClasses', 'csiNodes'].filter((k) => k in bare)).toEqual([]);
  });

  it('reports storage objects without a kind, bad ones and repeated ones', () => {
    const { snapshot, errors } = snapshotFromItems(
      deepFreeze([
        { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } },
        { metadata: { name: 'pvc' }, spec: { accessModes: ['ReadWriteOnce'] } },
        { metadata: { name: 'sc' }, provisioner: 'x' },
        { metadata: { name: 'csi' }, spec: { drivers: [] } },
        { kind: 'StorageClass', metadata: { name: 'sc' }, volumeBindingMode: 'Eventually' },
        { kind: 'PersistentVolume', metadata: { name: 'pv-1' } },
        { kind: 'PersistentVolume', metadata: { name: 'pv-1' } },
        { kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'a' } },
        { kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'b' } },
      ]),
    );
    expect(errors).toEqual([
      'items[0]: missing kind (looks like a PersistentVolume)',
      'items[1]: missing kind (looks like a PersistentVolumeClaim)',
      'items[2]: missing kind (looks like a StorageClass)',
      'items[3]: missing kind (looks like a CSINode)',
      'storageclass sc: volumeBindingMode: unknown binding mode "Eventually"',
      'persistentvolume pv-1: appears twice',
    ]);
    expect(snapshot.volumes?.map((v) => v.name)).toEqual(['pv-1']);
    expect(snapshot.claims?.map((c) => c.key)).toEqual(['a/c', 'b/c']);
    expect(snapshot.storageClasses).toBeUndefined();
  });
});
