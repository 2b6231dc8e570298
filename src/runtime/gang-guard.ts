// A gang must never hold capacity half-placed. When some of a gang's binds fail for
// good, later passes try again (bound members count toward the quorum, so the planner
// places the rest where they fit); if the gang is still below its quorum after
// `timeoutMs`, its bound members are evicted so the capacity goes back to the cluster.
import {
  gangAnnotations,
  gangQuorum,
  memberGangKey,
  type Eviction,
  type GangAnnotations,
  type Pod,
  type Snapshot,
} from '../core/index.js';
import type { WriteReport } from './executor.js';

export class GangGuard {
  /** gang key (namespace/group) -> when a bind of it first failed. */
  private readonly partial = new Map<string, number>();
  private readonly names: GangAnnotations;

  constructor(
    annotationPrefix: string,
    private readonly schedulerName: string,
    private readonly timeoutMs: number,
  ) {
    this.names = gangAnnotations(annotationPrefix);
  }

  get tracked(): number {
    return this.partial.size;
  }

  /** Remembers gangs with a bind that failed (not abandoned: that one may still land). */
  noteBinds(bindings: readonly WriteReport[], pods: ReadonlyMap<string, Pod>, now: number): void {
    for (const b of bindings) {
      if (b.result !== 'failed') continue;
      const key = this.gangOf(pods.get(b.pod));
      if (key !== undefined && !this.partial.has(key)) this.partial.set(key, now);
    }
  }

  /** Victims: bound members of tracked gangs still below quorum after the timeout. */
  check(snapshot: Snapshot, now: number): readonly Eviction[] {
    if (this.partial.size === 0) return [];
    const members = new Map<string, Pod[]>();
    for (const p of snapshot.pods) {
      const key = this.gangOf(p);
      if (key === undefined || !this.partial.has(key)) continue;
      if (p.deletionTime !== undefined || p.phase === 'Failed') continue;
      const list = members.get(key) ?? [];
      list.push(p);
      members.set(key, list);
    }
    const victims: Eviction[] = [];
    for (const [key, since] of [...this.partial]) {
      const alive = members.get(key) ?? [];
      const placed = alive.filter((p) => p.nodeName !== '' || p.phase === 'Succeeded');
      if (placed.length === 0 || placed.length >= gangQuorum(alive, this.names)) {
        this.partial.delete(key); // nothing held, or whole enough: no longer our concern
        continue;
      }
      if (now - since < this.timeoutMs) continue;
      this.partial.delete(key);
      for (const p of placed) {
        if (p.phase !== 'Succeeded')
          victims.push({ pod: p.key, node: p.nodeName, preemptor: `gang ${key} below quorum` });
      }
    }
    return victims;
  }

  /** The gang of one of our pods, as the planner groups them (an invalid group name is no gang). */
  private gangOf(pod: Pod | undefined): string | undefined {
    if (pod === undefined || pod.schedulerName !== this.schedulerName) return undefined;
    return memberGangKey(pod, this.names);
  }
}
