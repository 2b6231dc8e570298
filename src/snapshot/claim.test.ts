import { convertClaim } from './claim.js';
import { deepFreeze } from './test-helpers.js';

const kubeClaim = (
  spec: Record<string, unknown> = {},
  extra: { metadata?: Record<string, unknown>; status?: Record<string, unknown> } = {},
): Record<string, unknown> =>
  deepFreeze({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'team-a', uid: 'uid-data', ...extra.metadata },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    ...(extra.status === undefined ? {} : { status: extra.status }),
  });

describe('convertClaim', () => {
  it('applies the defaults: no class, Filesystem, Pending, no owner, no selector', () => {
    expect(convertClaim(kubeClaim())).toEqual({
      ok: true,
      value: {
        key: 'team-a/data',
        namespace: 'team-a',
        name: 'data',
        uid: 'uid-data',
        storageClassName: '',
        volumeName: '',
        phase: 'Pending',
        accessModes: ['ReadWriteOnce'],
        request: 1024 ** 3,
        selector: undefined,
        volumeMode: 'Filesystem',
        deleting: false,
        annotations: {},
        controllerPodUid: '',
      },
    });
  });

  it('reads a bound claim as kubectl writes it', () => {
    const claim = kubeClaim(
      {
        storageClassName: 'local',
        volumeName: 'pv-1',
        volumeMode: 'Block',
        accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'],
        selector: { matchLabels: { disk: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      },
      {
        metadata: {
          annotations: { 'pv.kubernetes.io/bind-completed': 'yes' },
          deletionTimestamp: '2026-01-01T00:00:00Z',
        },
        status: { phase: 'Bound', capacity: { storage: '2Gi' } },
      },
    );
    expect(convertClaim(claim)).toMatchObject({
      ok: true,
      value: {
        storageClassName: 'local',
        volumeName: 'pv-1',
        phase: 'Bound',
        accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'],
        selector: { matchLabels: { disk: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
        volumeMode: 'Block',
        deleting: true,
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes' },
      },
    });
  });

  it('rounds the request up to whole bytes, and reads no request as 0', () => {
    const tiny = convertClaim(kubeClaim({ resources: { requests: { storage: '1500m' } } }));
    const none = convertClaim(kubeClaim({ resources: {} }));
    expect(tiny.ok && tiny.value.request).toBe(2);
    expect(none.ok && none.value.request).toBe(0);
  });

  it('takes the class from the beta annotation first, as kube-scheduler does', () => {
    const claim = kubeClaim(
      { storageClassName: 'new' },
      { metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } } },
    );
    expect(convertClaim(claim)).toMatchObject({ ok: true, value: { storageClassName: 'old' } });
  });

  it('names the pod that controls it (a generic ephemeral volume), and no other owner', () => {
    const owned = (refs: unknown[]) => kubeClaim({}, { metadata: { ownerReferences: refs } });
    const pod = { apiVersion: 'v1', kind: 'Pod', name: 'train-0', uid: 'uid-train-0' };
    expect(convertClaim(owned([{ ...pod, controller: true }]))).toMatchObject({
      value: { controllerPodUid: 'uid-train-0' },
    });
    expect(convertClaim(owned([pod]))).toMatchObject({ value: { controllerPodUid: '' } });
    expect(
      convertClaim(owned([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'uid-s', controller: true }])),
    ).toMatchObject({ value: { controllerPodUid: '' } });
  });

  it.each([
    [
      kubeClaim({ accessModes: ['ReadWriteSometimes'] }),
      'spec.accessModes[0]: unknown access mode "ReadWriteSometimes"',
    ],
    [kubeClaim({ volumeMode: 'Raw' }), 'spec.volumeMode: unknown volume mode "Raw"'],
    [kubeClaim({}, { status: { phase: 'Waiting' } }), 'status.phase: unknown phase "Waiting"'],
    [
      kubeClaim({ resources: { requests: { storage: 'lots' } } }),
      'spec.resources.requests.storage: invalid quantity "lots"',
    ],
    [
      kubeClaim({ resources: { requests: { storage: '-1Gi' } } }),
      'spec.resources.requests.storage: negative quantity "-1Gi"',
    ],
    [kubeClaim({ storageClassName: 7 }), 'spec.storageClassName: expected a string, got number 7'],
    [
      kubeClaim({ selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }),
      'spec.selector.matchExpressions[0].operator: unknown operator "Gt"',
    ],
    [
      kubeClaim({}, { metadata: { ownerReferences: [{ kind: 'Pod', controller: 'yes' }] } }),
      'metadata.ownerReferences[0].controller: expected a boolean, got string "yes"',
    ],
  ])('reports %j as %s', (obj, error) => {
    expect(convertClaim(obj)).toEqual({ ok: false, error: `persistentvolumeclaim team-a/data: ${error}` });
  });

  it('needs a name', () => {
    expect(convertClaim({ kind: 'PersistentVolumeClaim', metadata: {} })).toEqual({
      ok: false,
      error: 'persistentvolumeclaim without metadata.name',
    });
  });
});
