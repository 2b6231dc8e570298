import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlan, type PlanRun as Run } from './plan-command.testing.js';
import { parsePlanOptions } from './plan-options.js';

const run = runPlan;

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const runningPod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', creationTimestamp: '2025-12-31T00:00:00Z' },
  spec: { nodeName: 'node-a', containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }], ...extra },
  status: { phase: 'Running' },
});
const list = (...items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-command-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Bad input: exit 2, exactly one line on stderr, nothing on stdout. */
function expectRejected(result: Run, line: string | RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  if (typeof line === 'string') expect(result.stderr).toBe(`${line}\n`);
  else expect(result.stderr).toMatch(line);
}

describe('plan options', () => {
  it('defaults to the planner defaults', () => {
    const parsed = parsePlanOptions(['snap.json']);
    expect(parsed).toEqual({
      ok: true,
      value: {
        config: {
          schedulerName: 'custom-scheduler',
          maxPodsPerNode: 0,
          preemption: true,
          scoring: 'MostAllocated',
          annotationPrefix: 'custom-scheduling.k8s.io',
          gangSources: ['custom', 'kubernetes', 'scheduler-plugins', 'volcano', 'kueue'],
          nominationTimeoutMs: 300000,
          volumeBindTimeoutMs: 300_000,
          percentageOfNodesToScore: 0,
        },
        nowMs: undefined,
        output: 'json',
        files: ['snap.json'],
        help: false,
      },
    });
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const parsed = parsePlanOptions([
      '--scheduler-name',
      'batch',
      '--max-pods-per-node=1',
      '--no-preemption',
      '--scoring',
      'LeastAllocated',
      '--now=2026-01-01T00:00:00Z',
      '--output',
      'table',
      '--annotation-prefix',
      'example.com',
      'a.json',
      '-',
      '--',
      '--odd-file-name',
    ]);
    expect(parsed.ok && parsed.value).toMatchObject({
      config: {
        schedulerName: 'batch',
        maxPodsPerNode: 1,
        preemption: false,
        scoring: 'LeastAllocated',
        annotationPrefix: 'example.com',
      },
      nowMs: Date.UTC(2026, 0, 1),
      output: 'table',
      files: ['a.json', '-', '--odd-file-name'],
    });
  });

  it('reads the planner settings run reads too: nodes to score, nomination timeout, preemption', () => {
    const parsed = parsePlanOptions([
      '--percentage-of-nodes-to-score',
      '50',
      '--nomination-timeout=2m',
      '--no-preemption',
      '--preemption',
      'x',
    ]);
    expect(parsed).toEqual({
      ok: true,
      value: {
        config: {
          schedulerName: 'custom-scheduler',
          maxPodsPerNode: 0,
          preemption: true,
          scoring: 'MostAllocated',
          annotationPrefix: 'custom-scheduling.k8s.io',
          gangSources: ['custom', 'kubernetes', 'scheduler-plugins', 'volcano', 'kueue'],
          nominationTimeoutMs: 120_000,
          volumeBindTimeoutMs: 300_000,
          percentageOfNodesToScore: 50,
        },
        nowMs: undefined,
        output: 'json',
        files: ['x'],
        help: false,
      },
    });
    expect(parsePlanOptions(['--nomination-timeout', '1500', 'x'])).toMatchObject({
      ok: true,
      value: { config: { nominationTimeoutMs: 1500 } },
    });
  });

  it('accepts RFC 3339 offsets and fractions', () => {
    const parsed = parsePlanOptions(['--now', '2026-01-01T02:00:00.250+02:00', 'x']);
    expect(parsed.ok && parsed.value.nowMs).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 250));
  });

  it.each([
    [['--max-pods-per-node', '-1', 'x'], '--max-pods-per-node: expected a non-negative integer, got "-1"'],
    [['--max-pods-per-node', '1.5', 'x'], '--max-pods-per-node: expected a non-negative integer, got "1.5"'],
    [['--scoring', 'Random', 'x'], '--scoring: expected MostAllocated or LeastAllocated, got "Random"'],
    [['--now', '2026-01-01', 'x'], '--now: expected an RFC 3339 time like 2026-01-01T00:00:00Z, got "2026-01-01"'],
    [
      ['--now', '2026-13-45T00:00:00Z', 'x'],
      '--now: expected an RFC 3339 time like 2026-01-01T00:00:00Z, got "2026-13-45T00:00:00Z"',
    ],
    [['--output', 'yaml', 'x'], '--output: expected json or table, got "yaml"'],
    [
      ['--annotation-prefix', 'Not A Domain', 'x'],
      '--annotation-prefix: expected a DNS subdomain like custom-scheduling.k8s.io, got "Not A Domain"',
    ],
    [['--scheduler-name', '', 'x'], '--scheduler-name: must not be empty'],
    [
      ['--percentage-of-nodes-to-score', '101', 'x'],
      '--percentage-of-nodes-to-score: expected an integer from 0 to 100, got "101"',
    ],
    [
      ['--nomination-timeout', 'soon', 'x'],
      '--nomination-timeout: expected a positive duration such as 500ms, 5s, 2m or a number of milliseconds, got "soon"',
    ],
    [
      ['--nomination-timeout', '0', 'x'],
      '--nomination-timeout: expected a positive duration such as 500ms, 5s, 2m or a number of milliseconds, got "0"',
    ],
    [['--no-scoring', 'x'], 'unknown option --no-scoring'],

    [['--scheduler-name'], '--scheduler-name: missing value'],
    [['--frobnicate', 'x'], 'unknown option --frobnicate'],
    [['-x'], 'unknown option -x'],
    [[], 'no snapshot file given (use - for stdin)'],
  ])('rejects %j', async (argv, error) => {
    expect(parsePlanOptions(argv)).toEqual({ ok: false, error });
    expectRejected(await run(argv), `custom-scheduler plan: ${error}`);
  });

  it('prints help on stdout and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: custom-scheduler plan [options] FILE...');
    expect(result.stdout).toContain('--max-pods-per-node N');
    expect(result.stdout).toContain('--percentage-of-nodes-to-score P');
    expect(result.stdout).toContain('--nomination-timeout DURATION');
    expect(result.stdout).toContain('--preemption, --no-preemption');
    expect(result.stderr).toBe('');
  });
});

describe('plan input', () => {
  it('reports an unreadable file', async () => {
    const missing = join(dir, 'missing.json');
    expectRejected(
      await run([missing]),
      new RegExp(`^custom-scheduler plan: ${missing}: cannot read \\(ENOENT: no such file or directory\\)\\n$`),
    );
  });

  it('reports text that is not JSON', async () => {
    const path = await file('garbage.json', 'apiVersion: v1\nkind: List\n');
    expectRejected(await run([path]), new RegExp(`^custom-scheduler plan: ${path}: not JSON \\(.+\\)\\n$`));
  });

  it.each([
    ['{"apiVersion":"v1"}', 'no items (expected a List, an object with items, or one object with a kind)'],
    ['[1,2]', 'expected a JSON object (a List or a Kubernetes object)'],
    ['{"items":{}}', 'items: expected a list'],
    [list({ kind: 'Pod', metadata: {} }), 'pod without metadata.name'],
    [list({ metadata: { name: 'x' }, spec: { containers: [] } }), 'items[0]: missing kind (looks like a Pod)'],
    [
      list(runningPod('x', { containers: [{ name: 'c', resources: { requests: { cpu: '2x' } } }] })),
      'pod default/x: spec.containers[0].resources.requests.cpu: invalid quantity "2x"',
    ],
    [list(node('n'), node('n')), 'node n: appears twice'],
    [list({ kind: 'Pod', metadata: {} }, { kind: 'Node', metadata: {} }), 'pod without metadata.name (and 1 more)'],
  ])('reports %s', async (text, error) => {
    const path = await file('bad.json', text);
    expectRejected(await run([path]), `custom-scheduler plan: ${path}: ${error}`);
  });

  it('names stdin as <stdin>', async () => {
    expectRejected(
      await run(['-'], '{}'),
      'custom-scheduler plan: <stdin>: no items (expected a List, an object with items, or one object with a kind)',
    );
  });

  it('names the file of an object that appears in two files', async () => {
    const first = await file('one.json', list(node('node-a')));
    const second = await file('two.json', JSON.stringify(node('node-a')));
    expectRejected(await run([first, second]), `custom-scheduler plan: ${second}: node node-a: appears twice`);
  });

  it('concatenates the items of every file and of stdin; other kinds are ignored', async () => {
    const nodes = await file(
      'nodes.json',
      list(node('node-a'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }),
    );
    const pdbs = await file(
      'pdbs.json',
      JSON.stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudgetList', items: [] }),
    );
    const result = await run(['--now', '2026-01-01T00:00:00Z', nodes, '-', pdbs], list(runningPod('web')));
    expect(result).toEqual({
      code: 0,
      stdout: '{"bindings":[],"evictions":[],"nominations":[],"unschedulable":[]}\n',
      stderr: '',
    });
  });

  it('reads one bare object', async () => {
    const path = await file('node.json', JSON.stringify(node('node-a')));
    const result = await run([path, '--output', 'table']);
    expect(result).toEqual({ code: 0, stdout: 'nothing to do: no pending pods\n', stderr: '' });
  });
});
