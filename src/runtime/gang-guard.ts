// A gang must never hold capacity half-placed. When some of a gang's binds fail for
// good, later passes try again (bound members count toward the quorum, so the planner
// places the rest where they fit); if the gang is still below its quorum after
// `timeoutMs`, its bound members are evicted so the capacity goes back to the cluster.
// Gangs are the planner's own (gangsOf): every source, keys and quorums as it counts them.
import { gangKeyResolver, gangsOf, type Eviction, type PlanConfig, type Snapshot } from '../core/index.js';
import type { WriteReport } from './executor.js';

export class GangGuard {
  /** gang key -> when a bind of it first failed. */
  private readonly partial = new Map<string, number>();

  constructor(
    private readonly config: Pick<PlanConfig, 'schedulerName' | 'gangSources'>,
    private readonly timeoutMs: number,
  ) {}

  get tracked(): number {
    return this.partial.size;
  }

  /** Remembers gangs with a bind that failed (not abandoned: that one may still land). */
  noteBinds(bindings: readonly WriteReport[], snapshot: Snapshot, now: number): void {
    const failed = bindings.filter((b) => b.result === 'failed');
    if (failed.length === 0) return;
    const pods = new Map(snapshot.pods.map((p) => [p.key, p]));
    const gangOf = gangKeyResolver(snapshot, this.config);
    for (const b of failed) {
      const pod = pods.get(b.pod);
      if (pod === undefined || pod.schedulerName !== this.config.schedulerName) continue;
      const key = gangOf(pod);
      if (key !== undefined && !this.partial.has(key)) this.partial.set(key, now);
    }
  }

  /** Victims: bound members of tracked gangs still below quorum after the timeout. */
  check(snapshot: Snapshot, now: number): readonly Eviction[] {
    if (this.partial.size === 0) return [];
    const { gangs } = gangsOf(snapshot, this.config);
    const victims: Eviction[] = [];
    for (const [key, since] of [...this.partial]) {
      const gang = gangs.get(key);
      if (gang === undefined || gang.placed === 0 || gang.placed >= gang.quorum) {
        this.partial.delete(key); // nothing held, or whole enough: no longer our concern
        continue;
      }
      if (now - since < this.timeoutMs) continue;
      this.partial.delete(key);
      for (const p of gang.members) {
        if (p.nodeName !== '' && p.phase !== 'Succeeded')
          victims.push({ pod: p.key, node: p.nodeName, preemptor: `gang ${key} below quorum` });
      }
    }
    return victims;
  }
}
