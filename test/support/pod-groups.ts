// Kubernetes PodGroups (scheduling.k8s.io/v1beta1) and the other PodGroup kinds for the
// integration tests: create one in the harness's namespace, read and wait for its conditions.
import * as k8s from '@kubernetes/client-node';
import { loadLocalKubeConfig } from './cluster.js';
import { apiErrorCode } from './namespace.js';
import type { Harness } from './scheduler-harness.js';
import { waitFor } from './wait.js';

/** Runs the call; an API answer of `status` is no error (undefined then). */
export async function unless<T>(status: number, call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (apiErrorCode(err) === status) return undefined;
    throw err;
  }
}

/** Fails with what to do when the local control plane does not serve Kubernetes PodGroups. */
export async function assertPodGroupsServed(): Promise<void> {
  const kc = loadLocalKubeConfig();
  const served: unknown = await unless(
    404,
    kc
      .makeApiClient(k8s.CustomObjectsApi)
      .listClusterCustomObject({ group: 'scheduling.k8s.io', version: 'v1beta1', plural: 'podgroups', limit: 1 }),
  );
  if (served === undefined)
    throw new Error(
      'the local control plane does not serve scheduling.k8s.io/v1beta1 podgroups: start it with GENERIC_WORKLOAD=true (make integration-test does)',
    );
}

export async function createPodGroup(
  h: Harness,
  api: { group: string; version: string },
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await h.kc.makeApiClient(k8s.CustomObjectsApi).createNamespacedCustomObject({
    group: api.group,
    version: api.version,
    plural: 'podgroups',
    namespace: h.namespace,
    body: { apiVersion: `${api.group}/${api.version}`, kind: 'PodGroup', metadata: { name }, spec },
  });
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export async function podGroupCondition(h: Harness, name: string, type: string): Promise<Condition | undefined> {
  const group: unknown = await h.kc.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObjectStatus({
    group: 'scheduling.k8s.io',
    version: 'v1beta1',
    plural: 'podgroups',
    namespace: h.namespace,
    name,
  });
  const conditions = (group as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
  return conditions.find((c) => c.type === type);
}

/**
 * Waits until the PodGroup's PodGroupInitiallyScheduled condition has `status` (and exactly
 * `message`, when given: a gang's reason changes while its members are being created).
 */
export async function waitForCondition(
  h: Harness,
  name: string,
  status: 'True' | 'False',
  message?: string,
): Promise<Condition> {
  let last: string | undefined;
  return waitFor(
    async () => {
      const c = await podGroupCondition(h, name, 'PodGroupInitiallyScheduled');
      last = c?.message;
      return c?.status === status && (message === undefined || c.message === message) ? c : undefined;
    },
    {
      timeoutMs: 30_000,
      what: `PodGroupInitiallyScheduled=${status} on PodGroup ${name}${message === undefined ? '' : ` saying "${message}"`}`,
      lastSeen: () => last,
    },
  );
}
