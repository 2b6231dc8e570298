import { deepFreeze } from '../core/testing.js';
import { convertNode, convertPod } from '../snapshot/convert.js';
import { podHeader } from '../snapshot/headers.js';
import { pruneNode, prunePod } from './prune.js';

/** A pod carrying every field scheduling reads and many it does not. */
function richPod(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'worker-0',
      namespace: 'batch',
      uid: 'u-1',
      resourceVersion: '42',
      creationTimestamp: '2026-11-23T10:00:00Z',
      labels: { app: 'train', role: 'worker' },
      annotations: { 'custom-scheduling.k8s.io/group-name': 'train', 'custom-scheduling.k8s.io/min-available': '2' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'train', uid: 'j-1', controller: true }],
    },
    spec: {
      schedulerName: 'custom-scheduler',
      priority: 100,
      priorityClassName: 'batch',
      preemptionPolicy: 'PreemptLowerPriority',
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
          },
        },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { role: 'worker' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'train' } },
        },
      ],
      overhead: { cpu: '50m' },
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'trainer',
      containers: [
        {
          name: 'main',
          image: 'registry.example/train:1',
          command: ['python', 'train.py'],
          args: ['--epochs', '10'],
          env: [{ name: 'SEED', value: '1' }],
          resources: { requests: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '8Gi' } },
          ports: [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
          readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
        },
      ],
      initContainers: [
        { name: 'fetch', image: 'busybox', command: ['sh'], resources: { requests: { cpu: '1' } } },
        { name: 'proxy', image: 'envoy', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
      ],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'fast' } } } },
        { name: 'inline', csi: { driver: 'csi.example' } },
        { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        { name: 'config', configMap: { name: 'train' } },
      ],
    },
    status: {
      phase: 'Pending',
      nominatedNodeName: 'node-a',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no room' }],
      containerStatuses: [{ name: 'main', ready: false, restartCount: 0, image: 'registry.example/train:1' }],
      podIP: '10.0.0.1',
      podIPs: [{ ip: '10.0.0.1' }],
      hostIP: '192.168.0.1',
      qosClass: 'Burstable',
    },
  };
}

function richNode(): Record<string, unknown> {
  const capacity = { cpu: '8', memory: '32Gi', pods: '110', 'nvidia.com/gpu': '2' };
  return {
    metadata: { name: 'node-a', labels: { zone: 'a', 'kubernetes.io/hostname': 'node-a' } },
    spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }], unschedulable: false },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True' }],
      images: [{ names: ['registry.example/train:1'], sizeBytes: 123456789 }],
      nodeInfo: { kubeletVersion: 'v1.37.2', osImage: 'Debian' },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

describe('prunePod', () => {
  it('converts to exactly what the whole pod converts to', () => {
    const pod = deepFreeze(richPod());
    expect(convertPod(prunePod(pod))).toEqual(convertPod(pod));
    expect(podHeader(prunePod(pod))).toEqual(podHeader(pod));
  });

  it('drops what scheduling does not read, and leaves its argument alone', () => {
    const pod = deepFreeze(richPod());
    const pruned = JSON.stringify(prunePod(pod));
    for (const gone of [
      'registry.example',
      'train.py',
      'SEED',
      'mountPath',
      'readinessProbe',
      'serviceAccountToken',
      'configMap',
      'podIPs',
      'containerStatuses',
      'debug',
    ])
      expect(pruned).not.toContain(gone);
    for (const kept of [
      '"claimName":"data"',
      'volumeClaimTemplate',
      'csi.example',
      '"hostPort":8080',
      '"restartPolicy":"Always"',
      'nvidia.com/gpu',
      'nominatedNodeName',
    ])
      expect(pruned).toContain(kept);
    expect(JSON.stringify(pod)).toContain('registry.example');
  });

  it('passes through what is not an object, and objects without spec or status', () => {
    expect(prunePod(undefined)).toBeUndefined();
    expect(prunePod('pod')).toBe('pod');
    expect(prunePod({ metadata: { name: 'a' } })).toEqual({ metadata: { name: 'a' } });
  });
});

describe('pruneNode', () => {
  it('converts to exactly what the whole node converts to, without images and system info', () => {
    const node = deepFreeze(richNode());
    const pruned = pruneNode(node);
    expect(convertNode(pruned)).toEqual(convertNode(node));
    expect(JSON.stringify(pruned)).not.toMatch(/images|nodeInfo|daemonEndpoints/);
    expect(pruneNode(null)).toBeNull();
  });
});
