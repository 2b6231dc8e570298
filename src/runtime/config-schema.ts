// Every setting of `custom-scheduler run`: from a JSON file (--config), the environment
// and flags (flags win), validated at start. One table, so --help and the README agree.
import type { Schema } from 'convict';

/** Settings as convict holds them (durations already in milliseconds). */
export interface RawSettings {
  interval: number;
  passTimeout: number;
  schedulerName: string;
  namespaces: string[];
  preemption: boolean;
  maxPodsPerNode: number;
  scoring: string;
  percentageOfNodesToScore: number;
  annotationPrefix: string;
  nominationTimeout: number;
  bindConcurrency: number;
  retryAttempts: number;
  retryInitialDelay: number;
  retryMaxDelay: number;
  assumeTtl: number;
  gangBindTimeout: number;
  watchRestartMaxDelay: number;
  watchQuietTimeout: number;
  logLevel: string;
  logFormat: string;
  httpPort: number;
  httpAddress: string;
  leaderElection: boolean;
  leaseName: string;
  leaseNamespace: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  dryRun: boolean;
}

const env = (name: string): string => `CUSTOM_SCHEDULER_${name.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
const arg = (name: string): string => name.replace(/([A-Z])/g, '-$1').toLowerCase();

export interface SettingSpec {
  readonly doc: string;
  readonly format: string | string[];
  readonly default: RawSettings[keyof RawSettings];
  readonly env: string;
  readonly arg: string;
}

function setting<K extends keyof RawSettings>(
  name: K,
  format: string | readonly string[],
  def: RawSettings[K],
  doc: string,
): Record<K, SettingSpec> {
  const spec: SettingSpec = {
    doc,
    format: typeof format === 'string' ? format : [...format],
    default: def,
    env: env(name),
    arg: arg(name),
  };
  return { [name]: spec } as Record<K, SettingSpec>;
}

export const SCHEMA = {
  ...setting('interval', 'duration-ms', 5_000, 'Time between the starts of two scheduling passes (e.g. 5s, 500ms).'),
  ...setting('passTimeout', 'duration-ms', 30_000, 'Deadline of one pass: API calls still running then are abandoned.'),
  ...setting('schedulerName', 'label-value', 'custom-scheduler', 'Pods with this spec.schedulerName are scheduled.'),
  ...setting(
    'namespaces',
    'namespace-list',
    [] as string[],
    'Comma-separated namespaces whose pending pods are scheduled; empty = all.',
  ),
  ...setting('preemption', 'bool', true, 'Evict lower-priority pods to make room for higher-priority ones.'),
  ...setting('maxPodsPerNode', 'count', 0, 'At most this many pods of this scheduler per node; 0 = no limit.'),
  ...setting(
    'scoring',
    ['MostAllocated', 'LeastAllocated'],
    'MostAllocated',
    'Node scoring: MostAllocated (bin-packing) or LeastAllocated (spreading).',
  ),
  ...setting(
    'percentageOfNodesToScore',
    'percentage',
    0,
    'Share of nodes to find feasible before choosing (1-100); 0 = adaptive.',
  ),
  ...setting(
    'annotationPrefix',
    'annotation-prefix',
    'custom-scheduling.k8s.io',
    'Prefix of the gang annotations <prefix>/group-name and <prefix>/min-available.',
  ),
  ...setting(
    'nominationTimeout',
    'duration-ms',
    300_000,
    'A nomination whose victims are still there after this long is dropped and planned afresh.',
  ),
  ...setting('bindConcurrency', 'positive', 16, 'API calls (evictions, binds, nominations) in flight at once.'),
  ...setting(
    'retryAttempts',
    'positive',
    5,
    'Attempts per API call for transient errors (429, 5xx, network), the first included.',
  ),
  ...setting('retryInitialDelay', 'duration-ms', 200, 'First retry delay; doubles per attempt, with full jitter.'),
  ...setting('retryMaxDelay', 'duration-ms', 5_000, 'Cap of the retry delay.'),
  ...setting(
    'assumeTtl',
    'duration-ms',
    30_000,
    'How long a bind or eviction is assumed done before the watch confirms it.',
  ),
  ...setting(
    'gangBindTimeout',
    'duration-ms',
    60_000,
    'A gang whose binds partly failed and is still below quorum after this long has its bound members evicted.',
  ),
  ...setting('watchRestartMaxDelay', 'duration-ms', 30_000, 'Cap of the backoff before a failed watch is restarted.'),
  ...setting(
    'watchQuietTimeout',
    'duration-ms',
    300_000,
    'A watch with no event and no reconnect for this long is restarted.',
  ),
  ...setting('logLevel', ['error', 'warn', 'info', 'debug'], 'info', 'Log level.'),
  ...setting('logFormat', ['auto', 'json', 'text'], 'auto', 'Log format; auto = text on a terminal, JSON otherwise.'),
  ...setting(
    'httpPort',
    'port-or-off',
    8080,
    'Port of the HTTP server (/healthz: the loop is alive, /readyz: informers synced, /metrics: Prometheus); 0 = none.',
  ),
  ...setting(
    'httpAddress',
    'ip-address',
    '127.0.0.1',
    'Address the HTTP server listens on; in a cluster 0.0.0.0 so the kubelet can probe it.',
  ),
  ...setting(
    'leaderElection',
    'bool',
    false,
    'Schedule only while holding a coordination.k8s.io Lease, so of several replicas exactly one schedules; a replica that loses the lease exits with status 1.',
  ),
  ...setting('leaseName', 'lease-name', 'custom-scheduler', 'Name of the Lease (with leaderElection).'),
  ...setting(
    'leaseNamespace',
    'namespace-or-auto',
    '',
    "Namespace of the Lease; empty = the pod's own namespace (from its service account), or custom-scheduler outside a pod.",
  ),
  ...setting(
    'leaseDuration',
    'duration-ms',
    15_000,
    'How long a standby waits, after the last renewal it saw, before taking the lease over (whole seconds).',
  ),
  ...setting(
    'renewDeadline',
    'duration-ms',
    10_000,
    'A leader that could not renew for this long stops scheduling (shorter than leaseDuration).',
  ),
  ...setting(
    'retryPeriod',
    'duration-ms',
    2_000,
    'Between two attempts to acquire or renew the lease (shorter than renewDeadline).',
  ),
  ...setting('dryRun', 'bool', false, 'Plan and log every decision, but write nothing to the cluster.'),
};

/** convict's view of the table (its types cannot express per-key formats). */
export const CONVICT_SCHEMA = SCHEMA as unknown as Schema<RawSettings>;
