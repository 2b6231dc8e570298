import { PLAN_SETTING_FIELDS, PLAN_SETTINGS, type Result } from '../core/index.js';
import { SCHEMA } from './config-schema.js';
import { loadConfig, type RunRequest, type SchedulerConfig } from './config.js';

const load = (args: string[], env: Record<string, string> = {}) => loadConfig({ args, env });
/** The configuration `run` would schedule with, or false. */
const configOf = (r: Result<RunRequest>): SchedulerConfig | false => r.ok && r.value.kind === 'run' && r.value.config;
const errorOf = (r: Result<RunRequest>): string | false => !r.ok && r.error;

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = configOf(load([]));
    expect(config).not.toBe(false);
    expect(config).toMatchObject({
      intervalMs: 5_000,
      schedulerName: 'custom-scheduler',
      namespaces: [],
      preemption: true,
      maxPodsPerNode: 0,
      scoring: 'MostAllocated',
      annotationPrefix: 'custom-scheduling.k8s.io',
      dryRun: false,
      leaderElection: false,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const r = load(['--interval', '500ms', '--no-preemption', '--namespaces=a,b'], {
      CUSTOM_SCHEDULER_INTERVAL: '2s',
      CUSTOM_SCHEDULER_MAX_PODS_PER_NODE: '1',
    });
    expect(configOf(r)).toMatchObject({
      intervalMs: 500,
      preemption: false,
      namespaces: ['a', 'b'],
      maxPodsPerNode: 1,
    });
  });

  it('reads the gang sources as a list, from the environment or a flag, and rejects unknown ones', () => {
    expect(configOf(load([]))).toMatchObject({
      gangSources: ['custom', 'kubernetes', 'scheduler-plugins', 'volcano', 'kueue'],
    });
    expect(configOf(load([], { CUSTOM_SCHEDULER_GANG_SOURCES: 'custom,kueue' }))).toMatchObject({
      gangSources: ['custom', 'kueue'],
    });
    expect(configOf(load(['--gang-sources', 'none']))).toMatchObject({ gangSources: [] });
    expect(errorOf(load(['--gang-sources', 'custom,coscheduling']))).toContain('gangSources');
  });

  it.each([
    [['--interval', 'soon'], 'interval'],
    [['--max-pods-per-node', '-1'], 'maxPodsPerNode'],
    [['--scoring', 'Random'], 'scoring'],
    [['--namespaces', 'Bad_NS'], 'namespaces'],
    [['--bind-concurrency', '0'], 'bindConcurrency'],
    [['--dry-run', 'maybe'], 'dryRun'],
  ])('names the setting in the error for %j', (args, setting) => {
    const r = load(args);
    expect(r.ok).toBe(false);
    expect(errorOf(r)).toContain(setting);
  });

  it("has kube-scheduler's lease timings by default, and reads the lease settings", () => {
    const r = configOf(load([]));
    expect(r && r.lease).toEqual({
      name: 'custom-scheduler',
      namespace: '',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    const custom = load([
      '--leader-election',
      '--lease-name',
      'batch',
      '--lease-namespace',
      'ops',
      '--lease-duration',
      '3s',
      '--renew-deadline',
      '2s',
      '--retry-period',
      '500ms',
    ]);
    expect(configOf(custom)).toMatchObject({
      leaderElection: true,
      lease: { name: 'batch', namespace: 'ops', leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 },
    });
  });

  it.each([
    [['--lease-duration', '10s'], 'leaseDuration must be longer than renewDeadline'],
    [['--retry-period', '10s'], 'renewDeadline must be longer than retryPeriod'],
    [['--lease-name', 'Not_A_Name'], 'leaseName'],
    [['--lease-namespace', 'Bad.NS'], 'leaseNamespace'],
  ])('refuses lease settings that cannot work: %j', (args, message) => {
    expect(errorOf(load(args))).toContain(message);
  });

  it('serves HTTPS inside a pod or with a certificate, plain HTTP outside unless asked', () => {
    const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(configOf(load([]))).toMatchObject({ secureServing: false, tls: { certFile: '', keyFile: '' } });
    expect(configOf(load([], inPod))).toMatchObject({ secureServing: true });
    expect(configOf(load(['--secure-serving', 'off'], inPod))).toMatchObject({ secureServing: false });
    expect(configOf(load(['--secure-serving=on']))).toMatchObject({ secureServing: true });
    expect(
      configOf(load(['--tls-cert-file', '/etc/tls/tls.crt', '--tls-private-key-file', '/etc/tls/tls.key'])),
    ).toMatchObject({ secureServing: true, tls: { certFile: '/etc/tls/tls.crt', keyFile: '/etc/tls/tls.key' } });
    expect(errorOf(load(['--tls-cert-file', '/etc/tls/tls.crt']))).toBe(
      'invalid configuration: tlsCertFile and tlsPrivateKeyFile go together: give both, or neither for a self-signed certificate',
    );
    expect(errorOf(load(['--secure-serving', 'off', '--tls-cert-file', 'a', '--tls-private-key-file', 'b']))).toBe(
      'invalid configuration: tlsCertFile is set but secureServing is off: the certificate would not be used',
    );
    expect(errorOf(load(['--secure-serving', 'maybe']))).toMatch(/secureServing: must be one of the possible values/);
  });

  it('refuses an unknown flag', () => {
    expect(errorOf(load(['--intervall', '5s']))).toContain('--intervall');
  });

  it('lists every setting in --help', () => {
    const r = load(['--help']);
    expect(r.ok && r.value.kind).toBe('help');
    for (const flag of [
      '--interval',
      '--scheduler-name',
      '--namespaces',
      '--preemption',
      '--max-pods-per-node',
      '--scoring',
      '--bind-concurrency',
      '--retry-attempts',
      '--nomination-timeout',
      '--log-level',
      '--log-format',
      '--http-port',
      '--leader-election',
      '--lease-name',
      '--lease-namespace',
      '--lease-duration',
      '--renew-deadline',
      '--retry-period',
      '--dry-run',
      '--annotation-prefix',
    ]) {
      expect(r.ok && r.value.kind === 'help' && r.value.text).toContain(flag);
    }
  });

  it('takes the planner settings from the table the plan command reads: same names, flags, defaults', () => {
    const fromTable = PLAN_SETTING_FIELDS.map((f) => {
      const { name, flag, default: def } = PLAN_SETTINGS[f];
      return { name, flag, def };
    });
    const fromRun = fromTable.map(({ name }) => {
      const spec = Object.entries(SCHEMA).find(([key]) => key === name)?.[1];
      return { name, flag: spec?.arg, def: spec?.default };
    });
    expect(fromRun).toEqual(fromTable);
    expect(configOf(load(['--percentage-of-nodes-to-score', '50', '--nomination-timeout', '2m']))).toMatchObject({
      percentageOfNodesToScore: 50,
      nominationTimeoutMs: 120_000,
    });
  });
});
