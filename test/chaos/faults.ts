// What the fault tests share: the scheduler as a real process, the local control plane's
// components killed and started again by the project's own scripts, the checks every fault
// ends with, and the figures written for RELIABILITY.md.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../support/wait.js';

export { freePort } from '../support/ports.js';
export { SchedulerProcess } from '../support/scheduler-process.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** `make chaos` runs the full sizes; `make test` the CI-sized ones. */
export const FULL = process.env['CHAOS_SIZE'] === 'full';

export type Component = 'kube-apiserver' | 'etcd';

/** SIGKILLs a component of the local control plane (by the pid file up.sh wrote) and waits until it is gone. */
export async function killComponent(name: Component): Promise<void> {
  const pid = Number(readFileSync(join(root, '.local/cluster/run', `${name}.pid`), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid recorded for ${name}`);
  process.kill(pid, 'SIGKILL');
  await waitFor(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    { timeoutMs: 10_000, what: `${name} (pid ${pid}) to die`, intervalMs: 20 },
  );
}

/** Starts what is missing of the local control plane again, with the flags it was started with. */
export async function restartControlPlane(): Promise<void> {
  await run(join(root, 'scripts/cluster/up.sh'), [], { cwd: root, env: { ...process.env, NODES: '0' } });
}

/**
 * Waits until the controllers have caught up after a restart: kube-controller-manager's watches
 * come back with their own backoff, and until then a new namespace gets no default service
 * account (so no pods). A namespace made for the purpose must get one.
 */
export async function waitControllersCaughtUp(kc: k8s.KubeConfig): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const ns = await core.createNamespace({ body: { metadata: { generateName: 'chaos-settle-' } } });
  const namespace = ns.metadata?.name ?? '';
  try {
    await waitFor(
      async () =>
        (await core.listNamespacedServiceAccount({ namespace })).items.some((a) => a.metadata?.name === 'default'),
      {
        timeoutMs: 180_000,
        what: `kube-controller-manager to give namespace ${namespace} its default service account`,
      },
    );
  } finally {
    await core.deleteNamespace({ name: namespace });
  }
}

/** Milli-cpu of a quantity such as 250m or 2. */
function milliCpu(q: string | undefined): number {
  if (q === undefined) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

/** Nodes whose bound pods request more cpu than they have, with the figures. */
export async function overcommitted(
  core: k8s.CoreV1Api,
  namespace: string,
  nodes: readonly string[],
): Promise<string[]> {
  const pods = (await core.listNamespacedPod({ namespace })).items;
  const used = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName ?? '';
    if (node === '') continue;
    const cpu = (p.spec?.containers ?? []).reduce((s, c) => s + milliCpu(c.resources?.requests?.['cpu']), 0);
    used.set(node, (used.get(node) ?? 0) + cpu);
  }
  const over: string[] = [];
  for (const name of nodes) {
    const node = await core.readNode({ name });
    const allocatable = milliCpu(node.status?.allocatable?.['cpu']);
    const u = used.get(name) ?? 0;
    if (u > allocatable) over.push(`${name}: ${u}m of ${allocatable}m`);
  }
  return over;
}

/** How many events of `reason` written by custom-scheduler each pod of the namespace has (events.k8s.io). */
export async function eventCounts(kc: k8s.KubeConfig, namespace: string, reason: string): Promise<Map<string, number>> {
  const list = await kc.makeApiClient(k8s.EventsV1Api).listNamespacedEvent({ namespace });
  const counts = new Map<string, number>();
  for (const e of list.items) {
    if (e.reason !== reason || e.reportingController !== 'custom-scheduler') continue;
    const name = e.regarding?.name ?? '';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** How many `Scheduled` events each pod of the namespace has. */
export function scheduledEvents(kc: k8s.KubeConfig, namespace: string): Promise<Map<string, number>> {
  return eventCounts(kc, namespace, 'Scheduled');
}

export interface FaultFigures {
  readonly fault: string;
  readonly size: 'full' | 'ci';
  readonly at: string;
  readonly [figure: string]: string | number | boolean;
}

/** Adds one fault's figures, with the size and the time, to $CHAOS_RESULTS (default .local/chaos/results.json), replacing its last. */
export function record(fault: string, measured: Readonly<Record<string, string | number | boolean>>): void {
  const figures: FaultFigures = { fault, size: FULL ? 'full' : 'ci', at: new Date().toISOString(), ...measured };
  const file = process.env['CHAOS_RESULTS'] ?? join(root, '.local/chaos/results.json');
  mkdirSync(dirname(file), { recursive: true });
  let previous: FaultFigures[] = [];
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(parsed)) previous = parsed.filter((f): f is FaultFigures => typeof f === 'object' && f !== null);
  } catch {
    previous = [];
  }
  const kept = previous.filter((f) => f.fault !== figures.fault);
  writeFileSync(file, `${JSON.stringify([...kept, figures], null, 2)}\n`);
}
