// One pass's working state: the snapshot loaded into a ClusterState, the pending work,
// and the plan being built. Single pods are placed or preempted for here.
import { checkStatic } from './filters/fit.js';
import { gangKeyOf, indexGangs, olderFirst, gangAnnotations, type Gang } from './gangs.js';
import { NO_POD_AFFINITY, type Pod, type Snapshot } from './model.js';
import { findNode, feasibleNodesToFind, shapeOf, type Placement, type Search } from './placement.js';
import type { Binding, Eviction, Nomination, Plan, PlanConfig, Unschedulable } from './plan-types.js';
import { choosePreemption, type PreemptionContext, type VictimChoice } from './preemption.js';
import { nodesUnavailable, REASON, ReasonTally } from './reasons.js';
import { ClusterState, portKeys, type NodeState, type PodFacts } from './state.js';
import { needsNamespaceLabels, type NamespaceLabels } from './topology/terms.js';

/** Labels by namespace name; undefined for every namespace when the snapshot has none. */
function namespaceLabelsOf(snapshot: Snapshot): NamespaceLabels {
  const byName = new Map((snapshot.namespaces ?? []).map((n) => [n.name, n.labels]));
  return (name) => byName.get(name);
}

export type Work =
  | { readonly kind: 'pod'; readonly facts: PodFacts }
  | { readonly kind: 'gang'; readonly gang: Gang; readonly facts: readonly PodFacts[] };

/**
 * The state of one pass and the plan it builds. Single pods are placed here; gangs in
 * gang-plan.ts. `work` is the pending work in serving order.
 */
export class Pass {
  readonly state: ClusterState;
  readonly search: Search;
  readonly preemption: PreemptionContext;
  readonly work: Work[] = [];
  private readonly gangs: ReadonlyMap<string, Gang>;
  private readonly gangMembers = new Map<string, PodFacts[]>();
  private empty: ClusterState | undefined;
  private readonly namespaceLabels: NamespaceLabels;

  private readonly bindings: Binding[] = [];
  private readonly evictions: Eviction[] = [];
  private readonly nominations: Nomination[] = [];
  private readonly unschedulable: Unschedulable[] = [];

  constructor(
    readonly snapshot: Snapshot,
    readonly config: PlanConfig,
    private readonly now: number,
  ) {
    const ours = (p: Pod): boolean => p.schedulerName === config.schedulerName;
    const isPending = (p: Pod): boolean =>
      ours(p) && p.nodeName === '' && p.phase === 'Pending' && p.deletionTime === undefined && !p.schedulingGated;
    const names = gangAnnotations(config.annotationPrefix);
    const index = indexGangs(snapshot.pods, ours, isPending, names);
    this.gangs = index.gangs;

    this.namespaceLabels = namespaceLabelsOf(snapshot);
    this.state = new ClusterState(snapshot.nodes, snapshot.pdbs, this.namespaceLabels);
    const pendingByGang = new Map<string, PodFacts[]>();
    for (const pod of snapshot.pods) {
      const gangKey = ours(pod) ? gangKeyOf(pod, names) : undefined;
      const gang = gangKey === undefined ? undefined : this.gangs.get(gangKey);
      const facts: PodFacts = {
        pod,
        ours: ours(pod),
        ports: pod.hostPorts.length === 0 ? [] : portKeys(pod),
        gang: gang?.key,
        priority: gang?.priority ?? pod.priority,
      };
      if (pod.nodeName !== '') {
        this.addBound(facts);
      } else if (isPending(pod)) {
        const unreadable = this.unreadableRules(pod);
        if (unreadable !== undefined) {
          this.hold(pod, 'Unschedulable', unreadable);
          continue;
        }
        const invalid = index.invalidPods.get(pod.key);
        if (invalid !== undefined) {
          this.hold(pod, 'InvalidAnnotation', invalid);
          continue;
        }
        if (gang === undefined) this.work.push({ kind: 'pod', facts });
        else pendingByGang.set(gang.key, [...(pendingByGang.get(gang.key) ?? []), facts]);
        // Existing nominations hold their node against lower or equal priority work.
        const nominated = this.state.byName.get(pod.nominatedNodeName);
        if (nominated !== undefined) this.state.reserve(facts, nominated);
      }
    }
    for (const gang of this.gangs.values()) {
      this.state.gangPlaced.set(gang.key, gang.placed);
      const facts = pendingByGang.get(gang.key) ?? [];
      facts.sort((a, b) => olderFirst(a.pod, b.pod));
      if (facts.length > 0) this.work.push({ kind: 'gang', gang, facts });
    }
    this.state.settle();

    this.search = {
      state: this.state,
      config,
      softTaints: snapshot.nodes.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule')),
      feasibleToFind: feasibleNodesToFind(snapshot.nodes.length, config.percentageOfNodesToScore),
      labelsMatter: snapshot.pods.some((p) => p.podAffinity !== NO_POD_AFFINITY),
      nextStart: 0,
      failures: new Map(),
    };
    this.preemption = {
      search: this.search,
      pdbs: snapshot.pdbs,
      quorum: (g) => this.gangs.get(g)?.quorum ?? 0,
      gangMembers: (g) => this.gangMembers.get(g) ?? [],
      dryRuns: new Map(),
    };
  }

  /** A rule the snapshot cannot answer holds the pod: never placed as if the rule were absent. */
  private unreadableRules(pod: Pod): string | undefined {
    if (this.snapshot.namespaces !== undefined) return undefined;
    const a = pod.podAffinity;
    const terms = [
      ...a.required,
      ...a.requiredAnti,
      ...a.preferred.map((w) => w.term),
      ...a.preferredAnti.map((w) => w.term),
    ];
    if (!terms.some(needsNamespaceLabels)) return undefined;
    return 'spec.affinity: a pod affinity term selects namespaces by label (namespaceSelector), and this snapshot has no Namespace objects to match';
  }

  private addBound(f: PodFacts): void {
    const { pod } = f;
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return;
    const ns = this.state.byName.get(pod.nodeName);
    if (ns === undefined) return;
    this.state.place(f, ns);
    if (pod.deletionTime !== undefined) this.state.terminating.add(pod.key);
    else if (f.gang !== undefined) {
      const list = this.gangMembers.get(f.gang) ?? [];
      list.push(f);
      this.gangMembers.set(f.gang, list);
    }
  }

  /** The same nodes with nothing running, for judging whether a gang could ever fit. */
  emptyCluster(): ClusterState {
    if (this.empty === undefined) {
      this.empty = new ClusterState(this.snapshot.nodes, [], this.namespaceLabels);
      this.empty.settle();
    }
    return this.empty;
  }

  result(): Plan {
    const byPod = (a: { pod: string }, b: { pod: string }): number => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0);
    return {
      bindings: this.bindings,
      evictions: this.evictions.sort(byPod),
      nominations: this.nominations,
      unschedulable: this.unschedulable.sort(byPod),
    };
  }

  hold(pod: Pod, reason: Unschedulable['reason'], message: string): void {
    this.unschedulable.push({ pod: pod.key, reason, message });
  }

  bind(f: PodFacts, ns: NodeState): void {
    this.state.place(f, ns);
    this.bindings.push({ pod: f.pod.key, node: ns.node.name });
  }

  /** Records a binding whose placement is already in the state (a committed gang). */
  keepBinding(f: PodFacts, ns: NodeState): void {
    this.bindings.push({ pod: f.pod.key, node: ns.node.name });
  }

  nominate(f: PodFacts, ns: NodeState): void {
    this.state.reserve(f, ns);
    this.nominations.push({ pod: f.pod.key, node: ns.node.name });
  }

  evict(choice: VictimChoice, preemptor: PodFacts): void {
    for (const v of choice.victims) {
      this.state.markVictim(v);
      this.evictions.push({ pod: v.pod.key, node: v.pod.nodeName, preemptor: preemptor.pod.key });
    }
  }

  canPreempt(f: PodFacts): boolean {
    return this.config.preemption && f.pod.preemptionPolicy !== 'Never';
  }

  /**
   * The node a nominated pod keeps waiting for: its victims are still terminating and
   * not yet past the nomination timeout. No new evictions while they are (no thrash).
   */
  waitingFor(f: PodFacts): NodeState | undefined {
    // A node cordoned, tainted or gone unready since the nomination is not worth waiting for.
    if (!this.nominationStands(f)) return undefined;
    const ns = this.state.byName.get(f.pod.nominatedNodeName)!;
    for (const v of ns.bound) {
      const deleting = v.pod.deletionTime;
      if (deleting !== undefined && v.priority < f.priority && deleting + this.config.nominationTimeoutMs > this.now) {
        return ns;
      }
    }
    return undefined;
  }

  schedulePod(f: PodFacts): void {
    this.state.unreserve(f);
    const placement = findNode(this.search, f);
    if (placement.ok) return this.bind(f, placement.ns);
    const waiting = this.waitingFor(f);
    if (waiting !== undefined) return this.nominate(f, waiting);
    if (this.canPreempt(f)) {
      const choice = choosePreemption(this.preemption, f, placement.resolvable, shapeOf(f, this.search.labelsMatter));
      if (choice !== undefined) {
        this.evict(choice, f);
        return this.nominate(f, choice.ns);
      }
    }
    this.hold(f.pod, 'Unschedulable', this.unavailable(placement, this.canPreempt(f)));
  }

  unavailable(p: Placement & { ok: false }, preemptionTried: boolean): string {
    const total = this.state.nodes.length;
    const message = nodesUnavailable(total, p.tally);
    if (!preemptionTried || total === 0) return message;
    const after = new ReasonTally();
    after.add(Array(p.resolvable.length).fill(REASON.noVictims));
    const notHelpful = total - p.resolvable.length;
    for (let i = 0; i < notHelpful; i++) after.add([REASON.preemptionNotHelpful]);
    return `${message} preemption: ${nodesUnavailable(total, after)}`;
  }

  /** The pod's nominated node exists and would still take it (not cordoned, tainted or unready since). */
  nominationStands(f: PodFacts): boolean {
    const ns = this.state.byName.get(f.pod.nominatedNodeName);
    return ns !== undefined && checkStatic(f, ns.node) === undefined;
  }
}
