// Runs the plan command in memory for tests: argv and stdin in, exit code and output out.
import { PassThrough, Readable } from 'node:stream';
import { planCommand } from './plan-command.js';

export interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runPlan(argv: readonly string[], stdinText = ''): Promise<PlanRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await planCommand(argv, { stdout, stderr, stdin: Readable.from([stdinText]) });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
