// Bad input among good (issue 14, fault 5): pods with malformed gang annotations among as many
// good ones, the scheduler as a real process. Every good pod is bound; every bad one carries
// PodScheduled=False naming the annotation and exactly one FailedScheduling event, however
// many passes see it; pass time and memory stay steady while the bad pods keep coming back.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUP, Harness, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';
import { eventCounts, FULL, freePort, record, SchedulerProcess } from './faults.js';

jest.setTimeout(600_000);

const EACH = FULL ? 1_000 : 200;

/** Four ways to get an annotation wrong; each pod's expected reason contains `names`. */
const BAD = [
  { annotations: { [GROUP]: 'team-abc', [MIN_AVAILABLE]: 'abc' }, names: `${MIN_AVAILABLE}="abc"` },
  { annotations: { [GROUP]: 'team-zero', [MIN_AVAILABLE]: '0' }, names: `${MIN_AVAILABLE}="0"` },
  {
    annotations: { [GROUP]: 'racked', [MIN_AVAILABLE]: '1', 'custom-scheduling.k8s.io/topology-key': 'rack key' },
    names: 'custom-scheduling.k8s.io/topology-key="rack key"',
  },
  {
    annotations: { 'kueue.x-k8s.io/pod-group-total-count': 'many' },
    labels: { 'kueue.x-k8s.io/pod-group-name': 'kq' },
    names: 'kueue.x-k8s.io/pod-group-total-count="many"',
  },
] as const;

let h: Harness | undefined;
let scheduler: SchedulerProcess | undefined;
afterEach(async () => {
  if (scheduler?.running === true) scheduler.child.kill('SIGKILL');
  await h?.cleanup();
  h = undefined;
});

/** Mean pass time (s) and pass count from the scheduler's /metrics histogram. */
async function passes(s: SchedulerProcess): Promise<{ readonly sum: number; readonly count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
  return {
    sum: value('custom_scheduler_pass_duration_seconds_sum'),
    count: value('custom_scheduler_pass_duration_seconds_count'),
  };
}

describe('bad input among good', () => {
  test(`${EACH} pods with malformed annotations among ${EACH} good ones`, async () => {
    const harness = await Harness.create('chaos-bad');
    h = harness;
    await harness.addNodes(EACH / 20, '2'); // 20 good pods of 100m per node
    await harness.openNodes();
    const good = Array.from({ length: EACH }, (_, i) => `good-${i}`);
    const bad = Array.from({ length: EACH }, (_, i) => `bad-${i}`);
    const creations = [
      ...good.map((name) => () => harness.createPod(name, { cpu: '100m' })),
      ...bad.map((name, i) => {
        const kind = BAD[i % BAD.length];
        return () =>
          harness.createPod(name, {
            cpu: '100m',
            annotations: { ...kind?.annotations },
            ...(kind !== undefined && 'labels' in kind ? { labels: { ...kind.labels } } : {}),
          });
      }),
    ];
    for (let i = 0; i < creations.length; i += 25) await Promise.all(creations.slice(i, i + 25).map((c) => c()));

    const file = join(mkdtempSync(join(tmpdir(), 'chaos-')), 'kubeconfig');
    writeFileSync(file, harness.kc.exportConfig());
    const s = new SchedulerProcess(file, harness.namespace, await freePort());
    scheduler = s;
    const started = Date.now();
    let bound = 0;
    await waitFor(
      async () => {
        if (!s.running) throw new Error(`the scheduler exited: ${s.output.slice(-3000)}`);
        const pods = await harness.pods();
        bound = pods.filter((p) => (p.spec?.nodeName ?? '') !== '').length;
        const explained = pods.filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'),
        ).length;
        return bound === EACH && explained === EACH;
      },
      {
        timeoutMs: 300_000,
        what: `${EACH} good pods bound and ${EACH} bad ones explained`,
        lastSeen: () => `${bound}`,
      },
    );
    const settledAt = Date.now();

    // The bad pods stay; passes go on seeing them. Two windows of passes: time and memory steady.
    const first = await passes(s);
    const rssBefore = s.rssMiB('VmRSS');
    await waitFor(async () => (await passes(s)).count >= first.count + 20, {
      timeoutMs: 120_000,
      what: '20 more passes',
    });
    const second = await passes(s);
    const rssMiddle = s.rssMiB('VmRSS');
    await waitFor(async () => (await passes(s)).count >= second.count + 20, {
      timeoutMs: 120_000,
      what: '20 more passes',
    });
    const third = await passes(s);
    const rssAfter = s.rssMiB('VmRSS');
    const meanMs = (a: typeof first, b: typeof first): number => (1000 * (b.sum - a.sum)) / (b.count - a.count);
    const early = meanMs(first, second);
    const late = meanMs(second, third);

    const pods = await harness.pods();
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));
    for (const [i, name] of bad.entries()) {
      const condition = byName.get(name)?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      expect(condition?.status).toBe('False');
      expect(condition?.message).toContain(BAD[i % BAD.length]?.names);
      expect(byName.get(name)?.spec?.nodeName ?? '').toBe('');
    }
    const failed = await eventCounts(harness.kc, harness.namespace, 'FailedScheduling');
    expect(bad.filter((name) => failed.get(name) !== 1)).toEqual([]);
    expect(good.filter((name) => failed.has(name))).toEqual([]);
    expect(s.running).toBe(true);
    expect(late).toBeLessThan(Math.max(2 * early, 100));
    // The first passes still grow V8's heap (2,000 pods: 30 MiB over 40 passes); steady means
    // the second 20 passes do not add to it.
    expect(rssAfter - rssMiddle).toBeLessThan(16);
    expect(await s.stop()).toBe(0);
    record('malformed annotations', {
      goodPods: EACH,
      badPods: EACH,
      secondsToAllBoundAndExplained: Math.round((settledAt - started) / 100) / 10,
      meanPassMsEarly: Math.round(early * 10) / 10,
      meanPassMsLate: Math.round(late * 10) / 10,
      rssMiBBefore: rssBefore,
      rssMiBAfter20Passes: rssMiddle,
      rssMiBAfter40Passes: rssAfter,
      failedSchedulingEventsPerBadPod: 1,
    });
  });
});
