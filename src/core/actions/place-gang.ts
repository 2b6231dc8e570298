// Placing a gang: a transaction. It is placed first without evictions
// and kept only if its quorum is reached; otherwise, when it may preempt, it is placed
// with evictions and kept (all members nominated) only if the quorum is reached then.
import type { Gang } from '../gangs.js';
import type { Placement } from '../placement.js';
import type { Unschedulable } from '../plan-types.js';
import type { VictimChoice } from '../preemption.js';
import type { Session } from '../session.js';
import type { NodeState, PodFacts } from '../state.js';
import { placePod } from './place-pod.js';

export function placeGang(session: Session, gang: Gang, members: readonly PodFacts[]): void {
  const holdAll = (reason: Unschedulable['reason'], message: string): void =>
    members.forEach((f) => {
      session.release(f);
      session.hold(f.pod, reason, message);
    });
  if (gang.held !== undefined) return holdAll(gang.held.reason, gang.held.message);
  const needed = gang.quorum - gang.placed;
  if (needed <= 0) return members.forEach((f) => placePod(session, f)); // quorum already met
  const beyond = gang.minResources === undefined ? undefined : session.beyondCluster(gang.minResources);
  if (beyond !== undefined) {
    return holdAll(
      'GangUnschedulable',
      `gang ${gang.key}: minResources can never fit this cluster (ready, schedulable nodes in all): ${beyond}`,
    );
  }
  if (members.length < needed) {
    const present = gang.placed + members.length;
    return holdAll('GangWaiting', `gang ${gang.key}: waiting for members: ${present} of ${gang.quorum} present`);
  }

  // First without evictions: all members that fit, kept only if the quorum is reached.
  const attempt = session.statement();
  members.forEach((f) => session.release(f));
  const placed: Array<[PodFacts, NodeState]> = [];
  const left: Array<[PodFacts, Placement & { ok: false }]> = [];
  for (const f of members) {
    const p = session.find(f);
    if (p.ok) {
      attempt.place(f, p.ns);
      placed.push([f, p.ns]);
    } else left.push([f, p]);
  }
  if (placed.length >= needed && !placed.every(([f]) => session.bindable(f))) {
    // Some member's claims are not bound yet: the gang is nominated whole, its volumes chosen,
    // and bound together once every claim is.
    attempt.discard();
    for (const [f, ns] of placed) session.nominate(f, ns);
    for (const [f] of left) placePod(session, f);
    return;
  }
  if (placed.length >= needed) {
    // Commit: the tentative placements stay in the state and become bindings.
    attempt.keep();
    for (const [f, ns] of placed) session.recordBinding(f, ns);
    for (const [f] of left) placePod(session, f); // beyond quorum: each on its own
    return;
  }
  attempt.discard();
  const reachable = gang.placed + placed.length;
  const why = left[0] === undefined ? '' : ` the rest: ${session.unavailable(left[0][1], false)}`;

  const waiting = members.map((f) => session.waitingFor(f)).find((ns) => ns !== undefined);
  if (waiting !== undefined) {
    // Nominations are kept only while they still add up to the quorum: no partial gang holds room.
    const kept = members.filter((f) => session.nominationStands(f));
    if (kept.length >= needed) return keepNominations(session, gang, members, new Set(kept));
    return holdAll('GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
  }
  if (
    session.config.preemption &&
    gang.mayPreempt &&
    members.every((f) => session.canPreempt(f)) &&
    preemptForGang(session, members, needed)
  ) {
    return;
  }
  if (session.neverFits(members, needed)) {
    return holdAll(
      'GangUnschedulable',
      `gang ${gang.key}: ${needed} members can never fit this cluster, even with every node empty`,
    );
  }
  holdAll('GangUnschedulable', `gang ${gang.key}: ${reachable} of ${gang.quorum} members placeable;${why}`);
}

/** A gang whose victims are still going: members keep their nodes, nothing new is evicted. */
function keepNominations(
  session: Session,
  gang: Gang,
  members: readonly PodFacts[],
  kept: ReadonlySet<PodFacts>,
): void {
  for (const f of members) {
    const ns = session.nominatedNode(f);
    if (ns !== undefined && kept.has(f)) session.nominate(f, ns);
    else {
      session.release(f);
      session.hold(f.pod, 'GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
    }
  }
}

/** Places the gang with evictions; commits only if the quorum is reached, all members nominated. */
function preemptForGang(session: Session, members: readonly PodFacts[], needed: number): boolean {
  // A dry run of the whole gang: undone below, then written as evictions and nominations if it reaches the quorum.
  const dryRun = session.statement();
  members.forEach((f) => session.release(f));
  const chosen: Array<[PodFacts, NodeState, VictimChoice | undefined]> = [];
  const unplaced: Array<[PodFacts, Placement & { ok: false }]> = [];
  for (const f of members) {
    const p = session.find(f);
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
  if (chosen.length < needed) return false;
  members.forEach((f) => session.release(f));
  for (const [f, ns, choice] of chosen) {
    if (choice !== undefined) session.evict(choice, f);
    session.nominate(f, ns);
  }
  for (const [f, p] of unplaced) session.hold(f.pod, 'Unschedulable', session.unavailable(p, false));
  return true;
}
