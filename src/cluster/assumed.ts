// The scheduler's own writes that the watch has not reported yet. kube-scheduler's cache
// keeps the same state machine for binds:
//
//   (call made) --assume--> Assumed --watch shows the effect--> forgotten (the maps have it)
//                              |------ call failed for sure ---> forgotten (nothing happened)
//                              '------ TTL expired ------------> forgotten (logged: watch lagging)
//
// While assumed, the snapshot shows the effect, so the next pass neither gives the same
// capacity away twice nor evicts a victim twice.

export type AssumedKind = 'bind' | 'eviction' | 'nomination';

export interface AssumedWrite {
  readonly kind: AssumedKind;
  readonly podKey: string;
  /** The node bound to or nominated; the victim's node for an eviction. */
  readonly node: string;
  /** When the write was assumed (ms since the epoch); also the victim's deletion time. */
  readonly at: number;
}

/** What the informer currently says about a pod, for deciding whether a write is confirmed. */
export interface ObservedPod {
  readonly nodeName: string;
  readonly terminating: boolean;
  readonly nominatedNodeName: string;
}

export class AssumedState {
  // uid -> write, one map per kind: a pod may be nominated now and bound later.
  private readonly writes: Record<AssumedKind, Map<string, AssumedWrite>> = {
    bind: new Map(),
    eviction: new Map(),
    nomination: new Map(),
  };

  constructor(private readonly ttlMs: number) {}

  assume(kind: AssumedKind, uid: string, podKey: string, node: string, at: number): void {
    this.writes[kind].set(uid, { kind, podKey, node, at });
  }

  forget(kind: AssumedKind, uid: string): void {
    this.writes[kind].delete(uid);
  }

  get(kind: AssumedKind, uid: string): AssumedWrite | undefined {
    return this.writes[kind].get(uid);
  }

  size(kind: AssumedKind): number {
    return this.writes[kind].size;
  }

  /**
   * Drops writes the watch now shows (or that can no longer matter: the pod is gone)
   * and those older than the TTL. Returns the expired ones, for the log.
   */
  reconcile(observe: (uid: string) => ObservedPod | undefined, now: number): readonly AssumedWrite[] {
    const expired: AssumedWrite[] = [];
    for (const writes of Object.values(this.writes)) {
      for (const [uid, write] of writes) {
        const pod = observe(uid);
        if (pod === undefined || confirmed(write, pod)) {
          writes.delete(uid);
        } else if (now - write.at > this.ttlMs) {
          writes.delete(uid);
          expired.push(write);
        }
      }
    }
    return expired;
  }
}

function confirmed(write: AssumedWrite, pod: ObservedPod): boolean {
  switch (write.kind) {
    case 'bind':
      return pod.nodeName !== '';
    case 'eviction':
      return pod.terminating;
    case 'nomination':
      // Bound meanwhile, or the status shows the node: either way the watch caught up.
      return pod.nodeName !== '' || pod.nominatedNodeName === write.node;
  }
}
