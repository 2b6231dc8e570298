#!/usr/bin/env node
// custom-scheduler commands: `run` (default) schedules the cluster of the current
// kubeconfig; `plan` runs the planner on a snapshot file, no cluster needed.
import { planCommand } from './cli/plan-command.js';

/** The runtime (and the Kubernetes client library) is loaded only for `run`, so `plan` starts fast. */
async function run(argv: readonly string[]): Promise<number> {
  const { runCommand } = await import('./runtime/run-command.js');
  return runCommand(argv);
}

const usage = `usage: custom-scheduler [run] [options]     schedule the cluster (see --help)
       custom-scheduler plan [options] FILE...  plan on a kubectl JSON snapshot (- = stdin)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'plan')
    return planCommand(rest, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
  if (command === 'run') return run(rest);
  if (command === undefined || command.startsWith('-')) return run(argv);
  process.stderr.write(`custom-scheduler: unknown command "${command}"\n${usage}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`custom-scheduler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
