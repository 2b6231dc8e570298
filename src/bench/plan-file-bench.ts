// The plan command end to end, as a user runs it: start-up on an empty snapshot, and a
// 5,000-node snapshot against the time Node takes merely to read and parse the same file.
// Not a test. Run: npm run bench:plan-file [-- --runs N]
// Each figure is the median wall time of N runs of a fresh `node` process, so start-up,
// module loading, reading, parsing, converting, planning and printing all count.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const T0 = '2026-01-01T00:00:00Z';

function nodeObject(i: number): object {
  const name = `node-${String(i).padStart(5, '0')}`;
  const allocatable = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: T0, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function podObject(i: number, nodeName: string | undefined): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: 'bench',
      uid: `uid-pod-${i}`,
      creationTimestamp: T0,
      labels: { app: `app-${i % 50}` },
    },
    spec: {
      schedulerName: 'custom-scheduler',
      ...(nodeName === undefined ? {} : { nodeName }),
      priority: i % 3,
      containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '500m', memory: '2Gi' } } }],
    },
    status: { phase: nodeName === undefined ? 'Pending' : 'Running' },
  };
}

/** 5,000 nodes, 100,000 bound pods (20 per node), 10,000 pending: the planner benchmark's large case. */
function largeList(): string {
  const items: object[] = [];
  for (let i = 0; i < 5000; i++) items.push(nodeObject(i));
  for (let i = 0; i < 100_000; i++) items.push(podObject(i, `node-${String(i % 5000).padStart(5, '0')}`));
  for (let i = 100_000; i < 110_000; i++) items.push(podObject(i, undefined));
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

function timed(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(result.status)}`);
  return ms;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function runs(n: number, args: readonly string[]): number {
  return median(Array.from({ length: n }, () => timed(args)));
}

const runsArg = process.argv.indexOf('--runs');
const n = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
const dir = mkdtempSync(join(tmpdir(), 'plan-file-bench-'));
try {
  const empty = join(dir, 'empty.json');
  const large = join(dir, 'large.json');
  writeFileSync(empty, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
  writeFileSync(large, largeList());
  const bare = runs(n, ['-e', '0']);
  const start = runs(n, [MAIN, 'plan', empty]);
  const parse = runs(n, ['-e', 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))', large]);
  const plan = runs(n, [MAIN, 'plan', large]);
  // A smaller young generation: objects that live for the whole run are promoted sooner.
  const smallYoung = runs(n, ['--max-semi-space-size=16', MAIN, 'plan', large]);
  console.log(`node ${process.version}, ${new Date().toISOString()}, median of ${n} fresh processes each`);
  console.log(`node -e 0:                     ${bare.toFixed(0)} ms`);
  console.log(`plan, empty snapshot:          ${start.toFixed(0)} ms (target <= 300 ms)`);
  console.log(`parse the 5,000-node file:     ${parse.toFixed(0)} ms`);
  console.log(
    `plan the 5,000-node file:      ${plan.toFixed(0)} ms = ${(plan / parse).toFixed(2)}x parsing (target <= 2x)`,
  );
  console.log(
    `same, --max-semi-space-size=16: ${smallYoung.toFixed(0)} ms = ${(smallYoung / parse).toFixed(2)}x parsing`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
