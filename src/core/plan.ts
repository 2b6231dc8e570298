// One planning pass: snapshot + config + time -> plan. Pure and deterministic.
// Work is served by priority (a gang by its highest member), then age, then name.
import { placeGang } from './actions/place-gang.js';
import { placePod } from './actions/place-pod.js';
import type { Snapshot } from './model.js';
import { Session, type Work } from './session.js';
import type { Plan, PlanConfig } from './plan-types.js';

export function planCycle(snapshot: Snapshot, config: PlanConfig, nowMs: number): Plan {
  const session = new Session(snapshot, config, nowMs);
  for (const w of [...session.work].sort(byPriorityThenAge)) {
    if (w.kind === 'pod') placePod(session, w.facts);
    else placeGang(session, w.gang, w.facts);
  }
  return session.result();
}

function workPriority(w: Work): number {
  return w.kind === 'pod' ? w.facts.priority : w.gang.priority;
}

/** Creation time of the pod, or of a gang's oldest pending member (a gang is work only while it has one). */
function workAge(w: Work): number {
  return w.kind === 'pod' ? w.facts.pod.creationTime : (w.facts[0]?.pod.creationTime ?? 0);
}

function workKey(w: Work): string {
  return w.kind === 'pod' ? w.facts.pod.key : w.gang.key;
}

function byPriorityThenAge(a: Work, b: Work): number {
  const pa = workPriority(a);
  const pb = workPriority(b);
  if (pa !== pb) return pb - pa;
  const ta = workAge(a);
  const tb = workAge(b);
  if (ta !== tb) return ta - tb;
  const ka = workKey(a);
  const kb = workKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
