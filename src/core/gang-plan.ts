// Gangs in one pass: a gang is a transaction. It is placed first without evictions
// and kept only if its quorum is reached; otherwise, when it may preempt, it is placed
// with evictions and kept (all members nominated) only if the quorum is reached then.
import type { Gang } from './gangs.js';
import { findNode, shapeOf, type Placement, type Search } from './placement.js';
import type { Unschedulable } from './plan-types.js';
import { choosePreemption, type VictimChoice } from './preemption.js';
import type { Pass } from './pass.js';
import type { NodeState, PodFacts } from './state.js';

export function scheduleGang(pass: Pass, gang: Gang, members: readonly PodFacts[]): void {
  const holdAll = (reason: Unschedulable['reason'], message: string): void =>
    members.forEach((f) => {
      pass.state.unreserve(f);
      pass.hold(f.pod, reason, message);
    });
  if (gang.invalid !== undefined) return holdAll('InvalidAnnotation', gang.invalid);
  const needed = gang.quorum - gang.placed;
  if (needed <= 0) return members.forEach((f) => pass.schedulePod(f)); // quorum already met
  if (members.length < needed) {
    const present = gang.placed + members.length;
    return holdAll('GangWaiting', `gang ${gang.key}: waiting for members: ${present} of ${gang.quorum} present`);
  }

  // First without evictions: all members that fit, kept only if the quorum is reached.
  const start = pass.state.mark();
  members.forEach((f) => pass.state.unreserve(f));
  const placed: Array<[PodFacts, NodeState]> = [];
  const left: Array<[PodFacts, Placement & { ok: false }]> = [];
  for (const f of members) {
    const p = findNode(pass.search, f);
    if (p.ok) {
      pass.state.place(f, p.ns);
      placed.push([f, p.ns]);
    } else left.push([f, p]);
  }
  if (placed.length >= needed) {
    // Commit: the tentative placements stay in the state and become bindings.
    for (const [f, ns] of placed) pass.keepBinding(f, ns);
    for (const [f] of left) pass.schedulePod(f); // beyond quorum: each on its own
    return;
  }
  pass.state.rollback(start);
  const reachable = gang.placed + placed.length;
  const why = left[0] === undefined ? '' : ` the rest: ${pass.unavailable(left[0][1], false)}`;

  const waiting = members.map((f) => pass.waitingFor(f)).find((ns) => ns !== undefined);
  if (waiting !== undefined) {
    // Nominations are kept only while they still add up to the quorum: no partial gang holds room.
    const kept = members.filter((f) => pass.nominationStands(f));
    if (kept.length >= needed) return keepNominations(pass, gang, members, new Set(kept));
    return holdAll('GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
  }
  if (pass.config.preemption && members.every((f) => pass.canPreempt(f)) && preemptForGang(pass, members, needed)) {
    return;
  }
  if (neverFits(pass, members, needed)) {
    return holdAll(
      'GangUnschedulable',
      `gang ${gang.key}: ${needed} members can never fit this cluster, even with every node empty`,
    );
  }
  holdAll('GangUnschedulable', `gang ${gang.key}: ${reachable} of ${gang.quorum} members placeable;${why}`);
}

/** A gang whose victims are still going: members keep their nodes, nothing new is evicted. */
function keepNominations(pass: Pass, gang: Gang, members: readonly PodFacts[], kept: ReadonlySet<PodFacts>): void {
  for (const f of members) {
    const ns = pass.state.byName.get(f.pod.nominatedNodeName);
    if (ns !== undefined && kept.has(f)) pass.nominate(f, ns);
    else {
      pass.state.unreserve(f);
      pass.hold(f.pod, 'GangUnschedulable', `gang ${gang.key}: waiting for preempted pods to terminate`);
    }
  }
}

/** Places the gang with evictions; commits only if the quorum is reached, all members nominated. */
function preemptForGang(pass: Pass, members: readonly PodFacts[], needed: number): boolean {
  const start = pass.state.mark();
  members.forEach((f) => pass.state.unreserve(f));
  const chosen: Array<[PodFacts, NodeState, VictimChoice | undefined]> = [];
  const unplaced: Array<[PodFacts, Placement & { ok: false }]> = [];
  for (const f of members) {
    const p = findNode(pass.search, f);
    if (p.ok) {
      // Tentative placements (rolled back below) so later members see earlier ones, rules across nodes included.
      pass.state.place(f, p.ns);
      chosen.push([f, p.ns, undefined]);
      continue;
    }
    // Beyond the quorum, members only take room that is free; they never evict.
    const choice =
      chosen.length >= needed
        ? undefined
        : choosePreemption(pass.preemption, f, p.resolvable, shapeOf(f, pass.search.labelsMatter));
    if (choice === undefined) {
      unplaced.push([f, p]);
      continue;
    }
    choice.victims.forEach((v) => pass.state.markVictim(v));
    pass.state.place(f, choice.ns);
    chosen.push([f, choice.ns, choice]);
  }
  pass.state.rollback(start);
  if (chosen.length < needed) return false;
  members.forEach((f) => pass.state.unreserve(f));
  for (const [f, ns, choice] of chosen) {
    if (choice !== undefined) pass.evict(choice, f);
    pass.nominate(f, ns);
  }
  for (const [f, p] of unplaced) pass.hold(f.pod, 'Unschedulable', pass.unavailable(p, false));
  return true;
}

/** Whether `needed` members cannot be placed even on the same nodes with nothing running. */
function neverFits(pass: Pass, members: readonly PodFacts[], needed: number): boolean {
  // Affinity to other pods may be met once they run: an empty cluster proves nothing.
  if (members.some((f) => f.pod.podAffinity.required.length > 0)) return false;
  const empty = pass.emptyCluster();
  const search: Search = { ...pass.search, state: empty, nextStart: 0, failures: new Map() };
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
