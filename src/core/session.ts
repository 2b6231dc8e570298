// A session: one pass's working copy of the cluster (the snapshot loaded into a
// ClusterState), the pending work, and the plan being built. Actions (actions/) place
// pods and gangs through its entry points only: find a node, find victims, make
// tentative changes in a statement that is kept or discarded, and record the outcome.
import { compareStrings } from './compare.js';
import { Rooms, type Demand, type Room } from './domain-room.js';
import { DomainIndex, domainIn, domainName, type Domain } from './domains.js';
import { checkStatic } from './filters/fit.js';
import { beyondCapacity, clusterCapacity, type Capacity } from './gang-capacity.js';
import { indexGangs, olderFirst, podRoles, type Gang } from './gangs.js';
import { NO_POD_AFFINITY, type MinResources, type Pod, type Snapshot } from './model.js';
import { findNode, feasibleNodesToFind, shapeOf, type Placement, type Search } from './placement.js';
import type { Binding, Eviction, Nomination, Plan, PlanConfig, Unschedulable, VolumeChoice } from './plan-types.js';
import { choosePreemption, type PreemptionContext, type VictimChoice } from './preemption.js';
import { nodesUnavailable, REASON, ReasonTally } from './reasons.js';
import { ClusterState, portKeys, type NodeState, type PodFacts } from './state.js';
import { needsNamespaceLabels, type NamespaceLabels } from './topology/terms.js';
import { VolumeIndex } from './volumes/index.js';
import { prepareVolumes } from './volumes/rules.js';

/** Labels by namespace name; undefined for every namespace when the snapshot has none. */
function namespaceLabelsOf(snapshot: Snapshot): NamespaceLabels {
  const byName = new Map((snapshot.namespaces ?? []).map((n) => [n.name, n.labels]));
  return (name) => byName.get(name);
}

export type Work =
  | { readonly kind: 'pod'; readonly facts: PodFacts }
  | { readonly kind: 'gang'; readonly gang: Gang; readonly facts: readonly PodFacts[] };

/**
 * Tentative changes (placements, victims) that are kept only when `keep` is called;
 * `discard` undoes them all, counts across topology domains included.
 */
export interface Statement {
  place(f: PodFacts, ns: NodeState): void;
  /** Marks the victims as going away (they still hold their node). */
  evict(choice: VictimChoice): void;
  discard(): void;
  keep(): void;
}

/** The state of one pass and the plan it builds. `work` is the pending work, unordered. */
export class Session {
  private readonly state: ClusterState;
  private readonly search: Search;
  private readonly preemption: PreemptionContext;
  readonly work: Work[] = [];
  private readonly gangs: ReadonlyMap<string, Gang>;
  private readonly gangMembers = new Map<string, PodFacts[]>();
  private empty: ClusterState | undefined;
  private capacity: Capacity | undefined;
  private readonly namespaceLabels: NamespaceLabels;
  /** Topology domains of the keys gangs ask for. */
  readonly domains: DomainIndex;
  /** A search limited to each domain tried, so failed searches are remembered per domain. */
  private readonly scoped = new Map<Domain, Search>();
  private roomCache: Rooms | undefined;

  private readonly bindings: Binding[] = [];
  private readonly evictions: Eviction[] = [];
  private readonly nominations: Nomination[] = [];
  private readonly unschedulable: Unschedulable[] = [];
  private readonly volumeChoices: VolumeChoice[] = [];
  private readonly volumeIndex: VolumeIndex;

  constructor(
    private readonly snapshot: Snapshot,
    readonly config: PlanConfig,
    private readonly now: number,
  ) {
    const roles = podRoles(config.schedulerName);
    const { ours, isPending } = roles;
    const index = indexGangs(snapshot, config.gangSources, roles);
    this.gangs = index.gangs;

    this.namespaceLabels = namespaceLabelsOf(snapshot);
    this.state = new ClusterState(snapshot.nodes, snapshot.pdbs, this.namespaceLabels);
    this.domains = new DomainIndex(this.state.nodes);
    const pendingByGang = new Map<string, PodFacts[]>();
    for (const pod of snapshot.pods) {
      const gangKey = pod.gangRefs === undefined ? undefined : index.gangOf.get(pod.key);
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
        const held = index.heldPods.get(pod.key);
        if (held !== undefined) {
          this.hold(pod, held.reason, held.message);
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
    this.volumeIndex = new VolumeIndex(snapshot, this.state, {
      now,
      timeoutMs: config.volumeBindTimeoutMs,
      prefix: config.annotationPrefix,
    });

    this.search = {
      state: this.state,
      config,
      softTaints: snapshot.nodes.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule')),
      feasibleToFind: feasibleNodesToFind(snapshot.nodes.length, config.percentageOfNodesToScore),
      labelsMatter: snapshot.pods.some((p) => p.podAffinity !== NO_POD_AFFINITY),
      nextStart: 0,
      volumes: this.volumeIndex,
      failures: new Map(),
    };
    this.preemption = {
      search: this.search,
      pdbs: snapshot.pdbs,
      quorum: (g) => this.gangs.get(g)?.quorum ?? 0,
      disruptedTogether: (g) => this.gangs.get(g)?.disruptionMode === 'all',
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
  private emptyCluster(): ClusterState {
    if (this.empty === undefined) {
      this.empty = new ClusterState(this.snapshot.nodes, [], this.namespaceLabels);
      this.empty.settle();
    }
    return this.empty;
  }

  /** A node for the pod as things stand (no evictions), in `domain` when given. */
  find(f: PodFacts, domain?: Domain): Placement {
    return findNode(domain === undefined ? this.search : this.searchIn(domain), f);
  }

  private searchIn(domain: Domain): Search {
    let search = this.scoped.get(domain);
    if (search === undefined) {
      const feasibleToFind = feasibleNodesToFind(domain.nodes.length, this.config.percentageOfNodesToScore);
      search = { ...this.search, scope: domain, feasibleToFind, nextStart: 0, failures: new Map() };
      this.scoped.set(domain, search);
    }
    return search;
  }

  /** The node of this name, when the snapshot has it. */
  nodeNamed(name: string): NodeState | undefined {
    return this.state.byName.get(name);
  }

  /** How many times `demand` fits each domain, as `f` sees it (see domain-room.ts). */
  rooms(f: PodFacts, demand: Demand): (domain: Domain) => Room {
    this.roomCache ??= new Rooms(this.state);
    return this.roomCache.view(f, demand);
  }

  /** The cheapest victims that make room for the pod on one of the nodes evictions could help. */
  victimsFor(f: PodFacts, failed: Placement & { ok: false }): VictimChoice | undefined {
    return choosePreemption(this.preemption, f, failed.resolvable, shapeOf(f, this.search.labelsMatter));
  }

  statement(): Statement {
    const state = this.state;
    const mark = state.mark();
    return {
      place: (f, ns) => {
        state.place(f, ns);
        this.chooseVolumes(f, ns); // tentative like the placement: later members see the volumes taken
      },
      evict: (choice) => choice.victims.forEach((v) => state.markVictim(v)),
      discard: () => state.rollback(mark),
      keep: () => undefined, // the changes stay in the state; the undo log is cleared only at settle
    };
  }

  /** Drops the pod's own nomination from the state while it is planned again. */
  release(f: PodFacts): void {
    this.state.unreserve(f);
  }

  /** The node the pod is nominated to, when it exists. */
  nominatedNode(f: PodFacts): NodeState | undefined {
    return this.state.byName.get(f.pod.nominatedNodeName);
  }

  /**
   * Whether `needed` members cannot be placed even on the same nodes with nothing
   * running. Affinity to other pods may be met once they run: an empty cluster proves
   * nothing then, so such members are never called hopeless.
   */
  neverFits(members: readonly PodFacts[], needed: number, domain?: Domain): boolean {
    if (members.some((f) => f.pod.podAffinity.required.length > 0)) return false;
    const empty = this.emptyCluster();
    const base: Search = { ...this.search, state: empty, nextStart: 0, failures: new Map() };
    const search: Search = domain === undefined ? base : { ...base, scope: domainIn(empty, domain) };
    const start = empty.mark();
    let count = 0;
    for (const f of members) {
      const p = findNode(search, { ...f, pod: { ...f.pod, nominatedNodeName: '' } });
      if (p.ok) {
        empty.place(f, p.ns);
        if (++count >= needed) break;
      }
    }
    empty.rollback(start);
    return count < needed;
  }

  /** What of a gang's minResources exceeds every ready, schedulable node together; undefined when it fits. */
  beyondCluster(min: MinResources): string | undefined {
    this.capacity ??= clusterCapacity(this.snapshot.nodes);
    return beyondCapacity(min, this.capacity);
  }

  result(): Plan {
    const byPod = (a: { pod: string }, b: { pod: string }): number => compareStrings(a.pod, b.pod);
    const releases = [...this.volumeIndex.expired]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([claim, volume]) => ({ claim, volume }));
    return {
      bindings: this.bindings,
      evictions: this.evictions.sort(byPod),
      nominations: this.nominations,
      unschedulable: this.unschedulable.sort(byPod),
      ...(this.volumeChoices.length > 0 ? { volumeChoices: this.volumeChoices } : {}),
      ...(releases.length > 0 ? { volumeReleases: releases } : {}),
    };
  }

  /** Every claim of the pod is Bound, so it may be bound; otherwise it waits, nominated, for them. */
  bindable(f: PodFacts): boolean {
    return prepareVolumes(this.volumeIndex, f)?.bound ?? true;
  }

  /** Chooses volumes on the node for the pod's claims that have none yet; returns the choices made. */
  private chooseVolumes(
    f: PodFacts,
    ns: NodeState,
  ): ReadonlyArray<{ readonly claim: string; readonly volume: string }> {
    return prepareVolumes(this.volumeIndex, f)?.choose(ns) ?? [];
  }

  hold(pod: Pod, reason: Unschedulable['reason'], message: string): void {
    this.unschedulable.push({ pod: pod.key, reason, message });
  }

  bind(f: PodFacts, ns: NodeState): void {
    this.state.place(f, ns);
    this.chooseVolumes(f, ns);
    this.bindings.push({ pod: f.pod.key, node: ns.node.name });
  }

  /** Records a binding whose placement is already in the state (a kept statement). */
  recordBinding(f: PodFacts, ns: NodeState): void {
    this.bindings.push({ pod: f.pod.key, node: ns.node.name });
  }

  /** Holds the node for the pod; volumes are chosen there for its claims that have none, to be written. */
  nominate(f: PodFacts, ns: NodeState): void {
    this.state.reserve(f, ns);
    const claims = this.chooseVolumes(f, ns);
    if (claims.length > 0) this.volumeChoices.push({ pod: f.pod.key, node: ns.node.name, claims });
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
    const ns = this.nominatedNode(f);
    if (ns === undefined) return undefined;
    for (const v of ns.bound) {
      const deleting = v.pod.deletionTime;
      if (deleting !== undefined && v.priority < f.priority && deleting + this.config.nominationTimeoutMs > this.now) {
        return ns;
      }
    }
    return undefined;
  }

  /** kube-scheduler's message for a failed search; one limited to a domain names it and counts its nodes. */
  unavailable(p: Placement & { ok: false }, preemptionTried: boolean, domain?: Domain): string {
    const total = domain?.nodes.length ?? this.state.nodes.length;
    const where = domain === undefined ? '' : `${domainName(domain)}: `;
    const message =
      where +
      (p.preFilter === undefined
        ? nodesUnavailable(total, p.tally)
        : `0/${total} nodes are available: ${p.preFilter}.`);
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
