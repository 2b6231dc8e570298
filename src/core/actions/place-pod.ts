// Placing one pod: bind it where it fits (nominate it there instead while its claims
// are not bound yet: their volumes are chosen now); otherwise keep waiting for the node it is
// nominated to while its victims terminate; otherwise, when it may preempt, evict the
// cheapest victims and nominate it there; otherwise hold it with the reasons. A member
// of a gang that runs in one topology domain is placed within that domain only.
import type { Domain } from '../domains.js';
import type { Session } from '../session.js';
import type { PodFacts } from '../state.js';

export function placePod(session: Session, f: PodFacts, domain?: Domain): void {
  session.release(f);
  const placement = session.find(f, domain);
  if (placement.ok) {
    return session.bindable(f) ? session.bind(f, placement.ns) : session.nominate(f, placement.ns);
  }
  // Ruled out everywhere before any node was looked at (a missing claim, ...): nothing to wait for or evict.
  if (placement.preFilter !== undefined)
    return session.hold(f.pod, 'Unschedulable', session.unavailable(placement, false, domain));
  const waiting = session.waitingFor(f);
  if (waiting !== undefined && (domain === undefined || domain.indexes.has(waiting.index))) {
    return session.nominate(f, waiting);
  }
  const mayPreempt = session.canPreempt(f);
  if (mayPreempt) {
    const choice = session.victimsFor(f, placement);
    if (choice !== undefined) {
      session.evict(choice, f);
      return session.nominate(f, choice.ns);
    }
  }
  session.hold(f.pod, 'Unschedulable', session.unavailable(placement, mayPreempt, domain));
}
