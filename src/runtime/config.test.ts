import { loadConfig } from './config.js';

const load = (args: string[], env: Record<string, string> = {}) => loadConfig({ args, env });

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const r = load([]);
    expect(r.kind).toBe('config');
    if (r.kind !== 'config') return;
    expect(r.config).toMatchObject({
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
    expect(r.kind === 'config' && r.config).toMatchObject({
      intervalMs: 500,
      preemption: false,
      namespaces: ['a', 'b'],
      maxPodsPerNode: 1,
    });
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
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toContain(setting);
  });

  it("has kube-scheduler's lease timings by default, and reads the lease settings", () => {
    const r = load([]);
    expect(r.kind === 'config' && r.config.lease).toEqual({
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
    expect(custom.kind === 'config' && custom.config).toMatchObject({
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
    const r = load(args);
    expect(r.kind === 'error' && r.message).toContain(message);
  });

  it('refuses an unknown flag', () => {
    const r = load(['--intervall', '5s']);
    expect(r.kind === 'error' && r.message).toContain('--intervall');
  });

  it('lists every setting in --help', () => {
    const r = load(['--help']);
    expect(r.kind).toBe('help');
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
      expect(r.kind === 'help' && r.text).toContain(flag);
    }
  });
});
