// Placing a gang: a transaction. It is placed first without evictions and kept only if
// its quorum is reached; otherwise, when it may preempt, it is placed with evictions and
// kept (all members nominated) only if the quorum is reached then. A gang with a
// topology key is placed the same way within one domain of that label (topology-gang.ts).
import type { Gang } from '../gangs.js';
import type { Session } from '../session.js';
import type { PodFacts } from '../state.js';
import {
  attempt,
  commit,
  mayPreempt,
  planPreemption,
  waitForVictims,
  writePreemption,
  type HoldAll,
} from './gang-steps.js';
import { placePod } from './place-pod.js';
import { placeInOneDomain, placePreferred, requiredDomains } from './topology-gang.js';

export function placeGang(session: Session, gang: Gang, members: readonly PodFacts[]): void {
  const holdAll: HoldAll = (reason, message) =>
    members.forEach((f) => {
      session.release(f);
      session.hold(f.pod, reason, message);
    });
  if (gang.held !== undefined) return holdAll(gang.held.reason, gang.held.message);
  const required = gang.topologyKey === undefined ? undefined : requiredDomains(session, gang, gang.topologyKey);
  if (required?.kind === 'held') return holdAll('GangUnschedulable', required.message);
  const short = gang.quorum - gang.placed;
  if (short <= 0 && (required === undefined || required.pinned !== undefined)) {
    return members.forEach((f) => placePod(session, f, required?.pinned)); // quorum already met
  }
  // A gang in one domain whose quorum is met by members that finished still needs a domain for the rest.
  const needed = Math.max(short, 1);
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
  if (placePreferred(session, gang, members, needed, required)) return;
  if (required === undefined) return placeAnywhere(session, gang, members, needed, holdAll);
  placeInOneDomain(session, gang, members, needed, required, holdAll);
}

function placeAnywhere(
  session: Session,
  gang: Gang,
  members: readonly PodFacts[],
  needed: number,
  holdAll: HoldAll,
): void {
  // First without evictions: all members that fit, kept only if the quorum is reached.
  const a = attempt(session, members);
  if (a.placed.length >= needed) return commit(session, a); // beyond quorum: each on its own
  a.statement.discard();
  const reachable = gang.placed + a.placed.length;
  const rest = a.left[0];
  const why = rest === undefined ? '' : ` the rest: ${session.unavailable(rest[1], false)}`;

  if (waitForVictims(session, gang, members, needed, holdAll)) return;
  if (mayPreempt(session, gang, members)) {
    const plan = planPreemption(session, members, needed);
    if (plan !== undefined) return writePreemption(session, members, plan);
  }
  if (session.neverFits(members, needed)) {
    return holdAll(
      'GangUnschedulable',
      `gang ${gang.key}: ${needed} members can never fit this cluster, even with every node empty`,
    );
  }
  holdAll('GangUnschedulable', `gang ${gang.key}: ${reachable} of ${gang.quorum} members placeable;${why}`);
}
