import { convertPod } from './pod.js';
import { container, deepFreeze, kubePod } from './test-helpers.js';

function converted(obj: Record<string, unknown>) {
  const result = convertPod(obj);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('convertPod', () => {
  it('applies the API defaults to a bare pod', () => {
    const pod = converted(
      deepFreeze({ kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'c' }] } }),
    );
    expect(pod).toEqual({
      key: 'default/bare',
      namespace: 'default',
      name: 'bare',
      uid: '',
      schedulerName: 'default-scheduler',
      nodeName: '',
      phase: 'Pending',
      creationTime: 0,
      deletionTime: undefined,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      labels: {},
      annotations: {},
      requests: { cpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() },
      nodeSelector: {},
      requiredAffinity: undefined,
      preferredAffinity: [],
      tolerations: [],
      hostPorts: [],
      podAffinity: { required: [], preferred: [], requiredAnti: [], preferredAnti: [] },
      spread: [],
      volumes: [],
      resourceClaims: false,
      nominatedNodeName: '',
      schedulingGated: false,
    });
    expect(Object.isFrozen(pod)).toBe(true);
  });

  it('reads identity, scheduling fields and status', () => {
    const pod = converted(
      kubePod(
        'train-0',
        {
          schedulerName: 'custom-scheduler',
          nodeName: 'node-a',
          priority: 1000,
          priorityClassName: 'high',
          preemptionPolicy: 'Never',
          nodeSelector: { disk: 'ssd' },
          schedulingGates: [{ name: 'wait' }],
        },
        {
          metadata: {
            labels: { app: 'train' },
            annotations: { 'custom-scheduling.k8s.io/group-name': 'train' },
            deletionTimestamp: '2026-01-01T00:01:00.500Z',
          },
          status: { phase: 'Running', nominatedNodeName: 'node-b' },
        },
      ),
    );
    expect(pod).toMatchObject({
      key: 'team-a/train-0',
      uid: 'uid-train-0',
      schedulerName: 'custom-scheduler',
      nodeName: 'node-a',
      phase: 'Running',
      creationTime: Date.UTC(2026, 0, 1),
      deletionTime: Date.UTC(2026, 0, 1, 0, 1, 0, 500),
      priority: 1000,
      preemptionPolicy: 'Never',
      labels: { app: 'train' },
      annotations: { 'custom-scheduling.k8s.io/group-name': 'train' },
      nodeSelector: { disk: 'ssd' },
      nominatedNodeName: 'node-b',
      schedulingGated: true,
    });
  });

  it('accepts Date timestamps as @kubernetes/client-node produces them', () => {
    const pod = converted({
      kind: 'Pod',
      metadata: {
        name: 'd',
        creationTimestamp: new Date(Date.UTC(2025, 5, 1)),
        deletionTimestamp: new Date(Date.UTC(2025, 5, 2)),
      },
      spec: { containers: [] },
    });
    expect([pod.creationTime, pod.deletionTime]).toEqual([Date.UTC(2025, 5, 1), Date.UTC(2025, 5, 2)]);
  });

  it('reads required and preferred node affinity', () => {
    const term = {
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'gpu', operator: 'Exists' },
      ],
      matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-c'] }],
    };
    const pod = converted(
      kubePod('aff', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [term, { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            ],
          },
        },
      }),
    );
    expect(pod.requiredAffinity).toEqual([
      {
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a', 'b'] },
          { key: 'gpu', operator: 'Exists', values: [] },
        ],
        matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-c'] }],
      },
      { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }], matchFields: [] },
    ]);
    expect(pod.preferredAffinity).toEqual([
      {
        weight: 20,
        preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [] },
      },
    ]);
    expect(converted(kubePod('none', { affinity: { nodeAffinity: {} } })).requiredAffinity).toBeUndefined();
  });

  it('defaults toleration fields', () => {
    const pod = converted(
      kubePod('tol', {
        tolerations: [
          { operator: 'Exists' },
          { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      }),
    );
    expect(pod.tolerations).toEqual([
      { key: '', operator: 'Exists', value: '', effect: '' },
      { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', value: '', effect: 'NoExecute' },
    ]);
  });

  it('collects host ports of containers and init containers', () => {
    const pod = converted(
      kubePod('ports', {
        initContainers: [
          {
            name: 'proxy',
            restartPolicy: 'Always',
            ports: [{ containerPort: 15001, hostPort: 15001, protocol: 'UDP' }],
          },
        ],
        containers: [
          {
            name: 'web',
            ports: [
              { containerPort: 80, hostPort: 8080 },
              { containerPort: 9090 },
              { containerPort: 53, hostPort: 53, hostIP: '10.0.0.1' },
            ],
          },
        ],
      }),
    );
    expect(pod.hostPorts).toEqual([
      { hostIP: '0.0.0.0', protocol: 'TCP', port: 8080 },
      { hostIP: '10.0.0.1', protocol: 'TCP', port: 53 },
      { hostIP: '0.0.0.0', protocol: 'UDP', port: 15001 },
    ]);
  });

  it.each([
    [{ kind: 'Pod', metadata: {}, spec: {} }, 'pod without metadata.name'],
    [{ kind: 'Pod', spec: {} }, 'pod without metadata.name'],
    [{ kind: 'Pod', metadata: { name: 7 } }, 'pod: metadata.name: expected a string, got number 7'],
    [kubePod('x', { priority: 'high' }), 'pod team-a/x: spec.priority: expected an integer, got string "high"'],
    [kubePod('x', { containers: {} }), 'pod team-a/x: spec.containers: expected a list, got an object'],
    [
      kubePod('x', { preemptionPolicy: 'Sometimes' }),
      'pod team-a/x: spec.preemptionPolicy: unknown policy "Sometimes"',
    ],
    [
      kubePod('x', { tolerations: [{ key: 'k', effect: 'NoRun' }] }),
      'pod team-a/x: spec.tolerations[0].effect: unknown effect "NoRun"',
    ],
    [kubePod('x', {}, { status: { phase: 'Sleeping' } }), 'pod team-a/x: status.phase: unknown phase "Sleeping"'],
    [
      kubePod('x', {}, { metadata: { creationTimestamp: 'yesterday' } }),
      'pod team-a/x: metadata.creationTimestamp: invalid timestamp string "yesterday"',
    ],
    [
      kubePod('x', {}, { metadata: { labels: { app: 1 } } }),
      'pod team-a/x: metadata.labels.app: expected a string, got number 1',
    ],
    [
      kubePod('x', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Like' }] }],
            },
          },
        },
      }),
      'pod team-a/x: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: unknown operator "Like"',
    ],
    [
      kubePod('x', { containers: [container('a'), { name: 'b', ports: [{ hostPort: 1.5 }] }] }),
      'pod team-a/x: spec.containers[1].ports[0].hostPort: expected an integer, got number 1.5',
    ],
  ])('reports %j as %s', (obj, error) => {
    expect(convertPod(deepFreeze(obj))).toEqual({ ok: false, error });
  });
});
