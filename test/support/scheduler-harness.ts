// Integration harness for the scheduler tests (test/scheduler): per-test namespace,
// fake kwok nodes with a label only this test's pods select, PriorityClasses, an
// in-process scheduler, and a pod timeline recorded from a watch, so assertions are
// about what the API server saw, in order, rather than about sleeps.
import * as k8s from '@kubernetes/client-node';
import { defaultConfig, type SchedulerConfig } from '../../src/runtime/config.js';
import { createLogger } from '../../src/runtime/log.js';
import { startScheduler, type RunningScheduler } from '../../src/runtime/scheduler.js';
import { assertClusterReady, fakeNode, isNodeReady, loadLocalKubeConfig } from './cluster.js';
import { apiErrorCode, createTestNamespace, deleteTestNamespace } from './namespace.js';
import { waitFor } from './wait.js';
import { PodTimeline } from './pod-timeline.js';

export const POOL_LABEL = 'custom-scheduler.test/pool';
export const GROUP = 'custom-scheduling.k8s.io/group-name';
export const MIN_AVAILABLE = 'custom-scheduling.k8s.io/min-available';

export interface TestPodOptions {
  readonly cpu?: string;
  readonly priorityClassName?: string;
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly schedulerName?: string;
  /** Seconds kwok keeps a deleted pod around (victims linger so nominations can be seen). */
  readonly grace?: number;
  /** Pod affinity and anti-affinity (node affinity stays the test pool's nodeSelector). */
  readonly affinity?: k8s.V1Affinity;
  readonly topologySpreadConstraints?: k8s.V1TopologySpreadConstraint[];
  readonly volumes?: k8s.V1Volume[];
  /** spec.schedulingGroup.podGroupName: a scheduling.k8s.io/v1beta1 PodGroup of the namespace (createJob). */
  readonly podGroupName?: string;
}

export class Harness {
  readonly core: k8s.CoreV1Api;
  readonly nodes: string[] = [];
  private readonly priorityClasses: string[] = [];
  private scheduler: RunningScheduler | undefined;
  private timeline: PodTimeline | undefined;

  private constructor(
    readonly kc: k8s.KubeConfig,
    readonly namespace: string,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  static async create(prefix: string): Promise<Harness> {
    const kc = loadLocalKubeConfig();
    await assertClusterReady(kc);
    return new Harness(kc, await createTestNamespace(kc, prefix));
  }

  /**
   * Node names `<namespace>-n<i>`; by default 1 cpu each, so one test pod (1 cpu) fills one.
   * `labels` go on each node beside the pool label.
   */
  async addNodes(count: number, cpu = '1', labels: Readonly<Record<string, string>> = {}): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${this.namespace}-n${this.nodes.length + i}`);
    await Promise.all(
      names.map((name) =>
        this.core.createNode({
          body: fakeNode(name, {
            cpu,
            memory: '4Gi',
            pods: '110',
            labels: { ...labels, [POOL_LABEL]: this.namespace },
          }),
        }),
      ),
    );
    this.nodes.push(...names);
    await waitFor(
      async () => {
        const list = await this.core.listNode({ labelSelector: `${POOL_LABEL}=${this.namespace}` });
        return list.items.filter(isNodeReady).length >= this.nodes.length;
      },
      { timeoutMs: 60_000, what: `${this.nodes.length} fake nodes of ${this.namespace} to be Ready` },
    );
    return names;
  }

  /**
   * Lifts the `node.kubernetes.io/not-ready` taint that node admission puts on a new node, as
   * the race does: kube-controller-manager lifts it too once kwok reports the node Ready, but a
   * few nodes a second, and after a control-plane fault only when its own watches are back. A
   * fault test that started with part of the cluster still closed measured the controller's
   * catching up (once 43.8 s), not the scheduler's recovery.
   */
  async openNodes(): Promise<void> {
    const notReady = 'node.kubernetes.io/not-ready';
    const closed = async (): Promise<k8s.V1Node[]> =>
      (await this.taintedNodes()).filter((n) => (n.spec?.taints ?? []).some((t) => t.key === notReady));
    for (const node of await closed()) {
      const taints = (node.spec?.taints ?? []).filter((t) => t.key !== notReady);
      await this.core.patchNode(
        { name: node.metadata?.name ?? '', body: { spec: { taints: taints.length === 0 ? null : taints } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    }
    await waitFor(async () => (await closed()).length === 0, {
      timeoutMs: 60_000,
      what: `the not-ready taint to be gone from the nodes of ${this.namespace}`,
    });
  }

  /** This test's nodes that carry a taint (the tests' own nodes carry none of their own). */
  async taintedNodes(): Promise<k8s.V1Node[]> {
    const list = await this.core.listNode({ labelSelector: `${POOL_LABEL}=${this.namespace}` });
    return list.items.filter((n) => (n.spec?.taints ?? []).length > 0);
  }

  /** A cluster-wide PriorityClass named `<namespace>-<name>`; returns its name. */
  async priorityClass(name: string, value: number): Promise<string> {
    const full = `${this.namespace}-${name}`;
    await this.kc.makeApiClient(k8s.SchedulingV1Api).createPriorityClass({ body: { metadata: { name: full }, value } });
    this.priorityClasses.push(full);
    return full;
  }

  podSpec(o: TestPodOptions = {}): k8s.V1PodSpec {
    return {
      schedulerName: o.schedulerName ?? 'custom-scheduler',
      ...(o.priorityClassName === undefined ? {} : { priorityClassName: o.priorityClassName }),
      terminationGracePeriodSeconds: o.grace ?? 0,
      nodeSelector: { [POOL_LABEL]: this.namespace },
      ...(o.affinity === undefined ? {} : { affinity: o.affinity }),
      ...(o.topologySpreadConstraints === undefined ? {} : { topologySpreadConstraints: o.topologySpreadConstraints }),
      ...(o.volumes === undefined ? {} : { volumes: o.volumes }),
      containers: [
        {
          name: 'app',
          image: 'registry.invalid/app:1',
          resources: { requests: { cpu: o.cpu ?? '1', memory: '64Mi' } },
        },
      ],
    };
  }

  async createPod(name: string, o: TestPodOptions = {}): Promise<k8s.V1Pod> {
    return this.core.createNamespacedPod({
      namespace: this.namespace,
      body: {
        metadata: {
          name,
          ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
          ...(o.labels === undefined ? {} : { labels: o.labels }),
        },
        spec: this.podSpec(o),
      },
    });
  }

  /** `optionalApiRecheckMs`: how soon the scheduler sees a PodGroup CRD installed during the test. */
  async start(
    overrides: Partial<SchedulerConfig> = {},
    options: { readonly optionalApiRecheckMs?: number } = {},
  ): Promise<RunningScheduler> {
    this.scheduler = await startScheduler({
      ...options,
      kubeConfig: this.kc,
      config: defaultConfig({
        intervalMs: 500,
        httpPort: 0,
        namespaces: [this.namespace],
        logLevel: 'warn',
        ...overrides,
      }),
      logger: createLogger({
        level: process.env['TEST_LOG_LEVEL'] === 'info' ? 'info' : 'warn',
        format: 'text',
        isTTY: true,
        stream: process.stderr,
      }),
    });
    return this.scheduler;
  }

  async stopScheduler(): Promise<void> {
    await this.scheduler?.stop();
    this.scheduler = undefined;
  }

  /** Starts recording every change of this namespace's pods. */
  async watchPods(): Promise<PodTimeline> {
    this.timeline = await PodTimeline.start(this.kc, this.namespace);
    return this.timeline;
  }

  async pods(): Promise<k8s.V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace: this.namespace })).items;
  }

  async pod(name: string): Promise<k8s.V1Pod | undefined> {
    try {
      return await this.core.readNamespacedPod({ name, namespace: this.namespace });
    } catch (err) {
      if (apiErrorCode(err) === 404) return undefined;
      throw err;
    }
  }

  async waitBound(names: readonly string[], timeoutMs = 30_000): Promise<Map<string, string>> {
    return waitFor(
      async () => {
        const pods = await this.pods();
        const nodes = new Map(
          pods.filter((p) => (p.spec?.nodeName ?? '') !== '').map((p) => [p.metadata!.name!, p.spec!.nodeName!]),
        );
        return names.every((n) => nodes.has(n)) ? nodes : undefined;
      },
      { timeoutMs, what: `pods ${names.join(', ')} to be bound`, intervalMs: 100 },
    );
  }

  async waitGone(names: readonly string[], timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const left = new Set((await this.pods()).map((p) => p.metadata?.name));
        return names.every((n) => !left.has(n));
      },
      { timeoutMs, what: `pods ${names.join(', ')} to be gone` },
    );
  }

  /** Waits until the scheduler has completed `count` more passes than now. */
  async passes(count: number, timeoutMs = 30_000): Promise<void> {
    const s = this.scheduler;
    if (s === undefined) throw new Error('no scheduler running');
    const target = s.passes() + count;
    await waitFor(() => s.passes() >= target, { timeoutMs, what: `${count} more scheduling passes`, intervalMs: 50 });
  }

  get passCount(): number {
    return this.scheduler?.passes() ?? 0;
  }

  /** Events about one pod, as core/v1 shows them. */
  async events(pod: string): Promise<k8s.CoreV1Event[]> {
    const list = await this.core.listNamespacedEvent({
      namespace: this.namespace,
      fieldSelector: `involvedObject.name=${pod}`,
    });
    return list.items;
  }

  /**
   * Waits until the pod carries PodScheduled=False (with exactly `message`, when given: the
   * reason may change while a gang's members are still being created) and returns that condition.
   */
  async waitUnschedulable(pod: string, timeoutMs = 30_000, message?: string): Promise<k8s.V1PodCondition> {
    let last: string | undefined;
    return waitFor(
      async () => {
        const c = await this.scheduledCondition(pod);
        last = c?.message;
        return c?.status === 'False' && (message === undefined || c.message === message) ? c : undefined;
      },
      {
        timeoutMs,
        what: `PodScheduled=False on pod ${pod}${message === undefined ? '' : ` saying "${message}"`}`,
        lastSeen: () => last,
      },
    );
  }

  /** A Job of `parallelism` pods made from this harness's pod spec, its pods labelled job=<name>. */
  async createJob(name: string, parallelism: number, pod: TestPodOptions): Promise<void> {
    await this.kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({
      namespace: this.namespace,
      body: {
        metadata: { name },
        spec: {
          parallelism,
          completions: parallelism,
          backoffLimit: 0,
          template: {
            metadata: {
              ...(pod.annotations === undefined ? {} : { annotations: pod.annotations }),
              labels: { ...pod.labels, job: name },
            },
            spec: {
              ...this.podSpec(pod),
              restartPolicy: 'Never',
              ...(pod.podGroupName === undefined ? {} : { schedulingGroup: { podGroupName: pod.podGroupName } }),
            },
          },
        },
      },
    });
  }

  /** The names of the Job's pods, once it has made `count` of them. */
  async jobPods(job: string, count: number): Promise<string[]> {
    return waitFor(
      async () => {
        const pods = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `job=${job}` });
        const names = pods.items.map((p) => p.metadata?.name ?? '').sort();
        return names.length === count ? names : undefined;
      },
      { timeoutMs: 30_000, what: `${count} pods of Job ${job}` },
    );
  }

  async scheduledCondition(pod: string): Promise<k8s.V1PodCondition | undefined> {
    return (await this.pod(pod))?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  }

  async deletePods(names: readonly string[]): Promise<void> {
    await Promise.all(
      names.map((name) => this.core.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds: 0 })),
    );
  }

  async cleanup(): Promise<void> {
    await this.stopScheduler();
    this.timeline?.stop();
    await deleteTestNamespace(this.kc, this.namespace);
    const ignoreGone = (err: unknown): void => {
      if (apiErrorCode(err) !== 404) throw err;
    };
    await Promise.all(this.nodes.map((name) => this.core.deleteNode({ name }).then(() => undefined, ignoreGone)));
    const scheduling = this.kc.makeApiClient(k8s.SchedulingV1Api);
    await Promise.all(
      this.priorityClasses.map((name) => scheduling.deletePriorityClass({ name }).then(() => undefined, ignoreGone)),
    );
  }
}
