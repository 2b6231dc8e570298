// The race's cluster: a fresh local control plane per workload (scripts/cluster), its fake
// nodes, namespaces of pods, and the API server's count of the schedulers' requests.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { eachLimit, isRecord, RaceApi } from './api.js';
import { priorityClass, raceNode, HIGH_PRIORITY, LOW_PRIORITY, RACE_LABEL, type NodeShape } from './objects.js';
import type { PodWatch } from './observe.js';

const run = promisify(execFile);

export interface ClusterPaths {
  readonly root: string;
  readonly adminKubeconfig: string;
  /** CN=system:kube-scheduler: every contender runs as this user, so one flow schema counts their calls. */
  readonly schedulerKubeconfig: string;
}

export function clusterPaths(root: string): ClusterPaths {
  return {
    root,
    adminKubeconfig: `${root}/.local/cluster/kubeconfig`,
    schedulerKubeconfig: `${root}/.local/cluster/scheduler.kubeconfig`,
  };
}

/** Takes any local control plane down and starts a fresh one without nodes. */
export async function freshCluster(
  paths: ClusterPaths,
  options: { readonly genericWorkload: boolean },
  log: (line: string) => void,
): Promise<RaceApi> {
  log(`fresh local control plane (GenericWorkload ${options.genericWorkload})`);
  await run(`${paths.root}/scripts/cluster/down.sh`, [], { maxBuffer: 1 << 24 });
  await run(`${paths.root}/scripts/cluster/up.sh`, [], {
    env: { ...process.env, NODES: '0', GENERIC_WORKLOAD: String(options.genericWorkload) },
    maxBuffer: 1 << 24,
  });
  const api = await RaceApi.fromKubeconfig(paths.adminKubeconfig);
  await api.ok('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', priorityClass(LOW_PRIORITY, 100));
  await api.ok('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', priorityClass(HIGH_PRIORITY, 1000));
  await grantCustomSchedulerRole(api, paths);
  return api;
}

/**
 * custom-scheduler runs as system:kube-scheduler here, with its own ClusterRole (k8s/rbac) bound
 * to that user: it needs the eviction subresource and claim patches that kube-scheduler's role lacks.
 */
async function grantCustomSchedulerRole(api: RaceApi, paths: ClusterPaths): Promise<void> {
  await run(`${paths.root}/.local/bin/kubectl`, ['apply', '-f', `${paths.root}/k8s/rbac/clusterrole.yaml`], {
    env: { ...process.env, KUBECONFIG: paths.adminKubeconfig },
  });
  await api.ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'custom-scheduler-race' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'custom-scheduler' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-scheduler' }],
  });
}

export async function createNodes(api: RaceApi, count: number, shape: NodeShape): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `race-node-${i}`);
  await eachLimit(names, 32, (name) => api.ok('POST', '/api/v1/nodes', raceNode(name, shape)));
  return names;
}

/**
 * Waits until kwok has made every race node Ready, then lifts the not-ready taint that node
 * admission puts on new nodes: the node controller lifts it too, but a few nodes a second,
 * and a scheduler started before that would find part of the cluster closed.
 */
export async function waitNodesReady(api: RaceApi, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await api.ok('GET', `/api/v1/nodes?labelSelector=${encodeURIComponent(`${RACE_LABEL}=true`)}`);
    const items = isRecord(list) && Array.isArray(list['items']) ? list['items'] : [];
    const ready = items.filter((node) => conditionTrue(node, 'Ready'));
    if (ready.length >= count) {
      const tainted = ready.flatMap((node) => (isTainted(node) ? [nodeName(node)] : []));
      await eachLimit(tainted, 32, (name) => api.ok('PATCH', `/api/v1/nodes/${name}`, { spec: { taints: null } }));
      return;
    }
    if (Date.now() > deadline) throw new Error(`only ${ready.length} of ${count} nodes Ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function nodeName(node: unknown): string {
  const metadata = isRecord(node) ? node['metadata'] : undefined;
  return isRecord(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '';
}

/** The race's nodes carry no taints of their own: any is the node controller's. */
function isTainted(node: unknown): boolean {
  const spec = isRecord(node) ? node['spec'] : undefined;
  const taints = isRecord(spec) && Array.isArray(spec['taints']) ? spec['taints'] : [];
  return taints.length > 0;
}

function conditionTrue(object: unknown, type: string): boolean {
  const status = isRecord(object) ? object['status'] : undefined;
  const conditions = isRecord(status) && Array.isArray(status['conditions']) ? status['conditions'] : [];
  return conditions.some((c) => isRecord(c) && c['type'] === type && c['status'] === 'True');
}

export async function createNamespace(api: RaceApi, name: string): Promise<void> {
  await api.ok('POST', '/api/v1/namespaces', { metadata: { name, labels: { [RACE_LABEL]: 'true' } } });
}

export async function createPods(
  api: RaceApi,
  namespace: string,
  pods: readonly Record<string, unknown>[],
  concurrency = 48,
): Promise<void> {
  await eachLimit(pods, concurrency, (pod) => api.ok('POST', `/api/v1/namespaces/${namespace}/pods`, pod));
}

export async function createPodGroups(
  api: RaceApi,
  namespace: string,
  groups: readonly Record<string, unknown>[],
): Promise<void> {
  await eachLimit(groups, 16, (group) =>
    api.ok('POST', `/apis/scheduling.k8s.io/v1beta1/namespaces/${namespace}/podgroups`, group),
  );
}

/** Removes every pod of the namespace at once (grace 0) and waits until the watch saw them go. */
export async function clearPods(api: RaceApi, namespace: string, watch: PodWatch, timeoutMs: number): Promise<void> {
  await api.ok('DELETE', `/api/v1/namespaces/${namespace}/pods?gracePeriodSeconds=0`);
  const deadline = Date.now() + timeoutMs;
  while (watch.size() > 0) {
    if (Date.now() > deadline)
      throw new Error(`${watch.size()} pods of ${namespace} still there after ${timeoutMs} ms`);
    await watch.changed(1_000);
  }
}

/** The API server's count of requests from system:kube-scheduler (its APF flow schema). */
export async function schedulerRequests(api: RaceApi): Promise<number> {
  const text = await api.text('/metrics');
  let total = 0;
  for (const line of text.split('\n')) {
    if (
      line.startsWith('apiserver_flowcontrol_dispatched_requests_total{') &&
      line.includes('flow_schema="kube-scheduler"')
    )
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export interface PinnedVersions {
  readonly kubernetes: string;
  readonly kwok: string;
  readonly etcd: string;
}

export function pinnedVersions(root: string): PinnedVersions {
  const text = readFileSync(`${root}/scripts/cluster/versions.env`, 'utf8');
  const value = (key: string): string => new RegExp(`^${key}=(\\S+)`, 'm').exec(text)?.[1] ?? 'unknown';
  return { kubernetes: value('KUBERNETES_VERSION'), kwok: value('KWOK_VERSION'), etcd: value('ETCD_VERSION') };
}
