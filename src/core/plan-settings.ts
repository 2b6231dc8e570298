// The planner's settings as one table: each one's name, flag, meaning, default and the
// values it accepts. `run` (file, environment, flags) and `plan` (flags) both build
// their options from it, so the two commands take the same settings with the same rules.
import { GANG_SOURCES } from './gang-sources.js';
import { isDnsSubdomain, labelValueProblem } from './labels.js';
import type { GangSource } from './model.js';
import { DEFAULT_PLAN_CONFIG, type PlanConfig, type Scoring } from './plan-types.js';

export interface PlanSetting<T> {
  /** The key in a configuration file; the environment variable is derived from it. */
  readonly name: string;
  /** The command-line flag, without the dashes. */
  readonly flag: string;
  /** What the value stands for in usage lines (N, NAME); '' for an on/off switch. */
  readonly placeholder: string;
  readonly doc: string;
  readonly default: T;
  /** The default as usage texts show it. */
  readonly defaultText: string;
  /** What a valid value is, for error messages: "a non-negative integer". */
  readonly expected: string;
  /** The value a flag or an environment variable spells, or undefined when it spells none. */
  readonly fromText: (text: string) => T | undefined;
  /** The value itself when valid (a file gives typed values), else undefined. */
  readonly accept: (value: unknown) => T | undefined;
}

export type PlanSettings = { readonly [K in keyof PlanConfig]: PlanSetting<PlanConfig[K]> };

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds from "500ms", "5s", "2m", "1h" or a plain number of milliseconds; undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const unit = match[2] === 's' || match[2] === 'm' || match[2] === 'h' ? match[2] : 'ms';
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** "true", "1", "yes" and "false", "0", "no", in any case. */
export function parseSwitch(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word === 'true' || word === '1' || word === 'yes') return true;
  if (word === 'false' || word === '0' || word === 'no') return false;
  return undefined;
}

const kebab = (name: string): string => name.replace(/([A-Z])/g, '-$1').toLowerCase();

function integerIn(min: number, max: number): (value: unknown) => number | undefined {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

function integerText(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

/** A positive duration, from "5m" and the like on a flag or a number of milliseconds in a file. */
function durationSetting(name: string, doc: string, defaultMs: number): PlanSetting<number> {
  return {
    name,
    flag: kebab(name),
    placeholder: 'DURATION',
    doc,
    default: defaultMs,
    defaultText: `${defaultMs}ms`,
    expected: 'a positive duration such as 500ms, 5s, 2m or a number of milliseconds',
    fromText: parseDuration,
    accept: (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined),
  };
}

const SCORINGS: readonly Scoring[] = ['MostAllocated', 'LeastAllocated'];

/** Known sources, each at most once, in the setting's own order; undefined for anything else. */
function gangSourceList(value: unknown): readonly GangSource[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const sources: GangSource[] = [];
  for (const entry of value) {
    const source = GANG_SOURCES.find((s) => s === entry);
    if (source === undefined || sources.includes(source)) return undefined;
    sources.push(source);
  }
  return Object.freeze(sources);
}

/** "custom,kubernetes" (spaces around names allowed); "none" for no source at all. */
function gangSourceText(text: string): readonly GangSource[] | undefined {
  if (text.trim() === 'none') return Object.freeze([]);
  return gangSourceList(text.split(',').map((name) => name.trim()));
}

export const PLAN_SETTINGS: PlanSettings = {
  schedulerName: {
    name: 'schedulerName',
    flag: kebab('schedulerName'),
    placeholder: 'NAME',
    doc: 'Pods with this spec.schedulerName are scheduled.',
    default: DEFAULT_PLAN_CONFIG.schedulerName,
    defaultText: String(DEFAULT_PLAN_CONFIG.schedulerName),
    expected: 'a non-empty name of at most 63 letters, digits, "-", "_" or "."',
    fromText: (text) => text,
    accept: (value) =>
      typeof value === 'string' && value !== '' && labelValueProblem(value) === undefined ? value : undefined,
  },
  preemption: {
    name: 'preemption',
    flag: kebab('preemption'),
    placeholder: '',
    doc: 'Evict lower-priority pods to make room for higher-priority ones.',
    default: DEFAULT_PLAN_CONFIG.preemption,
    defaultText: String(DEFAULT_PLAN_CONFIG.preemption),
    expected: 'true or false',
    fromText: parseSwitch,
    accept: (value) => (typeof value === 'boolean' ? value : undefined),
  },
  maxPodsPerNode: {
    name: 'maxPodsPerNode',
    flag: kebab('maxPodsPerNode'),
    placeholder: 'N',
    doc: 'At most this many pods of this scheduler per node; 0 = no limit.',
    default: DEFAULT_PLAN_CONFIG.maxPodsPerNode,
    defaultText: String(DEFAULT_PLAN_CONFIG.maxPodsPerNode),
    expected: 'a non-negative integer',
    fromText: integerText,
    accept: integerIn(0, 1_000_000),
  },
  scoring: {
    name: 'scoring',
    flag: kebab('scoring'),
    placeholder: SCORINGS.join('|'),
    doc: 'Node scoring: MostAllocated (bin-packing) or LeastAllocated (spreading).',
    default: DEFAULT_PLAN_CONFIG.scoring,
    defaultText: String(DEFAULT_PLAN_CONFIG.scoring),
    expected: SCORINGS.join(' or '),
    fromText: (text) => SCORINGS.find((s) => s === text),
    accept: (value) => SCORINGS.find((s) => s === value),
  },
  percentageOfNodesToScore: {
    name: 'percentageOfNodesToScore',
    flag: kebab('percentageOfNodesToScore'),
    placeholder: 'P',
    doc: 'Share of nodes to find feasible before choosing (1-100); 0 = adaptive.',
    default: DEFAULT_PLAN_CONFIG.percentageOfNodesToScore,
    defaultText: String(DEFAULT_PLAN_CONFIG.percentageOfNodesToScore),
    expected: 'an integer from 0 to 100',
    fromText: integerText,
    accept: integerIn(0, 100),
  },
  annotationPrefix: {
    name: 'annotationPrefix',
    flag: kebab('annotationPrefix'),
    placeholder: 'PREFIX',
    doc: 'Prefix of the gang annotations <prefix>/group-name and <prefix>/min-available.',
    default: DEFAULT_PLAN_CONFIG.annotationPrefix,
    defaultText: String(DEFAULT_PLAN_CONFIG.annotationPrefix),
    expected: 'a DNS subdomain like custom-scheduling.k8s.io',
    fromText: (text) => text,
    accept: (value) => (typeof value === 'string' && isDnsSubdomain(value) ? value : undefined),
  },
  gangSources: {
    name: 'gangSources',
    flag: kebab('gangSources'),
    placeholder: 'LIST',
    doc: 'Where gangs may be declared (comma-separated): custom annotations, kubernetes, scheduler-plugins and volcano PodGroups, kueue pod groups; none for no gangs. A pod naming a gang of another source waits.',
    default: DEFAULT_PLAN_CONFIG.gangSources,
    defaultText: DEFAULT_PLAN_CONFIG.gangSources.join(','),
    expected: `a comma-separated list of distinct sources among ${GANG_SOURCES.join(', ')}, or none`,
    fromText: gangSourceText,
    accept: gangSourceList,
  },
  nominationTimeoutMs: durationSetting(
    'nominationTimeout',
    'A nomination whose victims are still there after this long is dropped and planned afresh.',
    DEFAULT_PLAN_CONFIG.nominationTimeoutMs,
  ),
  volumeBindTimeoutMs: durationSetting(
    'volumeBindTimeout',
    'A volume choice (selected node or pre-bound volume) whose claim is still unbound after this long is undone and planned afresh.',
    DEFAULT_PLAN_CONFIG.volumeBindTimeoutMs,
  ),
};

/** The table's fields, in the order usage texts list them (a test checks none is missing). */
export const PLAN_SETTING_FIELDS = [
  'schedulerName',
  'preemption',
  'maxPodsPerNode',
  'scoring',
  'percentageOfNodesToScore',
  'annotationPrefix',
  'gangSources',
  'nominationTimeoutMs',
  'volumeBindTimeoutMs',
] as const satisfies readonly (keyof PlanConfig)[];
