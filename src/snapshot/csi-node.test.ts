import { convertCsiNode } from './csi-node.js';
import { deepFreeze } from './test-helpers.js';

const kubeCsiNode = (drivers: unknown): Record<string, unknown> =>
  deepFreeze({ apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'n1' }, spec: { drivers } });

describe('convertCsiNode', () => {
  it('reads each driver’s attach limit, undefined when it reports none', () => {
    const result = convertCsiNode(
      kubeCsiNode([
        {
          name: 'ebs.csi.aws.com',
          nodeID: 'i-1',
          topologyKeys: ['topology.ebs.csi.aws.com/zone'],
          allocatable: { count: 25 },
        },
        { name: 'hostpath.csi.k8s.io', nodeID: 'n1', topologyKeys: null },
        { name: 'nfs.csi.k8s.io', nodeID: 'n1', allocatable: {} },
      ]),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'n1',
        attachLimits: new Map([
          ['ebs.csi.aws.com', 25],
          ['hostpath.csi.k8s.io', undefined],
          ['nfs.csi.k8s.io', undefined],
        ]),
      },
    });
  });

  it('reads a node without drivers as no limits', () => {
    expect(convertCsiNode(kubeCsiNode(null))).toEqual({ ok: true, value: { name: 'n1', attachLimits: new Map() } });
  });

  it.each([
    [
      [{ name: 'd', allocatable: { count: '25' } }],
      'spec.drivers[0].allocatable.count: expected an integer, got string "25"',
    ],
    [[{ name: 'd', allocatable: { count: -1 } }], 'spec.drivers[0].allocatable.count: negative count -1'],
    [[{ nodeID: 'n1' }], 'spec.drivers[0].name: must not be empty'],
    [{ name: 'd' }, 'spec.drivers: expected a list, got an object'],
  ])('reports drivers %j as %s', (drivers, error) => {
    expect(convertCsiNode(kubeCsiNode(drivers))).toEqual({ ok: false, error: `csinode n1: ${error}` });
  });
});
