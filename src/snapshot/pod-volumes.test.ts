import { convertPod } from './pod.js';
import { kubePod } from './test-helpers.js';

const volumesOf = (volumes: unknown) => {
  const result = convertPod(kubePod('train-0', { volumes }));
  return result.ok ? result.value.volumes : result.error;
};

describe('pod volumes', () => {
  it('keeps claims, generic ephemeral volumes and inline CSI volumes, in spec order', () => {
    expect(
      volumesOf([
        { name: 'config', configMap: { name: 'settings' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'shared-data', readOnly: true } },
        {
          name: 'scratch',
          ephemeral: {
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          },
        },
        { name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true } },
        { name: 'tmp', emptyDir: {} },
      ]),
    ).toEqual([
      { kind: 'claim', name: 'data', claimName: 'shared-data', ephemeral: false },
      // A generic ephemeral volume's claim is named after the pod and the volume.
      { kind: 'claim', name: 'scratch', claimName: 'train-0-scratch', ephemeral: true },
      { kind: 'csi', name: 'secrets', driver: 'secrets-store.csi.k8s.io' },
    ]);
  });

  it('reads a pod without volumes as none', () => {
    expect(volumesOf(undefined)).toEqual([]);
    expect(volumesOf(null)).toEqual([]);
  });

  it.each([
    [
      [{ name: 'data', persistentVolumeClaim: {} }],
      'spec.volumes[0].persistentVolumeClaim.claimName: must not be empty',
    ],
    [
      [{ name: 'data', persistentVolumeClaim: { claimName: 3 } }],
      'spec.volumes[0].persistentVolumeClaim.claimName: expected a string, got number 3',
    ],
    [[{ name: 'x', csi: { driver: false } }], 'spec.volumes[0].csi.driver: expected a string, got boolean false'],
    [[{ name: 'x', ephemeral: 'yes' }], 'spec.volumes[0].ephemeral: expected an object, got string "yes"'],
    [['data'], 'spec.volumes[0]: expected an object, got string "data"'],
    [{ data: {} }, 'spec.volumes: expected a list, got an object'],
  ])('reports volumes %j as %s', (volumes, error) => {
    expect(volumesOf(volumes)).toBe(`pod team-a/train-0: ${error}`);
  });
});
