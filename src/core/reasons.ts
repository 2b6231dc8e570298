// Fixed rejection texts, as kube-scheduler words them, and how they are counted into
// one message. A rejection is a value: `resolvable` says whether evicting pods could
// help (resources, ports, pod slots) or not (taints, selectors, node state).

// One text per resource, made once: counting a fresh string costs hashing it again on every node.
const insufficientTexts = new Map<string, string>();

function insufficient(resource: string): string {
  let text = insufficientTexts.get(resource);
  if (text === undefined) {
    text = `Insufficient ${resource}`;
    if (insufficientTexts.size < 1000) insufficientTexts.set(resource, text);
  }
  return text;
}

export const REASON = {
  notReady: 'node(s) were not ready',
  unschedulable: 'node(s) were unschedulable',
  affinity: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  maxPodsPerNode: 'node(s) already had maxPodsPerNode pods of this scheduler',
  insufficient,
  untoleratedTaint: (key: string, value: string): string => `node(s) had untolerated taint {${key}: ${value}}`,
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  spread: "node(s) didn't match pod topology spread constraints",
  spreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  volumeNodeConflict: "node(s) didn't match PersistentVolume's node affinity",
  volumeBindConflict: "node(s) didn't find available persistent volumes to bind",
  volumeMissing: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
  volumeZone: 'node(s) had no available volume zone',
  volumeSelectedElsewhere: "node(s) were not the node selected for the pod's volumes",
  volumeCount: 'node(s) exceed max volume count',
  readWriteOncePodInUse:
    'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod',
  noVictims: 'No preemption victims found for incoming pod',
  preemptionNotHelpful: 'Preemption is not helpful for scheduling',
} as const;

export interface Rejection {
  readonly resolvable: boolean;
  readonly reasons: readonly string[];
}

export const unresolvable = (reason: string): Rejection => ({ resolvable: false, reasons: [reason] });

/** Counts reasons across nodes; kube-scheduler counts a node once per distinct reason. */
export class ReasonTally {
  private readonly counts = new Map<string, number>();

  add(reasons: readonly string[]): void {
    for (const r of reasons) this.counts.set(r, (this.counts.get(r) ?? 0) + 1);
  }

  get size(): number {
    return this.counts.size;
  }

  /** `3 Insufficient cpu, 2 node(s) had ...`, entries sorted as strings (kube-scheduler's order). */
  summary(): string {
    return [...this.counts]
      .map(([r, n]) => `${n} ${r}`)
      .sort()
      .join(', ');
  }
}

export function nodesUnavailable(totalNodes: number, tally: ReasonTally): string {
  const detail = tally.size > 0 ? `: ${tally.summary()}` : '';
  return `0/${totalNodes} nodes are available${detail}.`;
}
