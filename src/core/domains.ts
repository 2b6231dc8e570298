// Topology domains of gangs: the nodes that share a value of a node label (a rack, a
// zone), where a topology-constrained gang runs whole. Nodes without the label are in
// no domain and are never candidates for such a gang. How much room a domain has for a
// gang is in domain-room.ts.
import { compareStrings } from './compare.js';
import type { Node } from './model.js';
import type { ClusterState, NodeState } from './state.js';

export interface Domain {
  /** The label keys that make it: the required key, then the preferred one when both are tried together. */
  readonly keys: readonly string[];
  /** Its label values, one per key. */
  readonly values: readonly string[];
  /** The values joined by ', ': how reasons name it, and the order of ties. */
  readonly value: string;
  /** Its nodes, by name. */
  readonly nodes: readonly NodeState[];
  /** NodeState.index of each of its nodes. */
  readonly indexes: ReadonlySet<number>;
}

/** The node's value for `keys`, or undefined when it lacks one of the labels. */
export function domainValue(node: Node, keys: readonly string[]): string | undefined {
  const values: string[] = [];
  for (const key of keys) {
    const value = node.labels[key];
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values.join(', ');
}

/** The domains of `keys` among the nodes, by value. */
export function domainsOf(nodes: readonly NodeState[], keys: readonly string[]): Domain[] {
  const byValue = new Map<string, NodeState[]>();
  for (const ns of nodes) {
    const value = domainValue(ns.node, keys);
    if (value === undefined) continue;
    const list = byValue.get(value);
    if (list === undefined) byValue.set(value, [ns]);
    else list.push(ns);
  }
  return [...byValue]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([value, list]) => ({
      keys,
      values: keys.map((k) => list[0]?.node.labels[k] ?? ''),
      value,
      nodes: list,
      indexes: new Set(list.map((ns) => ns.index)),
    }));
}

/** The domains of each set of keys asked for in a pass, made once (node labels do not change in a pass). */
export class DomainIndex {
  private readonly known = new Map<string, { list: readonly Domain[]; byValue: ReadonlyMap<string, Domain> }>();

  constructor(private readonly nodes: readonly NodeState[]) {}

  private entry(keys: readonly string[]): { list: readonly Domain[]; byValue: ReadonlyMap<string, Domain> } {
    const id = keys.join('\n');
    let entry = this.known.get(id);
    if (entry === undefined) {
      const list = domainsOf(this.nodes, keys);
      entry = { list, byValue: new Map(list.map((d) => [d.value, d])) };
      this.known.set(id, entry);
    }
    return entry;
  }

  /** Every domain of `keys`, by value. */
  of(keys: readonly string[]): readonly Domain[] {
    return this.entry(keys).list;
  }

  /** The domain of `keys` with this value (see domainValue). */
  find(keys: readonly string[], value: string): Domain | undefined {
    return this.entry(keys).byValue.get(value);
  }
}

/** The same domain over another state of the same nodes (the empty cluster). */
export function domainIn(state: ClusterState, d: Domain): Domain {
  const nodes: NodeState[] = [];
  for (const ns of d.nodes) {
    const there = state.nodes[ns.index];
    if (there !== undefined) nodes.push(there);
  }
  return { ...d, nodes };
}

/** `example.com/rack r3`, as reasons name a domain. */
export function domainName(d: Domain): string {
  return `${d.keys.join(', ')} ${d.value}`;
}
