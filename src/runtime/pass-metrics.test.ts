import { config, pod, snap } from '../core/testing.js';
import { SchedulerMetrics } from './metrics.js';
import { recordPass } from './pass-metrics.js';
import type { PassSummary } from './pass.js';

const pods = new Map(
  [pod('g-0', { group: 'g' }), pod('g-1', { group: 'g' }), pod('w-0', { group: 'w' }), pod('solo'), pod('victim')].map(
    (p) => [p.key, p],
  ),
);

const summary: PassSummary = {
  skipped: false,
  pods,
  snapshot: snap([], [...pods.values()]),
  plan: {
    bindings: [
      { pod: 'default/g-0', node: 'a' },
      { pod: 'default/g-1', node: 'b' },
      { pod: 'default/solo', node: 'c' },
    ],
    evictions: [{ pod: 'default/victim', node: 'c', preemptor: 'default/x' }],
    nominations: [],
    unschedulable: [{ pod: 'default/w-0', reason: 'GangWaiting', message: 'gang default/w: waiting' }],
  },
  report: {
    bindings: [
      { pod: 'default/g-0', node: 'a', result: 'done' },
      { pod: 'default/g-1', node: 'b', result: 'done' },
      { pod: 'default/solo', node: 'c', result: 'failed', errorClass: 'conflict' },
    ],
    evictions: [
      { pod: 'default/victim', node: 'c', result: 'failed', errorClass: 'transient', preemptor: 'default/x' },
    ],
    nominations: [],
    volumes: [
      { pod: 'default/w-0', node: 'a', object: 'persistentvolume pv-1', result: 'done' },
      { pod: 'default/w-0', node: 'a', object: 'persistentvolumeclaim default/data', result: 'done' },
      { pod: '', node: '', object: 'persistentvolume pv-2', result: 'failed', errorClass: 'conflict' },
    ],
  },
};

describe('pass metrics', () => {
  it('counts writes by result, API errors by class, gangs placed and waiting, pending pods', async () => {
    const metrics = new SchedulerMetrics();
    recordPass(metrics, summary, 0.25, config());
    const text = await metrics.render();
    const value = (line: string): number =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.slice(line.length + 1),
      );
    expect(value('custom_scheduler_binds_total{result="success"}')).toBe(2);
    expect(value('custom_scheduler_binds_total{result="conflict"}')).toBe(1);
    expect(value('custom_scheduler_evictions_total{result="transient"}')).toBe(1);
    expect(value('custom_scheduler_volume_writes_total{result="success"}')).toBe(2);
    expect(value('custom_scheduler_volume_writes_total{result="conflict"}')).toBe(1);
    expect(value('custom_scheduler_api_errors_total{class="conflict"}')).toBe(2);
    expect(value('custom_scheduler_api_errors_total{class="transient"}')).toBe(1);
    expect(value('custom_scheduler_gangs_placed_total')).toBe(1);
    expect(value('custom_scheduler_gangs_waiting')).toBe(1);
    expect(value('custom_scheduler_pending_pods')).toBe(1);
    expect(value('custom_scheduler_pass_duration_seconds_count')).toBe(1);
  });

  it('records nothing for a pass skipped before the listeners synced', async () => {
    const metrics = new SchedulerMetrics();
    recordPass(metrics, { skipped: true }, 0.1, config());
    expect(await metrics.render()).toContain('custom_scheduler_pass_duration_seconds_count 0');
  });

  it('counts no gang for a pod whose group name is invalid, as the planner does', async () => {
    const metrics = new SchedulerMetrics();
    const invalid = pod('x-0', { group: 'not a label value!' });
    recordPass(
      metrics,
      {
        skipped: false,
        pods: new Map([[invalid.key, invalid]]),
        snapshot: snap([], [invalid]),
        plan: {
          bindings: [],
          evictions: [],
          nominations: [],
          unschedulable: [{ pod: 'default/x-0', reason: 'InvalidAnnotation', message: 'invalid annotation' }],
        },
      },
      0.1,
      config(),
    );
    const text = await metrics.render();
    expect(text).toContain('custom_scheduler_gangs_waiting 0');
    expect(text).toContain('custom_scheduler_pending_pods 1');
  });
});
