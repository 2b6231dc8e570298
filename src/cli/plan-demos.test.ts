// Two gang-and-priority stories as two-node kubectl snapshots (testdata/), run through
// the plan command with at most one of our pods per node.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepFreeze } from '../core/testing.js';
import { snapshotFromItems } from '../snapshot/convert.js';
import { runPlan } from './plan-command.testing.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const DEMO_1 = join(testdata, 'demo-1-highpri-pod-blocks-lowpri-gang.json');
const DEMO_2 = join(testdata, 'demo-2-highpri-gang-preempts-lowpri-pod.json');
const ONE_POD_PER_NODE = ['--max-pods-per-node', '1', '--now', '2026-01-01T00:00:00Z'];

interface PrintedPlan {
  bindings: { pod: string; node: string }[];
  evictions: { pod: string; node: string; preemptor: string }[];
  nominations: { pod: string; node: string }[];
  unschedulable: { pod: string; reason: string; message: string }[];
}

const plan = runPlan;

async function planOf(file: string): Promise<PrintedPlan> {
  const result = await plan([...ONE_POD_PER_NODE, file]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PrintedPlan;
}

describe('a high-priority pod blocks a low-priority gang', () => {
  it('places nothing, evicts nothing and reports both gang members', async () => {
    const result = await planOf(DEMO_1);
    expect(result.bindings).toEqual([]);
    expect(result.evictions).toEqual([]);
    expect(result.nominations).toEqual([]);
    expect(result.unschedulable.map((u) => u.pod)).toEqual(['default/lowpri-job-7q2xk', 'default/lowpri-job-z9wfm']);
    for (const entry of result.unschedulable) expect(entry.message).toContain('gang default/lowpri-job');
  });
});

describe('a high-priority gang preempts a low-priority pod', () => {
  it('evicts the low pod and nominates the gang, one member per node', async () => {
    const result = await planOf(DEMO_2);
    const gang = ['default/highpri-job-b5n8c', 'default/highpri-job-k3d7r'];
    expect(result.bindings).toEqual([]);
    expect(result.unschedulable).toEqual([]);
    expect(result.evictions).toHaveLength(1);
    expect(result.evictions[0]).toMatchObject({ pod: 'default/lowpri', node: 'minikube' });
    expect(gang).toContain(result.evictions[0]?.preemptor);
    expect(result.nominations.map((n) => n.pod).sort()).toEqual(gang);
    expect(result.nominations.map((n) => n.node).sort()).toEqual(['minikube', 'minikube-m02']);
  });

  it('still waits for the gang without preemption', async () => {
    const result = await plan([...ONE_POD_PER_NODE, '--no-preemption', DEMO_2]);
    const printed = JSON.parse(result.stdout) as PrintedPlan;
    expect([printed.bindings, printed.evictions, printed.nominations]).toEqual([[], [], []]);
    expect(printed.unschedulable).toHaveLength(2);
  });

  it('prints a table for people', async () => {
    const result = await plan([...ONE_POD_PER_NODE, '--output', 'table', DEMO_2]);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACTION +POD +NODE +DETAIL$/);
    expect(lines.filter((l) => l.startsWith('evict '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('nominate '))).toHaveLength(2);
  });
});

describe('determinism and purity', () => {
  it.each([DEMO_1, DEMO_2])('gives byte-identical output for the same snapshot (%s)', async (file) => {
    const text = await readFile(file, 'utf8');
    const fromFile = await plan([...ONE_POD_PER_NODE, file]);
    const again = await plan([...ONE_POD_PER_NODE, file]);
    const fromStdin = await plan([...ONE_POD_PER_NODE, '-'], text);
    expect(again.stdout).toBe(fromFile.stdout);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromFile.stdout.endsWith('}\n')).toBe(true);
  });

  it.each([DEMO_1, DEMO_2])('converts deep-frozen input without changing it (%s)', async (file) => {
    const text = await readFile(file, 'utf8');
    const items = deepFreeze((JSON.parse(text) as { items: unknown[] }).items);
    const { snapshot, errors } = snapshotFromItems(items);
    expect(errors).toEqual([]);
    expect([snapshot.nodes.length, snapshot.pods.length, snapshot.pdbs.length]).toEqual([2, 5, 0]);
    const unchanged = JSON.stringify(items) === JSON.stringify((JSON.parse(text) as { items: unknown[] }).items);
    expect(unchanged).toBe(true);
  });
});
