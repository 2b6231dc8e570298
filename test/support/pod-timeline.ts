// Records every change the API server reports for a namespace's pods, with the time
// it arrived, so tests can assert on order ("bound only after the victim was gone")
// and on things that must never happen ("two pods on one node at once").
import * as k8s from '@kubernetes/client-node';
import { waitFor } from './wait.js';

export interface PodChange {
  readonly at: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly nominatedNodeName: string;
  readonly terminating: boolean;
}

export class PodTimeline {
  readonly changes: PodChange[] = [];
  private controller: AbortController | undefined;
  private stopped = false;

  private constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly namespace: string,
  ) {}

  static async start(kc: k8s.KubeConfig, namespace: string): Promise<PodTimeline> {
    const t = new PodTimeline(kc, namespace);
    await t.connect('');
    return t;
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  /** Reconnects from the last resourceVersion when the server ends the watch. */
  private async connect(resourceVersion: string): Promise<void> {
    let rv = resourceVersion;
    const params: Record<string, string> = { allowWatchBookmarks: 'false' };
    if (rv !== '') params['resourceVersion'] = rv;
    this.controller = await new k8s.Watch(this.kc).watch(
      `/api/v1/namespaces/${this.namespace}/pods`,
      params,
      (type: string, obj: k8s.V1Pod) => {
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        rv = obj.metadata?.resourceVersion ?? rv;
        this.changes.push({
          at: Date.now(),
          type,
          name: obj.metadata?.name ?? '',
          uid: obj.metadata?.uid ?? '',
          nodeName: obj.spec?.nodeName ?? '',
          nominatedNodeName: obj.status?.nominatedNodeName ?? '',
          terminating: obj.metadata?.deletionTimestamp != null,
        });
      },
      () => {
        if (!this.stopped) void this.connect(rv).catch(() => undefined);
      },
    );
  }

  /**
   * Waits until the watch has shown each named pod bound. Checks that read lists
   * (waitBound) can be ahead of the watch; the watch is ordered, so once it shows these
   * binds it has shown everything before them too.
   */
  async seenBound(names: readonly string[], timeoutMs = 15_000): Promise<void> {
    await waitFor(() => names.every((n) => this.firstBind(n) !== undefined), {
      timeoutMs,
      what: `the pod watch to show ${names.join(', ')} bound`,
    });
  }

  /** When the pod was first seen bound, and to which node. */
  firstBind(name: string): PodChange | undefined {
    return this.changes.find((c) => c.name === name && c.nodeName !== '');
  }

  firstNomination(name: string): PodChange | undefined {
    return this.changes.find((c) => c.name === name && c.nominatedNodeName !== '');
  }

  firstTerminating(name: string): PodChange | undefined {
    return this.changes.find((c) => c.name === name && (c.terminating || c.type === 'DELETED'));
  }

  deleted(name: string): PodChange | undefined {
    return this.changes.find((c) => c.name === name && c.type === 'DELETED');
  }

  /** Every node a pod (by uid) was seen bound to: more than one means it was bound twice. */
  nodesOf(uid: string): Set<string> {
    return new Set(this.changes.filter((c) => c.uid === uid && c.nodeName !== '').map((c) => c.nodeName));
  }

  /**
   * The largest number of pods seen bound to one node at any moment, replaying the
   * changes in order. Terminating pods count until they are gone: they hold the node.
   */
  peakPodsPerNode(): number {
    const live = new Map<string, string>(); // uid -> node
    let peak = 0;
    for (const c of this.changes) {
      if (c.type === 'DELETED' || c.nodeName === '') live.delete(c.uid);
      else live.set(c.uid, c.nodeName);
      const perNode = new Map<string, number>();
      for (const n of live.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
      peak = Math.max(peak, ...perNode.values(), 0);
    }
    return peak;
  }
}
