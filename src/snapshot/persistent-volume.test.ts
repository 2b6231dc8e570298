import { convertPersistentVolume } from './persistent-volume.js';
import { deepFreeze } from './test-helpers.js';

const kubeVolume = (
  spec: Record<string, unknown> = {},
  extra: { metadata?: Record<string, unknown>; status?: Record<string, unknown> } = {},
): Record<string, unknown> =>
  deepFreeze({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1', ...extra.metadata },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' }, ...spec },
    ...(extra.status === undefined ? {} : { status: extra.status }),
  });

describe('convertPersistentVolume', () => {
  it('applies the defaults: no class, Filesystem, Pending, unclaimed, every node, not CSI', () => {
    expect(convertPersistentVolume(kubeVolume())).toEqual({
      ok: true,
      value: {
        name: 'pv-1',
        labels: {},
        capacity: 10 * 1024 ** 3,
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        volumeMode: 'Filesystem',
        claimRef: undefined,
        nodeAffinity: undefined,
        phase: 'Pending',
        csiDriver: '',
        csiHandle: '',
        deleting: false,
      },
    });
  });

  it('reads a local volume pinned to one node, bound to a claim', () => {
    const volume = kubeVolume(
      {
        storageClassName: 'local',
        volumeMode: 'Block',
        local: { path: '/mnt/disks/1' },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: 'team-a',
          name: 'data',
          uid: 'uid-data',
        },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
            ],
          },
        },
      },
      { metadata: { labels: { disk: 'ssd' }, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Bound' } },
    );
    expect(convertPersistentVolume(volume)).toMatchObject({
      ok: true,
      value: {
        labels: { disk: 'ssd' },
        storageClassName: 'local',
        volumeMode: 'Block',
        claimRef: { namespace: 'team-a', name: 'data', uid: 'uid-data' },
        nodeAffinity: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }], matchFields: [] },
          { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
        ],
        phase: 'Bound',
        deleting: true,
      },
    });
  });

  it('reads a claimRef without uid (pre-bound by name) with uid ""', () => {
    const result = convertPersistentVolume(kubeVolume({ claimRef: { namespace: 'team-a', name: 'data' } }));
    expect(result.ok && result.value.claimRef).toEqual({ namespace: 'team-a', name: 'data', uid: '' });
  });

  it('reads node affinity without required terms as every node', () => {
    const result = convertPersistentVolume(kubeVolume({ nodeAffinity: {} }));
    expect(result.ok && result.value.nodeAffinity).toBeUndefined();
  });

  it('reads the CSI driver and handle', () => {
    const result = convertPersistentVolume(
      kubeVolume({ hostPath: null, csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0abc', fsType: 'ext4' } }),
    );
    expect(result.ok && [result.value.csiDriver, result.value.csiHandle]).toEqual(['ebs.csi.aws.com', 'vol-0abc']);
  });

  it('takes the class from the beta annotation first', () => {
    const result = convertPersistentVolume(
      kubeVolume(
        { storageClassName: 'new' },
        { metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } } },
      ),
    );
    expect(result.ok && result.value.storageClassName).toBe('old');
  });

  it('rounds a capacity up to whole bytes', () => {
    const result = convertPersistentVolume(kubeVolume({ capacity: { storage: '0.5' } }));
    expect(result.ok && result.value.capacity).toBe(1);
  });

  it.each([
    [kubeVolume({}, { status: { phase: 'Lost' } }), 'status.phase: unknown phase "Lost"'],
    [kubeVolume({ accessModes: ['RWO'] }), 'spec.accessModes[0]: unknown access mode "RWO"'],
    [kubeVolume({ volumeMode: 'block' }), 'spec.volumeMode: unknown volume mode "block"'],
    [kubeVolume({ capacity: { storage: '10 Gi' } }), 'spec.capacity.storage: invalid quantity "10 Gi"'],
    [kubeVolume({ claimRef: 'data' }), 'spec.claimRef: expected an object, got string "data"'],
    [kubeVolume({ csi: { driver: 1 } }), 'spec.csi.driver: expected a string, got number 1'],
    [
      kubeVolume({
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }] } },
      }),
      'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].operator: unknown operator "Near"',
    ],
  ])('reports %j as %s', (obj, error) => {
    expect(convertPersistentVolume(obj)).toEqual({ ok: false, error: `persistentvolume pv-1: ${error}` });
  });
});
