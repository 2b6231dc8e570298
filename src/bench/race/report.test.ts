import {
  BEGIN_MARKER,
  buildReport,
  byScale,
  checkResults,
  END_MARKER,
  escapeMarkdown,
  floorShare,
  FLOOR_TARGET,
  gangTimeRatio,
  memoryRatio,
  parseReportOptions,
  parseResults,
  replaceSection,
  TIME_TARGET,
  timeRatio,
  verdict,
} from './report.js';
import { type Contender, type RaceCase, type RaceResults, type RaceRun } from './results.js';

const FILE = 'bench/race/results.json';

function run(contender: Contender, extra: Partial<RaceRun> = {}): RaceRun {
  return {
    contender,
    completed: true,
    timeToAllBoundMs: 10_000,
    syncMs: 500,
    bound: 1000,
    bindsPerSecond: 100,
    apiCallsPerPod: 2,
    latencyP50Ms: 4000,
    latencyP99Ms: 9000,
    peakRssMiB: 100,
    ...extra,
  };
}

function raceCase(
  workload: RaceCase['workload'],
  label: string,
  runs: readonly RaceRun[],
  extra: Partial<RaceCase> = {},
) {
  return { workload, label, nodes: 100, pendingPods: 1000, boundPods: 0, setupMs: 1000, runs, ...extra };
}

const basic = raceCase('basic', '1,000 pods / 100 nodes', [
  run('custom-scheduler', { timeToAllBoundMs: 2100, bindsPerSecond: 520, apiCallsPerPod: 2.1, peakRssMiB: 120 }),
  run('kube-scheduler', { timeToAllBoundMs: 6400, bindsPerSecond: 160, apiCallsPerPod: 3 }),
  run('floor-binder', { timeToAllBoundMs: 1900, bindsPerSecond: 560 }),
]);

const slowBasic = raceCase('basic', 'big | <b>', [
  run('custom-scheduler', {
    completed: false,
    failure: 'deadline of 600 s passed',
    timeToAllBoundMs: 600_000,
    bound: 812,
  }),
  run('kube-scheduler', { timeToAllBoundMs: 64_000 }),
  run('floor-binder'),
]);

const gangs = raceCase('gangs', '60 gangs of 8', [
  run('custom-scheduler', {
    gangs: { total: 60, placeable: 50, placed: 50, partial: 0, heldCpuMillis: 0, timeToPlaceableMs: 2900 },
  }),
  run('kube-scheduler', {
    completed: false,
    failure: 'deadline',
    gangs: { total: 60, placeable: 50, placed: 38, partial: 12, heldCpuMillis: 24_500 },
  }),
  run('kube-scheduler+podgroups', {
    gangs: { total: 60, placeable: 50, placed: 50, partial: 0, heldCpuMillis: 0, timeToPlaceableMs: 5800 },
  }),
]);

const scaleSmall = raceCase(
  'scale',
  '1,000 nodes',
  [run('custom-scheduler', { peakRssMiB: 240 }), run('kube-scheduler', { peakRssMiB: 300 })],
  { nodes: 1000, boundPods: 20_000 },
);
const scaleLarge = raceCase(
  'scale',
  '5,000 nodes',
  [
    run('custom-scheduler', { peakRssMiB: 1100, passes: 12, planMsMean: 420, planMsMax: 900 }),
    run('kube-scheduler', { peakRssMiB: 1000 }),
  ],
  { nodes: 5000, boundPods: 100_000 },
);

const results: RaceResults = {
  command: 'make bench-race',
  startedAt: '2026-11-23T10:00:00Z',
  finishedAt: '2026-11-23T11:12:30Z',
  machine: { cpus: 16, cpuModel: 'AMD EPYC 7B13', memoryGiB: 64, kernel: '6.8.0', node: 'v24.21.0' },
  versions: { kubernetes: 'v1.34.1', kwok: 'v0.7.0', etcd: '3.6.5', customScheduler: 'v0.1.0-12-gabc1234' },
  cases: [basic, slowBasic, gangs, scaleLarge, scaleSmall],
};

/** The fixture as JSON, changed by `edit` (which may delete or replace any field). */
function json(edit: (doc: Record<string, unknown>) => void = () => undefined): string {
  const doc: unknown = JSON.parse(JSON.stringify(results));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('fixture is an object');
  const record: Record<string, unknown> = { ...doc };
  edit(record);
  return JSON.stringify(record);
}

function firstRun(doc: Record<string, unknown>): Record<string, unknown> {
  const cases = doc['cases'] as Record<string, unknown>[];
  const runs = cases[0]?.['runs'] as Record<string, unknown>[];
  return runs[0]!;
}

describe('reading the results', () => {
  it('accepts the fixture as it is', () => {
    expect(parseResults(json(), FILE)).toEqual({ ok: true, value: results });
  });

  it.each<[string, (doc: Record<string, unknown>) => void, string]>([
    [
      'a missing number',
      (doc) => delete firstRun(doc)['peakRssMiB'],
      'cases[0].runs[0].peakRssMiB: expected a number >= 0, got nothing',
    ],
    [
      'a number as a string',
      (doc) => (firstRun(doc)['bound'] = '1000'),
      'cases[0].runs[0].bound: expected a number >= 0, got string "1000"',
    ],
    [
      'a fraction where a count belongs',
      (doc) => (firstRun(doc)['bound'] = 2.5),
      'cases[0].runs[0].bound: expected a whole number, got number 2.5',
    ],
    [
      'a negative time',
      (doc) => (firstRun(doc)['syncMs'] = -1),
      'cases[0].runs[0].syncMs: expected a number >= 0, got number -1',
    ],
    [
      'an unknown contender',
      (doc) => (firstRun(doc)['contender'] = 'volcano'),
      'cases[0].runs[0].contender: expected one of custom-scheduler, kube-scheduler, kube-scheduler+podgroups, floor-binder, got string "volcano"',
    ],
    [
      'completed as a string',
      (doc) => (firstRun(doc)['completed'] = 'yes'),
      'cases[0].runs[0].completed: expected true or false, got string "yes"',
    ],
    [
      'gang figures that are not an object',
      (doc) => (firstRun(doc)['gangs'] = [1]),
      'cases[0].runs[0].gangs: expected an object, got a list',
    ],
    [
      'an unknown workload',
      (doc) => ((doc['cases'] as Record<string, unknown>[])[1]!['workload'] = 'chaos'),
      'cases[1].workload: expected one of basic, gangs, preemption, scale, got string "chaos"',
    ],
    [
      'an empty label',
      (doc) => ((doc['cases'] as Record<string, unknown>[])[0]!['label'] = ' '),
      'cases[0].label: must not be empty',
    ],
    ['no cases', (doc) => delete doc['cases'], 'cases: expected a list, got nothing'],
    [
      'a bad timestamp',
      (doc) => (doc['startedAt'] = 'yesterday'),
      'startedAt: expected a timestamp, got string "yesterday"',
    ],
    ['no machine', (doc) => (doc['machine'] = null), 'machine: expected an object, got null'],
    [
      'a missing version',
      (doc) => delete (doc['versions'] as Record<string, unknown>)['etcd'],
      'versions.etcd: missing (expected a string)',
    ],
    [
      'a contender twice in a case',
      (doc) => {
        const runs = (doc['cases'] as Record<string, unknown>[])[0]!['runs'] as Record<string, unknown>[];
        runs[2]!['contender'] = 'kube-scheduler';
      },
      'cases[0].runs[2].contender: kube-scheduler already ran as cases[0].runs[1]',
    ],
  ])('names the file and the field: %s', (_, edit, error) => {
    expect(parseResults(json(edit), FILE)).toEqual({ ok: false, error: `${FILE}: ${error}` });
  });

  it('says when the file is not JSON or not an object', () => {
    const broken = parseResults('{"command": ', FILE);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatch(/^bench\/race\/results.json: not JSON \(/);
    expect(checkResults([], FILE)).toEqual({ ok: false, error: `${FILE}: top level: expected an object, got a list` });
  });

  it('leaves optional fields out rather than setting them undefined', () => {
    const parsed = parseResults(json(), FILE);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(Object.keys(parsed.value.cases[0]?.runs[0] ?? {})).not.toContain('failure');
    expect('gangs' in (parsed.value.cases[0]?.runs[0] ?? {})).toBe(false);
  });
});

describe('ratios and targets', () => {
  it('divides custom-scheduler by the reference', () => {
    expect(timeRatio(basic)).toEqual({ ok: true, value: 2100 / 6400 });
    expect(floorShare(basic)).toEqual({ ok: true, value: 520 / 560 });
    expect(gangTimeRatio(gangs)).toEqual({ ok: true, value: 0.5 });
    expect(memoryRatio(scaleLarge)).toEqual({ ok: true, value: 1.1 });
  });

  it('never measures a run that did not complete', () => {
    expect(timeRatio(slowBasic)).toEqual({ ok: false, error: 'custom-scheduler did not complete' });
    expect(floorShare(slowBasic)).toEqual({ ok: false, error: 'custom-scheduler did not complete' });
    const kubeFailed = raceCase('basic', 'x', [run('custom-scheduler'), run('kube-scheduler', { completed: false })]);
    expect(timeRatio(kubeFailed)).toEqual({ ok: false, error: 'kube-scheduler did not complete' });
    expect(verdict(timeRatio(kubeFailed), TIME_TARGET)).toBe('not measured');
  });

  it('says what is missing', () => {
    expect(floorShare(raceCase('basic', 'x', [run('custom-scheduler')]))).toEqual({
      ok: false,
      error: 'no floor-binder run',
    });
    const never = raceCase('gangs', 'x', [
      run('custom-scheduler', { gangs: { total: 1, placeable: 1, placed: 0, partial: 1, heldCpuMillis: 500 } }),
      run('kube-scheduler+podgroups'),
    ]);
    expect(gangTimeRatio(never)).toEqual({ ok: false, error: 'custom-scheduler never bound every placeable gang' });
    const zero = raceCase('basic', 'x', [run('custom-scheduler'), run('floor-binder', { bindsPerSecond: 0 })]);
    expect(floorShare(zero)).toEqual({ ok: false, error: 'floor-binder measured 0' });
  });

  it('meets a target on its limit', () => {
    expect(verdict({ ok: true, value: 0.5 }, TIME_TARGET)).toBe('met');
    expect(verdict({ ok: true, value: 0.51 }, TIME_TARGET)).toBe('missed');
    expect(verdict({ ok: true, value: 0.9 }, FLOOR_TARGET)).toBe('met');
    expect(verdict({ ok: true, value: 0.89 }, FLOOR_TARGET)).toBe('missed');
  });

  it('orders scale points by pods, then nodes', () => {
    expect(byScale([scaleLarge, scaleSmall]).map((c) => c.label)).toEqual(['1,000 nodes', '5,000 nodes']);
  });
});

describe('the markdown', () => {
  const report = buildReport(results, 'docs/bench');
  const lines = report.markdown.split('\n');

  it('opens with the command, the times, the machine and the versions', () => {
    expect(lines).toContain('- Command: `make bench-race`');
    expect(lines).toContain('- Ran from 2026-11-23T10:00:00Z to 2026-11-23T11:12:30Z (73 min)');
    expect(lines).toContain('- Machine: 16 CPUs (AMD EPYC 7B13), 64 GiB memory, kernel 6.8.0, Node v24.21.0');
    expect(lines).toContain(
      '- Versions: Kubernetes v1.34.1, kwok v0.7.0, etcd 3.6.5, custom-scheduler v0.1.0-12-gabc1234',
    );
  });

  it('has one basic row per case, a column per contender, and the targets judged', () => {
    expect(lines).toContain(
      '| Case | custom-scheduler | kube-scheduler | floor-binder | custom-scheduler ÷ kube-scheduler time (target ≤ 0.5) | custom-scheduler binds/s as % of the floor binder (target ≥ 90%) |',
    );
    expect(lines).toContain(
      '| 1,000 pods / 100 nodes | all bound in 2.10 s<br>520 binds/s<br>2.1 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 120 MiB | all bound in 6.40 s<br>160 binds/s<br>3.0 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 100 MiB | all bound in 1.90 s<br>560 binds/s<br>2.0 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 100 MiB | 0.33, met | 93%, met |',
    );
  });

  it('shows why a run did not complete, and counts no target for it', () => {
    const row = lines.find((line) => line.startsWith('| big'));
    expect(row).toBe(
      '| big \\| &lt;b&gt; | **did not complete**: deadline of 600 s passed<br>812 pods bound, the last at 600 s<br>100 binds/s<br>2.0 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 100 MiB | all bound in 64.0 s<br>100 binds/s<br>2.0 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 100 MiB | all bound in 10.0 s<br>100 binds/s<br>2.0 API calls per pod<br>latency p50 4.00 s, p99 9.00 s<br>peak RSS 100 MiB | not met: custom-scheduler did not complete | not met: custom-scheduler did not complete |',
    );
  });

  it('gives gang figures per contender and the ratio to kube-scheduler+podgroups', () => {
    expect(lines).toContain(
      '| 60 gangs of 8 | all bound in 10.0 s<br>placed 50 of 50 placeable gangs (60 in all)<br>no partial gangs<br>placeable gangs all bound in 2.90 s | **did not complete**: deadline<br>1,000 pods bound, the last at 10.0 s<br>placed 38 of 50 placeable gangs (60 in all)<br>12 partial gangs, holding 24.5 CPU cores<br>placeable gangs: never all bound | all bound in 10.0 s<br>placed 50 of 50 placeable gangs (60 in all)<br>no partial gangs<br>placeable gangs all bound in 5.80 s | 0.50 |',
    );
  });

  it('orders scale points by size and holds the largest to 1 GiB', () => {
    const small = lines.findIndex((line) => line.startsWith('| 1,000 nodes |'));
    const large = lines.findIndex((line) => line.startsWith('| 5,000 nodes |'));
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small + 1);
    expect(lines[small]?.endsWith('| 0.80, met |  |')).toBe(true);
    expect(lines[large]).toContain('12 passes, planning mean 420 ms, max 900 ms');
    expect(lines[large]).toMatch(/\| 1\.10, missed \| 1,100 MiB, missed \|$/);
  });

  it('never holds a cut-short largest point to the 1 GiB target as met', () => {
    const crashed = { ...scaleLarge, runs: [run('custom-scheduler', { completed: false, failure: 'OOM killed' })] };
    const only = buildReport({ ...results, cases: [scaleSmall, crashed] }, '');
    const row = only.markdown.split('\n').find((line) => line.startsWith('| 5,000 nodes |'));
    expect(row).toContain('**did not complete**: OOM killed');
    expect(
      row?.endsWith(
        '| not run | not met: custom-scheduler did not complete | not met: custom-scheduler did not complete |',
      ),
    ).toBe(true);
  });

  it('writes "not run" where a contender skipped a case', () => {
    const skipped = raceCase('basic', 'no floor', [run('custom-scheduler'), run('kube-scheduler')]);
    const only = buildReport({ ...results, cases: [basic, skipped] }, '');
    const row = only.markdown.split('\n').find((line) => line.startsWith('| no floor |'));
    expect(row).toMatch(/ \| not run \| 1\.00, missed \| not met: no floor-binder run \|$/);
  });

  it('says which workloads were not run, and draws only the others', () => {
    expect(report.markdown).toContain('The preemption workload was not run, so it has no table and no chart.');
    expect(report.charts.map((c) => c.name)).toEqual(['race-basic.svg', 'race-gangs.svg', 'race-memory.svg']);
    expect(lines).toContain('![Time to all bound per case and scheduler](docs/bench/race-basic.svg)');
    expect(report.markdown).not.toContain('race-preemption.svg');
  });

  it('shows preemption evictions against the fewest possible', () => {
    const preemption = raceCase(
      'preemption',
      'full cluster',
      [run('custom-scheduler', { evictions: 10 }), run('kube-scheduler', { evictions: 14 })],
      { minimumEvictions: 10 },
    );
    const only = buildReport({ ...results, cases: [preemption] }, '');
    expect(only.markdown).toContain(
      '| full cluster | 10 | all bound in 10.0 s<br>10 evictions, the fewest possible | all bound in 10.0 s<br>14 evictions, 4 more than the fewest possible |',
    );
    expect(only.charts.map((c) => c.name)).toEqual(['race-preemption.svg']);
    expect(only.markdown).toContain('(race-preemption.svg)');
  });

  it('writes the same bytes for the same results', () => {
    expect(buildReport(results, 'docs/bench')).toEqual(report);
    expect(report.markdown.endsWith('\n')).toBe(true);
  });

  it('escapes what markdown or HTML would read', () => {
    expect(escapeMarkdown('a|b <c> *d* _e_ `f` [g]\nh')).toBe('a\\|b &lt;c&gt; \\*d\\* \\_e\\_ \\`f\\` \\[g\\] h');
  });
});

describe('the markers', () => {
  const section = 'new line 1\nnew line 2\n';

  it('replaces what lies between them and keeps the rest', () => {
    const document = `# Benchmarks\n\nintro\n${BEGIN_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    expect(replaceSection(document, section, 'BENCHMARKS.md')).toEqual({
      ok: true,
      value: `# Benchmarks\n\nintro\n${BEGIN_MARKER}\nnew line 1\nnew line 2\n${END_MARKER}\n\nafter\n`,
    });
  });

  it('gives the same file when run twice', () => {
    const once = replaceSection(`${BEGIN_MARKER}\n${END_MARKER}\n`, section, 'B.md');
    if (!once.ok) throw new Error(once.error);
    expect(replaceSection(once.value, section, 'B.md')).toEqual(once);
  });

  it('creates a missing file with just the markers and the section', () => {
    expect(replaceSection(undefined, section, 'B.md')).toEqual({
      ok: true,
      value: `${BEGIN_MARKER}\nnew line 1\nnew line 2\n${END_MARKER}\n`,
    });
  });

  it.each([
    ['# Benchmarks\n', `B.md: no line ${BEGIN_MARKER}`],
    [`${BEGIN_MARKER}\n`, `B.md: no line ${END_MARKER}`],
    [`${END_MARKER}\n${BEGIN_MARKER}\n`, `B.md: ${END_MARKER} comes before ${BEGIN_MARKER}`],
    [`${BEGIN_MARKER}\n${END_MARKER}\n${BEGIN_MARKER}\n`, 'B.md: the race markers appear more than once'],
  ])('fails clearly when the markers are wrong: %j', (document, error) => {
    const result = replaceSection(document, section, 'B.md');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.startsWith(`${error}; `)).toBe(true);
  });

  it('does not take a marker inside a line for the marker line', () => {
    const result = replaceSection(`say ${BEGIN_MARKER} here\n${END_MARKER}\n`, section, 'B.md');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.startsWith(`B.md: no line ${BEGIN_MARKER}; `)).toBe(true);
  });
});

describe('options', () => {
  it('defaults to the race files', () => {
    expect(parseReportOptions([])).toEqual({
      ok: true,
      value: { results: 'bench/race/results.json', charts: 'docs/bench', markdown: 'BENCHMARKS.md', help: false },
    });
  });

  it('takes each path as the next argument or after =', () => {
    expect(parseReportOptions(['--results', 'r.json', '--charts=out/c', '--markdown', 'M.md'])).toEqual({
      ok: true,
      value: { results: 'r.json', charts: 'out/c', markdown: 'M.md', help: false },
    });
  });

  it('rejects unknown options and missing paths', () => {
    expect(parseReportOptions(['--result', 'x'])).toEqual({ ok: false, error: 'unknown option "--result"' });
    expect(parseReportOptions(['results.json'])).toEqual({ ok: false, error: 'unknown option "results.json"' });
    expect(parseReportOptions(['--charts'])).toEqual({ ok: false, error: '--charts needs a path' });
    expect(parseReportOptions(['--charts='])).toEqual({ ok: false, error: '--charts needs a path' });
  });
});
