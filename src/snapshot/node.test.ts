import { convertNode } from './node.js';
import { convertPdb } from './pdb.js';
import { deepFreeze } from './test-helpers.js';

const kubeNode = (name: string, extra: Record<string, unknown> = {}) =>
  deepFreeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      allocatable: {
        cpu: '3920m',
        memory: '16274352Ki',
        'ephemeral-storage': '95551679124',
        pods: '110',
        'hugepages-2Mi': '0',
        'nvidia.com/gpu': '4',
      },
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
    ...extra,
  });

describe('convertNode', () => {
  it('reads allocatable, labels and readiness', () => {
    const result = convertNode(kubeNode('node-a'));
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'node-a',
        labels: { 'kubernetes.io/hostname': 'node-a' },
        allocatable: {
          cpu: 3920,
          memory: 16274352 * 1024,
          ephemeralStorage: 95551679124,
          scalar: new Map([['nvidia.com/gpu', 4]]),
        },
        allocatablePods: 110,
        taints: [],
        unschedulable: false,
        ready: true,
      },
    });
  });

  it('reads taints and cordoning', () => {
    const result = convertNode(
      kubeNode('node-b', {
        spec: {
          unschedulable: true,
          taints: [
            { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:00Z' },
            { key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' },
            { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          ],
        },
      }),
    );
    expect(result.ok && result.value).toMatchObject({
      unschedulable: true,
      taints: [
        { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' },
        { key: 'node.kubernetes.io/not-ready', value: '', effect: 'NoExecute' },
      ],
    });
  });

  it('is not ready unless the Ready condition is True', () => {
    const unknown = convertNode(
      kubeNode('n', { status: { allocatable: { cpu: '1' }, conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
    );
    const missing = convertNode(kubeNode('n', { status: {} }));
    expect(unknown.ok && unknown.value.ready).toBe(false);
    expect(missing.ok && missing.value).toMatchObject({
      ready: false,
      allocatablePods: 0,
      allocatable: { cpu: 0, memory: 0 },
    });
  });

  it.each([
    [{ kind: 'Node', metadata: {} }, 'node without metadata.name'],
    [
      kubeNode('n', { status: { allocatable: { memory: '16 Gi' } } }),
      'node n: status.allocatable.memory: invalid quantity "16 Gi"',
    ],
    [
      kubeNode('n', { spec: { taints: [{ key: 'k', effect: '' }] } }),
      'node n: spec.taints[0].effect: unknown effect ""',
    ],
  ])('reports %j as %s', (obj, error) => {
    expect(convertNode(obj)).toEqual({ ok: false, error });
  });
});

describe('convertPdb', () => {
  it('reads selector and status', () => {
    const result = convertPdb(
      deepFreeze({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          minAvailable: 2,
          selector: {
            matchLabels: { app: 'web' },
            matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['canary'] }],
          },
        },
        status: { disruptionsAllowed: 1, disruptedPods: { 'web-1': '2026-01-01T00:00:00Z' }, currentHealthy: 3 },
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        namespace: 'shop',
        name: 'web',
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['canary'] }],
        },
        disruptionsAllowed: 1,
        disruptedPods: new Set(['web-1']),
      },
    });
  });

  it('defaults a missing selector to undefined and a missing status to no disruptions allowed', () => {
    const result = convertPdb(
      deepFreeze({ kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { maxUnavailable: 1 } }),
    );
    expect(result).toEqual({
      ok: true,
      value: { namespace: 'default', name: 'p', selector: undefined, disruptionsAllowed: 0, disruptedPods: new Set() },
    });
    const empty = convertPdb(
      deepFreeze({ kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { selector: {} } }),
    );
    expect(empty.ok && empty.value.selector).toEqual({ matchLabels: {}, matchExpressions: [] });
  });

  it('rejects a node-only operator in a label selector', () => {
    const result = convertPdb({
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p', namespace: 'x' },
      spec: { selector: { matchExpressions: [{ key: 'k', operator: 'Gt', values: ['1'] }] } },
    });
    expect(result).toEqual({
      ok: false,
      error: 'poddisruptionbudget x/p: spec.selector.matchExpressions[0].operator: unknown operator "Gt"',
    });
  });
});
