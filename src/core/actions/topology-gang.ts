// Gangs that run in one topology domain (a rack, a zone: the nodes that share a value of
// the gang's topology key). Members already running pin the domain. Otherwise the
// domains are tried tightest first (least room for the gang that still fits it, so
// roomier domains stay free for larger gangs; ties by label value) and the gang goes to
// the first where its quorum fits. When none fits, it may preempt within the one domain
// whose victims cost least. A preferred key is tried the same way first, without
// evictions; the gang then falls back to its required domain, or anywhere.
import { compareStrings } from '../compare.js';
import { demandOf, staticRules } from '../domain-room.js';
import { domainValue, type Domain } from '../domains.js';
import type { Gang } from '../gangs.js';
import { cheaper } from '../preemption.js';
import type { Session } from '../session.js';
import type { PodFacts } from '../state.js';
import {
  attempt,
  commit,
  mayPreempt,
  planPreemption,
  waitForVictims,
  writePreemption,
  type GangPreemption,
  type HoldAll,
} from './gang-steps.js';

/** Where a gang with a required key may go: its pinned domain, or every domain of the key. */
export type Required =
  | { readonly kind: 'held'; readonly message: string }
  | {
      readonly kind: 'domains';
      readonly key: string;
      readonly domains: readonly Domain[];
      /** The domain of its running members, when it has any. */
      readonly pinned: Domain | undefined;
    };

type Pin = { kind: 'none' } | { kind: 'one'; value: string } | { kind: 'held'; message: string };

/** The domain of `keys` the gang's running members are in; held when they are in several, or on a node without one. */
function pinOf(session: Session, gang: Gang, keys: readonly string[]): Pin {
  const values = new Set<string>();
  let unlabelled: Gang['members'][number] | undefined;
  for (const p of gang.members) {
    if (p.nodeName === '' || p.phase === 'Succeeded') continue;
    const ns = session.nodeNamed(p.nodeName);
    if (ns === undefined) continue; // its node is gone from the snapshot: it pins nothing
    const value = domainValue(ns.node, keys);
    if (value !== undefined) values.add(value);
    else if (unlabelled === undefined || compareStrings(p.name, unlabelled.name) < 0) unlabelled = p;
  }
  const label = keys.join(', ');
  if (unlabelled !== undefined) {
    const message = `gang ${gang.key}: running member ${unlabelled.name} is on node ${unlabelled.nodeName}, which has no label ${label}`;
    return { kind: 'held', message };
  }
  const [first, ...others] = [...values].sort(compareStrings);
  if (first === undefined) return { kind: 'none' };
  if (others.length === 0) return { kind: 'one', value: first };
  const listed = `${[first, ...others.slice(0, -1)].join(', ')} and ${others[others.length - 1] ?? ''}`;
  return {
    kind: 'held',
    message: `gang ${gang.key}: running members span ${label} domains ${listed}; all must share one`,
  };
}

export function requiredDomains(session: Session, gang: Gang, key: string): Required {
  const keys = [key];
  const pin = pinOf(session, gang, keys);
  if (pin.kind === 'held') return pin;
  const pinned = pin.kind === 'one' ? session.domains.find(keys, pin.value) : undefined;
  const domains = pinned === undefined ? session.domains.of(keys) : [pinned];
  if (domains.length === 0) return { kind: 'held', message: `gang ${gang.key}: no node has the label ${key}` };
  return { kind: 'domains', key, domains, pinned };
}

interface Ranked {
  readonly domain: Domain;
  /** The gang may fit now; false when what is free cannot hold it. */
  readonly possible: boolean;
  /** The gang may fit once pods are evicted; false when the domain cannot hold it even empty. */
  readonly evenEmpty: boolean;
}

interface Fit {
  readonly fitted: boolean;
  /** The domains, tightest first. */
  readonly ranked: readonly Ranked[];
  /** The domain where most members fit, and how many (a tie goes to the tighter). */
  readonly best: { readonly domain: Domain; readonly placed: number } | undefined;
}

/**
 * The domain the gang was nominated to (by a preemption in an earlier pass): tried first,
 * as kube-scheduler tries a nominated node first, so its victims were not evicted for nothing.
 */
function nominatedDomain(
  session: Session,
  members: readonly PodFacts[],
  domains: readonly Domain[],
): Domain | undefined {
  for (const f of members) {
    const ns = session.nodeNamed(f.pod.nominatedNodeName);
    if (ns !== undefined) return domains.find((d) => d.indexes.has(ns.index));
  }
  return undefined;
}

/**
 * Ranks the domains by room for the gang (see domain-room.ts), tightest first, ties by
 * value; the domain it is nominated to goes first. When every member has the same node rules, room also rules domains out: room
 * below one quorum, or nodes that take fewer members than needed, cannot hold it (for
 * members of different rules it is only the order).
 */
function rank(session: Session, members: readonly PodFacts[], needed: number, domains: readonly Domain[]): Ranked[] {
  const [first] = members;
  if (first === undefined) return [];
  const demand = demandOf(members, needed);
  const rules = staticRules(first.pod);
  const uniform = members.every((f) => staticRules(f.pod) === rules);
  const roomOf = session.rooms(first, demand);
  const nominated = nominatedDomain(session, members, domains);
  return domains
    .map((domain) => ({ domain, room: roomOf(domain) }))
    .sort(
      (a, b) =>
        Number(b.domain === nominated) - Number(a.domain === nominated) ||
        a.room.free - b.room.free ||
        compareStrings(a.domain.value, b.domain.value),
    )
    .map(({ domain, room }) => ({
      domain,
      possible: !uniform || (room.free >= 1 && room.slots >= needed),
      evenEmpty: !uniform || (room.capacity >= 1 && room.emptySlots >= needed),
    }));
}

/**
 * Places the gang in the tightest domain where `needed` members fit, without evictions;
 * members beyond the quorum go where `rest` says. Nothing changes when none fits.
 */
function tightestFit(
  session: Session,
  members: readonly PodFacts[],
  needed: number,
  domains: readonly Domain[],
  rest: (d: Domain) => Domain | undefined,
): Fit {
  const released = session.statement();
  members.forEach((f) => session.release(f)); // their own nominations do not count against them
  const ranked = rank(session, members, needed, domains);
  let best: Fit['best'];
  const trial = (domain: Domain): boolean => {
    const a = attempt(session, members, domain);
    if (a.placed.length >= needed) {
      commit(session, a, rest(domain));
      return true;
    }
    a.statement.discard();
    if (best === undefined || a.placed.length > best.placed) best = { domain, placed: a.placed.length };
    return false;
  };
  for (const r of ranked) {
    if (r.possible && trial(r.domain)) {
      released.keep();
      return { fitted: true, ranked, best };
    }
  }
  const roomiest = ranked[ranked.length - 1];
  if (best === undefined && roomiest !== undefined) trial(roomiest.domain); // how close it comes, for the reason
  released.discard();
  return { fitted: false, ranked, best };
}

const membersText = (n: number): string => (n === 1 ? '1 member' : `${n} members`);

/** Why the gang waits: its key and the domain that came closest. */
function noRoom(gang: Gang, required: Required & { kind: 'domains' }, needed: number, fit: Fit): string {
  const placed = fit.best?.placed ?? 0;
  if (required.pinned !== undefined) {
    const more = needed === 1 ? 'more member' : 'more members';
    return `gang ${gang.key}: ${required.key} ${required.pinned.value}, where its running members are, has room for ${placed} of ${needed} ${more}`;
  }
  const best = fit.best === undefined ? '' : ` (best: ${fit.best.domain.value} with ${placed} of ${needed})`;
  return `gang ${gang.key}: no ${required.key} domain has room for ${membersText(needed)}${best}`;
}

/**
 * The gang in one domain of its required key: the tightest that fits; else, while no
 * earlier victims are still going, preemption in the domain whose victims cost least
 * (kube-scheduler's order; equal costs go to the tighter domain, then by value).
 */
export function placeInOneDomain(
  session: Session,
  gang: Gang,
  members: readonly PodFacts[],
  needed: number,
  required: Required & { kind: 'domains' },
  holdAll: HoldAll,
): void {
  const fit = tightestFit(session, members, needed, required.domains, (d) => d);
  if (fit.fitted || waitForVictims(session, gang, members, needed, holdAll)) return;
  if (mayPreempt(session, gang, members)) {
    let cheapest: GangPreemption | undefined;
    for (const r of fit.ranked) {
      if (!r.evenEmpty) continue;
      const plan = planPreemption(session, members, needed, r.domain);
      if (plan !== undefined && (cheapest === undefined || cheaper(plan.cost, cheapest.cost) === true)) cheapest = plan;
    }
    if (cheapest !== undefined) return writePreemption(session, members, cheapest);
  }
  const never = (r: Ranked): boolean => !r.evenEmpty || session.neverFits(members, needed, r.domain);
  if (required.pinned === undefined && fit.ranked.every(never)) {
    const message = `gang ${gang.key}: ${membersText(needed)} can never fit one ${required.key} domain, even with every node empty`;
    return holdAll('GangUnschedulable', message);
  }
  holdAll('GangUnschedulable', noRoom(gang, required, needed, fit));
}

/**
 * Tries the gang in the tightest domain of its preferred key (within its required domain,
 * when it has one) without evictions. Returns false, changing nothing, when none fits or
 * its running members are already spread over several.
 */
export function placePreferred(
  session: Session,
  gang: Gang,
  members: readonly PodFacts[],
  needed: number,
  required: (Required & { kind: 'domains' }) | undefined,
): boolean {
  const preferred = gang.preferredTopologyKey;
  if (preferred === undefined || preferred === required?.key) return false;
  const keys = required === undefined ? [preferred] : [required.key, preferred];
  const pin = pinOf(session, gang, keys);
  if (pin.kind === 'held') return false;
  const pinned = pin.kind === 'one' ? session.domains.find(keys, pin.value) : undefined;
  const domains = pin.kind === 'one' ? (pinned === undefined ? [] : [pinned]) : session.domains.of(keys);
  // Members beyond the quorum that find no room there go where the gang may go: its required domain, or anywhere.
  const rest = (d: Domain): Domain | undefined =>
    required === undefined ? undefined : session.domains.find([required.key], d.values[0] ?? '');
  return tightestFit(session, members, needed, domains, rest).fitted;
}
