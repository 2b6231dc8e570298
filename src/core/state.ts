// The working copy of the cluster one pass plans on. Every change goes through a
// method that logs its undo, so a gang's tentative placements can be rolled back
// (a transaction: mark, try, then keep or roll back to the mark).
import { compareStrings } from './compare.js';
import { labelSelectorMatches } from './filters/node-affinity.js';
import type { Node, Pod, PodDisruptionBudget } from './model.js';
import { Usage, type PortKey, ANY_IP } from './resources.js';
import { TopologyIndex } from './topology/index.js';
import type { NamespaceLabels } from './topology/terms.js';

/** What the planner derives once per pod per pass. */
export interface PodFacts {
  readonly pod: Pod;
  readonly ours: boolean;
  readonly ports: readonly PortKey[];
  /** `namespace/group` of a valid gang the pod belongs to. */
  readonly gang: string | undefined;
  /** Priority as a victim and preemptor: the gang's priority for gang members. */
  readonly priority: number;
}

export interface Reservation {
  readonly facts: PodFacts;
  readonly priority: number;
}

export class NodeState {
  /** Requests of every pod bound here that is not terminal, terminating ones included. */
  readonly usage = new Usage();
  /** The pods behind `usage`. */
  readonly bound: PodFacts[] = [];
  /** Nominated pods waiting for this node: held against lower or equal priority work. */
  readonly reservations: Reservation[] = [];
  /** Changes whenever anything on the node changes, so dry runs on it can be reused. */
  version = 0;
  constructor(
    readonly node: Node,
    readonly index: number,
  ) {}
}

export function portKeys(pod: Pod): PortKey[] {
  return pod.hostPorts.map((p) => ({ slot: `${p.protocol}/${p.port}`, ip: p.hostIP === '' ? ANY_IP : p.hostIP }));
}

function removeItem<T>(list: T[], item: T): void {
  const i = list.lastIndexOf(item);
  if (i >= 0) list.splice(i, 1);
}

export class ClusterState {
  readonly nodes: readonly NodeState[];
  readonly byName = new Map<string, NodeState>();
  /** Keys of pods that are going away: deleting in the snapshot, or chosen as victims this pass. */
  readonly terminating = new Set<string>();
  /** Per gang: members bound and alive, plus members that succeeded (they count toward quorum). */
  readonly gangPlaced = new Map<string, number>();
  private readonly undo: Array<() => void> = [];
  /** Off while the snapshot is loaded: that part is never rolled back. */
  private recording = false;
  /** Disruptions each PDB allows, less the victims chosen this pass. */
  private readonly pdbLeft = new Map<PodDisruptionBudget, number>();

  /** Pods per topology domain and the affinity terms bound pods carry, kept under the undo log. */
  readonly topology: TopologyIndex;

  constructor(
    nodes: readonly Node[],
    private readonly pdbs: readonly PodDisruptionBudget[],
    namespaceLabels: NamespaceLabels = () => undefined,
  ) {
    for (const b of pdbs) this.pdbLeft.set(b, b.disruptionsAllowed);
    const sorted = [...nodes].sort((a, b) => compareStrings(a.name, b.name));
    this.nodes = sorted.map((n, i) => new NodeState(n, i));
    for (const ns of this.nodes) this.byName.set(ns.node.name, ns);
    this.topology = new TopologyIndex(this.nodes, namespaceLabels);
  }

  mark(): number {
    return this.undo.length;
  }

  /** Makes everything so far permanent (the snapshot itself is never rolled back). */
  settle(): void {
    this.undo.length = 0;
    this.recording = true;
  }

  /** Logs how to undo a change made elsewhere in the pass (volume choices), so rollbacks undo it too. */
  remember(undo: () => void): void {
    this.onUndo(undo);
  }

  private onUndo(fn: () => void): void {
    if (this.recording) this.undo.push(fn);
  }

  /**
   * Bumped whenever capacity may have been given back (a rollback, a dropped
   * reservation). Placing, reserving and choosing victims only take capacity, so a
   * pod that found no node stays without one until this changes.
   */
  freedGeneration = 0;
  /** Bumped when state shared across nodes (PDB budgets, gang counts) changes. */
  sharedVersion = 0;

  rollback(mark: number): void {
    if (this.undo.length > mark) this.freedGeneration++;
    while (this.undo.length > mark) this.undo.pop()?.();
  }

  /** The pod now occupies the node (a binding, or a pod the snapshot shows bound). */
  place(f: PodFacts, ns: NodeState): void {
    ns.usage.apply(f.pod.requests, f.ports, f.ours, 1);
    ns.bound.push(f);
    ns.version++;
    this.topology.update(f, ns, 1);
    this.onUndo(() => {
      ns.usage.apply(f.pod.requests, f.ports, f.ours, -1);
      removeItem(ns.bound, f);
      ns.version++;
      this.topology.update(f, ns, -1);
    });
  }

  /**
   * A nominated pod holds room on the node. It does not count for rules across nodes:
   * a binding is always judged against pods that are bound, so a nomination can never
   * make a rule look satisfied (the nominated pod is checked again when it is bound).
   */
  reserve(f: PodFacts, ns: NodeState): void {
    const r: Reservation = { facts: f, priority: f.priority };
    ns.reservations.push(r);
    ns.version++;
    this.onUndo(() => {
      removeItem(ns.reservations, r);
      ns.version++;
    });
  }

  /** Drops the pod's own reservation while it is being planned again. */
  unreserve(f: PodFacts): void {
    const ns = this.byName.get(f.pod.nominatedNodeName);
    const r = ns?.reservations.find((x) => x.facts === f);
    if (ns === undefined || r === undefined) return;
    removeItem(ns.reservations, r);
    this.freedGeneration++;
    ns.version++;
    this.onUndo(() => {
      ns.reservations.push(r);
      ns.version++;
    });
  }

  /** A victim chosen this pass: still holds its node, but is no longer alive or evictable. */
  markVictim(f: PodFacts): void {
    if (this.terminating.has(f.pod.key)) return;
    this.terminating.add(f.pod.key);
    const gang = f.gang;
    if (gang !== undefined) this.gangPlaced.set(gang, (this.gangPlaced.get(gang) ?? 0) - 1);
    const covering = this.pdbs.filter((b) => pdbCovers(b, f));
    for (const b of covering) this.pdbLeft.set(b, this.pdbAllowed(b) - 1);
    const ns = this.byName.get(f.pod.nodeName);
    const touch = (): void => {
      if (ns !== undefined) ns.version++;
      // Budgets and gang counts span nodes: dry runs anywhere may change.
      if (covering.length > 0 || gang !== undefined) this.sharedVersion++;
    };
    touch();
    this.onUndo(() => {
      this.terminating.delete(f.pod.key);
      if (gang !== undefined) this.gangPlaced.set(gang, (this.gangPlaced.get(gang) ?? 0) + 1);
      for (const b of covering) this.pdbLeft.set(b, this.pdbAllowed(b) + 1);
      touch();
    });
  }

  pdbAllowed(b: PodDisruptionBudget): number {
    return this.pdbLeft.get(b) ?? b.disruptionsAllowed;
  }

  /**
   * Usage the pod must fit beside: the node's pods plus reservations of nominated pods
   * of at least its priority (other than its own). Returns `usage` itself when none apply.
   */
  usageFor(f: PodFacts, ns: NodeState): Usage {
    if (ns.reservations.length === 0) return ns.usage;
    let used: Usage | undefined;
    for (const r of ns.reservations) {
      if (r.facts === f || r.priority < f.priority) continue;
      used ??= ns.usage.clone();
      used.apply(r.facts.pod.requests, r.facts.ports, r.facts.ours, 1);
    }
    return used ?? ns.usage;
  }
}

/** The budget protects this pod (same namespace, selected, not already counted as disrupted). */
export function pdbCovers(b: PodDisruptionBudget, v: PodFacts): boolean {
  return (
    b.namespace === v.pod.namespace &&
    b.selector !== undefined &&
    !b.disruptedPods.has(v.pod.name) &&
    labelSelectorMatches(b.selector, v.pod.labels)
  );
}
