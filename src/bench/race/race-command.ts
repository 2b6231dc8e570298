// The race: custom-scheduler against kube-scheduler (and the floor binder) on the local control
// plane, each started alone over the same pending pods. Writes the figures as JSON; the report
// command turns them into BENCHMARKS.md tables and charts.
//   node dist/bench/race/race-command.js [--workloads basic,gangs,preemption,scale] [--contenders LIST]
//     [--scale NODES/PODS,...] [--smoke] [--out FILE]
// It takes any running local control plane down first and starts fresh ones as it goes.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SCHEMA } from '../../runtime/config-schema.js';
import { isRecord, type RaceApi } from './api.js';
import {
  clearPods,
  clusterPaths,
  createNamespace,
  createNodes,
  createPods,
  freshCluster,
  pinnedVersions,
  schedulerRequests,
  waitNodesReady,
  type ClusterPaths,
} from './cluster.js';
import { startContender } from './contenders.js';
import { PodWatch } from './observe.js';
import { RACE_LABEL } from './objects.js';
import type { Contender, Machine, RaceCase, RaceResults, RaceRun, Workload } from './results.js';
import { basicCase, boundPods, gangsCase, preemptionCase, scaleCase, type RaceCaseSpec } from './workloads.js';

/** A run with no new bind for this long (after its scheduler is ready) has stalled. */
const STALL_MS = 30_000;
const ALL_WORKLOADS: readonly Workload[] = ['basic', 'gangs', 'preemption', 'scale'];
const ALL_CONTENDERS: readonly Contender[] = [
  'custom-scheduler',
  'kube-scheduler',
  'kube-scheduler+podgroups',
  'floor-binder',
];
const BASIC: readonly Contender[] = ['custom-scheduler', 'kube-scheduler', 'floor-binder'];
const GANGS: readonly Contender[] = ['custom-scheduler', 'kube-scheduler+podgroups', 'kube-scheduler'];
const SCALE: readonly Contender[] = ['custom-scheduler', 'kube-scheduler'];

function cases(
  workload: Workload,
  smoke: boolean,
  scalePoints: readonly (readonly [number, number])[],
): RaceCaseSpec[] {
  switch (workload) {
    case 'basic':
      return smoke ? [basicCase(60, 6, BASIC)] : [basicCase(1_000, 100, BASIC), basicCase(5_000, 1_000, BASIC)];
    case 'gangs':
      return [
        smoke
          ? gangsCase({ gangs: 6, size: 4, nodes: 2, slotsPerNode: 8 }, GANGS)
          : gangsCase({ gangs: 100, size: 8, nodes: 50, slotsPerNode: 4 }, GANGS),
      ];
    case 'preemption':
      return [
        smoke
          ? preemptionCase({ nodes: 4, cpus: 4, pods: 8, gangs: 2, gangSize: 4 }, GANGS)
          : preemptionCase({ nodes: 100, cpus: 8, pods: 500, gangs: 20, gangSize: 8 }, GANGS),
      ];
    case 'scale':
      return smoke
        ? [scaleCase(10, 300, 20, SCALE)]
        : scalePoints.map(([nodes, bound]) => scaleCase(nodes, bound, 1_000, SCALE));
  }
}

interface Options {
  readonly workloads: readonly Workload[];
  /** Only these contenders (default: each workload's own list). */
  readonly contenders: readonly Contender[] | undefined;
  readonly smoke: boolean;
  readonly out: string;
  readonly scalePoints: readonly (readonly [number, number])[];
}

const USAGE = `usage: node dist/bench/race/race-command.js [--workloads basic,gangs,preemption,scale]
  [--contenders ${ALL_CONTENDERS.join(',')}] [--scale NODES/PODS,...] [--smoke] [--out FILE]`;

const VALUED = ['--workloads', '--contenders', '--scale', '--out'];

/** undefined: go on; a string: print it and stop (help, or what is wrong with the arguments). */
function refusal(argv: readonly string[]): { readonly text: string; readonly code: number } | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return { text: USAGE, code: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (VALUED.includes(a)) {
      if (argv[i + 1] === undefined) return { text: `${a} needs a value\n${USAGE}`, code: 2 };
      i++;
    } else if (a !== '--smoke') return { text: `unknown argument ${a}\n${USAGE}`, code: 2 };
  }
  return undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const smoke = argv.includes('--smoke');
  const workloads = (value('workloads') ?? ALL_WORKLOADS.join(',')).split(',').map((w) => {
    const known = ALL_WORKLOADS.find((k) => k === w);
    if (known === undefined)
      throw new Error(`--workloads: unknown workload '${w}' (known: ${ALL_WORKLOADS.join(', ')})`);
    return known;
  });
  const scalePoints = (value('scale') ?? '1000/30000,2500/75000,5000/150000').split(',').map((point) => {
    const [nodes, pods] = point.split('/').map(Number);
    if (nodes === undefined || pods === undefined || !(nodes > 0) || !(pods >= 0))
      throw new Error(`--scale: '${point}' is not NODES/PODS`);
    const parsed: readonly [number, number] = [nodes, pods];
    return parsed;
  });
  const contenderList = value('contenders');
  const contenders = contenderList?.split(',').map((c) => {
    const known = ALL_CONTENDERS.find((k) => k === c);
    if (known === undefined)
      throw new Error(`--contenders: unknown contender '${c}' (known: ${ALL_CONTENDERS.join(', ')})`);
    return known;
  });
  return {
    workloads,
    contenders,
    smoke,
    out: value('out') ?? (smoke ? '.local/race/smoke.json' : 'bench/race/results.json'),
    scalePoints,
  };
}

/** How many pods of the namespace the API server has in a phase other than Running. */
async function notRunning(api: RaceApi, namespace: string): Promise<number> {
  let count = 0;
  let next = '';
  do {
    const query = `fieldSelector=${encodeURIComponent('status.phase!=Running')}&limit=5000${next === '' ? '' : `&continue=${encodeURIComponent(next)}`}`;
    const page = await api.ok('GET', `/api/v1/namespaces/${namespace}/pods?${query}`);
    const items = isRecord(page) && Array.isArray(page['items']) ? page['items'] : [];
    count += items.length;
    const metadata = isRecord(page) && isRecord(page['metadata']) ? page['metadata'] : {};
    next = typeof metadata['continue'] === 'string' ? metadata['continue'] : '';
  } while (next !== '');
  return count;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} race: ${line}\n`);
}

async function waitServiceAccount(api: RaceApi, namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await api.call('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} got no default service account`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

class Race {
  private api: RaceApi | undefined;
  private genericWorkload: boolean | undefined;
  private sequence = 0;
  private port = 18_000;

  constructor(
    private readonly paths: ClusterPaths,
    private readonly bindConcurrency: number,
    private readonly only: readonly Contender[] | undefined,
  ) {}

  /** A fresh cluster for a large case or a change of feature gates; else the race's nodes go and the cluster stays. */
  private async cluster(spec: RaceCaseSpec, fresh: boolean): Promise<RaceApi> {
    if (this.api === undefined || fresh || this.genericWorkload !== spec.genericWorkload) {
      this.api?.close();
      this.api = await freshCluster(this.paths, { genericWorkload: spec.genericWorkload }, log);
      this.genericWorkload = spec.genericWorkload;
    }
    return this.api;
  }

  async runCase(spec: RaceCaseSpec, fresh: boolean): Promise<RaceCase> {
    const api = await this.cluster(spec, fresh);
    log(`${spec.workload} ${spec.label}: creating ${spec.nodes} nodes`);
    const setupStarted = Date.now();
    const nodes = await createNodes(api, spec.nodes, spec.shape);
    await waitNodesReady(api, spec.nodes, 120_000 + spec.nodes * 100);
    let boundWatch: PodWatch | undefined;
    if (spec.workload === 'scale' && spec.boundPods > 0) {
      log(`creating ${spec.boundPods} bound pods and waiting until kwok runs them`);
      await createNamespace(api, 'race-bound');
      await waitServiceAccount(api, 'race-bound');
      await createPods(api, 'race-bound', boundPods(spec.boundPods, nodes), 64);
      boundWatch = await PodWatch.start(api, 'race-bound');
      const watch = boundWatch;
      // kwok slows down as pods pile up: 150,000 took 51 minutes once and more than 62 another
      // time (while other work ran), so allow 60 ms a pod (2.5 hours for 150,000).
      const deadlineMs = Math.max(600_000, spec.boundPods * 60);
      const deadline = Date.now() + deadlineMs;
      const running = (): number => watch.count((p) => p.phase === 'Running');
      // The API server has the last word: once the watch still counted fewer than 150,000
      // Running 20 minutes after the server had none left that was not (it had missed updates).
      let askedAt = Date.now();
      while (running() < spec.boundPods) {
        if (Date.now() > deadline)
          throw new Error(
            `kwok ran ${running()} of the ${spec.boundPods} bound pods in ${Math.round(deadlineMs / 60_000)} minutes`,
          );
        await watch.changed(2_000);
        if (Date.now() - askedAt > 60_000) {
          askedAt = Date.now();
          const left = await notRunning(api, 'race-bound');
          if (left === 0) {
            log(`the API server has every bound pod Running; the watch counted ${running()}`);
            break;
          }
        }
      }
      log(`kwok runs the ${spec.boundPods} bound pods`);
    }
    const setupMs = Date.now() - setupStarted;
    const runs: RaceRun[] = [];
    for (const contender of spec.contenders)
      if (this.only === undefined || this.only.includes(contender))
        runs.push(await this.runOne(api, spec, contender, nodes));
    if (boundWatch !== undefined) await boundWatch.stop();
    await api.call('DELETE', `/api/v1/nodes?labelSelector=${encodeURIComponent(`${RACE_LABEL}=true`)}`);
    return {
      ...caseFigures(spec),
      setupMs,
      ...(spec.notes === undefined ? {} : { notes: spec.notes }),
      ...(spec.minimumEvictions === undefined ? {} : { minimumEvictions: spec.minimumEvictions }),
      runs,
    };
  }

  private async runOne(
    api: RaceApi,
    spec: RaceCaseSpec,
    contender: Contender,
    nodes: readonly string[],
  ): Promise<RaceRun> {
    const namespace = `race-${++this.sequence}`;
    const lowNamespace = `${namespace}-low`;
    for (const ns of spec.workload === 'preemption' ? [namespace, lowNamespace] : [namespace]) {
      await createNamespace(api, ns);
      await waitServiceAccount(api, ns);
    }
    await spec.prepare({ api, contender, namespace, lowNamespace, nodes });
    const pending = await PodWatch.start(api, namespace);
    const low = spec.workload === 'preemption' ? await PodWatch.start(api, lowNamespace) : undefined;
    const requestsBefore = await schedulerRequests(api);
    log(`${spec.workload} ${spec.label}: ${contender} starts over ${pending.size()} pending pods`);
    const running = startContender(contender, {
      root: this.paths.root,
      kubeconfig: this.paths.schedulerKubeconfig,
      bindConcurrency: this.bindConcurrency,
      namespace,
      logFile: `${this.paths.root}/.local/race/${namespace}-${contender}.log`,
      port: this.port++,
    });
    let readyAt: number | undefined;
    let exit: string | undefined;
    running.ready.then(
      (at) => (readyAt = at),
      () => undefined,
    );
    void running.exited.then((reason) => (exit = reason));

    let failure: string | undefined;
    let lastBound = 0;
    let lastProgress = Date.now();
    const deadline = running.startedAt + spec.deadlineMs;
    while (!spec.done(pending)) {
      const now = Date.now();
      const bound = pending.bound();
      if (bound !== lastBound) [lastBound, lastProgress] = [bound, now];
      if (exit !== undefined) failure = exit;
      else if (now > deadline) failure = `deadline of ${spec.deadlineMs / 1000} s passed with ${bound} pods bound`;
      else if (readyAt !== undefined && now - Math.max(lastProgress, readyAt) > STALL_MS)
        failure = `stalled: no bind for ${STALL_MS / 1000} s with ${bound} of ${spec.pendingPods} pods bound`;
      if (failure !== undefined) break;
      await pending.changed(1_000);
    }
    const peakRssMiB = running.peakRssMiB();
    const passes = running.passFigures();
    await running.stop();
    const requests = (await schedulerRequests(api)) - requestsBefore;
    const startedAt = running.startedAt;
    const bindTimes = [...pending.all()].flatMap((p) => (p.boundAt === undefined ? [] : [p.boundAt - startedAt]));
    bindTimes.sort((a, b) => a - b);
    const first = bindTimes[0] ?? 0;
    const last = bindTimes[bindTimes.length - 1] ?? 0;
    const run: RaceRun = {
      contender,
      completed: failure === undefined,
      ...(failure === undefined ? {} : { failure }),
      timeToAllBoundMs: last,
      syncMs: readyAt === undefined ? 0 : readyAt - startedAt,
      bound: bindTimes.length,
      bindsPerSecond: last > first ? Math.round((bindTimes.length / (last - first)) * 1000) : 0,
      apiCallsPerPod: bindTimes.length === 0 ? 0 : Math.round((requests / bindTimes.length) * 100) / 100,
      latencyP50Ms: percentile(bindTimes, 50),
      latencyP99Ms: percentile(bindTimes, 99),
      peakRssMiB,
      ...(passes === undefined ? {} : passes),
      ...(spec.gangs === undefined ? {} : { gangs: spec.gangs(pending, startedAt) }),
      ...(low === undefined ? {} : { evictions: low.deletions() }),
    };
    log(
      `${contender}: ${run.completed ? 'done' : `NOT DONE (${failure ?? ''})`} in ${(last / 1000).toFixed(1)} s, ` +
        `${run.bound} bound, ${run.bindsPerSecond}/s, ${run.apiCallsPerPod} calls/pod, peak ${peakRssMiB} MiB` +
        (run.gangs === undefined
          ? ''
          : `, gangs placed ${run.gangs.placed}/${run.gangs.placeable} partial ${run.gangs.partial}`) +
        (run.evictions === undefined ? '' : `, evictions ${run.evictions}`),
    );
    await clearPods(api, namespace, pending, 120_000);
    await pending.stop();
    if (low !== undefined) {
      await clearPods(api, lowNamespace, low, 120_000);
      await low.stop();
    }
    return run;
  }

  /** After a failed case: the next one starts on a fresh cluster. */
  discardCluster(): void {
    this.api?.close();
    this.api = undefined;
  }

  close(): void {
    this.api?.close();
  }
}

/** What a case is, whether it ran or not. */
function caseFigures(spec: RaceCaseSpec): Pick<RaceCase, 'workload' | 'label' | 'nodes' | 'pendingPods' | 'boundPods'> {
  const { workload, label, nodes, pendingPods, boundPods } = spec;
  return { workload, label, nodes, pendingPods, boundPods };
}

function notRun(spec: RaceCaseSpec, reason: string): RaceCase {
  return {
    ...caseFigures(spec),
    setupMs: 0,
    notes: `Not run: ${reason}`,
    runs: [],
  };
}

function machine(): Machine {
  const model = cpus()[0]?.model ?? 'unknown';
  return {
    cpus: cpus().length,
    cpuModel: model.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

function gitDescribe(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  // The race takes the local control plane down first: never start one on a mistyped argument.
  const refused = refusal(process.argv.slice(2));
  if (refused !== undefined) {
    (refused.code === 0 ? process.stdout : process.stderr).write(`${refused.text}\n`);
    process.exitCode = refused.code;
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  const root = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
  const paths = clusterPaths(root);
  const startedAt = new Date().toISOString();
  const race = new Race(paths, SCHEMA.bindConcurrency.default, options.contenders);
  const results: RaceCase[] = [];
  const pins = pinnedVersions(root);
  const out = resolve(root, options.out);
  // Written after every case, so a race cut short keeps what it measured.
  const save = (): void => {
    const output: RaceResults = {
      command: `node dist/bench/race/race-command.js ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machine(),
      versions: { ...pins, customScheduler: gitDescribe(root) },
      cases: results,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
  };
  const failedCases: string[] = [];
  try {
    for (const workload of options.workloads)
      for (const spec of cases(workload, options.smoke, options.scalePoints)) {
        try {
          results.push(await race.runCase(spec, !options.smoke && (spec.workload === 'scale' || spec.nodes >= 1_000)));
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          log(`${spec.workload} ${spec.label}: not run: ${reason}`);
          failedCases.push(`${spec.label}: ${reason}`);
          results.push(notRun(spec, reason));
          race.discardCluster();
        }
        save();
      }
  } finally {
    race.close();
    execFileSync(`${root}/scripts/cluster/down.sh`, { stdio: 'ignore' });
  }
  log(`results in ${out}`);
  if (options.smoke && failedCases.length > 0)
    throw new Error(`smoke run: cases failed:\n  ${failedCases.join('\n  ')}`);
  const unfinished = results.flatMap((c) =>
    c.runs.filter((r) => !r.completed).map((r) => `${c.label}: ${r.contender}: ${r.failure ?? ''}`),
  );
  if (options.smoke && unfinished.length > 0)
    throw new Error(`smoke run: runs did not finish:\n  ${unfinished.join('\n  ')}`);
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
