// What one pass knows about pods across nodes: counts per topology domain of pods
// matching a rule, and the (anti-)affinity terms that bound pods carry. The cluster
// state calls `update` for every placement and every undone one, so counts
// follow gangs' tentative placements and their rollback.
import { NO_POD_AFFINITY, type Node, type PodAffinityTerm } from '../model.js';
import type { NodeState, PodFacts } from '../state.js';
import { DomainCounts } from './domain-counts.js';
import { identity, type NamespaceLabels } from './terms.js';

/** A distinct term carried by bound pods, with its carriers counted per domain. */
export interface HeldTerm {
  readonly term: PodAffinityTerm;
  /** Score weight per carrier: preferred weight, -weight for anti-affinity, 1 for required affinity. */
  readonly weight: number;
  readonly carriers: DomainCounts<PodFacts>;
}

/** Nodes a spread constraint counts on, with their domain values (static for a pass). */
export interface EligibleNodes {
  readonly nodes: readonly NodeState[];
  readonly values: readonly string[];
}

const ALWAYS = (): boolean => true;
/** kube-scheduler's hardPodAffinityWeight: an existing pod's required affinity scores like a preferred term of weight 1. */
const HARD_POD_AFFINITY_WEIGHT = 1;

export class TopologyIndex {
  /** Bumped on every placement or undone placement: verdicts that read domains are stale. */
  version = 0;
  /** Required anti-affinity terms of bound pods (applied to incoming pods symmetrically). */
  readonly heldAnti = new Map<string, HeldTerm>();
  /** Terms of bound pods that score incoming pods (preferred terms, required affinity). */
  readonly heldScoring = new Map<string, HeldTerm>();
  private readonly counts = new Map<string, DomainCounts<PodFacts>>();
  private readonly eligible = new Map<string, EligibleNodes>();

  constructor(
    private readonly nodes: readonly NodeState[],
    readonly namespaceLabels: NamespaceLabels,
  ) {}

  update(f: PodFacts, ns: NodeState, sign: 1 | -1): void {
    this.version++;
    for (const c of this.counts.values()) c.update(f, ns.node, ns.index, sign);
    const rules = f.pod.podAffinity;
    if (rules === NO_POD_AFFINITY) return;
    for (const t of rules.requiredAnti) this.carry(this.heldAnti, 'anti', t, 1, f, ns, sign);
    for (const t of rules.required) this.carry(this.heldScoring, 'hard', t, HARD_POD_AFFINITY_WEIGHT, f, ns, sign);
    for (const w of rules.preferred) this.carry(this.heldScoring, 'pref', w.term, w.weight, f, ns, sign);
    for (const w of rules.preferredAnti) this.carry(this.heldScoring, 'prefAnti', w.term, -w.weight, f, ns, sign);
  }

  private carry(
    held: Map<string, HeldTerm>,
    kind: string,
    term: PodAffinityTerm,
    weight: number,
    f: PodFacts,
    ns: NodeState,
    sign: 1 | -1,
  ): void {
    if (weight === 0) return;
    const key = `${kind}\0${weight}\0${identity(term)}`;
    let h = held.get(key);
    if (h === undefined) {
      h = { term, weight, carriers: new DomainCounts<PodFacts>(term.topologyKey, ALWAYS, this.nodes.length) };
      held.set(key, h);
    }
    h.carriers.update(f, ns.node, ns.index, sign);
  }

  /**
   * Bound pods matching `matches`, per domain of `topologyKey`. `key` names the
   * predicate: equal keys must mean equal predicates. Built on first use.
   */
  count(key: string, topologyKey: string, matches: (f: PodFacts) => boolean): DomainCounts<PodFacts> {
    const id = `${topologyKey}\0${key}`;
    let c = this.counts.get(id);
    if (c === undefined) {
      c = new DomainCounts(topologyKey, matches, this.nodes.length);
      for (const ns of this.nodes) for (const f of ns.bound) c.update(f, ns.node, ns.index, 1);
      this.counts.set(id, c);
    }
    return c;
  }

  /** Nodes passing `include`, cached by `key` (node labels and taints do not change in a pass). */
  eligibleNodes(key: string, topologyKey: string, include: (node: Node) => boolean): EligibleNodes {
    const id = `${topologyKey}\0${key}`;
    let e = this.eligible.get(id);
    if (e === undefined) {
      const nodes: NodeState[] = [];
      const values: string[] = [];
      for (const ns of this.nodes) {
        const value = ns.node.labels[topologyKey];
        if (value === undefined || !include(ns.node)) continue;
        nodes.push(ns);
        values.push(value);
      }
      e = { nodes, values };
      this.eligible.set(id, e);
    }
    return e;
  }
}
