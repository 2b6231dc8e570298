// Loading and validating the settings (convict), and the typed config the runtime uses.
import convict from 'convict';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { timingsProblem, type LeaseTimings } from '../cluster/index.js';
import {
  fail,
  isDnsLabel,
  isDnsSubdomain,
  ok,
  parseDuration,
  parseSwitch,
  PLAN_SETTING_FIELDS,
  PLAN_SETTINGS,
  type PlanConfig,
  type PlanSetting,
  type Result,
} from '../core/index.js';
import {
  CONVICT_SCHEMA,
  planFormat,
  SCHEMA,
  type LogFormat,
  type LogLevel,
  type RawSettings,
} from './config-schema.js';

export interface SchedulerConfig extends PlanConfig {
  readonly intervalMs: number;
  readonly passTimeoutMs: number;
  readonly namespaces: readonly string[];
  readonly bindConcurrency: number;
  readonly retry: { readonly attempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly assumeTtlMs: number;
  readonly gangBindTimeoutMs: number;
  readonly watchRestartMaxDelayMs: number;
  readonly watchQuietTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly httpPort: number;
  readonly httpAddress: string;
  /** HTTPS with delegated authentication and authorization of /metrics (secureServing, resolved). */
  readonly secureServing: boolean;
  /** PEM files for HTTPS; both empty = a self-signed certificate made at start. */
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  readonly leaderElection: boolean;
  /** Where the Lease lives; namespace '' = the pod's own (see runtime/leadership.ts). */
  readonly lease: { readonly name: string; readonly namespace: string } & LeaseTimings;
  readonly dryRun: boolean;
}

/** What `run` was asked: to schedule with this configuration, or to print the help. */
export type RunRequest =
  { readonly kind: 'run'; readonly config: SchedulerConfig } | { readonly kind: 'help'; readonly text: string };

function intFormat(name: string, min: number, max: number, what: string): convict.Format {
  return {
    name,
    coerce: (v: unknown) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    validate: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`must be ${what}`);
    },
  };
}

/** A convict format that checks a planner setting by core's table. */
function planSettingFormat(setting: PlanSetting<unknown>): convict.Format {
  return {
    name: planFormat(setting.name),
    coerce: (v: unknown) => (typeof v === 'string' ? (setting.fromText(v) ?? v) : v),
    validate: (v: unknown) => {
      if (setting.accept(v) === undefined) throw new Error(`must be ${setting.expected}`);
    },
  };
}

let formatsAdded = false;
function addFormats(): void {
  if (formatsAdded) return;
  formatsAdded = true;
  for (const field of PLAN_SETTING_FIELDS) convict.addFormat(planSettingFormat(PLAN_SETTINGS[field]));
  convict.addFormats({
    'duration-ms': {
      coerce: (v: unknown) => (typeof v === 'string' ? (parseDuration(v) ?? v) : v),
      validate: (v: unknown) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
          throw new Error('must be a positive duration such as 500ms, 5s, 2m or a number of milliseconds');
        }
      },
    },
    bool: {
      coerce: (v: unknown) => (typeof v === 'string' ? (parseSwitch(v) ?? v) : v),
      validate: (v: unknown) => {
        if (typeof v !== 'boolean') throw new Error('must be true or false');
      },
    },
    positive: intFormat('positive', 1, 10_000, 'an integer from 1 to 10000'),
    'port-or-off': intFormat('port-or-off', 0, 65_535, 'a port number (1-65535) or 0 for none'),
    'ip-address': {
      validate: (v: unknown) => {
        if (typeof v !== 'string' || isIP(v) === 0)
          throw new Error('must be an IP address such as 127.0.0.1 or 0.0.0.0');
      },
    },
    'lease-name': {
      validate: (v: unknown) => {
        if (typeof v !== 'string' || !isDnsSubdomain(v))
          throw new Error('must be a DNS subdomain such as custom-scheduler');
      },
    },
    'namespace-or-auto': {
      validate: (v: unknown) => {
        if (typeof v !== 'string' || (v !== '' && !isDnsLabel(v)))
          throw new Error("must be a namespace name, or empty for the pod's own");
      },
    },
    'file-or-none': {
      validate: (v: unknown) => {
        if (typeof v !== 'string' || v.includes('\0')) throw new Error('must be a file path, or empty for none');
      },
    },
    'namespace-list': {
      coerce: (v: unknown) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : v,
      validate: (v: unknown) => {
        if (!Array.isArray(v)) throw new Error('must be a comma-separated list of namespaces');
        const bad: unknown = v.find((n: unknown) => typeof n !== 'string' || !isDnsLabel(n));
        if (bad !== undefined) throw new Error(`must be namespace names; ${JSON.stringify(bad)} is not one`);
      },
    },
  });
}

export interface LoadOptions {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Parses and validates; never throws: a bad value becomes an error naming the setting. */
export function loadConfig({ args, env }: LoadOptions): Result<RunRequest> {
  addFormats();
  if (args.includes('--help') || args.includes('-h')) return ok({ kind: 'help', text: helpText() });
  const unknown = unknownFlag(args);
  if (unknown !== undefined) return fail(`unknown option ${unknown} (see --help)`);
  try {
    const conf = convict<RawSettings>(CONVICT_SCHEMA, { args: [...args], env: { ...env } });
    const file = flagValue(args, 'config') ?? env['CUSTOM_SCHEDULER_CONFIG'];
    if (file !== undefined && file !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        return fail(`config file ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      // convict checks every value of the file in validate() below.
      conf.load(parsed);
    }
    conf.validate({ allowed: 'strict' });
    const settings = conf.getProperties();
    const tlsProblem = servingProblem(settings);
    if (tlsProblem !== undefined) return fail(`invalid configuration: ${tlsProblem}`);
    const config = toConfig(settings, inPod(env));
    const problem = timingsProblem(config.lease);
    if (problem !== undefined) return fail(`invalid configuration: ${problem}`);
    return ok({ kind: 'run', config });
  } catch (err) {
    return fail(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The defaults, for tests and the programmatic start. */
export function defaultConfig(overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  const r = loadConfig({ args: [], env: {} });
  if (!r.ok || r.value.kind !== 'run') throw new Error('defaults do not validate');
  return { ...r.value.config, ...overrides };
}

/** As client-go's in-cluster config decides: the service's host and port are in the environment. */
function inPod(env: LoadOptions['env']): boolean {
  return (env['KUBERNETES_SERVICE_HOST'] ?? '') !== '' && (env['KUBERNETES_SERVICE_PORT'] ?? '') !== '';
}

function servingProblem(s: RawSettings): string | undefined {
  if ((s.tlsCertFile === '') !== (s.tlsPrivateKeyFile === ''))
    return 'tlsCertFile and tlsPrivateKeyFile go together: give both, or neither for a self-signed certificate';
  if (s.tlsCertFile !== '' && s.secureServing === 'off')
    return 'tlsCertFile is set but secureServing is off: the certificate would not be used';
  return undefined;
}

function toConfig(s: RawSettings, runsInPod: boolean): SchedulerConfig {
  return Object.freeze({
    schedulerName: s.schedulerName,
    maxPodsPerNode: s.maxPodsPerNode,
    preemption: s.preemption,
    scoring: s.scoring,
    annotationPrefix: s.annotationPrefix,
    gangSources: Object.freeze([...s.gangSources]),
    nominationTimeoutMs: s.nominationTimeout,
    volumeBindTimeoutMs: s.volumeBindTimeout,
    percentageOfNodesToScore: s.percentageOfNodesToScore,
    intervalMs: s.interval,
    passTimeoutMs: s.passTimeout,
    namespaces: Object.freeze([...s.namespaces]),
    bindConcurrency: s.bindConcurrency,
    retry: Object.freeze({
      attempts: s.retryAttempts,
      initialDelayMs: s.retryInitialDelay,
      maxDelayMs: s.retryMaxDelay,
    }),
    assumeTtlMs: s.assumeTtl,
    gangBindTimeoutMs: s.gangBindTimeout,
    watchRestartMaxDelayMs: s.watchRestartMaxDelay,
    watchQuietTimeoutMs: s.watchQuietTimeout,
    logLevel: s.logLevel,
    logFormat: s.logFormat,
    httpPort: s.httpPort,
    httpAddress: s.httpAddress,
    secureServing: s.secureServing === 'on' || (s.secureServing === 'auto' && (runsInPod || s.tlsCertFile !== '')),
    tls: Object.freeze({ certFile: s.tlsCertFile, keyFile: s.tlsPrivateKeyFile }),
    leaderElection: s.leaderElection,
    lease: Object.freeze({
      name: s.leaseName,
      namespace: s.leaseNamespace,
      leaseDurationMs: s.leaseDuration,
      renewDeadlineMs: s.renewDeadline,
      retryPeriodMs: s.retryPeriod,
    }),
    dryRun: s.dryRun,
  });
}

function knownFlags(): Set<string> {
  const flags = new Set(['config', 'help']);
  for (const [, spec] of Object.entries(SCHEMA)) {
    flags.add(spec.arg);
    if (typeof spec.default === 'boolean') flags.add(`no-${spec.arg}`);
  }
  return flags;
}

function unknownFlag(args: readonly string[]): string | undefined {
  const known = knownFlags();
  return (
    args.find((a) => a.startsWith('--') && !known.has(a.slice(2).split('=')[0] ?? '')) ??
    args.find((a) => !a.startsWith('-') && !isFlagValue(args, a))
  );
}

function isFlagValue(args: readonly string[], value: string): boolean {
  const previous = args[args.indexOf(value) - 1];
  return previous !== undefined && previous.startsWith('--') && !previous.includes('=');
}

function flagValue(args: readonly string[], name: string): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function helpText(): string {
  const lines = [
    'usage: custom-scheduler run [options]',
    '',
    'Schedules pods with spec.schedulerName = --scheduler-name on the cluster of the current',
    'kubeconfig (in-cluster service account, $KUBECONFIG, ~/.kube/config).',
    'Each setting comes from --config FILE (JSON, or $CUSTOM_SCHEDULER_CONFIG), the',
    'environment, or a flag; flags win. Durations: 500ms, 5s, 2m, or milliseconds.',
    '',
  ];
  for (const [name, spec] of Object.entries(SCHEMA)) {
    lines.push(`  --${spec.arg}  (${spec.env}, file key "${name}", default ${spec.defaultText})`);
    lines.push(`      ${spec.doc}`);
  }
  return lines.join('\n');
}
