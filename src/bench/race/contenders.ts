// Starting one contender as its own process: its command line, when it is ready (informers
// synced), its peak memory, and what custom-scheduler says about its passes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Contender } from './results.js';

export interface ContenderOptions {
  readonly root: string;
  readonly kubeconfig: string;
  /** custom-scheduler's default bind concurrency: the floor binder uses the same. */
  readonly bindConcurrency: number;
  /** Namespace the floor binder binds (the others schedule every namespace). */
  readonly namespace: string;
  /** Where the process's output goes. */
  readonly logFile: string;
  readonly port: number;
}

export interface PassFigures {
  readonly passes: number;
  readonly planMsMean: number;
  readonly planMsMax: number;
}

export interface RunningContender {
  readonly contender: Contender;
  readonly startedAt: number;
  /** Epoch ms of the first 200 from /readyz. */
  readonly ready: Promise<number>;
  /** Resolves when the process exits (the race fails a run whose contender exits early). */
  readonly exited: Promise<string>;
  /** Peak resident memory so far, MiB (VmHWM). */
  peakRssMiB(): number;
  /** custom-scheduler's passes that decided something, from its log. */
  passFigures(): PassFigures | undefined;
  stop(): Promise<void>;
}

function command(contender: Contender, o: ContenderOptions): { readonly file: string; readonly args: string[] } {
  switch (contender) {
    case 'custom-scheduler':
      return {
        file: process.execPath,
        args: [
          // e.g. RACE_CUSTOM_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it in the race
          ...(process.env['RACE_CUSTOM_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''),
          `${o.root}/dist/main.js`,
          'run',
          '--http-port',
          String(o.port),
          '--log-format',
          'json',
        ],
      };
    case 'floor-binder':
      return {
        file: process.execPath,
        args: [
          `${o.root}/dist/bench/race/floor-binder.js`,
          '--namespace',
          o.namespace,
          '--concurrency',
          String(o.bindConcurrency),
          '--port',
          String(o.port),
        ],
      };
    case 'kube-scheduler':
    case 'kube-scheduler+podgroups':
      return {
        file: `${o.root}/.local/bin/kube-scheduler`,
        args: [
          `--kubeconfig=${o.kubeconfig}`,
          `--authentication-kubeconfig=${o.kubeconfig}`,
          `--authorization-kubeconfig=${o.kubeconfig}`,
          '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${o.port}`,
          `--cert-dir=${o.root}/.local/race/kube-scheduler-certs`,
          ...(contender === 'kube-scheduler+podgroups' ? ['--feature-gates=GenericWorkload=true'] : []),
        ],
      };
  }
}

export function startContender(contender: Contender, o: ContenderOptions): RunningContender {
  mkdirSync(`${o.root}/.local/race`, { recursive: true });
  const { file, args } = command(contender, o);
  const log = createWriteStream(o.logFile);
  const startedAt = Date.now();
  const child: ChildProcess = spawn(file, args, {
    env: { ...process.env, KUBECONFIG: o.kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const passes: number[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (contender !== 'custom-scheduler') return;
    pending += chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const ms = decisionMs(pending.slice(0, newline));
      if (ms !== undefined) passes.push(ms);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(`${contender} exited (${signal ?? `status ${code ?? '?'}`})`)),
  );
  const pid = child.pid;
  let stopped = false;
  const tls = contender === 'kube-scheduler' || contender === 'kube-scheduler+podgroups';
  return {
    contender,
    startedAt,
    ready: pollReady(o.port, tls, () => stopped),
    exited,
    peakRssMiB: () => (pid === undefined ? 0 : peakRss(pid)),
    passFigures: () =>
      passes.length === 0
        ? undefined
        : {
            passes: passes.length,
            planMsMean: Math.round(passes.reduce((a, b) => a + b, 0) / passes.length),
            planMsMax: Math.max(...passes),
          },
    stop: async () => {
      stopped = true;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

/** Snapshot plus plan time of a "planned" line of custom-scheduler's JSON log. */
function decisionMs(line: string): number | undefined {
  if (!line.includes('"planned"')) return undefined;
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const snapshot: unknown = Reflect.get(entry, 'snapshotMs');
    const plan: unknown = Reflect.get(entry, 'planMs');
    return typeof snapshot === 'number' && typeof plan === 'number' ? snapshot + plan : undefined;
  } catch {
    return undefined;
  }
}

function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? 0 : Math.round(Number(kib) / 1024);
  } catch {
    return 0;
  }
}

/** Polls /readyz every 50 ms until it answers 200. */
async function pollReady(port: number, tls: boolean, stopped: () => boolean): Promise<number> {
  while (!stopped()) {
    if (await answers200(port, tls)) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('stopped before ready');
}

function answers200(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { hostname: '127.0.0.1', port, path: '/readyz', timeout: 1_000 };
    const done = (response: http.IncomingMessage): void => {
      response.resume();
      resolve(response.statusCode === 200);
    };
    // kube-scheduler's serving certificate is self-signed in its cert dir: loopback, our own process.
    const request = tls ? https.get({ ...options, rejectUnauthorized: false }, done) : http.get(options, done);
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}
