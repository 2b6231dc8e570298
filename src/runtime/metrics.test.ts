import { describe, expect, test } from '@jest/globals';
import { SchedulerMetrics } from './metrics.js';

describe('SchedulerMetrics', () => {
  test('renders every scheduler metric with its labels', async () => {
    const m = new SchedulerMetrics();
    m.observePass(0.012);
    m.observePass(0.3);
    m.setPendingPods(7);
    m.recordBind('success');
    m.recordBind('success');
    m.recordBind('conflict');
    m.recordEviction('success');
    m.recordEviction('transient');
    m.recordNomination('success');
    m.recordApiError('forbidden');
    m.recordGangsPlaced(2);
    m.setGangsWaiting(1);
    m.setLeader(true);

    const text = await m.render();
    expect(text).toContain('custom_scheduler_pass_duration_seconds_count 2');
    expect(text).toContain('custom_scheduler_pass_duration_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('custom_scheduler_pending_pods 7');
    expect(text).toContain('custom_scheduler_binds_total{result="success"} 2');
    expect(text).toContain('custom_scheduler_binds_total{result="conflict"} 1');
    expect(text).toContain('custom_scheduler_evictions_total{result="success"} 1');
    expect(text).toContain('custom_scheduler_evictions_total{result="transient"} 1');
    expect(text).toContain('custom_scheduler_nominations_total{result="success"} 1');
    expect(text).toContain('custom_scheduler_api_errors_total{class="forbidden"} 1');
    expect(text).toContain('custom_scheduler_gangs_placed_total 2');
    expect(text).toContain('custom_scheduler_gangs_waiting 1');
    expect(text).toContain('custom_scheduler_leader 1');
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  test('two instances keep separate counts (own registries)', async () => {
    const a = new SchedulerMetrics();
    const b = new SchedulerMetrics();
    a.recordBind('success');
    expect(await a.render()).toContain('custom_scheduler_binds_total{result="success"} 1');
    expect(await b.render()).toContain('custom_scheduler_binds_total{result="success"} 0');
  });

  test('gauges follow the last pass; placing zero gangs adds nothing', async () => {
    const m = new SchedulerMetrics({ prefix: 'x_' });
    m.setPendingPods(3);
    m.setPendingPods(0);
    m.recordGangsPlaced(0);
    m.setLeader(true);
    m.setLeader(false);
    const text = await m.render();
    expect(text).toContain('x_pending_pods 0');
    expect(text).toContain('x_gangs_placed_total 0');
    expect(text).toContain('x_leader 0');
    expect(text).toContain('x_binds_total{result="success"} 0');
  });

  test('process metrics only when asked for', async () => {
    expect(await new SchedulerMetrics().render()).not.toContain('process_cpu');
    expect(await new SchedulerMetrics({ processMetrics: true }).render()).toContain('custom_scheduler_process_cpu');
  });
});
