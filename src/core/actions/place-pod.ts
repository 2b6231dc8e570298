// Placing one pod: bind it where it fits; otherwise keep waiting for the node it is
// nominated to while its victims terminate; otherwise, when it may preempt, evict the
// cheapest victims and nominate it there; otherwise hold it with the reasons.
import type { Session } from '../session.js';
import type { PodFacts } from '../state.js';

export function placePod(session: Session, f: PodFacts): void {
  session.release(f);
  const placement = session.find(f);
  if (placement.ok) return session.bind(f, placement.ns);
  const waiting = session.waitingFor(f);
  if (waiting !== undefined) return session.nominate(f, waiting);
  const mayPreempt = session.canPreempt(f);
  if (mayPreempt) {
    const choice = session.victimsFor(f, placement);
    if (choice !== undefined) {
      session.evict(choice, f);
      return session.nominate(f, choice.ns);
    }
  }
  session.hold(f.pod, 'Unschedulable', session.unavailable(placement, mayPreempt));
}
