// Smoke suite for the local control plane (`make cluster-up`): the API behaviours that the
// scheduler relies on work against the real API server, controllers and kwok nodes.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import {
  KWOK_NODE_LABEL_SELECTOR,
  assertClusterReady,
  createTestNamespace,
  deleteTestNamespace,
  expectApiFailure,
  fakeNode,
  isNodeReady,
  loadLocalKubeConfig,
  waitFor,
  apiErrorCode,
} from '../support/index.js';

const suffix = Math.random().toString(36).slice(2, 8);
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let namespace: string;
let nodeName: string;

beforeAll(async () => {
  kc = loadLocalKubeConfig();
  await assertClusterReady(kc);
  core = kc.makeApiClient(k8s.CoreV1Api);
  namespace = await createTestNamespace(kc, 'smoke');
  const nodes = await core.listNode({ labelSelector: KWOK_NODE_LABEL_SELECTOR });
  const ready = nodes.items.find(isNodeReady);
  if (ready?.metadata?.name === undefined) throw new Error('no Ready kwok node; is `make cluster-up` complete?');
  nodeName = ready.metadata.name;
});

afterAll(async () => {
  if (namespace !== undefined) await deleteTestNamespace(kc, namespace);
});

/** A pod that no scheduler picks up, so that the test binds it itself. */
function pod(name: string, extra: Partial<k8s.V1PodSpec> = {}, labels: Record<string, string> = {}): k8s.V1Pod {
  return {
    metadata: { name, labels },
    spec: {
      schedulerName: 'smoke-test-binds-by-hand',
      terminationGracePeriodSeconds: 3,
      containers: [{ name: 'app', image: 'registry.invalid/app:1' }],
      ...extra,
    },
  };
}

async function bind(name: string, node: string): Promise<void> {
  await core.createNamespacedPodBinding({
    name,
    namespace,
    body: { metadata: { name }, target: { kind: 'Node', name: node } },
  });
}

async function waitRunning(name: string): Promise<k8s.V1Pod> {
  return waitFor(
    async () => {
      const p = await core.readNamespacedPod({ name, namespace });
      const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return p.status?.phase === 'Running' && ready === true ? p : undefined;
    },
    { timeoutMs: 30_000, what: `pod ${namespace}/${name} to be Running and Ready` },
  );
}

function eviction(name: string): k8s.V1Eviction {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
}

describe('local control plane', () => {
  test('a node created through the API with the kwok annotation becomes Ready', async () => {
    const name = `smoke-node-${suffix}`;
    await core.createNode({ body: fakeNode(name, { cpu: '2', memory: '4Gi', pods: '10' }) });
    try {
      const node = await waitFor(
        async () => {
          const n = await core.readNode({ name });
          return isNodeReady(n) ? n : undefined;
        },
        { timeoutMs: 30_000, what: `node ${name} to be Ready` },
      );
      expect(node.status?.allocatable).toMatchObject({ cpu: '2', memory: '4Gi', pods: '10' });
    } finally {
      await core.deleteNode({ name });
    }
  });

  test('a PriorityClass resolves spec.priority on a new pod', async () => {
    const scheduling = kc.makeApiClient(k8s.SchedulingV1Api);
    const className = `smoke-high-${suffix}`;
    await scheduling.createPriorityClass({ body: { metadata: { name: className }, value: 1234 } });
    try {
      const created = await core.createNamespacedPod({
        namespace,
        body: pod('prioritized', { priorityClassName: className }),
      });
      expect(created.spec?.priority).toBe(1234);
    } finally {
      await scheduling.deletePriorityClass({ name: className });
    }
  });

  test('a pod bound by hand becomes Running, and an eviction removes it after its grace period', async () => {
    await core.createNamespacedPod({ namespace, body: pod('bound') });
    await bind('bound', nodeName);
    const running = await waitRunning('bound');
    expect(running.spec?.nodeName).toBe(nodeName);

    await core.createNamespacedPodEviction({ name: 'bound', namespace, body: eviction('bound') });
    const terminating = await core.readNamespacedPod({ name: 'bound', namespace });
    const deletionTimestamp = terminating.metadata?.deletionTimestamp;
    expect(deletionTimestamp).toBeInstanceOf(Date);
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(3);

    await waitFor(
      async () => {
        try {
          await core.readNamespacedPod({ name: 'bound', namespace });
          return false;
        } catch (error) {
          if (apiErrorCode(error) === 404) return true;
          throw error;
        }
      },
      { timeoutMs: 30_000, what: 'the evicted pod to be deleted' },
    );
    // deletionTimestamp has second precision: the pod must not go before its grace period ended.
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(deletionTimestamp as Date).getTime() - 1000);
  });

  test('a PodDisruptionBudget makes an eviction answer 429', async () => {
    const labels = { app: 'guarded' };
    await core.createNamespacedPod({ namespace, body: pod('guarded', {}, labels) });
    await bind('guarded', nodeName);
    await waitRunning('guarded');

    const policy = kc.makeApiClient(k8s.PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({
      namespace,
      body: { metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    });
    await waitFor(
      async () => {
        const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'guard', namespace });
        return pdb.status?.currentHealthy === 1 && pdb.status.disruptionsAllowed === 0;
      },
      { timeoutMs: 30_000, what: 'the disruption controller to count the guarded pod' },
    );

    const failure = await expectApiFailure(
      core.createNamespacedPodEviction({ name: 'guarded', namespace, body: eviction('guarded') }),
    );
    expect(failure.code).toBe(429);
    expect(failure.status.message).toContain('disruption budget');
    const still = await core.readNamespacedPod({ name: 'guarded', namespace });
    expect(still.metadata?.deletionTimestamp).toBeUndefined();
  });

  test('a Job creates its pods, and they complete on a fake node', async () => {
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    await batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'work' },
        spec: {
          completions: 2,
          parallelism: 2,
          template: pod('unused', { restartPolicy: 'Never' }),
        },
      },
    });
    const pods = await waitFor(
      async () => {
        const list = await core.listNamespacedPod({ namespace, labelSelector: 'batch.kubernetes.io/job-name=work' });
        return list.items.length === 2 ? list.items : undefined;
      },
      { timeoutMs: 30_000, what: 'the job controller to create 2 pods' },
    );
    for (const p of pods) {
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'work' });
      await bind(p.metadata?.name as string, nodeName);
    }
    await waitFor(
      async () => {
        const job = await batch.readNamespacedJob({ name: 'work', namespace });
        return job.status?.succeeded === 2;
      },
      { timeoutMs: 60_000, what: 'job work to count 2 succeeded pods' },
    );
  });

  test('a service account token is issued, and RBAC denies what its role does not grant', async () => {
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'reader' } } });
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'reader-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }],
      },
    });
    const request = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = request.status?.token;
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('the admin kubeconfig has no current cluster');
    const asReader = new k8s.KubeConfig();
    asReader.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'reader', token }],
      contexts: [{ name: 'reader', cluster: cluster.name, user: 'reader' }],
      currentContext: 'reader',
    });
    const readerCore = asReader.makeApiClient(k8s.CoreV1Api);
    // The binding reaches the RBAC authorizer's cache within moments: wait until it is allowed.
    await waitFor(() => readerCore.listNamespacedPod({ namespace }), {
      timeoutMs: 15_000,
      what: 'the reader token to be allowed to list pods',
    });
    const denied = await expectApiFailure(readerCore.listNamespacedSecret({ namespace }));
    expect(denied.code).toBe(403);
    const deniedCreate = await expectApiFailure(readerCore.createNamespacedPod({ namespace, body: pod('forbidden') }));
    expect(deniedCreate.code).toBe(403);
  });
});
