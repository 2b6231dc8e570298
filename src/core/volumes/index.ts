// What one pass knows about storage: claims, volumes and classes by name, and the
// choices made this pass (a claim given a node or a volume), kept under the cluster
// state's undo log so a gang rolled back frees the volumes it took.
import type { Claim, CsiNode, PersistentVolume, Snapshot, StorageClass } from '../model.js';
import type { ClusterState } from '../state.js';
import { chosenAtAnnotation, SELECTED_NODE } from './annotations.js';

/** A claim's node or volume, chosen this pass or before (selected-node, a pre-bound volume). */
export interface ClaimChoice {
  /** The node the claim must be used on; '' when only the volume's node affinity limits it. */
  readonly node: string;
  /** The volume chosen; '' for dynamic provisioning on `node`. */
  readonly volume: string;
  /** Made by this pass (so it must be written), not read from the cluster. */
  readonly made: boolean;
}

export class VolumeIndex {
  readonly claims = new Map<string, Claim>();
  readonly volumes = new Map<string, PersistentVolume>();
  /** Volumes by storage class name, so a claim looks only at volumes of its class. */
  private readonly byClass = new Map<string, PersistentVolume[]>();
  readonly classes = new Map<string, StorageClass>();
  readonly csiNodes = new Map<string, CsiNode>();
  /** Volumes pre-bound to a claim (claimRef) while the claim is not bound yet, by claim key. */
  private readonly preBound = new Map<string, PersistentVolume>();
  /** Volumes taken this pass, by volume name -> claim key. */
  private readonly taken = new Map<string, string>();
  private readonly chosen = new Map<string, ClaimChoice>();
  /** Pods using each claim (bound, or placed this pass), by claim key -> pod keys. */
  private readonly users = new Map<string, Set<string>>();
  /** Claims whose choice by this scheduler did not bind in time, with the volume pre-bound for it ('' if none). */
  readonly expired = new Map<string, string>();

  constructor(
    snapshot: Snapshot,
    private readonly state: ClusterState,
    timing: { readonly now: number; readonly timeoutMs: number; readonly prefix: string },
  ) {
    for (const c of snapshot.claims ?? []) this.claims.set(c.key, c);
    for (const v of snapshot.volumes ?? []) {
      this.volumes.set(v.name, v);
      const sameClass = this.byClass.get(v.storageClassName);
      if (sameClass === undefined) this.byClass.set(v.storageClassName, [v]);
      else sameClass.push(v);
      const ref = v.claimRef;
      if (ref === undefined) continue;
      const claim = this.claims.get(`${ref.namespace}/${ref.name}`);
      if (claim !== undefined && claim.volumeName === '' && (ref.uid === '' || ref.uid === claim.uid)) {
        this.preBound.set(claim.key, v);
      }
    }
    for (const s of snapshot.storageClasses ?? []) this.classes.set(s.name, s);
    for (const n of snapshot.csiNodes ?? []) this.csiNodes.set(n.name, n);
    for (const p of snapshot.pods) {
      if (p.nodeName === '' || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      for (const v of p.volumes) if (v.kind === 'claim') this.addUser(`${p.namespace}/${v.claimName}`, p.key);
    }
    // A choice this scheduler wrote (it stamps the time) that has not bound in time is undone.
    const stamp = chosenAtAnnotation(timing.prefix);
    for (const c of this.claims.values()) {
      const at = c.annotations[stamp];
      if (at === undefined || c.volumeName !== '') continue;
      const since = Date.parse(at);
      if (Number.isFinite(since) && timing.now - since > timing.timeoutMs) {
        this.expired.set(c.key, this.preBound.get(c.key)?.name ?? '');
      }
    }
  }

  private addUser(claim: string, pod: string): void {
    let set = this.users.get(claim);
    if (set === undefined) this.users.set(claim, (set = new Set()));
    set.add(pod);
  }

  /** Pods other than `pod` that use the claim. */
  otherUsers(claim: string, pod: string): number {
    const set = this.users.get(claim);
    return set === undefined ? 0 : set.size - (set.has(pod) ? 1 : 0);
  }

  /** The pod now uses its claims (placed or nominated this pass). */
  use(podKey: string, claims: readonly string[]): void {
    const added = claims.filter((c) => !(this.users.get(c)?.has(podKey) ?? false));
    for (const c of added) this.addUser(c, podKey);
    this.state.remember(() => {
      for (const c of added) this.users.get(c)?.delete(podKey);
    });
  }

  /** The choice already made for an unbound claim: this pass, a selected node, or a pre-bound volume. */
  choiceOf(claim: Claim): ClaimChoice | undefined {
    const made = this.chosen.get(claim.key);
    if (made !== undefined) return made;
    const pre = this.preBound.get(claim.key);
    if (pre !== undefined) return { node: '', volume: pre.name, made: false };
    const node = claim.annotations[SELECTED_NODE];
    if (node !== undefined && node !== '') return { node, volume: '', made: false };
    return undefined;
  }

  /** Volumes of one storage class ('' = volumes without a class). */
  volumesOfClass(storageClassName: string): readonly PersistentVolume[] {
    return this.byClass.get(storageClassName) ?? [];
  }

  /** Whether a volume may be chosen for a claim: free, or already pre-bound to it. */
  isFree(v: PersistentVolume, claim: Claim): boolean {
    const takenBy = this.taken.get(v.name);
    if (takenBy !== undefined) return takenBy === claim.key;
    if (v.claimRef === undefined) return v.phase === 'Available';
    return v.claimRef.namespace === claim.namespace && v.claimRef.name === claim.name;
  }

  /** Records a choice made this pass (undone with the pass state on rollback). */
  choose(claim: Claim, node: string, volume: string): void {
    const before = this.chosen.get(claim.key);
    this.chosen.set(claim.key, { node, volume, made: true });
    if (volume !== '') this.taken.set(volume, claim.key);
    this.state.remember(() => {
      if (before === undefined) this.chosen.delete(claim.key);
      else this.chosen.set(claim.key, before);
      if (volume !== '') this.taken.delete(volume);
    });
  }
}
