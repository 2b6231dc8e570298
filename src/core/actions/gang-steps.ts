// The steps a gang is placed by, for gangs placed anywhere and gangs kept in one
// topology domain alike: a tentative placement without evictions, kept only if it
// reaches the quorum; waiting for the victims of an earlier preemption; and a dry run
// of preemption, written (evictions, every member nominated) only if it reaches the quorum.
import type { Domain } from '../domains.js';
import type { Gang } from '../gangs.js';
import type { Placement } from '../placement.js';
import type { Unschedulable } from '../plan-types.js';
import { costOf, type VictimChoice, type VictimCost } from '../preemption.js';
import type { Session, Statement } from '../session.js';
import type { NodeState, PodFacts } from '../state.js';
import { placePod } from './place-pod.js';

export type Failed = Placement & { ok: false };
export type HoldAll = (reason: Unschedulable['reason'], message: string) => void;

/** Members placed tentatively (in one domain when given); the statement is kept or discarded. */
export interface Attempt {
  readonly statement: Statement;
  readonly placed: ReadonlyArray<readonly [PodFacts, NodeState]>;
  readonly left: ReadonlyArray<readonly [PodFacts, Failed]>;
}

export function attempt(session: Session, members: readonly PodFacts[], domain?: Domain): Attempt {
  const statement = session.statement();
  members.forEach((f) => session.release(f));
  const placed: Array<[PodFacts, NodeState]> = [];
  const left: Array<[PodFacts, Failed]> = [];
  for (const f of members) {
    const p = session.find(f, domain);
    if (p.ok) {
      statement.place(f, p.ns);
      placed.push([f, p.ns]);
    } else left.push([f, p]);
  }
  return { statement, placed, left };
}

/**
 * Writes an attempt that reached the quorum: bindings, or nominations when some member's
 * claims are not bound yet (its volumes are chosen, and the gang is bound whole once every
 * claim is). Members beyond the quorum that found no room are placed on their own, in
 * `domain` when given.
 */
export function commit(session: Session, a: Attempt, domain?: Domain): void {
  if (a.placed.every(([f]) => session.bindable(f))) {
    a.statement.keep(); // the tentative placements stay in the state and become bindings
    for (const [f, ns] of a.placed) session.recordBinding(f, ns);
  } else {
    a.statement.discard();
    for (const [f, ns] of a.placed) session.nominate(f, ns);
  }
  for (const [f] of a.left) placePod(session, f, domain);
}

/**
 * A gang some of whose members wait for victims to terminate: members keep their
 * nominations while these still add up to the quorum (no partial gang holds room), and
 * nothing new is evicted. Returns false when no member is waiting.
 */
export function waitForVictims(
  session: Session,
  gang: Gang,
  members: readonly PodFacts[],
  needed: number,
  holdAll: HoldAll,
): boolean {
  if (!members.some((f) => session.waitingFor(f) !== undefined)) return false;
  const waiting = `gang ${gang.key}: waiting for preempted pods to terminate`;
  const kept = new Set(members.filter((f) => session.nominationStands(f)));
  if (kept.size < needed) {
    holdAll('GangUnschedulable', waiting);
    return true;
  }
  for (const f of members) {
    const ns = session.nominatedNode(f);
    if (ns !== undefined && kept.has(f)) session.nominate(f, ns);
    else {
      session.release(f);
      session.hold(f.pod, 'GangUnschedulable', waiting);
    }
  }
  return true;
}

/** Preemption is on, and neither the gang nor any member refuses to preempt. */
export function mayPreempt(session: Session, gang: Gang, members: readonly PodFacts[]): boolean {
  return session.config.preemption && gang.mayPreempt && members.every((f) => session.canPreempt(f));
}

/** A preemption that reaches the quorum, planned in a dry run: where each member goes and what it evicts. */
export interface GangPreemption {
  readonly domain: Domain | undefined;
  readonly chosen: ReadonlyArray<readonly [PodFacts, NodeState, VictimChoice | undefined]>;
  readonly unplaced: ReadonlyArray<readonly [PodFacts, Failed]>;
  /** Every member's victims together. */
  readonly cost: VictimCost;
}

/** The gang placed with evictions (in one domain when given), undone; undefined when it falls short of the quorum. */
export function planPreemption(
  session: Session,
  members: readonly PodFacts[],
  needed: number,
  domain?: Domain,
): GangPreemption | undefined {
  const dryRun = session.statement();
  members.forEach((f) => session.release(f));
  const chosen: Array<[PodFacts, NodeState, VictimChoice | undefined]> = [];
  const unplaced: Array<[PodFacts, Failed]> = [];
  for (const f of members) {
    const p = session.find(f, domain);
    if (p.ok) {
      // Placed in the dry run so later members see earlier ones, rules across nodes included.
      dryRun.place(f, p.ns);
      chosen.push([f, p.ns, undefined]);
      continue;
    }
    // Beyond the quorum, members only take room that is free; they never evict.
    const choice = chosen.length >= needed ? undefined : session.victimsFor(f, p);
    if (choice === undefined) {
      unplaced.push([f, p]);
      continue;
    }
    dryRun.evict(choice);
    dryRun.place(f, choice.ns);
    chosen.push([f, choice.ns, choice]);
  }
  dryRun.discard();
  if (chosen.length < needed) return undefined;
  const choices = chosen.flatMap(([, , c]) => (c === undefined ? [] : [c]));
  return { domain, chosen, unplaced, cost: costOf(choices) };
}

/** Writes a planned preemption: the victims evicted, every member that found a node nominated there. */
export function writePreemption(session: Session, members: readonly PodFacts[], plan: GangPreemption): void {
  members.forEach((f) => session.release(f));
  for (const [f, ns, choice] of plan.chosen) {
    if (choice !== undefined) session.evict(choice, f);
    session.nominate(f, ns);
  }
  for (const [f, p] of plan.unplaced) session.hold(f.pod, 'Unschedulable', session.unavailable(p, false, plan.domain));
}
