// `node dist/main.js run` as a child process, as users run the scheduler: for tests that kill
// it, restart it, or kill what is under it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `node dist/main.js run` for one namespace; its output is kept for the failure message. */
export class SchedulerProcess {
  readonly child: ChildProcess;
  output = '';
  /** Where its whole output goes (.local/test-logs), for reading a run after the test. */
  readonly logFile: string;
  private readonly log: WriteStream;
  /** Evictions it logged, by pod (namespace/name), over the whole run. */
  readonly evictions = new Map<string, number>();

  constructor(
    kubeconfig: string,
    namespace: string,
    readonly port: number,
    extra: readonly string[] = [],
  ) {
    this.child = spawn(
      process.execPath,
      [
        join(root, 'dist/main.js'),
        'run',
        '--namespaces',
        namespace,
        '--interval',
        '500ms',
        '--http-port',
        String(port),
        '--log-format',
        'json',
        ...extra,
      ],
      {
        cwd: root,
        env: { ...process.env, KUBECONFIG: kubeconfig, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const logs = join(root, '.local/test-logs');
    mkdirSync(logs, { recursive: true });
    this.logFile = join(logs, `scheduler-${namespace}-${port}.log`);
    this.log = createWriteStream(this.logFile);
    this.child.once('close', () => this.log.end());
    let partial = '';
    const keep = (d: Buffer): void => {
      this.log.write(d);
      const text = d.toString();
      this.output = (this.output + text).slice(-200_000);
      // Evictions are counted as they come: a long run's output outgrows what is kept.
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const pod = /^\{"level":"info","message":"evicted ([^"]+)"/.exec(line)?.[1];
        if (pod !== undefined) this.evictions.set(pod, (this.evictions.get(pod) ?? 0) + 1);
      }
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    // An exit nobody asked for: its last words explain the test failing next.
    this.child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM')
        process.stderr.write(
          `scheduler exited ${code ?? signal} (whole log: ${this.logFile}):\n${this.output.slice(-3000)}\n`,
        );
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async healthz(): Promise<number | undefined> {
    try {
      return (await fetch(`http://127.0.0.1:${this.port}/healthz`)).status;
    } catch {
      return undefined;
    }
  }

  /** Its log lines (JSON) whose message is `message`. */
  lines(message: string): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l): unknown => JSON.parse(l))
      .filter(
        (l): l is Record<string, unknown> =>
          typeof l === 'object' && l !== null && Reflect.get(l, 'message') === message,
      );
  }

  /** Peak (VmHWM) or current (VmRSS) resident memory in MiB, from /proc (Linux). */
  rssMiB(field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
    const status = readFileSync(`/proc/${this.child.pid ?? 0}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match === null ? 0 : Math.round(Number(match[1]) / 1024);
  }

  async stop(): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (c) => resolve(c)));
    this.child.kill('SIGTERM');
    return exited;
  }
}
