// Counts of bound pods per topology domain, kept current by the pass: every placement
// and every undone placement passes through `update`, so a gang rolled back restores
// every count it changed. Counts are created on first use by scanning the state once.
import type { Node } from '../model.js';

/** The pods a count is over, as seen by the count: the pod and whether it counts. */
export interface CountedPod<P> {
  readonly facts: P;
  readonly node: Node;
}

/**
 * Pods matching one predicate, per node (by node index) and per value of one node
 * label. Nodes without the label count in `byNode` only.
 */
export class DomainCounts<P> {
  readonly byNode: Int32Array;
  readonly byDomain = new Map<string, number>();
  /** Matching pods on nodes that carry the label. */
  total = 0;

  constructor(
    readonly topologyKey: string,
    readonly matches: (facts: P) => boolean,
    nodeCount: number,
  ) {
    this.byNode = new Int32Array(nodeCount);
  }

  update(facts: P, node: Node, nodeIndex: number, sign: 1 | -1): void {
    if (!this.matches(facts)) return;
    this.byNode[nodeIndex] = (this.byNode[nodeIndex] ?? 0) + sign;
    const value = node.labels[this.topologyKey];
    if (value === undefined) return;
    const n = (this.byDomain.get(value) ?? 0) + sign;
    if (n === 0) this.byDomain.delete(value);
    else this.byDomain.set(value, n);
    this.total += sign;
  }

  inDomain(node: Node): number {
    const value = node.labels[this.topologyKey];
    return value === undefined ? 0 : (this.byDomain.get(value) ?? 0);
  }
}
