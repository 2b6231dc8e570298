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
    expect(r.kind === 'config' && r.config).toMatchObject({ intervalMs: 500, preemption: false, namespaces: ['a', 'b'], maxPodsPerNode: 1 });
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

  it('refuses an unknown flag', () => {
    const r = load(['--intervall', '5s']);
    expect(r.kind === 'error' && r.message).toContain('--intervall');
  });

  it('lists every setting in --help', () => {
    const r = load(['--help']);
    expect(r.kind).toBe('help');
    for (const flag of ['--interval', '--scheduler-name', '--namespaces', '--preemption', '--max-pods-per-node', '--scoring', '--bind-concurrency', '--retry-attempts', '--nomination-timeout', '--log-level', '--log-format', '--http-port', '--leader-election', '--dry-run', '--annotation-prefix']) {
      expect(r.kind === 'help' && r.text).toContain(flag);
    }
  });
});
