// Command-line options of `custom-scheduler plan`, parsed into a PlanConfig.
// Bad values are answered with one line naming the option, never an exception.
import { DEFAULT_PLAN_CONFIG, type PlanConfig, type Scoring } from '../core/plan-types.js';

export type OutputFormat = 'json' | 'table';

export interface PlanOptions {
  readonly config: PlanConfig;
  /** From --now; undefined means "the current time", read by the caller. */
  readonly nowMs: number | undefined;
  readonly output: OutputFormat;
  /** Snapshot files; `-` is stdin. */
  readonly files: readonly string[];
  readonly help: boolean;
}

export type ParsedOptions =
  { readonly ok: true; readonly value: PlanOptions } | { readonly ok: false; readonly error: string };

export const PLAN_USAGE = `usage: custom-scheduler plan [options] FILE...

Plans one scheduling pass over a snapshot, as written by
  kubectl get nodes,pods,pdb -A -o json
FILE may be a List, any object with "items", or one object; - reads stdin.

options:
  --scheduler-name NAME      pods with this spec.schedulerName are ours (default ${DEFAULT_PLAN_CONFIG.schedulerName})
  --max-pods-per-node N      at most N of our pods per node, 0 = no limit (default 0)
  --no-preemption            never evict to make room
  --scoring MostAllocated|LeastAllocated   bin-pack or spread (default MostAllocated)
  --now RFC3339              the time of the pass (default: now)
  --output json|table        output format (default json)
  --annotation-prefix P      gang annotations are P/group-name, P/min-available (default ${DEFAULT_PLAN_CONFIG.annotationPrefix})
  --help                     show this help
`;

const VALUE_OPTIONS = new Set([
  '--scheduler-name',
  '--max-pods-per-node',
  '--scoring',
  '--now',
  '--output',
  '--annotation-prefix',
]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// A DNS subdomain, as Kubernetes requires for the prefix of an annotation key.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

interface Draft {
  config: { -readonly [K in keyof PlanConfig]: PlanConfig[K] };
  nowMs: number | undefined;
  output: OutputFormat;
}

/** Applies one `--name value` pair; returns an error line or undefined. */
function apply(draft: Draft, name: string, value: string): string | undefined {
  switch (name) {
    case '--scheduler-name':
      if (value === '') return '--scheduler-name: must not be empty';
      draft.config.schedulerName = value;
      return undefined;
    case '--max-pods-per-node':
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        return `--max-pods-per-node: expected a non-negative integer, got ${JSON.stringify(value)}`;
      }
      draft.config.maxPodsPerNode = Number(value);
      return undefined;
    case '--scoring':
      if (value !== 'MostAllocated' && value !== 'LeastAllocated') {
        return `--scoring: expected MostAllocated or LeastAllocated, got ${JSON.stringify(value)}`;
      }
      draft.config.scoring = value satisfies Scoring;
      return undefined;
    case '--now': {
      const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
      if (Number.isNaN(ms))
        return `--now: expected an RFC 3339 time like 2026-01-01T00:00:00Z, got ${JSON.stringify(value)}`;
      draft.nowMs = ms;
      return undefined;
    }
    case '--output':
      if (value !== 'json' && value !== 'table')
        return `--output: expected json or table, got ${JSON.stringify(value)}`;
      draft.output = value;
      return undefined;
    case '--annotation-prefix':
      if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
        return `--annotation-prefix: expected a DNS subdomain like custom-scheduling.k8s.io, got ${JSON.stringify(value)}`;
      }
      draft.config.annotationPrefix = value;
      return undefined;
    default:
      return `unknown option ${name}`;
  }
}

export function parsePlanOptions(argv: readonly string[]): ParsedOptions {
  const draft: Draft = { config: { ...DEFAULT_PLAN_CONFIG }, nowMs: undefined, output: 'json' };
  const files: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--no-preemption') {
      draft.config.preemption = false;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_OPTIONS.has(name)) return { ok: false, error: `unknown option ${name}` };
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) return { ok: false, error: `${name}: missing value` };
    const error = apply(draft, name, value);
    if (error !== undefined) return { ok: false, error };
  }
  if (!help && files.length === 0) return { ok: false, error: 'no snapshot file given (use - for stdin)' };
  return {
    ok: true,
    value: { config: Object.freeze(draft.config), nowMs: draft.nowMs, output: draft.output, files, help },
  };
}
