// Gangs: pods of one namespace that declare the same gang (see gang-membership.ts),
// placed all or nothing. Invalid declarations fail closed: the pods are held with a
// reason that names the field, and nothing else is affected.
import { compareStrings } from './compare.js';
import { GangResolver, type Hold, type Membership } from './gang-membership.js';
import { sourceCheck } from './gang-sources.js';
import type { GangSource, MinResources, Pod, PodGroup, Snapshot } from './model.js';
import type { PlanConfig } from './plan-types.js';

export type { Hold } from './gang-membership.js';

export interface Gang {
  /** `namespace/name`, with the source for sources other than custom (see gangKey). */
  readonly key: string;
  readonly source: GangSource;
  /** Every visible member: ours, not Failed, not being deleted. */
  readonly members: readonly Pod[];
  /** Members waiting for a node (pending for us), oldest first. */
  readonly pending: readonly Pod[];
  /** Members bound and alive, plus those that succeeded. */
  readonly placed: number;
  readonly quorum: number;
  /** The PodGroup's priority, else the highest priority among the members. */
  readonly priority: number;
  /** false when the PodGroup's preemptionPolicy is Never. */
  readonly mayPreempt: boolean;
  /** 'all': a bound member chosen as a victim takes every bound member with it. */
  readonly disruptionMode: 'single' | 'all';
  readonly minResources: MinResources | undefined;
  /**
   * Every member runs on nodes with one value of this node label (a rack, a zone), nodes
   * without it are not candidates; undefined: no such constraint.
   */
  readonly topologyKey: string | undefined;
  /** The gang is tried first in the tightest domain of this label that fits it, then anywhere. */
  readonly preferredTopologyKey: string | undefined;
  /** Set when the gang cannot be placed as declared: every pending member is held with this. */
  readonly held: Hold | undefined;
}

export interface GangIndex {
  readonly gangs: ReadonlyMap<string, Gang>;
  /** The gang key of each of our pods that belongs to a gang, alive or not. */
  readonly gangOf: ReadonlyMap<string, string>;
  /** Our pods held on their own before any gang is formed: pod key -> why. */
  readonly heldPods: ReadonlyMap<string, Hold>;
}

function isAlive(p: Pod): boolean {
  return p.deletionTime === undefined && p.phase !== 'Failed';
}

/** Ours: our schedulerName. Pending: ours, unbound, Pending, not being deleted, not gated. */
export interface PodRoles {
  readonly ours: (p: Pod) => boolean;
  readonly isPending: (p: Pod) => boolean;
}

export function podRoles(schedulerName: string): PodRoles {
  const ours = (p: Pod): boolean => p.schedulerName === schedulerName;
  const isPending = (p: Pod): boolean =>
    ours(p) && p.nodeName === '' && p.phase === 'Pending' && p.deletionTime === undefined && !p.schedulingGated;
  return { ours, isPending };
}

/** What the members of one gang said, gathered while the pods are read. */
interface Draft {
  readonly source: GangSource;
  readonly group: PodGroup | undefined;
  readonly members: Pod[];
  /** The largest quorum a member states. */
  stated: number;
  /** Topology keys the members state (or their PodGroup), each with the first pod by name that does. */
  readonly topologyKeys: Map<string, string>;
  readonly preferredKeys: Map<string, string>;
  problem: Hold | undefined;
}

/** The gangs of a snapshot as the planner groups them (the runtime asks too). */
export function gangsOf(snapshot: Snapshot, config: Pick<PlanConfig, 'schedulerName' | 'gangSources'>): GangIndex {
  return indexGangs(snapshot, config.gangSources, podRoles(config.schedulerName));
}

/**
 * The key of the gang a pod belongs to as the planner groups pods, or undefined (no gang,
 * or held on its own). PodGroups are indexed once; each pod then costs a map lookup.
 */
export function gangKeyResolver(
  snapshot: Snapshot,
  config: Pick<PlanConfig, 'gangSources'>,
): (pod: Pod) => string | undefined {
  const resolver = new GangResolver(snapshot, sourceCheck(config.gangSources, snapshot));
  return (pod) => {
    const m = resolver.resolve(pod);
    return m.kind === 'member' ? m.key : undefined;
  };
}

export function indexGangs(snapshot: Snapshot, sources: readonly GangSource[], roles: PodRoles): GangIndex {
  const resolver = new GangResolver(snapshot, sourceCheck(sources, snapshot));
  const heldPods = new Map<string, Hold>();
  const gangOf = new Map<string, string>();
  const drafts = new Map<string, Draft>();
  for (const p of snapshot.pods) {
    if (p.gangRefs === undefined || !roles.ours(p)) continue;
    const m: Membership = resolver.resolve(p);
    if (m.kind === 'none') continue;
    if (m.kind === 'held') {
      if (isAlive(p)) heldPods.set(p.key, m.hold);
      continue;
    }
    gangOf.set(p.key, m.key);
    if (!isAlive(p)) continue;
    let draft = drafts.get(m.key);
    if (draft === undefined) {
      draft = {
        source: m.source,
        group: m.group,
        members: [],
        stated: 0,
        topologyKeys: new Map(),
        preferredKeys: new Map(),
        problem: undefined,
      };
      drafts.set(m.key, draft);
    }
    draft.members.push(p);
    if (m.quorum !== undefined) draft.stated = Math.max(draft.stated, m.quorum);
    stating(draft.topologyKeys, m.topologyKey, p.name);
    stating(draft.preferredKeys, m.preferredTopologyKey, p.name);
    draft.problem ??= m.problem;
  }

  const gangs = new Map<string, Gang>();
  for (const [key, draft] of drafts) gangs.set(key, describeGang(key, draft, roles.isPending));
  return { gangs, gangOf, heldPods };
}

/** Records that pod `name` states `value`, keeping the first name in order (any pod order gives the same). */
function stating(stated: Map<string, string>, value: string | undefined, name: string): void {
  if (value === undefined) return;
  const known = stated.get(value);
  if (known === undefined || compareStrings(name, known) < 0) stated.set(value, name);
}

/**
 * Members that state different keys: the gang is held, naming the first two (members
 * that state none follow the others, as with min-available).
 */
function disagreement(key: string, what: string, stated: ReadonlyMap<string, string>): Hold | undefined {
  if (stated.size < 2) return undefined;
  const [a, b] = [...stated].sort(([x], [y]) => compareStrings(x, y));
  if (a === undefined || b === undefined) return undefined;
  return {
    reason: 'InvalidAnnotation',
    message: `gang ${key}: members disagree on the ${what}: ${a[0]} (pod ${a[1]}) but ${b[0]} (pod ${b[1]})`,
  };
}

function describeGang(key: string, draft: Draft, isPending: (p: Pod) => boolean): Gang {
  const { members, group } = draft;
  let priority = Number.NEGATIVE_INFINITY;
  let placed = 0;
  const pending: Pod[] = [];
  for (const p of members) {
    priority = Math.max(priority, p.priority);
    if (p.phase === 'Succeeded' || p.nodeName !== '') placed++;
    else if (isPending(p)) pending.push(p);
  }
  pending.sort(olderFirst);
  // A PodGroup's quorum is its own; else the largest a member states, else every member.
  const quorum = typeof group?.quorum === 'number' ? group.quorum : draft.stated > 0 ? draft.stated : members.length;
  return {
    key,
    source: draft.source,
    members,
    pending,
    placed,
    quorum,
    priority: group?.priority ?? priority,
    mayPreempt: group?.preemptionPolicy !== 'Never',
    disruptionMode: group?.disruptionMode ?? 'single',
    minResources: group?.minResources,
    topologyKey: first(draft.topologyKeys),
    preferredTopologyKey: first(draft.preferredKeys),
    held:
      draft.problem ??
      groupHold(key, group) ??
      disagreement(key, 'topology key', draft.topologyKeys) ??
      disagreement(key, 'preferred topology key', draft.preferredKeys),
  };
}

/** The one key stated (the gang is held when more are). */
function first(stated: ReadonlyMap<string, string>): string | undefined {
  return stated.keys().next().value;
}

/** What a PodGroup asks that this scheduler cannot do: its members wait. */
function groupHold(key: string, group: PodGroup | undefined): Hold | undefined {
  if (group?.unsupported !== undefined) {
    return { reason: 'GangUnschedulable', message: `gang ${key}: ${group.unsupported}` };
  }
  return undefined;
}

/** Creation time, then namespace/name: the order pods of equal priority are served in. */
export function olderFirst(a: Pod, b: Pod): number {
  if (a.creationTime !== b.creationTime) return a.creationTime - b.creationTime;
  return compareStrings(a.key, b.key);
}
