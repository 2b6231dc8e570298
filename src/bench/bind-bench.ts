// Bind benchmark (not a test): time from creating N small pods on M fake kwok nodes to
// all of them bound, with the scheduler running in-process on the local control plane.
//   npm run build && node dist/bench/bind-bench.js [--pods 1000] [--nodes 100] [--interval 5s] [--bind-concurrency 16]
// Uses $KUBECONFIG (default .local/cluster/kubeconfig) and refuses any server not on
// 127.0.0.1. Creates its own namespace and nodes and deletes them afterwards.
import * as k8s from '@kubernetes/client-node';
import { callWithRetry } from '../cluster/retry.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/log.js';
import { startScheduler } from '../runtime/scheduler.js';

const POOL = 'custom-scheduler.bench/pool';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i > 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

/** The benchmark's own calls ride out a busy API server (429, 5xx) like the scheduler's. */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  const outcome = await callWithRetry(call, { attempts: 8, initialDelayMs: 200, maxDelayMs: 5_000 });
  if (!outcome.ok) throw new Error(`${outcome.error.status ?? 'network'}: ${outcome.error.message}`);
  return outcome.value;
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map((item) => retrying(() => fn(item))));
}

async function main(): Promise<void> {
  const pods = Number(flag('pods', '1000'));
  const nodeCount = Number(flag('nodes', '100'));
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(process.env['KUBECONFIG'] ?? '.local/cluster/kubeconfig');
  const host = new URL(kc.getCurrentCluster()?.server ?? 'http://invalid').hostname;
  if (host !== '127.0.0.1' && host !== 'localhost')
    throw new Error(`refusing to benchmark against ${host}: loopback only`);
  const loaded = loadConfig({
    args: [
      '--interval',
      flag('interval', '5s'),
      '--bind-concurrency',
      flag('bind-concurrency', '16'),
      '--http-port',
      '0',
      '--log-level',
      flag('log-level', 'warn'),
    ],
    env: {},
  });
  if (!loaded.ok) throw new Error(loaded.error);
  if (loaded.value.kind !== 'run') throw new Error('unexpected help');
  const settings = loaded.value.config;

  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = await core.createNamespace({ body: { metadata: { generateName: 'bind-bench-' } } });
  const ns = namespace.metadata?.name;
  if (ns === undefined) throw new Error('the API server named no namespace');
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `${ns}-n${i}`);
  const scheduler = await startScheduler({
    kubeConfig: kc,
    config: { ...settings, namespaces: [ns] },
    logger: createLogger({ level: settings.logLevel, format: 'text', isTTY: true, stream: process.stderr }),
  });
  try {
    const capacity = { cpu: '32', memory: '64Gi', pods: '110' };
    await inBatches(nodeNames, 20, (name) =>
      core.createNode({
        body: {
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake' },
            labels: { [POOL]: ns, 'kubernetes.io/hostname': name },
          },
          status: { capacity, allocatable: capacity },
        },
      }),
    );
    for (;;) {
      const ready = (await core.listNode({ labelSelector: `${POOL}=${ns}` })).items.filter((n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      if (ready === nodeCount) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitDefaultServiceAccount(core, ns);

    const started = Date.now();
    await inBatches(
      Array.from({ length: pods }, (_, i) => `p-${i}`),
      25,
      (name) =>
        core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name },
            spec: {
              schedulerName: 'custom-scheduler',
              nodeSelector: { [POOL]: ns },
              terminationGracePeriodSeconds: 0,
              containers: [
                {
                  name: 'app',
                  image: 'registry.invalid/app:1',
                  resources: { requests: { cpu: '100m', memory: '64Mi' } },
                },
              ],
            },
          },
        }),
    );
    const created = Date.now();
    let bound = 0;
    while (bound < pods) {
      await new Promise((r) => setTimeout(r, 100));
      bound = (await retrying(() => core.listNamespacedPod({ namespace: ns }))).items.filter(
        (p) => (p.spec?.nodeName ?? '') !== '',
      ).length;
      if (Date.now() - started > 600_000) throw new Error(`only ${bound} of ${pods} bound after 10 minutes`);
    }
    const done = Date.now();
    process.stdout.write(
      `${JSON.stringify({ pods, nodes: nodeCount, intervalMs: settings.intervalMs, bindConcurrency: settings.bindConcurrency, createMs: created - started, createToAllBoundMs: done - started, lastCreateToAllBoundMs: done - created, passes: scheduler.passes() })}\n`,
    );
  } finally {
    await scheduler.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await inBatches(nodeNames, 20, (name) => core.deleteNode({ name }).catch(() => undefined));
  }
}

async function waitDefaultServiceAccount(core: k8s.CoreV1Api, ns: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: ns });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`namespace ${ns} has no default service account`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bind-bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
