// The plan command on what `kubectl get nodes,pods,pdb,pvc,pv,storageclass,csinode -A -o json`
// prints: claims bound to pinned volumes, first-consumer claims, missing claims.
import { readSnapshot } from './plan-input.js';
import { runPlan } from './plan-command.testing.js';

const node = (name: string, zone: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    uid: `uid-${name}`,
    resourceVersion: '101',
    labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone },
  },
  spec: {},
  status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pending = (name: string, claims: readonly string[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    resourceVersion: '202',
    creationTimestamp: `2026-01-01T00:00:0${name.slice(-1)}Z`,
  },
  spec: {
    schedulerName: 'custom-scheduler',
    containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }],
    volumes: [
      ...claims.map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })),
      { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ],
  },
  status: { phase: 'Pending', qosClass: 'Burstable' },
});
const storageClass = (name: string, provisioner: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, uid: `uid-${name}`, resourceVersion: '7' },
  provisioner,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
  ...extra,
});
const claim = (name: string, className: string, status: Record<string, unknown>, volumeName?: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    resourceVersion: '303',
    finalizers: ['kubernetes.io/pvc-protection'],
  },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
    storageClassName: className,
    volumeMode: 'Filesystem',
    ...(volumeName === undefined ? {} : { volumeName }),
  },
  status,
});
const localVolume = (name: string, onNode: string, phase: string, claimRef?: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, uid: `uid-${name}`, resourceVersion: '404', finalizers: ['kubernetes.io/pv-protection'] },
  spec: {
    accessModes: ['ReadWriteOnce'],
    capacity: { storage: '2Gi' },
    local: { path: `/mnt/disks/${name}` },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [onNode] }] },
        ],
      },
    },
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: 'local',
    volumeMode: 'Filesystem',
    ...(claimRef === undefined ? {} : { claimRef }),
  },
  status: { phase, lastPhaseTransitionTime: '2026-01-01T00:00:00Z' },
});
const csiNode = (name: string) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'CSINode',
  metadata: { name, uid: `uid-csi-${name}`, resourceVersion: '9' },
  spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: name, topologyKeys: null, allocatable: { count: 25 } }] },
});
// kubectl's own output, with every kind of the command in one List.
const kubectlList = (...items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4);

const cluster = [
  node('n1', 'a'),
  node('n2', 'b'),
  node('n3', 'c'),
  csiNode('n1'),
  csiNode('n2'),
  csiNode('n3'),
  storageClass('local', 'kubernetes.io/no-provisioner'),
  storageClass('fast', 'kubernetes.io/host-path', {
    allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['c'] }] }],
  }),
  localVolume('pv-bound', 'n3', 'Bound', {
    kind: 'PersistentVolumeClaim',
    namespace: 'team-a',
    name: 'bound',
    uid: 'uid-bound',
  }),
  localVolume('pv-free', 'n2', 'Available'),
  claim('bound', 'local', { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } }, 'pv-bound'),
  claim('static', 'local', { phase: 'Pending' }),
  claim('dynamic', 'fast', { phase: 'Pending' }),
];

async function plan(argv: readonly string[], ...items: unknown[]) {
  return runPlan(['--now', '2026-01-01T01:00:00Z', ...argv, '-'], kubectlList(...items));
}

describe('plan with volumes and claims', () => {
  it('binds to the bound volume’s node, nominates with a volume or a provisioning choice, holds a missing claim', async () => {
    const result = await plan(
      [],
      ...cluster,
      pending('p1', ['bound']),
      pending('p2', ['static']),
      pending('p3', ['dynamic']),
      pending('p4', ['missing']),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      bindings: [{ pod: 'team-a/p1', node: 'n3' }],
      evictions: [],
      nominations: [
        { pod: 'team-a/p2', node: 'n2' },
        { pod: 'team-a/p3', node: 'n3' },
      ],
      unschedulable: [
        {
          pod: 'team-a/p4',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: persistentvolumeclaim "missing" not found.',
        },
      ],
      volumeChoices: [
        { pod: 'team-a/p2', node: 'n2', claims: [{ claim: 'team-a/static', volume: 'pv-free' }] },
        { pod: 'team-a/p3', node: 'n3', claims: [{ claim: 'team-a/dynamic', volume: '' }] },
      ],
    });
  });

  it('prints a row per claim choice in the table', async () => {
    const result = await plan(['--output', 'table'], ...cluster, pending('p2', ['static']), pending('p3', ['dynamic']));
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('claim'))).toEqual([
      'claim      team-a/p2   n2     team-a/static: volume pv-free',
      'claim      team-a/p3   n3     team-a/dynamic: provision',
    ]);
  });

  it('holds a pod whose claims are missing when the input lists no claims at all', async () => {
    const result = await plan([], node('n1', 'a'), pending('p1', ['data']));
    expect(JSON.parse(result.stdout)).toMatchObject({
      bindings: [],
      unschedulable: [
        { pod: 'team-a/p1', message: expect.stringContaining('persistentvolumeclaim "data" not found') as unknown },
      ],
    });
  });

  it('rejects a malformed claim with the field that is wrong', async () => {
    const bad = claim('x', 'local', { phase: 'Pending' });
    const result = await plan([], node('n1', 'a'), { ...bad, spec: { ...bad.spec, accessModes: ['RWO'] } });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'custom-scheduler plan: <stdin>: persistentvolumeclaim team-a/x: spec.accessModes[0]: unknown access mode "RWO"\n',
    });
  });

  describe('read from one file per kind (kubectl get pvc -o json > pvc.json, ...)', () => {
    const files: Record<string, string> = {
      'nodes.json': kubectlList(node('n1', 'a')),
      'pvc.json': kubectlList(claim('static', 'local', { phase: 'Pending' })),
      'pv.json': kubectlList(localVolume('pv-free', 'n1', 'Available')),
      'sc.json': kubectlList(storageClass('local', 'kubernetes.io/no-provisioner')),
      'csinode.json': kubectlList(csiNode('n1')),
      'pv-again.json': JSON.stringify(localVolume('pv-free', 'n1', 'Available')),
    };
    const source = {
      readFile: (path: string) => Promise.resolve(files[path] ?? ''),
      readStdin: () => Promise.resolve(''),
    };

    it('merges the storage kinds of every file', async () => {
      const result = await readSnapshot(['nodes.json', 'pvc.json', 'pv.json', 'sc.json', 'csinode.json'], source);
      expect(result.ok && result.value.claims?.map((c) => c.key)).toEqual(['team-a/static']);
      expect(result.ok && result.value.volumes?.map((v) => v.name)).toEqual(['pv-free']);
      expect(result.ok && result.value.storageClasses?.map((c) => c.name)).toEqual(['local']);
      expect(result.ok && result.value.csiNodes?.map((n) => n.name)).toEqual(['n1']);
    });

    it('leaves out the kinds no file lists', async () => {
      const result = await readSnapshot(['nodes.json', 'pv.json'], source);
      expect(result.ok && Object.keys(result.value).sort()).toEqual(['nodes', 'pdbs', 'pods', 'volumes']);
    });

    it('names the file of a volume that appears in two files', async () => {
      expect(await readSnapshot(['pv.json', 'pv-again.json'], source)).toEqual({
        ok: false,
        error: 'pv-again.json: persistentvolume pv-free: appears twice',
      });
    });
  });
});
