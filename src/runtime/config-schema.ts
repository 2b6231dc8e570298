// Every setting of `custom-scheduler run`: from a JSON file (--config), the environment
// and flags (flags win), validated at start. One table, so --help and the README agree;
// the planner's settings come from core's table, which the `plan` command reads too.
import type { Schema } from 'convict';
import { PLAN_SETTINGS, type GangSource, type PlanSetting, type Scoring } from '../core/index.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'auto' | 'json' | 'text';
export type SecureServing = 'auto' | 'on' | 'off';

/** Settings as convict holds them (durations already in milliseconds), once validated. */
export interface RawSettings {
  interval: number;
  passTimeout: number;
  schedulerName: string;
  namespaces: string[];
  preemption: boolean;
  maxPodsPerNode: number;
  scoring: Scoring;
  percentageOfNodesToScore: number;
  annotationPrefix: string;
  gangSources: readonly GangSource[];
  nominationTimeout: number;
  volumeBindTimeout: number;
  bindConcurrency: number;
  retryAttempts: number;
  retryInitialDelay: number;
  retryMaxDelay: number;
  assumeTtl: number;
  gangBindTimeout: number;
  watchRestartMaxDelay: number;
  watchQuietTimeout: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  httpPort: number;
  httpAddress: string;
  secureServing: SecureServing;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  leaderElection: boolean;
  leaseName: string;
  leaseNamespace: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  dryRun: boolean;
}

export const envName = (name: string): string => `CUSTOM_SCHEDULER_${name.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
const arg = (name: string): string => name.replace(/([A-Z])/g, '-$1').toLowerCase();

export interface SettingSpec<T> {
  readonly doc: string;
  /** A format registered in config.ts, or the allowed values. */
  readonly format: string | T[];
  readonly default: T;
  /** The default as --help shows it. */
  readonly defaultText: string;
  readonly env: string;
  readonly arg: string;
}

function setting<K extends keyof RawSettings>(
  name: K,
  format: string | RawSettings[K][],
  def: RawSettings[K],
  doc: string,
): SettingSpec<RawSettings[K]> {
  const text = Array.isArray(def) ? def.join(',') : `${String(def)}${format === 'duration-ms' ? 'ms' : ''}`;
  return { doc, format, default: def, defaultText: text === '' ? '""' : text, env: envName(name), arg: arg(name) };
}

/** The convict format that checks a planner setting (registered in config.ts). */
export const planFormat = (name: string): string => `plan-setting:${name}`;

function planSetting<T>(s: PlanSetting<T>): SettingSpec<T> {
  return {
    doc: s.doc,
    format: planFormat(s.name),
    default: s.default,
    defaultText: s.defaultText,
    env: envName(s.name),
    arg: s.flag,
  };
}

type SettingsSchema = { readonly [K in keyof RawSettings]: SettingSpec<RawSettings[K]> };

export const SCHEMA: SettingsSchema = {
  interval: setting(
    'interval',
    'duration-ms',
    5_000,
    'Time between the starts of two scheduling passes (e.g. 5s, 500ms).',
  ),
  passTimeout: setting(
    'passTimeout',
    'duration-ms',
    30_000,
    'Deadline of one pass: API calls still running then are abandoned.',
  ),
  schedulerName: planSetting(PLAN_SETTINGS.schedulerName),
  namespaces: setting(
    'namespaces',
    'namespace-list',
    [],
    'Comma-separated namespaces whose pending pods are scheduled; empty = all.',
  ),
  preemption: planSetting(PLAN_SETTINGS.preemption),
  maxPodsPerNode: planSetting(PLAN_SETTINGS.maxPodsPerNode),
  scoring: planSetting(PLAN_SETTINGS.scoring),
  percentageOfNodesToScore: planSetting(PLAN_SETTINGS.percentageOfNodesToScore),
  annotationPrefix: planSetting(PLAN_SETTINGS.annotationPrefix),
  gangSources: planSetting(PLAN_SETTINGS.gangSources),
  nominationTimeout: planSetting(PLAN_SETTINGS.nominationTimeoutMs),
  volumeBindTimeout: planSetting(PLAN_SETTINGS.volumeBindTimeoutMs),
  bindConcurrency: setting(
    'bindConcurrency',
    'positive',
    64,
    'API calls (evictions, binds, nominations) in flight at once.',
  ),
  retryAttempts: setting(
    'retryAttempts',
    'positive',
    5,
    'Attempts per API call for transient errors (429, 5xx, network), the first included.',
  ),
  retryInitialDelay: setting(
    'retryInitialDelay',
    'duration-ms',
    200,
    'First retry delay; doubles per attempt, with full jitter.',
  ),
  retryMaxDelay: setting('retryMaxDelay', 'duration-ms', 5_000, 'Cap of the retry delay.'),
  assumeTtl: setting(
    'assumeTtl',
    'duration-ms',
    30_000,
    'How long a bind or eviction is assumed done before the watch confirms it.',
  ),
  gangBindTimeout: setting(
    'gangBindTimeout',
    'duration-ms',
    60_000,
    'A gang whose binds partly failed and is still below quorum after this long has its bound members evicted.',
  ),
  watchRestartMaxDelay: setting(
    'watchRestartMaxDelay',
    'duration-ms',
    30_000,
    'Cap of the backoff before a failed watch is restarted.',
  ),
  watchQuietTimeout: setting(
    'watchQuietTimeout',
    'duration-ms',
    300_000,
    'A watch with no event and no reconnect for this long is restarted.',
  ),
  logLevel: setting('logLevel', ['error', 'warn', 'info', 'debug'], 'info', 'Log level.'),
  logFormat: setting(
    'logFormat',
    ['auto', 'json', 'text'],
    'auto',
    'Log format; auto = text on a terminal, JSON otherwise.',
  ),
  httpPort: setting(
    'httpPort',
    'port-or-off',
    8080,
    'Port of the HTTP server (/healthz: the loop is alive, /readyz: informers synced, /metrics: Prometheus); 0 = none.',
  ),
  httpAddress: setting(
    'httpAddress',
    'ip-address',
    '127.0.0.1',
    'Address the HTTP server listens on; in a cluster 0.0.0.0 so the kubelet can probe it.',
  ),
  secureServing: setting(
    'secureServing',
    ['auto', 'on', 'off'],
    'auto',
    'HTTPS, and /metrics only for callers the API server authenticates (TokenReview) and authorizes (SubjectAccessReview: get on the path /metrics), as kube-scheduler serves it; /healthz, /livez and /readyz stay open for probes. auto = on inside a pod (KUBERNETES_SERVICE_HOST set) or when a certificate is given, off outside.',
  ),
  tlsCertFile: setting(
    'tlsCertFile',
    'file-or-none',
    '',
    'PEM certificate (chain) for HTTPS, with tlsPrivateKeyFile; empty = a self-signed one made at start, valid a year.',
  ),
  tlsPrivateKeyFile: setting('tlsPrivateKeyFile', 'file-or-none', '', 'PEM private key of tlsCertFile.'),
  leaderElection: setting(
    'leaderElection',
    'bool',
    false,
    'Schedule only while holding a coordination.k8s.io Lease, so of several replicas exactly one schedules; a replica that loses the lease exits with status 1.',
  ),
  leaseName: setting('leaseName', 'lease-name', 'custom-scheduler', 'Name of the Lease (with leaderElection).'),
  leaseNamespace: setting(
    'leaseNamespace',
    'namespace-or-auto',
    '',
    "Namespace of the Lease; empty = the pod's own namespace (from its service account), or custom-scheduler outside a pod.",
  ),
  leaseDuration: setting(
    'leaseDuration',
    'duration-ms',
    15_000,
    'How long a standby waits, after the last renewal it saw, before taking the lease over (whole seconds).',
  ),
  renewDeadline: setting(
    'renewDeadline',
    'duration-ms',
    10_000,
    'A leader that could not renew for this long stops scheduling (shorter than leaseDuration).',
  ),
  retryPeriod: setting(
    'retryPeriod',
    'duration-ms',
    2_000,
    'Between two attempts to acquire or renew the lease (shorter than renewDeadline).',
  ),
  dryRun: setting('dryRun', 'bool', false, 'Plan and log every decision, but write nothing to the cluster.'),
};

/** The same table, as convict reads it. */
export const CONVICT_SCHEMA: Schema<RawSettings> = SCHEMA;
