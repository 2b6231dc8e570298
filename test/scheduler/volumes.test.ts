// Volumes on the real API server, with kube-controller-manager's volume controller (and
// its host-path provisioner) doing what it does on any cluster: a static local volume,
// a dynamically provisioned first-consumer claim, and a claim that does not exist yet.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { Harness } from '../support/scheduler-harness.js';
import { apiErrorCode } from '../support/namespace.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(180_000);

let h: Harness | undefined;
const clusterScoped: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
  const ignoreGone = (err: unknown): void => {
    if (apiErrorCode(err) !== 404) throw err;
  };
  for (const remove of clusterScoped.splice(0)) await remove().catch(ignoreGone);
});

/** Deletes a cluster-scoped volume after the test (the client is captured: `h` is cleared first). */
function deleteVolume(harness: Harness, name: string): () => Promise<unknown> {
  const core = harness.core;
  return () => core.deletePersistentVolume({ name });
}

const claimVolume = (claimName: string): k8s.V1Volume[] => [{ name: 'data', persistentVolumeClaim: { claimName } }];

async function storageClass(h: Harness, name: string, provisioner: string): Promise<string> {
  const storage = h.kc.makeApiClient(k8s.StorageV1Api);
  const full = `${h.namespace}-${name}`;
  await storage.createStorageClass({
    body: { metadata: { name: full }, provisioner, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' },
  });
  clusterScoped.push(() => storage.deleteStorageClass({ name: full }));
  return full;
}

async function claim(h: Harness, name: string, storageClassName: string): Promise<void> {
  await h.core.createNamespacedPersistentVolumeClaim({
    namespace: h.namespace,
    body: {
      metadata: { name },
      spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
}

async function claimOf(h: Harness, name: string): Promise<k8s.V1PersistentVolumeClaim> {
  return h.core.readNamespacedPersistentVolumeClaim({ name, namespace: h.namespace });
}

async function waitClaimBound(h: Harness, name: string): Promise<k8s.V1PersistentVolumeClaim> {
  return waitFor(
    async () => {
      const c = await claimOf(h, name);
      return c.status?.phase === 'Bound' ? c : undefined;
    },
    { timeoutMs: 60_000, what: `claim ${name} to be Bound` },
  );
}

describe('volumes and claims', () => {
  test('a static local volume: the pod goes to its node, the claim binds, the pod runs', async () => {
    h = await Harness.create('sched-vol-static');
    const [, second] = await h.addNodes(3, '4');
    const cls = await storageClass(h, 'local', 'kubernetes.io/no-provisioner');
    const pvName = `${h.namespace}-pv`;
    await h.core.createPersistentVolume({
      body: {
        metadata: { name: pvName },
        spec: {
          capacity: { storage: '2Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: cls,
          persistentVolumeReclaimPolicy: 'Retain',
          local: { path: '/mnt/disks/test' },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [second ?? ''] }] },
              ],
            },
          },
        },
      },
    });
    clusterScoped.push(deleteVolume(h, pvName));
    await claim(h, 'data', cls);
    await h.start();
    await h.createPod('app', { cpu: '500m', volumes: claimVolume('data') });

    const bound = await h.waitBound(['app'], 60_000);
    expect(bound.get('app')).toBe(second);
    const c = await waitClaimBound(h, 'data');
    expect(c.spec?.volumeName).toBe(pvName);
    await waitFor(async () => (await h!.pod('app'))?.status?.phase === 'Running', {
      timeoutMs: 30_000,
      what: 'pod app to run',
    });
  });

  test('dynamic provisioning: the claim gets the selected node, is provisioned and bound, then the pod is bound there', async () => {
    h = await Harness.create('sched-vol-dynamic');
    await h.addNodes(2, '4');
    const cls = await storageClass(h, 'hostpath', 'kubernetes.io/host-path');
    await claim(h, 'data', cls);
    await h.start();
    await h.createPod('app', { cpu: '500m', volumes: claimVolume('data') });

    const selected = await waitFor(
      async () => (await claimOf(h!, 'data')).metadata?.annotations?.['volume.kubernetes.io/selected-node'],
      { timeoutMs: 30_000, what: 'the selected-node annotation on claim data' },
    );
    expect(h.nodes).toContain(selected);
    const c = await waitClaimBound(h, 'data');
    const pv = c.spec?.volumeName ?? '';
    clusterScoped.push(deleteVolume(h, pv));
    const bound = await h.waitBound(['app'], 60_000);
    expect(bound.get('app')).toBe(selected);
  });

  test('a pod whose claim does not exist waits with the reason, and is bound once the claim is created', async () => {
    h = await Harness.create('sched-vol-missing');
    await h.addNodes(2, '4');
    const cls = await storageClass(h, 'hostpath', 'kubernetes.io/host-path');
    await h.start();
    await h.createPod('app', { cpu: '500m', volumes: claimVolume('later') });
    const condition = await h.waitUnschedulable('app', 30_000);
    expect(condition.reason).toBe('Unschedulable');
    expect(condition.message).toMatch(/^0\/\d+ nodes are available: persistentvolumeclaim "later" not found\./);

    await claim(h, 'later', cls);
    const c = await waitClaimBound(h, 'later');
    const pv = c.spec?.volumeName ?? '';
    clusterScoped.push(deleteVolume(h, pv));
    await h.waitBound(['app'], 60_000);
  });
});
