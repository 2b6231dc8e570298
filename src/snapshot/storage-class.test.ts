import { convertStorageClass } from './storage-class.js';
import { deepFreeze } from './test-helpers.js';

const kubeClass = (fields: Record<string, unknown> = {}): Record<string, unknown> =>
  deepFreeze({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard' },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    ...fields,
  });

describe('convertStorageClass', () => {
  it('binds Immediate on every node when nothing says otherwise', () => {
    expect(convertStorageClass(kubeClass())).toEqual({
      ok: true,
      value: {
        name: 'standard',
        provisioner: 'rancher.io/local-path',
        bindingMode: 'Immediate',
        allowedTopologies: undefined,
      },
    });
  });

  it('reads first-consumer binding and the allowed topologies as In expressions', () => {
    const result = convertStorageClass(
      kubeClass({
        volumeBindingMode: 'WaitForFirstConsumer',
        allowedTopologies: [
          {
            matchLabelExpressions: [
              { key: 'topology.kubernetes.io/zone', values: ['a', 'b'] },
              { key: 'disk', values: ['ssd'] },
            ],
          },
          {},
        ],
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'standard',
        provisioner: 'rancher.io/local-path',
        bindingMode: 'WaitForFirstConsumer',
        allowedTopologies: [
          {
            matchExpressions: [
              { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] },
              { key: 'disk', operator: 'In', values: ['ssd'] },
            ],
            matchFields: [],
          },
          // A term without expressions selects no node, as in the API.
          { matchExpressions: [], matchFields: [] },
        ],
      },
    });
  });

  it('reads an empty list of topologies as every node', () => {
    const result = convertStorageClass(kubeClass({ allowedTopologies: [] }));
    expect(result.ok && result.value.allowedTopologies).toBeUndefined();
  });

  it.each([
    [kubeClass({ volumeBindingMode: 'Later' }), 'volumeBindingMode: unknown binding mode "Later"'],
    [kubeClass({ provisioner: ['a'] }), 'provisioner: expected a string, got a list'],
    [kubeClass({ allowedTopologies: {} }), 'allowedTopologies: expected a list, got an object'],
    [
      kubeClass({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: 'a' }] }] }),
      'allowedTopologies[0].matchLabelExpressions[0].values: expected a list, got string "a"',
    ],
  ])('reports %j as %s', (obj, error) => {
    expect(convertStorageClass(obj)).toEqual({ ok: false, error: `storageclass standard: ${error}` });
  });
});
