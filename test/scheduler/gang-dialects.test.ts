// Gangs written in other dialects, on the local control plane: a Job whose pods name a
// Kubernetes PodGroup (scheduling.k8s.io/v1beta1, served by `make integration-test`'s
// cluster with the GenericWorkload gate), Kueue's pod-group labels, and the PodGroups of
// scheduler-plugins and Volcano, whose CRDs (test/crds) the tests install; with them absent
// the scheduler still schedules everything else.
import { afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { loadLocalKubeConfig } from '../support/cluster.js';
import { Harness } from '../support/scheduler-harness.js';
import { assertPodGroupsServed, createPodGroup, unless, waitForCondition } from '../support/pod-groups.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(180_000);

const CRDS = {
  'scheduler-plugins': fileURLToPath(new URL('../crds/scheduler-plugins-podgroup.yaml', import.meta.url)),
  volcano: fileURLToPath(new URL('../crds/volcano-podgroup.yaml', import.meta.url)),
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

beforeAll(assertPodGroupsServed);

function crdApi(kc: k8s.KubeConfig): k8s.ApiextensionsV1Api {
  return kc.makeApiClient(k8s.ApiextensionsV1Api);
}

async function removeCrd(kc: k8s.KubeConfig, which: keyof typeof CRDS): Promise<void> {
  const crd = k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(CRDS[which], 'utf8'));
  const name = crd.metadata?.name ?? '';
  await unless(404, crdApi(kc).deleteCustomResourceDefinition({ name }));
  await waitFor(async () => (await unless(404, crdApi(kc).readCustomResourceDefinition({ name }))) === undefined, {
    timeoutMs: 60_000,
    what: `CRD ${name} to be gone`,
  });
}

/** Installs the CRD (if absent) and waits until it is Established. */
async function installCrd(kc: k8s.KubeConfig, which: keyof typeof CRDS): Promise<void> {
  const crd = k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(CRDS[which], 'utf8'));
  const name = crd.metadata?.name ?? '';
  await unless(409, crdApi(kc).createCustomResourceDefinition({ body: crd }));
  await waitFor(
    async () =>
      (await crdApi(kc).readCustomResourceDefinition({ name })).status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      ),
    { timeoutMs: 60_000, what: `CRD ${name} to be Established` },
  );
}

const boundNames = async (h: Harness): Promise<string[]> =>
  (await h.pods()).filter((p) => (p.spec?.nodeName ?? '') !== '').map((p) => p.metadata?.name ?? '');

describe('gang dialects', () => {
  test('a Job naming a Kubernetes PodGroup of 3 waits on 2 nodes with the condition False, then all 3 bind and it turns True', async () => {
    h = await Harness.create('dialect-k8s');
    await h.addNodes(2);
    await h.start();
    await createPodGroup(h, { group: 'scheduling.k8s.io', version: 'v1beta1' }, 'train', {
      schedulingPolicy: { gang: { minCount: 3 } },
    });
    await h.createJob('train', 3, { podGroupName: 'train' });
    const pods = await h.jobPods('train', 3);

    const waiting = await waitForCondition(h, 'train', 'False');
    expect(waiting.reason).toBe('Unschedulable');
    expect(waiting.message).toMatch(
      /^gang .*\/train \(scheduling\.k8s\.io PodGroup\): 3 members can never fit this cluster/,
    );
    await h.passes(2);
    expect(await boundNames(h)).toEqual([]);

    await h.addNodes(1);
    const placed = await h.waitBound(pods);
    expect(new Set(pods.map((p) => placed.get(p))).size).toBe(3);
    const scheduled = await waitForCondition(h, 'train', 'True');
    expect(scheduled.reason).toBe('Scheduled');
  });

  test("Kueue's pod-group labels: 3 pods wait on 2 nodes, then bind together", async () => {
    h = await Harness.create('dialect-kueue');
    await h.addNodes(2);
    await h.start();
    const pods = ['kq-0', 'kq-1', 'kq-2'];
    for (const name of pods)
      await h.createPod(name, {
        labels: { 'kueue.x-k8s.io/pod-group-name': 'kq' },
        annotations: { 'kueue.x-k8s.io/pod-group-total-count': '3' },
      });
    for (const name of pods) {
      const c = await h.waitUnschedulable(name);
      expect(c.message).toMatch(/^gang .*\/kq \(Kueue pod group\): 3 members can never fit this cluster/);
    }
    await h.passes(2);
    expect(await boundNames(h)).toEqual([]);
    await h.addNodes(1);
    await h.waitBound(pods);
  });

  test('with the scheduler-plugins CRD absent the scheduler schedules everything else; once installed its gang is placed (and a Volcano one)', async () => {
    const kc = loadLocalKubeConfig();
    await removeCrd(kc, 'scheduler-plugins');
    await removeCrd(kc, 'volcano');
    h = await Harness.create('dialect-crd');
    await h.addNodes(5);
    await h.start({}, { optionalApiRecheckMs: 1_000 });

    await h.createPod('single');
    await h.waitBound(['single']);
    const sp = ['sp-0', 'sp-1'];
    for (const name of sp) await h.createPod(name, { labels: { 'scheduling.x-k8s.io/pod-group': 'sp' } });
    for (const name of sp) {
      const c = await h.waitUnschedulable(name);
      expect(c.message).toMatch(/podgroups\.scheduling\.x-k8s\.io\/v1alpha1 is not served by this cluster/);
    }
    expect(await boundNames(h)).toEqual(['single']);

    await installCrd(kc, 'scheduler-plugins');
    await installCrd(kc, 'volcano');
    await createPodGroup(h, { group: 'scheduling.x-k8s.io', version: 'v1alpha1' }, 'sp', { minMember: 2 });
    await createPodGroup(h, { group: 'scheduling.volcano.sh', version: 'v1beta1' }, 'vc', { minMember: 2 });
    const vc = ['vc-0', 'vc-1'];
    for (const name of vc) await h.createPod(name, { annotations: { 'scheduling.k8s.io/group-name': 'vc' } });
    await h.waitBound([...sp, ...vc], 60_000);
  });
});
