// The scheduler's volume writes the watch has not reported yet: annotations written to
// claims (the node or the time of a choice, or their removal) and claimRefs written to
// volumes (a pre-bind, or its undoing). The same state machine as the pods' (assumed.ts):
// assumed when the call is made, forgotten when the watch shows the write, when the
// object is gone, when the call failed for sure, or after the TTL. Until then the
// snapshot shows the write, so the next pass neither hands the same volume to a second
// claim nor chooses again for a claim it has just chosen for.
import type { Claim, PersistentVolume } from '../core/index.js';

/** Annotations to set; null removes one (a merge patch's own convention). */
export type AnnotationPatch = Readonly<Record<string, string | null>>;

/** The claim a volume is pre-bound to, as written to its spec.claimRef. */
export interface ClaimRefValue {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

interface AssumedClaim {
  readonly key: string;
  readonly annotations: AnnotationPatch;
  readonly at: number;
}

interface AssumedVolume {
  /** undefined: the claimRef was cleared. */
  readonly claimRef: ClaimRefValue | undefined;
  readonly at: number;
}

/** A write the watch did not confirm within the TTL, for the log. */
export interface ExpiredVolumeWrite {
  readonly object: string;
  readonly at: number;
}

export class AssumedVolumes {
  /** By claim uid: a recreated claim of the same name is another claim. */
  private readonly claims = new Map<string, AssumedClaim>();
  /** By volume name. */
  private readonly volumes = new Map<string, AssumedVolume>();

  constructor(private readonly ttlMs: number) {}

  /** A later patch of the same claim (a release, then a new choice) is laid over the earlier one. */
  assumeClaim(uid: string, key: string, annotations: AnnotationPatch, at: number): void {
    const before = this.claims.get(uid)?.annotations ?? {};
    this.claims.set(uid, { key, annotations: { ...before, ...annotations }, at });
  }

  forgetClaim(uid: string): void {
    this.claims.delete(uid);
  }

  assumeVolume(name: string, claimRef: ClaimRefValue | undefined, at: number): void {
    this.volumes.set(name, { claimRef, at });
  }

  forgetVolume(name: string): void {
    this.volumes.delete(name);
  }

  size(): { readonly claims: number; readonly volumes: number } {
    return { claims: this.claims.size, volumes: this.volumes.size };
  }

  /**
   * Drops the writes the watch now shows (or whose object is gone) and those older than
   * the TTL. `claims` is by uid, `volumes` by name, both as the informers have them.
   */
  reconcile(
    claims: ReadonlyMap<string, Claim>,
    volumes: ReadonlyMap<string, PersistentVolume>,
    now: number,
  ): readonly ExpiredVolumeWrite[] {
    const expired: ExpiredVolumeWrite[] = [];
    for (const [uid, write] of this.claims) {
      const claim = claims.get(uid);
      if (claim === undefined || annotated(claim, write.annotations)) this.claims.delete(uid);
      else if (now - write.at > this.ttlMs) {
        this.claims.delete(uid);
        expired.push({ object: `persistentvolumeclaim ${write.key}`, at: write.at });
      }
    }
    for (const [name, write] of this.volumes) {
      const volume = volumes.get(name);
      if (volume === undefined || sameRef(volume.claimRef, write.claimRef)) this.volumes.delete(name);
      else if (now - write.at > this.ttlMs) {
        this.volumes.delete(name);
        expired.push({ object: `persistentvolume ${name}`, at: write.at });
      }
    }
    return expired;
  }

  /** The claim as it will be once the watch shows our write. */
  applyToClaim(claim: Claim): Claim {
    const write = this.claims.get(claim.uid);
    if (write === undefined || annotated(claim, write.annotations)) return claim;
    const annotations: Record<string, string> = { ...claim.annotations };
    for (const [key, value] of Object.entries(write.annotations)) {
      if (value === null) delete annotations[key];
      else annotations[key] = value;
    }
    return Object.freeze({ ...claim, annotations: Object.freeze(annotations) });
  }

  /** The volume as it will be once the watch shows our write. */
  applyToVolume(volume: PersistentVolume): PersistentVolume {
    const write = this.volumes.get(volume.name);
    if (write === undefined || sameRef(volume.claimRef, write.claimRef)) return volume;
    return Object.freeze({ ...volume, claimRef: write.claimRef });
  }
}

function annotated(claim: Claim, patch: AnnotationPatch): boolean {
  return Object.entries(patch).every(([key, value]) =>
    value === null ? !Object.hasOwn(claim.annotations, key) : claim.annotations[key] === value,
  );
}

function sameRef(a: ClaimRefValue | undefined, b: ClaimRefValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.namespace === b.namespace && a.name === b.name && a.uid === b.uid;
}
