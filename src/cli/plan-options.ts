// Command-line options of `custom-scheduler plan`, parsed into a PlanConfig. The
// planner's settings come from core's table, so `plan` takes the same settings as `run`.
// Bad values are answered with one line naming the option, never an exception.
import {
  DEFAULT_PLAN_CONFIG,
  fail,
  ok,
  PLAN_SETTING_FIELDS,
  PLAN_SETTINGS,
  type PlanConfig,
  type Result,
} from '../core/index.js';

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

type Field = keyof PlanConfig;
type DraftConfig = { -readonly [K in Field]: PlanConfig[K] };

/** Which planner setting a flag (without dashes) sets. */
const FIELD_BY_FLAG: ReadonlyMap<string, Field> = new Map(PLAN_SETTING_FIELDS.map((f) => [PLAN_SETTINGS[f].flag, f]));
const isSwitch = (field: Field): boolean => typeof PLAN_SETTINGS[field].default === 'boolean';

/** One option per entry: the flag and its default, then what it does (as `run --help` shows them). */
function usage(): string {
  const rows: (readonly [string, string, string])[] = PLAN_SETTING_FIELDS.map((field) => {
    const { flag, placeholder, doc, defaultText } = PLAN_SETTINGS[field];
    const name = isSwitch(field) ? `--${flag}, --no-${flag}` : `--${flag} ${placeholder}`;
    return [name, `default ${defaultText}`, doc];
  });
  rows.push(
    ['--now RFC3339', 'default: now', 'The time of the pass.'],
    ['--output json|table', 'default json', 'Output format.'],
    ['--help', '', 'Show this help.'],
  );
  const lines = rows.map(([name, def, doc]) => `  ${name}${def === '' ? '' : `  (${def})`}\n      ${doc}`);
  return `usage: custom-scheduler plan [options] FILE...

Plans one scheduling pass over a snapshot, as written by
  kubectl get nodes,pods,pdb,namespaces,pvc,pv,storageclass,csinode -A -o json
plus, for gangs declared with PodGroups, the kinds the cluster serves of
  podgroups.scheduling.k8s.io,podgroups.scheduling.x-k8s.io,podgroups.scheduling.volcano.sh
FILE may be a List, any object with "items", or one object; - reads stdin.
Durations: 500ms, 5s, 2m, or milliseconds.

options:
${lines.join('\n')}
`;
}

export const PLAN_USAGE = usage();

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Sets one planner setting from its flag's text; returns an error line or undefined. */
function setPlanSetting<K extends Field>(config: DraftConfig, field: K, text: string): string | undefined {
  const setting = PLAN_SETTINGS[field];
  if (text === '') return `--${setting.flag}: must not be empty`;
  const spelled = setting.fromText(text);
  const value = spelled === undefined ? undefined : setting.accept(spelled);
  if (value === undefined) return `--${setting.flag}: expected ${setting.expected}, got ${JSON.stringify(text)}`;
  config[field] = value;
  return undefined;
}

/** The options that are the command's own, not the planner's. */
interface OwnOptions {
  nowMs: number | undefined;
  output: OutputFormat;
}

/** Applies one `--name value` pair of the options that are the command's own. */
function setOwnOption(draft: OwnOptions, name: string, value: string): string | undefined {
  switch (name) {
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
    default:
      return `unknown option ${name}`;
  }
}

export function parsePlanOptions(argv: readonly string[]): Result<PlanOptions> {
  const config: DraftConfig = { ...DEFAULT_PLAN_CONFIG };
  const own: OwnOptions = { nowMs: undefined, output: 'json' };
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
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const negated = name.startsWith('--no-') ? FIELD_BY_FLAG.get(name.slice(5)) : undefined;
    if (negated !== undefined && isSwitch(negated) && eq < 0) {
      const error = setPlanSetting(config, negated, 'false');
      if (error !== undefined) return fail(error);
      continue;
    }
    const field = name.startsWith('--') ? FIELD_BY_FLAG.get(name.slice(2)) : undefined;
    if (field !== undefined && isSwitch(field) && eq < 0) {
      const error = setPlanSetting(config, field, 'true');
      if (error !== undefined) return fail(error);
      continue;
    }
    if (field === undefined && name !== '--now' && name !== '--output') return fail(`unknown option ${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return fail(`${name}: missing value`);
    const error = field === undefined ? setOwnOption(own, name, value) : setPlanSetting(config, field, value);
    if (error !== undefined) return fail(error);
  }
  if (!help && files.length === 0) return fail('no snapshot file given (use - for stdin)');
  return ok({ config: Object.freeze(config), nowMs: own.nowMs, output: own.output, files, help });
}
