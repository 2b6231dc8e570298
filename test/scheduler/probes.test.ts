// The probes while the scheduler reads the cluster: on a large cluster the first lists take
// minutes, and a kubelet whose startup probe finds no server restarts the container. Here the
// pod listener's first list is held back (the rest is the real cluster): /healthz must answer
// 200 and /readyz 503 meanwhile, and /readyz 200 once the list is in.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { kubeInformers, type InformerLike } from '../../src/cluster/index.js';
import { defaultConfig } from '../../src/runtime/config.js';
import { silentLogger } from '../../src/runtime/log.js';
import { startScheduler, type RunningScheduler } from '../../src/runtime/scheduler.js';
import { assertClusterReady, loadLocalKubeConfig } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(60_000);

let running: Promise<RunningScheduler> | undefined;
let releasePods: () => void = () => undefined;
afterEach(async () => {
  releasePods(); // a test that failed early must not leave the start waiting
  await (await running)?.stop();
  running = undefined;
});

/** An informer whose start waits until `release` is called. */
function heldBack(inner: InformerLike<V1Pod>): { informer: InformerLike<V1Pod>; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const informer: InformerLike<V1Pod> = {
    on: (verb: never, cb: never) => inner.on(verb, cb),
    start: async () => {
      await gate;
      await inner.start();
    },
    stop: () => inner.stop(),
    list: () => inner.list(),
  };
  return { informer, release };
}

async function status(port: number, path: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
}

describe('probes while the cluster is being read', () => {
  test('/healthz answers 200 and /readyz 503 until the first lists are in, then /readyz 200', async () => {
    const kc = loadLocalKubeConfig();
    await assertClusterReady(kc);
    const informers = kubeInformers(kc);
    const pods = heldBack(informers.pods);
    releasePods = pods.release;
    const port = await freePort();
    running = startScheduler({
      kubeConfig: kc,
      informers: { ...informers, pods: pods.informer },
      config: defaultConfig({ httpPort: port, httpAddress: '127.0.0.1', intervalMs: 500, gangSources: [] }),
      logger: silentLogger(),
    });
    const waiting = await waitFor(
      async () => {
        try {
          return await status(port, '/readyz');
        } catch {
          return undefined; // not listening yet
        }
      },
      { timeoutMs: 10_000, what: `the scheduler's HTTP server on 127.0.0.1:${port}` },
    );
    expect(waiting).toBe(503);
    expect(await status(port, '/healthz')).toBe(200);

    pods.release();
    const scheduler = await running;
    expect(scheduler.synced()).toBe(true);
    expect(await status(port, '/readyz')).toBe(200);
    expect(await status(port, '/healthz')).toBe(200);
  });
});
