import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

/** Where `make cluster-up` writes the admin kubeconfig of the local control plane. */
export const LOCAL_KUBECONFIG = fileURLToPath(new URL('../../.local/cluster/kubeconfig', import.meta.url));

/**
 * kwok (the fake kubelet of the local control plane) manages every node that carries this
 * annotation: the node becomes Ready and keeps its lease, pods bound to it become Running,
 * and deleted pods disappear when their grace period ends. Put it on nodes a test creates.
 */
export const KWOK_NODE_ANNOTATION_KEY = 'kwok.x-k8s.io/node';
export const KWOK_NODE_ANNOTATION_VALUE = 'fake';
/** Label on the nodes that `make cluster-up` creates (kwok-node-0, kwok-node-1, ...). */
export const KWOK_NODE_LABEL_SELECTOR = 'type=kwok';

/**
 * Loads the admin kubeconfig of the local control plane ($LOCAL_CLUSTER_KUBECONFIG overrides
 * the path; $KUBECONFIG is deliberately ignored so tests never touch another cluster).
 * Throws a message that says what to do when the cluster was never started, and refuses any
 * server that is not on the loopback address.
 */
export function loadLocalKubeConfig(): k8s.KubeConfig {
  const path = process.env.LOCAL_CLUSTER_KUBECONFIG ?? LOCAL_KUBECONFIG;
  if (!existsSync(path)) {
    throw new Error(
      `The local control plane is not up: ${path} does not exist. ` +
        'Start it with `make cluster-up` (or run the integration tests through `make test`).',
    );
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  const server = kc.getCurrentCluster()?.server ?? '';
  const host = server === '' ? '' : new URL(server).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`${path} points at "${server}"; integration tests only talk to a cluster on 127.0.0.1`);
  }
  return kc;
}

/** Fails with a clear message when the API server of `kc` does not answer /readyz. */
export async function assertClusterReady(kc: k8s.KubeConfig): Promise<void> {
  const server = kc.getCurrentCluster()?.server ?? '(no server)';
  try {
    const list = await kc.makeApiClient(k8s.CoreV1Api).getAPIResources();
    if (list.resources.length === 0) throw new Error('the API server lists no core resources');
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const reason = error instanceof Error ? `${error.message}${cause}` : String(error);
    throw new Error(
      `The local control plane at ${server} does not answer (${reason}). ` +
        'Start it with `make cluster-up`; its logs are in .local/cluster/logs/.',
      { cause: error },
    );
  }
}

export interface FakeNodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: k8s.V1Taint[];
}

/** A Node object that kwok will manage once it is created (capacity = allocatable). */
export function fakeNode(name: string, options: FakeNodeOptions = {}): k8s.V1Node {
  const capacity = { cpu: options.cpu ?? '4', memory: options.memory ?? '16Gi', pods: options.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION_KEY]: KWOK_NODE_ANNOTATION_VALUE },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...options.labels },
    },
    spec: options.taints === undefined ? {} : { taints: options.taints },
    status: { capacity, allocatable: capacity },
  };
}

export function isNodeReady(node: k8s.V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
