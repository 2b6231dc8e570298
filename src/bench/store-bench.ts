// The scheduler's pass without a cluster: the objects the listeners would hold for the race's
// scale cases (nodes of 64 cpu, 30 bound pods of 100m per node, 1,000 pending), pruned as the
// informers prune them, turned into a snapshot by the store and planned. The first pass
// converts every object; later ones reuse the conversions. Shows how a pass grows with the
// cluster apart from the API server and kwok that share the machine in the race.
// Not a test. Run: npm run bench:store [-- --points 1000/30000,2500/75000]
import { performance } from 'node:perf_hooks';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { DEFAULT_PLAN_CONFIG, fail, planCycle, type Result } from '../core/index.js';
import { pruneNode, prunePod } from '../cluster/prune.js';
import { SchedulerStore } from '../cluster/store.js';
import { trimObject } from '../cluster/trim.js';
import { convertNode } from '../snapshot/node.js';
import { convertPod } from '../snapshot/pod.js';
import { raceNode, racePod } from './race/objects.js';

const T0 = '2026-01-01T00:00:00Z';

function objects(nodeCount: number, bound: number, pending: number): { nodes: V1Node[]; pods: V1Pod[] } {
  const nodes: V1Node[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const node: V1Node = raceNode(`race-node-${i}`, { cpu: '64', memory: '256Gi', pods: 110 });
    node.metadata = { ...node.metadata, uid: `node-${i}`, creationTimestamp: new Date(T0) };
    node.status = { ...node.status, conditions: [{ type: 'Ready', status: 'True' }] };
    nodes.push(pruneNode(trimObject(node)));
  }
  const pod = (i: number, nodeName: string | undefined): V1Pod => {
    const raw: V1Pod = racePod({
      name: `p-${i}`,
      schedulerName: nodeName === undefined ? 'custom-scheduler' : 'default-scheduler',
      cpu: '100m',
      ...(nodeName === undefined ? {} : { nodeName }),
    });
    raw.metadata = { ...raw.metadata, namespace: 'race', uid: `pod-${i}`, creationTimestamp: new Date(T0) };
    raw.status = { phase: nodeName === undefined ? 'Pending' : 'Running' };
    return prunePod(trimObject(raw));
  };
  const pods: V1Pod[] = [];
  for (let i = 0; i < bound; i++) pods.push(pod(i, `race-node-${i % nodeCount}`));
  for (let i = 0; i < pending; i++) pods.push(pod(bound + i, undefined));
  return { nodes, pods };
}

function unused(): Result<never> {
  return fail('not in this benchmark');
}

function point(nodeCount: number, bound: number): void {
  const { nodes, pods } = objects(nodeCount, bound, 1_000);
  const store = new SchedulerStore(
    {
      nodes: () => nodes,
      pods: () => pods,
      pdbs: () => [],
      namespaces: () => [],
      claims: () => [],
      volumes: () => [],
      storageClasses: () => [],
      csiNodes: () => [],
      podGroups: () => [],
      unavailableGangSources: () => ({}),
    },
    {
      schedulerName: 'custom-scheduler',
      namespaces: [],
      assumeTtlMs: 30_000,
      warn: () => undefined,
      converters: {
        pod: (obj) => convertPod(obj),
        node: convertNode,
        pdb: unused,
        namespace: unused,
        claim: unused,
        volume: unused,
        storageClass: unused,
        csiNode: unused,
        podGroup: unused,
      },
    },
  );
  const passes: string[] = [];
  for (let i = 0; i < 3; i++) {
    let started = performance.now();
    const input = store.snapshot(Date.now());
    const snapshotMs = performance.now() - started;
    started = performance.now();
    const plan = planCycle(input.snapshot, DEFAULT_PLAN_CONFIG, Date.now());
    const planMs = performance.now() - started;
    if (plan.bindings.length !== 1_000) throw new Error(`expected 1,000 bindings, got ${plan.bindings.length}`);
    passes.push(`snapshot ${snapshotMs.toFixed(0)} ms + plan ${planMs.toFixed(0)} ms`);
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `${nodeCount.toLocaleString('en-US')} nodes / ${bound.toLocaleString('en-US')} bound pods / 1,000 pending: ` +
      `first pass ${passes[0] ?? ''}; then ${passes.slice(1).join(', ')}; rss ${rss.toFixed(0)} MiB`,
  );
}

const pointsArg = process.argv.indexOf('--points');
const points = (pointsArg >= 0 ? (process.argv[pointsArg + 1] ?? '') : '1000/30000,2500/75000,5000/150000')
  .split(',')
  .map((p) => p.split('/').map(Number));
console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const [nodeCount, bound] of points) {
  if (nodeCount === undefined || bound === undefined || !(nodeCount > 0) || !(bound >= 0))
    throw new Error(`--points: expected NODES/PODS,..., got ${process.argv[pointsArg + 1] ?? ''}`);
  point(nodeCount, bound);
}
