import { objectHeader, podHeader } from './headers.js';
import { deepFreeze } from '../core/testing.js';

describe('podHeader', () => {
  it('reads identity, placement, deletion and the PodScheduled condition', () => {
    const raw = deepFreeze({
      metadata: {
        name: 'p',
        namespace: 'team-a',
        uid: 'u1',
        resourceVersion: '7',
        deletionTimestamp: new Date(Date.UTC(2026, 0, 1)),
      },
      spec: { schedulerName: 'custom-scheduler', nodeName: 'n1' },
      status: {
        nominatedNodeName: 'n2',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available.' },
        ],
      },
    });
    expect(podHeader(raw)).toEqual({
      namespace: 'team-a',
      name: 'p',
      uid: 'u1',
      resourceVersion: '7',
      schedulerName: 'custom-scheduler',
      nodeName: 'n1',
      terminating: true,
      nominatedNodeName: 'n2',
      scheduled: { status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available.' },
    });
  });

  it('reads what is missing or malformed as empty, never throws', () => {
    const empty = {
      namespace: '',
      name: '',
      uid: '',
      resourceVersion: '',
      schedulerName: '',
      nodeName: '',
      terminating: false,
      nominatedNodeName: '',
      scheduled: undefined,
    };
    expect(podHeader(undefined)).toEqual(empty);
    expect(podHeader({ metadata: 'x', spec: [], status: { conditions: {} } })).toEqual(empty);
    expect(
      podHeader({ metadata: { name: 3, deletionTimestamp: null }, status: { conditions: [{ type: 'PodScheduled' }] } }),
    ).toEqual({
      ...empty,
      scheduled: { status: '', reason: '', message: '' },
    });
  });
});

describe('objectHeader', () => {
  it('reads a node or a PodDisruptionBudget the same way', () => {
    expect(objectHeader({ metadata: { name: 'b', namespace: 'ns', resourceVersion: '3' } })).toEqual({
      namespace: 'ns',
      name: 'b',
      uid: '',
      resourceVersion: '3',
    });
  });
});
