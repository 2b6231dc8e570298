// One planning pass: snapshot + config + time -> plan. Pure and deterministic.
// Work is served by priority (a gang by its highest member), then age, then name.
// Single pods are placed or preempt for; a gang is a transaction that commits only
// when its quorum is reached, first without evictions, then with them.
import { checkStatic } from './filters/fit.js';
import { indexGangs, olderFirst, gangAnnotations, type Gang } from './gangs.js';
import type { Pod, Snapshot } from './model.js';
import { findNode, feasibleNodesToFind, shapeOf, type Placement, type Search } from './placement.js';
import type { Binding, Eviction, Nomination, Plan, PlanConfig, Unschedulable } from './plan-types.js';
import { choosePreemption, type PreemptionContext, type VictimChoice } from './preemption.js';
import { nodesUnavailable, REASON, ReasonTally } from './reasons.js';
import { ClusterState, portKeys, type NodeState, type PodFacts } from './state.js';

type Work =
  | { readonly kind: 'pod'; readonly facts: PodFacts }
  | { readonly kind: 'gang'; readonly gang: Gang; readonly facts: readonly PodFacts[] };

export function planCycle(snapshot: Snapshot, config: PlanConfig, nowMs: number): Plan {
  return new Pass(snapshot, config, nowMs).run();
}

class Pass {
  private readonly state: ClusterState;
  private readonly search: Search;
  private readonly preemption: PreemptionContext;
  private readonly work: Work[] = [];
  private readonly gangs: ReadonlyMap<string, Gang>;
  private readonly gangMembers = new Map<string, PodFacts[]>();
  private emptyCluster: ClusterState | undefined;

  private readonly bindings: Binding[] = [];
  private readonly evictions: Eviction[] = [];
  private readonly nominations: Nomination[] = [];
  private readonly unschedulable: Unschedulable[] = [];

  constructor(
    private readonly snapshot: Snapshot,
    private readonly config: PlanConfig,
    private readonly now: number,
  ) {
    const ours = (p: Pod): boolean => p.schedulerName === config.schedulerName;
    const isPending = (p: Pod): boolean =>
      ours(p) && p.nodeName === '' && p.phase === 'Pending' && p.deletionTime === undefined && !p.schedulingGated;
    const names = gangAnnotations(config.annotationPrefix);
    const index = indexGangs(snapshot.pods, ours, isPending, names);
    this.gangs = index.gangs;

    this.state = new ClusterState(snapshot.nodes, snapshot.pdbs);
    const pendingByGang = new Map<string, PodFacts[]>();
    for (const pod of snapshot.pods) {
      const groupName = pod.annotations[names.groupName];
      const gangKey = ours(pod) && groupName !== undefined ? `${pod.namespace}/${groupName}` : undefined;
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
    this.work.sort(byPriorityThenAge);

    this.search = {
      state: this.state,
      config,
      softTaints: snapshot.nodes.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule')),
      feasibleToFind: feasibleNodesToFind(snapshot.nodes.length, config.percentageOfNodesToScore),
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

  run(): Plan {
    for (const w of this.work) {
      if (w.kind === 'pod') this.schedulePod(w.facts);
      else this.scheduleGang(w.gang, w.facts);
    }
    const byPod = (a: { pod: string }, b: { pod: string }): number => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0);
    return {
      bindings: this.bindings,
      evictions: this.evictions.sort(byPod),
      nominations: this.nominations,
      unschedulable: this.unschedulable.sort(byPod),
    };
  }

  private hold(pod: Pod, reason: Unschedulable['reason'], message: string): void {
    this.unschedulable.push({ pod: pod.key, reason, message });
  }

  private bind(f: PodFacts, ns: NodeState): void {
    this.state.place(f, ns);
    this.bindings.push({ pod: f.pod.key, node: ns.node.name });
  }

  private nominate(f: PodFacts, ns: NodeState): void {
    this.state.reserve(f, ns);
    this.nominations.push({ pod: f.pod.key, node: ns.node.name });
  }

  private evict(choice: VictimChoice, preemptor: PodFacts): void {
    for (const v of choice.victims) {
      this.state.markVictim(v);
      this.evictions.push({ pod: v.pod.key, node: v.pod.nodeName, preemptor: preemptor.pod.key });
    }
  }

  private canPreempt(f: PodFacts): boolean {
    return this.config.preemption && f.pod.preemptionPolicy !== 'Never';
  }

  /**
   * The node a nominated pod keeps waiting for: its victims are still terminating and
   * not yet past the nomination timeout. No new evictions while they are (no thrash).
   */
  private waitingFor(f: PodFacts): NodeState | undefined {
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

  private schedulePod(f: PodFacts): void {
    this.state.unreserve(f);
    const placement = findNode(this.search, f);
    if (placement.ok) return this.bind(f, placement.ns);
    const waiting = this.waitingFor(f);
    if (waiting !== undefined) return this.nominate(f, waiting);
    if (this.canPreempt(f)) {
      const choice = choosePreemption(this.preemption, f, placement.resolvable, shapeOf(f));
      if (choice !== undefined) {
        this.evict(choice, f);
        return this.nominate(f, choice.ns);
      }
    }
    this.hold(f.pod, 'Unschedulable', this.unavailable(placement, this.canPreempt(f)));
  }

  private unavailable(p: Placement & { ok: false }, preemptionTried: boolean): string {
    const total = this.state.nodes.length;
    const message = nodesUnavailable(total, p.tally);
    if (!preemptionTried || total === 0) return message;
    const after = new ReasonTally();
    after.add(Array(p.resolvable.length).fill(REASON.noVictims));
    const notHelpful = total - p.resolvable.length;
    for (let i = 0; i < notHelpful; i++) after.add([REASON.preemptionNotHelpful]);
    return `${message} preemption: ${nodesUnavailable(total, after)}`;
  }

  private scheduleGang(gang: Gang, members: readonly PodFacts[]): void {
    const holdAll = (reason: Unschedulable['reason'], message: string): void =>
      members.forEach((f) => {
        this.state.unreserve(f);
        this.hold(f.pod, reason, message);
      });
    if (gang.invalid !== undefined) return holdAll('InvalidAnnotation', gang.invalid);
    const needed = gang.quorum - gang.placed;
    if (needed <= 0) return members.forEach((f) => this.schedulePod(f)); // quorum already met
    if (members.length < needed) {
      const present = gang.placed + members.length;
      return holdAll('GangWaiting', `gang ${gang.key}: waiting for members: ${present} of ${gang.quorum} present`);
    }

    // First without evictions: all members that fit, kept only if the quorum is reached.
    const start = this.state.mark();
    members.forEach((f) => this.state.unreserve(f));
    const placed: Array<[PodFacts, NodeState]> = [];
    const left: Array<[PodFacts, Placement & { ok: false }]> = [];
    for (const f of members) {
      const p = findNode(this.search, f);
      if (p.ok) {
        this.state.place(f, p.ns);
        placed.push([f, p.ns]);
      } else left.push([f, p]);
    }
    if (placed.length >= needed) {
      // Commit: the tentative placements stay in the state and become bindings.
      for (const [f, ns] of placed) this.bindings.push({ pod: f.pod.key, node: ns.node.name });
      for (const [f] of left) this.schedulePod(f); // beyond quorum: each on its own
      return;
    }
    this.state.rollback(start);
    const reachable = gang.placed + placed.length;
    const why = left[0] === undefined ? '' : ` the rest: ${this.unavailable(left[0][1], false)}`;

    const waiting = members.map((f) => this.waitingFor(f)).find((ns) => ns !== undefined);
    if (waiting !== undefined) {
      // Nominations are kept only while they still add up to the quorum: no partial gang holds room.
      const kept = members.filter((f) => this.nominationStands(f));
      if (kept.length >= needed) return this.keepNominations(gang, members, new Set(kept));
      return holdAll('GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
    }
    if (this.config.preemption && members.every((f) => this.canPreempt(f)) && this.preemptForGang(members, needed)) {
      return;
    }
    if (this.neverFits(members, needed)) {
      return holdAll(
        'GangUnschedulable',
        `gang ${gang.key}: ${needed} members can never fit this cluster, even with every node empty`,
      );
    }
    holdAll('GangUnschedulable', `gang ${gang.key}: ${reachable} of ${gang.quorum} members placeable;${why}`);
  }

  /** The pod's nominated node exists and would still take it (not cordoned, tainted or unready since). */
  private nominationStands(f: PodFacts): boolean {
    const ns = this.state.byName.get(f.pod.nominatedNodeName);
    return ns !== undefined && checkStatic(f, ns.node) === undefined;
  }

  /** A gang whose victims are still going: members keep their nodes, nothing new is evicted. */
  private keepNominations(gang: Gang, members: readonly PodFacts[], kept: ReadonlySet<PodFacts>): void {
    for (const f of members) {
      const ns = this.state.byName.get(f.pod.nominatedNodeName);
      if (ns !== undefined && kept.has(f)) this.nominate(f, ns);
      else {
        this.state.unreserve(f);
        this.hold(f.pod, 'GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
      }
    }
  }

  /** Places the gang with evictions; commits only if the quorum is reached, all members nominated. */
  private preemptForGang(members: readonly PodFacts[], needed: number): boolean {
    const start = this.state.mark();
    members.forEach((f) => this.state.unreserve(f));
    const chosen: Array<[PodFacts, NodeState, VictimChoice | undefined]> = [];
    const unplaced: Array<[PodFacts, Placement & { ok: false }]> = [];
    for (const f of members) {
      const p = findNode(this.search, f);
      if (p.ok) {
        this.state.reserve(f, p.ns);
        chosen.push([f, p.ns, undefined]);
        continue;
      }
      // Beyond the quorum, members only take room that is free; they never evict.
      const choice = chosen.length >= needed ? undefined : choosePreemption(this.preemption, f, p.resolvable, shapeOf(f));
      if (choice === undefined) {
        unplaced.push([f, p]);
        continue;
      }
      choice.victims.forEach((v) => this.state.markVictim(v));
      this.state.reserve(f, choice.ns);
      chosen.push([f, choice.ns, choice]);
    }
    this.state.rollback(start);
    if (chosen.length < needed) return false;
    members.forEach((f) => this.state.unreserve(f));
    for (const [f, ns, choice] of chosen) {
      if (choice !== undefined) this.evict(choice, f);
      this.nominate(f, ns);
    }
    for (const [f, p] of unplaced) this.hold(f.pod, 'Unschedulable', this.unavailable(p, false));
    return true;
  }

  /** Whether `needed` members cannot be placed even on the same nodes with nothing running. */
  private neverFits(members: readonly PodFacts[], needed: number): boolean {
    if (this.emptyCluster === undefined) {
      this.emptyCluster = new ClusterState(this.snapshot.nodes, []);
      this.emptyCluster.settle();
    }
    const empty = this.emptyCluster;
    const search: Search = { ...this.search, state: empty, nextStart: 0, failures: new Map() };
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
}

function workPriority(w: Work): number {
  return w.kind === 'pod' ? w.facts.priority : w.gang.priority;
}

function workAge(w: Work): Pod {
  return w.kind === 'pod' ? w.facts.pod : w.facts[0]!.pod;
}

function workKey(w: Work): string {
  return w.kind === 'pod' ? w.facts.pod.key : w.gang.key;
}

function byPriorityThenAge(a: Work, b: Work): number {
  const pa = workPriority(a);
  const pb = workPriority(b);
  if (pa !== pb) return pb - pa;
  const ta = workAge(a).creationTime;
  const tb = workAge(b).creationTime;
  if (ta !== tb) return ta - tb;
  const ka = workKey(a);
  const kb = workKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
