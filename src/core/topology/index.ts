// What one pass knows about pods across nodes: counts per topology domain of pods
// matching a rule, and the (anti-)affinity terms that bound pods carry. The cluster
// state calls `update` for every placement and every undone one, so counts follow
// gangs' tentative placements and their rollback.
import { NO_POD_AFFINITY, type Node, type PodAffinityTerm } from '../model.js';
import type { NodeState, PodFacts } from '../state.js';
import { labelAnchor } from './anchors.js';
import { DomainCounts } from './domain-counts.js';
import { identity, type NamespaceLabels } from './terms.js';

/** A distinct term carried by bound pods, with its carriers counted per domain. */
export interface HeldTerm {
  readonly term: PodAffinityTerm;
  /** Score weight per carrier: preferred weight, -weight for anti-affinity, 1 for required affinity. */
  readonly weight: number;
  readonly carriers: DomainCounts<PodFacts>;
}

/** Nodes a spread constraint counts on (static for a pass). */
export interface EligibleNodes {
  readonly nodes: readonly NodeState[];
  readonly values: readonly string[];
  /** 1 at the index of every eligible node. */
  readonly member: Uint8Array;
  /** The distinct domain values of the eligible nodes. */
  readonly domains: readonly string[];
  /** Every node carrying the key is eligible (so per-domain counts can be read as they are). */
  readonly complete: boolean;
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
  /** Counts by anchor label; counts without an anchor are in `unanchored`. */
  private readonly anchored = new Map<string, Array<DomainCounts<PodFacts>>>();
  private readonly unanchored: Array<DomainCounts<PodFacts>> = [];
  /** Bound pods by label (`key=value`), built on the first count. */
  private postings: Map<string, Map<PodFacts, NodeState>> | undefined;
  private readonly eligible = new Map<string, EligibleNodes>();

  constructor(
    private readonly nodes: readonly NodeState[],
    readonly namespaceLabels: NamespaceLabels,
  ) {}

  update(f: PodFacts, ns: NodeState, sign: 1 | -1): void {
    this.version++;
    if (this.counts.size > 0) {
      for (const c of this.unanchored) c.update(f, ns.node, ns.index, sign);
      for (const [k, v] of Object.entries(f.pod.labels)) {
        const anchor = labelAnchor(k, v);
        const list = this.anchored.get(anchor);
        if (list !== undefined) for (const c of list) c.update(f, ns.node, ns.index, sign);
      }
    }
    if (this.postings !== undefined) post(this.postings, f, ns, sign);
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
   * predicate: equal keys must mean equal predicates. `anchors` (see anchors.ts) are
   * labels one of which every matching pod carries, or undefined. Built on first use.
   */
  count(
    key: string,
    topologyKey: string,
    matches: (f: PodFacts) => boolean,
    anchors: readonly string[] | undefined,
  ): DomainCounts<PodFacts> {
    const id = `${topologyKey}\0${key}`;
    let c = this.counts.get(id);
    if (c !== undefined) return c;
    c = new DomainCounts(topologyKey, matches, this.nodes.length);
    if (anchors === undefined) {
      for (const ns of this.nodes) for (const f of ns.bound) c.update(f, ns.node, ns.index, 1);
      this.unanchored.push(c);
    } else {
      const postings = this.labelPostings();
      for (const anchor of new Set(anchors)) {
        for (const [f, ns] of postings.get(anchor) ?? []) c.update(f, ns.node, ns.index, 1);
        const list = this.anchored.get(anchor) ?? [];
        list.push(c);
        this.anchored.set(anchor, list);
      }
    }
    this.counts.set(id, c);
    return c;
  }

  private labelPostings(): Map<string, Map<PodFacts, NodeState>> {
    if (this.postings === undefined) {
      const postings = new Map<string, Map<PodFacts, NodeState>>();
      for (const ns of this.nodes) for (const f of ns.bound) post(postings, f, ns, 1);
      this.postings = postings;
    }
    return this.postings;
  }

  /** Nodes carrying `topologyKey` that pass `include`, cached by `key` (nodes do not change in a pass). */
  eligibleNodes(key: string, topologyKey: string, include: (node: Node) => boolean): EligibleNodes {
    const id = `${topologyKey}\0${key}`;
    let e = this.eligible.get(id);
    if (e === undefined) {
      const nodes: NodeState[] = [];
      const values: string[] = [];
      const member = new Uint8Array(this.nodes.length);
      let complete = true;
      for (const ns of this.nodes) {
        const value = ns.node.labels[topologyKey];
        if (value === undefined) continue;
        if (!include(ns.node)) {
          complete = false;
          continue;
        }
        nodes.push(ns);
        values.push(value);
        member[ns.index] = 1;
      }
      e = { nodes, values, member, domains: [...new Set(values)], complete };
      this.eligible.set(id, e);
    }
    return e;
  }
}

function post(postings: Map<string, Map<PodFacts, NodeState>>, f: PodFacts, ns: NodeState, sign: 1 | -1): void {
  for (const [k, v] of Object.entries(f.pod.labels)) {
    const anchor = labelAnchor(k, v);
    let pods = postings.get(anchor);
    if (sign === 1) {
      if (pods === undefined) postings.set(anchor, (pods = new Map<PodFacts, NodeState>()));
      pods.set(f, ns);
    } else pods?.delete(f);
  }
}
