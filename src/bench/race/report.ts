// The race's report: checks a results file, judges the targets, and renders the
// BENCHMARKS.md section and the SVG charts. Pure; report-command.ts reads and writes.
import { posix } from 'node:path';
import { fail, ok, type Result } from '../../core/index.js';
import { FieldError, isPlain, oneOf, optionalString, type Plain, readOrError } from '../../snapshot/fields.js';
import {
  type Contender,
  type GangFigures,
  type Machine,
  type RaceCase,
  type RaceResults,
  type RaceRun,
  type Versions,
  type Workload,
} from './results.js';
import {
  type Bar,
  type BarChart,
  barChartSvg,
  CONTENDER_COLOURS,
  formatNumber,
  lineChartSvg,
  type Series,
} from './svg.js';

/** Column order of every table and legend. */
export const CONTENDERS: readonly Contender[] = [
  'custom-scheduler',
  'kube-scheduler',
  'kube-scheduler+podgroups',
  'floor-binder',
];
export const WORKLOADS: readonly Workload[] = ['basic', 'gangs', 'preemption', 'scale'];

// ---- Reading the results file -------------------------------------------------------

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function record(value: unknown, path: string): Plain {
  if (!isPlain(value)) throw new FieldError(path, `expected an object, got ${describe(value)}`);
  return value;
}

function entries(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new FieldError(path, `expected a list, got ${describe(value)}`);
  return value;
}

function text(value: unknown, path: string): string {
  const found = optionalString(value, path);
  if (found === undefined) throw new FieldError(path, 'missing (expected a string)');
  return found;
}

function label(value: unknown, path: string): string {
  const found = text(value, path);
  if (found.trim() === '') throw new FieldError(path, 'must not be empty');
  return found;
}

function timestamp(value: unknown, path: string): string {
  const found = text(value, path);
  if (Number.isNaN(Date.parse(found))) throw new FieldError(path, `expected a timestamp, got ${describe(found)}`);
  return found;
}

function truth(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new FieldError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

/** A measure: a finite number, zero or more. */
function amount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FieldError(path, `expected a number >= 0, got ${describe(value)}`);
  }
  return value;
}

function count(value: unknown, path: string): number {
  const found = amount(value, path);
  if (!Number.isSafeInteger(found)) throw new FieldError(path, `expected a whole number, got ${describe(found)}`);
  return found;
}

/** Absent or null: undefined, as JSON writers differ on how they leave a field out. */
function optional<T>(read: (value: unknown, path: string) => T, value: unknown, path: string): T | undefined {
  return value === undefined || value === null ? undefined : read(value, path);
}

function choice<T extends string>(choices: readonly T[], value: unknown, path: string): T {
  const found = text(value, path);
  if (!oneOf(choices, found)) {
    throw new FieldError(path, `expected one of ${choices.join(', ')}, got ${describe(found)}`);
  }
  return found;
}

function readMachine(value: unknown, path: string): Machine {
  const m = record(value, path);
  return {
    cpus: count(m['cpus'], `${path}.cpus`),
    cpuModel: text(m['cpuModel'], `${path}.cpuModel`),
    memoryGiB: amount(m['memoryGiB'], `${path}.memoryGiB`),
    kernel: text(m['kernel'], `${path}.kernel`),
    node: text(m['node'], `${path}.node`),
  };
}

function readVersions(value: unknown, path: string): Versions {
  const v = record(value, path);
  return {
    kubernetes: text(v['kubernetes'], `${path}.kubernetes`),
    kwok: text(v['kwok'], `${path}.kwok`),
    etcd: text(v['etcd'], `${path}.etcd`),
    customScheduler: text(v['customScheduler'], `${path}.customScheduler`),
  };
}

function readGangs(value: unknown, path: string): GangFigures {
  const g = record(value, path);
  const timeToPlaceableMs = optional(amount, g['timeToPlaceableMs'], `${path}.timeToPlaceableMs`);
  return {
    total: count(g['total'], `${path}.total`),
    placeable: count(g['placeable'], `${path}.placeable`),
    placed: count(g['placed'], `${path}.placed`),
    partial: count(g['partial'], `${path}.partial`),
    heldCpuMillis: amount(g['heldCpuMillis'], `${path}.heldCpuMillis`),
    ...(timeToPlaceableMs === undefined ? {} : { timeToPlaceableMs }),
  };
}

function readRun(value: unknown, path: string): RaceRun {
  const r = record(value, path);
  const at = (key: string): string => `${path}.${key}`;
  const failure = optionalString(r['failure'], at('failure'));
  const passes = optional(count, r['passes'], at('passes'));
  const planMsMean = optional(amount, r['planMsMean'], at('planMsMean'));
  const planMsMax = optional(amount, r['planMsMax'], at('planMsMax'));
  const gangs = optional(readGangs, r['gangs'], at('gangs'));
  const evictions = optional(count, r['evictions'], at('evictions'));
  return {
    contender: choice(CONTENDERS, r['contender'], at('contender')),
    completed: truth(r['completed'], at('completed')),
    ...(failure === undefined ? {} : { failure }),
    timeToAllBoundMs: amount(r['timeToAllBoundMs'], at('timeToAllBoundMs')),
    syncMs: amount(r['syncMs'], at('syncMs')),
    bound: count(r['bound'], at('bound')),
    bindsPerSecond: amount(r['bindsPerSecond'], at('bindsPerSecond')),
    apiCallsPerPod: amount(r['apiCallsPerPod'], at('apiCallsPerPod')),
    latencyP50Ms: amount(r['latencyP50Ms'], at('latencyP50Ms')),
    latencyP99Ms: amount(r['latencyP99Ms'], at('latencyP99Ms')),
    peakRssMiB: amount(r['peakRssMiB'], at('peakRssMiB')),
    ...(passes === undefined ? {} : { passes }),
    ...(planMsMean === undefined ? {} : { planMsMean }),
    ...(planMsMax === undefined ? {} : { planMsMax }),
    ...(gangs === undefined ? {} : { gangs }),
    ...(evictions === undefined ? {} : { evictions }),
  };
}

/** Each contender once per case: a table has one column per contender. */
function readRuns(value: unknown, path: string): readonly RaceRun[] {
  const runs = entries(value, path).map((raw, i) => readRun(raw, `${path}[${i}]`));
  runs.forEach((run, i) => {
    const first = runs.findIndex((other) => other.contender === run.contender);
    if (first !== i)
      throw new FieldError(`${path}[${i}].contender`, `${run.contender} already ran as ${path}[${first}]`);
  });
  return runs;
}

function readCase(value: unknown, path: string): RaceCase {
  const c = record(value, path);
  const at = (key: string): string => `${path}.${key}`;
  const notes = optionalString(c['notes'], at('notes'));
  const minimumEvictions = optional(count, c['minimumEvictions'], at('minimumEvictions'));
  return {
    workload: choice(WORKLOADS, c['workload'], at('workload')),
    label: label(c['label'], at('label')),
    nodes: count(c['nodes'], at('nodes')),
    pendingPods: count(c['pendingPods'], at('pendingPods')),
    boundPods: count(c['boundPods'], at('boundPods')),
    setupMs: amount(c['setupMs'], at('setupMs')),
    ...(notes === undefined ? {} : { notes }),
    ...(minimumEvictions === undefined ? {} : { minimumEvictions }),
    runs: readRuns(c['runs'], at('runs')),
  };
}

/** The results, or one line naming the file and the first bad field. */
export function checkResults(json: unknown, file: string): Result<RaceResults> {
  return readOrError(file, () => {
    const top = record(json, 'top level');
    return {
      command: text(top['command'], 'command'),
      startedAt: timestamp(top['startedAt'], 'startedAt'),
      finishedAt: timestamp(top['finishedAt'], 'finishedAt'),
      machine: readMachine(top['machine'], 'machine'),
      versions: readVersions(top['versions'], 'versions'),
      cases: entries(top['cases'], 'cases').map((raw, i) => readCase(raw, `cases[${i}]`)),
    };
  });
}

export function parseResults(content: string, file: string): Result<RaceResults> {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    return fail(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return checkResults(json, file);
}

// ---- Targets ------------------------------------------------------------------------

/** A ratio of two contenders' figures, or why there is none. */
export type Ratio = Result<number>;

export interface Target {
  readonly limit: number;
  readonly holds: 'at most' | 'at least';
}

export const TIME_TARGET: Target = { limit: 0.5, holds: 'at most' };
export const FLOOR_TARGET: Target = { limit: 0.9, holds: 'at least' };
export const MEMORY_RATIO_TARGET: Target = { limit: 1.0, holds: 'at most' };
/** custom-scheduler's own peak RSS (MiB) at the largest scale point. */
export const MEMORY_LIMIT_TARGET: Target = { limit: 1024, holds: 'at most' };

export type Verdict = 'met' | 'missed' | 'not measured';

export function runOf(raceCase: RaceCase, contender: Contender): RaceRun | undefined {
  return raceCase.runs.find((run) => run.contender === contender);
}

/** A figure only from a run that completed: a run cut short never counts towards a target. */
function figureOf(
  raceCase: RaceCase,
  contender: Contender,
  figure: (run: RaceRun) => number | undefined,
  lacking: string,
): Result<number> {
  const run = runOf(raceCase, contender);
  if (run === undefined) return fail(`no ${contender} run`);
  if (!run.completed) return fail(`${contender} did not complete`);
  const value = figure(run);
  return value === undefined ? fail(`${contender} ${lacking}`) : ok(value);
}

function ratio(
  raceCase: RaceCase,
  numerator: Contender,
  denominator: Contender,
  figure: (run: RaceRun) => number | undefined,
  lacking = 'has no figure',
): Ratio {
  const top = figureOf(raceCase, numerator, figure, lacking);
  if (!top.ok) return top;
  const bottom = figureOf(raceCase, denominator, figure, lacking);
  if (!bottom.ok) return bottom;
  if (bottom.value === 0) return fail(`${denominator} measured 0`);
  return ok(top.value / bottom.value);
}

/** custom-scheduler's time to all bound over kube-scheduler's. */
export function timeRatio(raceCase: RaceCase): Ratio {
  return ratio(raceCase, 'custom-scheduler', 'kube-scheduler', (run) => run.timeToAllBoundMs);
}

/** custom-scheduler's binds per second as a share of the floor binder's (1 = as fast). */
export function floorShare(raceCase: RaceCase): Ratio {
  return ratio(raceCase, 'custom-scheduler', 'floor-binder', (run) => run.bindsPerSecond);
}

/** custom-scheduler's time to placeable gangs over kube-scheduler+podgroups'. */
export function gangTimeRatio(raceCase: RaceCase): Ratio {
  const time = (run: RaceRun): number | undefined => run.gangs?.timeToPlaceableMs;
  return ratio(raceCase, 'custom-scheduler', 'kube-scheduler+podgroups', time, 'never bound every placeable gang');
}

/** custom-scheduler's peak RSS over kube-scheduler's. */
export function memoryRatio(raceCase: RaceCase): Ratio {
  return ratio(raceCase, 'custom-scheduler', 'kube-scheduler', (run) => run.peakRssMiB);
}

/** custom-scheduler's own peak RSS, held against the 1 GiB limit. */
export function customPeakRss(raceCase: RaceCase): Result<number> {
  return figureOf(raceCase, 'custom-scheduler', (run) => run.peakRssMiB, 'has no figure');
}

export function verdict(measured: Result<number>, target: Target): Verdict {
  if (!measured.ok) return 'not measured';
  const met = target.holds === 'at most' ? measured.value <= target.limit : measured.value >= target.limit;
  return met ? 'met' : 'missed';
}

// ---- Words and numbers --------------------------------------------------------------

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${formatNumber(s, s < 10 ? 2 : s < 100 ? 1 : 0)} s`;
}

function millis(ms: number): string {
  return `${formatNumber(ms, ms < 10 ? 1 : 0)} ms`;
}

function mib(value: number): string {
  return `${formatNumber(value, 0)} MiB`;
}

function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n, 0)} ${n === 1 ? one : many}`;
}

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 90_000) return `${formatNumber(ms / 1000, 0)} s`;
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Text safe inside a table cell: no column breaks, no markup, no HTML. */
export function escapeMarkdown(content: string): string {
  return content
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

function code(content: string): string {
  const fence = content.includes('`') ? '``' : '`';
  return `${fence}${content.replace(/\s*\r?\n\s*/g, ' ')}${fence}`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Several lines in one table cell. */
function stacked(lines: readonly string[]): string {
  return lines.join('<br>');
}

/** A figure and its verdict; without a figure, a target reads "not met" so it never passes for met. */
function ratioCell(measured: Ratio, format: (value: number) => string, target?: Target): string {
  if (!measured.ok) return `${target === undefined ? 'not measured' : 'not met'}: ${escapeMarkdown(measured.error)}`;
  return target === undefined ? format(measured.value) : `${format(measured.value)}, ${verdict(measured, target)}`;
}

const asRatio = (value: number): string => formatNumber(value, 2);
const asPercent = (value: number): string => `${formatNumber(value * 100, 0)}%`;

/** The first line of every cell: how the run ended, and why when it did not finish. */
function outcome(run: RaceRun): readonly string[] {
  if (run.completed) return [`all bound in ${seconds(run.timeToAllBoundMs)}`];
  return [
    `**did not complete**: ${escapeMarkdown(run.failure ?? 'no reason recorded')}`,
    `${plural(run.bound, 'pod', 'pods')} bound, the last at ${seconds(run.timeToAllBoundMs)}`,
  ];
}

function contendersIn(cases: readonly RaceCase[]): readonly Contender[] {
  return CONTENDERS.filter((c) => cases.some((raceCase) => runOf(raceCase, c) !== undefined));
}

/** One column per contender that ran any case of the workload; "not run" where it skipped one. */
function contenderCells(
  raceCase: RaceCase,
  contenders: readonly Contender[],
  lines: (run: RaceRun) => readonly string[],
): readonly string[] {
  return contenders.map((c) => {
    const run = runOf(raceCase, c);
    return run === undefined ? 'not run' : stacked([...outcome(run), ...lines(run)]);
  });
}

function notes(cases: readonly RaceCase[]): string {
  const lines = cases.flatMap((c) =>
    c.notes === undefined ? [] : [`- ${escapeMarkdown(c.label)}: ${escapeMarkdown(c.notes)}`],
  );
  return lines.length === 0 ? '' : `\n\n${lines.join('\n')}`;
}

// ---- Charts -------------------------------------------------------------------------

export interface ChartFile {
  /** File name inside the charts folder. */
  readonly name: string;
  /** What the chart shows, for the image's alternative text. */
  readonly alt: string;
  readonly svg: string;
}

function seriesOf(contenders: readonly Contender[]): readonly Series[] {
  return contenders.map((name) => ({ name, colour: CONTENDER_COLOURS[name] }));
}

function bars(
  raceCase: RaceCase,
  contenders: readonly Contender[],
  bar: (run: RaceRun) => Omit<Bar, 'series'>,
): readonly Bar[] {
  return contenders.flatMap((c) => {
    const run = runOf(raceCase, c);
    return run === undefined ? [] : [{ series: c, ...bar(run) }];
  });
}

/** Only a completed run's time is drawn: a cut-short run's last bind is not its finish. */
function timeBar(run: RaceRun): Omit<Bar, 'series'> {
  if (!run.completed) return { text: 'did not complete' };
  return { value: run.timeToAllBoundMs / 1000, text: seconds(run.timeToAllBoundMs) };
}

function gangTimeBar(run: RaceRun): Omit<Bar, 'series'> {
  const ms = run.gangs?.timeToPlaceableMs;
  return ms === undefined ? { text: 'never' } : { value: ms / 1000, text: seconds(ms) };
}

function partialGangsBar(run: RaceRun): Omit<Bar, 'series'> {
  const partial = run.gangs?.partial;
  return partial === undefined ? { text: 'no figures' } : { value: partial, text: formatNumber(partial, 0) };
}

function evictionsBar(run: RaceRun): Omit<Bar, 'series'> {
  return run.evictions === undefined
    ? { text: 'not recorded' }
    : { value: run.evictions, text: formatNumber(run.evictions, 0) };
}

interface PanelSpec {
  /** Shown only when a chart has more than one panel; the chart's title names a lone one. */
  readonly heading: string;
  readonly axis: string;
  readonly bar: (run: RaceRun) => Omit<Bar, 'series'>;
  readonly label?: (raceCase: RaceCase) => string;
}

function barChart(title: string, cases: readonly RaceCase[], panels: readonly PanelSpec[]): string {
  const contenders = contendersIn(cases);
  const chart: BarChart = {
    title,
    series: seriesOf(contenders),
    panels: panels.map((panel) => ({
      ...(panels.length > 1 ? { heading: panel.heading } : {}),
      orientation: 'horizontal',
      axis: panel.axis,
      groups: cases.map((c) => ({ label: panel.label?.(c) ?? c.label, bars: bars(c, contenders, panel.bar) })),
    })),
  };
  return barChartSvg(chart);
}

function memoryChart(cases: readonly RaceCase[]): string {
  return lineChartSvg({
    title: 'Peak memory (RSS) by cluster size',
    points: cases.map((c) => c.label),
    xAxis: 'cluster size',
    yAxis: 'peak RSS (MiB)',
    series: contendersIn(cases).map((contender) => ({
      name: contender,
      colour: CONTENDER_COLOURS[contender],
      // A run cut short did not finish the case's work, so its peak is left off the line.
      values: cases.map((c) => {
        const run = runOf(c, contender);
        return run?.completed === true ? run.peakRssMiB : undefined;
      }),
    })),
    reference: { value: MEMORY_LIMIT_TARGET.limit, label: '1 GiB target' },
  });
}

// ---- Sections -----------------------------------------------------------------------

interface Section {
  readonly markdown: string;
  readonly chart: ChartFile;
}

function image(chart: ChartFile, chartsHref: string): string {
  return `![${escapeMarkdown(chart.alt)}](${encodeURI(posix.join(chartsHref, chart.name))})`;
}

function basicSection(cases: readonly RaceCase[]): Section {
  const contenders = contendersIn(cases);
  const headers = [
    'Case',
    ...contenders,
    'custom-scheduler ÷ kube-scheduler time (target ≤ 0.5)',
    'custom-scheduler binds/s as % of the floor binder (target ≥ 90%)',
  ];
  const rows = cases.map((c) => [
    escapeMarkdown(c.label),
    ...contenderCells(c, contenders, (run) => [
      `${formatNumber(run.bindsPerSecond, run.bindsPerSecond < 100 ? 1 : 0)} binds/s`,
      `${formatNumber(run.apiCallsPerPod, 1)} API calls per pod`,
      `latency p50 ${seconds(run.latencyP50Ms)}, p99 ${seconds(run.latencyP99Ms)}`,
      `peak RSS ${mib(run.peakRssMiB)}`,
    ]),
    ratioCell(timeRatio(c), asRatio, TIME_TARGET),
    ratioCell(floorShare(c), asPercent, FLOOR_TARGET),
  ]);
  const intro = `Every pod is pending when the scheduler starts, and the nodes have room for all of them. Time runs from the scheduler's start to the last pod bound; latency is the same clock per pod. The targets: custom-scheduler in at most half kube-scheduler's time, and binding at least 90% as fast as the floor binder.`;
  return {
    markdown: `${intro}\n\n${table(headers, rows)}${notes(cases)}`,
    chart: {
      name: 'race-basic.svg',
      alt: 'Time to all bound per case and scheduler',
      svg: barChart('Time to all pods bound (shorter is better)', cases, [
        { heading: 'Time to all pods bound', axis: 'time to all bound (s)', bar: timeBar },
      ]),
    },
  };
}

function gangLines(gangs: GangFigures | undefined): readonly string[] {
  if (gangs === undefined) return ['no gang figures recorded'];
  return [
    `placed ${formatNumber(gangs.placed, 0)} of ${formatNumber(gangs.placeable, 0)} placeable gangs (${formatNumber(gangs.total, 0)} in all)`,
    gangs.partial === 0
      ? 'no partial gangs'
      : `${plural(gangs.partial, 'partial gang', 'partial gangs')}, holding ${formatNumber(gangs.heldCpuMillis / 1000, 1)} CPU cores`,
    gangs.timeToPlaceableMs === undefined
      ? 'placeable gangs: never all bound'
      : `placeable gangs all bound in ${seconds(gangs.timeToPlaceableMs)}`,
  ];
}

function gangsSection(cases: readonly RaceCase[]): Section {
  const contenders = contendersIn(cases);
  const headers = ['Case', ...contenders, 'custom-scheduler ÷ kube-scheduler+podgroups time to placeable gangs'];
  const rows = cases.map((c) => [
    escapeMarkdown(c.label),
    ...contenderCells(c, contenders, (run) => gangLines(run.gangs)),
    ratioCell(gangTimeRatio(c), asRatio),
  ]);
  const intro = `Pods come in gangs whose members must all run together. A placeable gang fits the cluster with all of its members; a partial gang has some members bound and holds their CPU while it waits for the rest. The best result binds every placeable gang quickly and leaves no partial gang.`;
  return {
    markdown: `${intro}\n\n${table(headers, rows)}${notes(cases)}`,
    chart: {
      name: 'race-gangs.svg',
      alt: 'Time to placeable gangs and partial gangs per case and scheduler',
      svg: barChart('Gangs', cases, [
        { heading: 'Time until every placeable gang is bound (shorter is better)', axis: 'time (s)', bar: gangTimeBar },
        { heading: 'Partial gangs at the end (fewer is better)', axis: 'partial gangs', bar: partialGangsBar },
      ]),
    },
  };
}

function evictionWords(evictions: number | undefined, minimum: number | undefined): string {
  if (evictions === undefined) return 'evictions not recorded';
  const said = plural(evictions, 'eviction', 'evictions');
  if (minimum === undefined) return said;
  if (evictions === minimum) return `${said}, the fewest possible`;
  if (evictions > minimum) return `${said}, ${formatNumber(evictions - minimum, 0)} more than the fewest possible`;
  return `${said}, ${formatNumber(minimum - evictions, 0)} fewer than the fewest that make room for all`;
}

function preemptionSection(cases: readonly RaceCase[]): Section {
  const contenders = contendersIn(cases);
  const headers = ['Case', 'Fewest evictions that make room', ...contenders];
  const rows = cases.map((c) => [
    escapeMarkdown(c.label),
    c.minimumEvictions === undefined ? 'not computed' : formatNumber(c.minimumEvictions, 0),
    ...contenderCells(c, contenders, (run) => [
      evictionWords(run.evictions, c.minimumEvictions),
      ...(run.gangs === undefined ? [] : gangLines(run.gangs)),
    ]),
  ]);
  const intro = `The cluster is full of lower-priority pods when higher-priority pods arrive, so a scheduler must evict some to make room. Faster is better, and so are fewer evictions.`;
  return {
    markdown: `${intro}\n\n${table(headers, rows)}${notes(cases)}`,
    chart: {
      name: 'race-preemption.svg',
      alt: 'Time to all bound and evictions per case and scheduler',
      svg: barChart('Preemption', cases, [
        { heading: 'Time to all pods bound (shorter is better)', axis: 'time to all bound (s)', bar: timeBar },
        {
          heading: 'Evictions (fewer is better)',
          axis: 'evictions',
          bar: evictionsBar,
          label: (c) =>
            c.minimumEvictions === undefined ? c.label : `${c.label} (fewest: ${formatNumber(c.minimumEvictions, 0)})`,
        },
      ]),
    },
  };
}

/** Smallest to largest, by pods then nodes; the last is the point the 1 GiB target is held to. */
export function byScale(cases: readonly RaceCase[]): readonly RaceCase[] {
  const size = (c: RaceCase): number => c.boundPods + c.pendingPods;
  return [...cases].sort((a, b) => size(a) - size(b) || a.nodes - b.nodes);
}

/** custom-scheduler's passes, when its log gave them: how long planning took on this cluster. */
function passLine(run: RaceRun): readonly string[] {
  if (run.passes === undefined) return [];
  const times = [
    ...(run.planMsMean === undefined ? [] : [`mean ${millis(run.planMsMean)}`]),
    ...(run.planMsMax === undefined ? [] : [`max ${millis(run.planMsMax)}`]),
  ];
  const said = plural(run.passes, 'pass', 'passes');
  return [times.length === 0 ? said : `${said}, planning ${times.join(', ')}`];
}

function scaleLines(run: RaceRun): readonly string[] {
  return [`peak RSS ${mib(run.peakRssMiB)}`, `ready in ${seconds(run.syncMs)}`, ...passLine(run)];
}

function memoryLimitCell(raceCase: RaceCase, largest: boolean): string {
  return largest ? ratioCell(customPeakRss(raceCase), mib, MEMORY_LIMIT_TARGET) : '';
}

function scaleSection(unordered: readonly RaceCase[]): Section {
  const cases = byScale(unordered);
  const contenders = contendersIn(cases);
  const headers = [
    'Case',
    'Nodes',
    'Pods bound at start',
    ...contenders,
    'custom-scheduler ÷ kube-scheduler peak RSS (target ≤ 1.0)',
    'custom-scheduler at the largest size (target ≤ 1 GiB)',
  ];
  const rows = cases.map((c, i) => [
    escapeMarkdown(c.label),
    formatNumber(c.nodes, 0),
    formatNumber(c.boundPods, 0),
    ...contenderCells(c, contenders, scaleLines),
    ratioCell(memoryRatio(c), asRatio, MEMORY_RATIO_TARGET),
    memoryLimitCell(c, i === cases.length - 1),
  ]);
  const intro = `Large clusters with many pods already bound. Peak RSS is the most memory the scheduler process held (VmHWM); ready is the time until it had read the cluster (informers synced); a pass is one round of custom-scheduler's planner that wrote something, and planning is its time on the snapshot and the plan, without API calls. The targets: custom-scheduler uses no more memory than kube-scheduler, and stays under 1 GiB at the largest size.`;
  return {
    markdown: `${intro}\n\n${table(headers, rows)}${notes(cases)}`,
    chart: { name: 'race-memory.svg', alt: 'Peak RSS per cluster size and scheduler', svg: memoryChart(cases) },
  };
}

const SECTIONS: Readonly<Record<Workload, { title: string; build: (cases: readonly RaceCase[]) => Section }>> = {
  basic: { title: 'Binding pending pods', build: basicSection },
  gangs: { title: 'Gangs', build: gangsSection },
  preemption: { title: 'Preemption', build: preemptionSection },
  scale: { title: 'Memory on large clusters', build: scaleSection },
};

// ---- The report ---------------------------------------------------------------------

export interface Report {
  /** The lines between the markers, ending with a newline. */
  readonly markdown: string;
  readonly charts: readonly ChartFile[];
}

const CONTENDER_WORDS: Readonly<Record<Contender, string>> = {
  'custom-scheduler': 'this project.',
  'kube-scheduler': 'the default Kubernetes scheduler.',
  'kube-scheduler+podgroups':
    'kube-scheduler with the GenericWorkload feature gate, the gangs declared as PodGroups (scheduling.k8s.io/v1beta1).',
  'floor-binder':
    "no decisions at all; it binds pending pods round-robin with custom-scheduler's bind concurrency, one event per bind. No scheduler binds faster on the same cluster, so it marks the floor.",
};

function header(results: RaceResults): string {
  const { machine, versions } = results;
  const took = Date.parse(results.finishedAt) - Date.parse(results.startedAt);
  const contenders = contendersIn(results.cases);
  return [
    '## The race: custom-scheduler against kube-scheduler',
    '',
    'Each case prepares a fresh cluster (API server and kwok nodes on one machine) and starts one scheduler alone on it, once per contender.',
    '',
    `- Command: ${code(results.command)}`,
    `- Ran from ${escapeMarkdown(results.startedAt)} to ${escapeMarkdown(results.finishedAt)}${took >= 0 ? ` (${span(took)})` : ''}`,
    `- Machine: ${plural(machine.cpus, 'CPU', 'CPUs')} (${escapeMarkdown(machine.cpuModel)}), ${formatNumber(machine.memoryGiB, 0)} GiB memory, kernel ${escapeMarkdown(machine.kernel)}, Node ${escapeMarkdown(machine.node)}`,
    `- Versions: Kubernetes ${escapeMarkdown(versions.kubernetes)}, kwok ${escapeMarkdown(versions.kwok)}, etcd ${escapeMarkdown(versions.etcd)}, custom-scheduler ${escapeMarkdown(versions.customScheduler)}`,
    '',
    'The contenders:',
    '',
    ...contenders.map((c) => `- ${c}: ${CONTENDER_WORDS[c]}`),
    '',
    'A run that did not complete shows why, and never counts as meeting a target.',
  ].join('\n');
}

/** The section between the markers and the charts it shows, from checked results. */
export function buildReport(results: RaceResults, chartsHref: string): Report {
  const parts = [
    '<!-- Written by src/bench/race/report-command.ts from the results file; edits between the markers are lost. -->',
    header(results),
  ];
  const charts: ChartFile[] = [];
  for (const workload of WORKLOADS) {
    const { title, build } = SECTIONS[workload];
    const cases = results.cases.filter((c) => c.workload === workload);
    if (cases.length === 0) {
      parts.push(`### ${title}\n\nThe ${workload} workload was not run, so it has no table and no chart.`);
      continue;
    }
    const section = build(cases);
    charts.push(section.chart);
    parts.push(`### ${title}\n\n${section.markdown}\n\n${image(section.chart, chartsHref)}`);
  }
  return { markdown: `${parts.join('\n\n')}\n`, charts };
}

// ---- The markers --------------------------------------------------------------------

export const BEGIN_MARKER = '<!-- race:begin -->';
export const END_MARKER = '<!-- race:end -->';

function markerLines(lines: readonly string[], marker: string): readonly number[] {
  return lines.flatMap((line, i) => (line.trim() === marker ? [i] : []));
}

/**
 * The document with the lines between the markers replaced by the section, the rest kept
 * as it was; a missing document becomes the markers around the section.
 */
export function replaceSection(document: string | undefined, section: string, file: string): Result<string> {
  if (document === undefined) return ok(`${BEGIN_MARKER}\n${section}${END_MARKER}\n`);
  const lines = document.split('\n');
  const begins = markerLines(lines, BEGIN_MARKER);
  const ends = markerLines(lines, END_MARKER);
  const [begin] = begins;
  const [end] = ends;
  const fix = `put the race's results between a line ${BEGIN_MARKER} and a line ${END_MARKER}`;
  if (begin === undefined) return fail(`${file}: no line ${BEGIN_MARKER}; ${fix}`);
  if (end === undefined) return fail(`${file}: no line ${END_MARKER}; ${fix}`);
  if (begins.length > 1 || ends.length > 1) return fail(`${file}: the race markers appear more than once; ${fix}`);
  if (end < begin) return fail(`${file}: ${END_MARKER} comes before ${BEGIN_MARKER}; ${fix}`);
  const before = lines.slice(0, begin + 1).join('\n');
  const after = lines.slice(end).join('\n');
  return ok(`${before}\n${section}${after}`);
}

// ---- Command-line options -----------------------------------------------------------

export interface ReportOptions {
  readonly results: string;
  readonly charts: string;
  readonly markdown: string;
  readonly help: boolean;
}

export const REPORT_USAGE = `usage: node dist/bench/race/report-command.js [options]

Writes the race's charts and its section of the markdown file (the lines between
${BEGIN_MARKER} and ${END_MARKER}) from the results file.

options:
  --results FILE   the race's results (default bench/race/results.json)
  --charts DIR     where the SVG charts go (default docs/bench)
  --markdown FILE  the file whose race section is rewritten (default BENCHMARKS.md;
                   created with just the markers and the section when missing)
  --help           show this help
`;

type PathOption = 'results' | 'charts' | 'markdown';

const PATH_OPTIONS: readonly PathOption[] = ['results', 'charts', 'markdown'];

export function parseReportOptions(argv: readonly string[]): Result<ReportOptions> {
  const paths: Record<PathOption, string> = {
    results: 'bench/race/results.json',
    charts: 'docs/bench',
    markdown: 'BENCHMARKS.md',
  };
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const name = flag.slice(2);
    if (!flag.startsWith('--') || !oneOf(PATH_OPTIONS, name)) return fail(`unknown option ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return fail(`${flag} needs a path`);
    paths[name] = value;
  }
  return ok({ ...paths, help });
}
