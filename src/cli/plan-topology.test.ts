// The plan command on kubectl-shaped input with pod (anti-)affinity, topology spread
// and namespaces: what a new user tries first.
import { runPlan } from './plan-command.testing.js';

const node = (name: string, zone: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
  status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pending = (
  name: string,
  spec: Record<string, unknown>,
  labels: Record<string, string>,
  namespace = 'default',
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, labels, creationTimestamp: `2026-01-01T00:00:0${name.slice(-1)}Z` },
  spec: {
    schedulerName: 'custom-scheduler',
    containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }],
    ...spec,
  },
  status: { phase: 'Pending' },
});
const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const nodes = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')];

interface Out {
  bindings: Array<{ pod: string; node: string }>;
  unschedulable: Array<{ pod: string; message: string }>;
}

async function plan(...items: unknown[]): Promise<Out> {
  const result = await runPlan(['--now', '2026-01-01T01:00:00Z', '-'], list(...items));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Out;
}

describe('plan with rules across pods', () => {
  it('puts pods with hostname anti-affinity on distinct nodes and holds the fourth', async () => {
    const antiAffinity = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'worker' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    };
    const out = await plan(...nodes, ...[1, 2, 3, 4].map((i) => pending(`w${i}`, antiAffinity, { app: 'worker' })));
    expect(out.bindings.map((b) => b.node).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(out.unschedulable).toEqual([
      expect.objectContaining({
        pod: 'default/w4',
        message: expect.stringContaining("3 node(s) didn't match pod anti-affinity rules") as unknown,
      }),
    ]);
  });

  it('spreads over zones with DoNotSchedule, where bin-packing would stack', async () => {
    const spread = {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'spread' } },
        },
      ],
    };
    const out = await plan(...nodes, ...[1, 2, 3].map((i) => pending(`s${i}`, spread, { app: 'spread' })));
    expect(out.bindings.map((b) => b.node).sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('reads Namespace objects for a namespaceSelector, and holds the pod with a reason without them', async () => {
    const db = { ...pending('db1', { nodeName: 'n1' }, { app: 'db' }, 'data'), status: { phase: 'Running' } };
    const affinity = {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: 'db' } },
              namespaceSelector: { matchLabels: { tier: 'storage' } },
              topologyKey: 'topology.kubernetes.io/zone',
            },
          ],
        },
      },
    };
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data', labels: { tier: 'storage' } } };
    const withNamespaces = await plan(...nodes, db, namespace, pending('f1', affinity, {}));
    expect(withNamespaces.bindings).toEqual([{ pod: 'default/f1', node: 'n1' }]);
    const without = await plan(...nodes, db, pending('f1', affinity, {}));
    expect(without.bindings).toEqual([]);
    expect(without.unschedulable[0]?.message).toContain('namespaceSelector');
  });

  it('rejects a malformed constraint with the field that is wrong', async () => {
    const bad = {
      topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
    };
    const result = await runPlan(['-'], list(...nodes, pending('x1', bad, {})));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/pod default\/x1: spec\.topologySpreadConstraints\[0\]\.maxSkew: must be at least 1/);
  });
});
