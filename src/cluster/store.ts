// The store: the listeners' maps plus the assumed state, turned into one immutable
// snapshot per pass. Informer objects are shared with the library, so they are only
// read, and only through src/snapshot; conversions are cached per object (the informer
// replaces an object on update).
import type {
  KubernetesObject,
  V1CSINode,
  V1Namespace,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1StorageClass,
} from '@kubernetes/client-node';
import {
  compareStrings,
  fail,
  type Claim,
  type CsiNode,
  type GangSource,
  type Namespace,
  type Node,
  type PersistentVolume,
  type Pod,
  type PodDisruptionBudget,
  type PodGroup,
  type Result,
  type Snapshot,
  type StorageClass,
} from '../core/index.js';
import {
  objectHeader,
  podHeader,
  type ObjectHeader,
  type PodHeader,
  type ScheduledCondition,
} from '../snapshot/headers.js';
import { AssumedState, type AssumedKind, type AssumedWrite } from './assumed.js';
import { AssumedVolumes, type AnnotationPatch, type ClaimRefValue } from './assumed-volumes.js';
import type { PodRef } from './api.js';

export type { ScheduledCondition } from '../snapshot/headers.js';

/** The converters of src/snapshot, injected so the store stays testable. */
export interface Converters {
  readonly pod: (obj: unknown) => Result<Pod>;
  readonly node: (obj: unknown) => Result<Node>;
  readonly pdb: (obj: unknown) => Result<PodDisruptionBudget>;
  readonly namespace: (obj: unknown) => Result<Namespace>;
  readonly claim: (obj: unknown) => Result<Claim>;
  readonly volume: (obj: unknown) => Result<PersistentVolume>;
  readonly storageClass: (obj: unknown) => Result<StorageClass>;
  readonly csiNode: (obj: unknown) => Result<CsiNode>;
  readonly podGroup: (obj: unknown) => Result<PodGroup>;
}

export interface StoreSources {
  readonly nodes: () => readonly V1Node[];
  readonly pods: () => readonly V1Pod[];
  readonly pdbs: () => readonly V1PodDisruptionBudget[];
  readonly namespaces: () => readonly V1Namespace[];
  readonly claims: () => readonly V1PersistentVolumeClaim[];
  readonly volumes: () => readonly V1PersistentVolume[];
  readonly storageClasses: () => readonly V1StorageClass[];
  readonly csiNodes: () => readonly V1CSINode[];
  /** PodGroups of every source that is listened to (apiVersion and kind set). */
  readonly podGroups: () => readonly KubernetesObject[];
  /** Gang sources whose objects cannot be relied on now, with why (not served, not listed yet). */
  readonly unavailableGangSources: () => Readonly<Partial<Record<GangSource, string>>>;
}

export interface StoreOptions {
  readonly schedulerName: string;
  /** Only pending pods of these namespaces are ours to place; empty = all. */
  readonly namespaces: readonly string[];
  readonly assumeTtlMs: number;
  readonly converters: Converters;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

export interface PodInfo {
  readonly ref: PodRef;
  readonly scheduled: ScheduledCondition | undefined;
}

/** A pending pod of ours that could not be converted: reported, never placed. */
export interface RejectedPod {
  readonly key: string;
  readonly ref: PodRef;
  readonly error: string;
}

export interface PassInput {
  readonly snapshot: Snapshot;
  /** Every pod in the snapshot (and every rejected one), by `namespace/name`. */
  readonly pods: ReadonlyMap<string, PodInfo>;
  readonly rejected: readonly RejectedPod[];
  /** Each volume's resourceVersion as the watch has it: the precondition of a write to it. */
  readonly volumeVersions: ReadonlyMap<string, string>;
}

export class SchedulerStore {
  private readonly assumed: AssumedState;
  private readonly assumedVolumes: AssumedVolumes;
  // One cache per kind, keyed by the informer's object.
  private readonly converted = {
    pods: new WeakMap<object, Result<Pod>>(),
    nodes: new WeakMap<object, Result<Node>>(),
    pdbs: new WeakMap<object, Result<PodDisruptionBudget>>(),
    namespaces: new WeakMap<object, Result<Namespace>>(),
    claims: new WeakMap<object, Result<Claim>>(),
    volumes: new WeakMap<object, Result<PersistentVolume>>(),
    storageClasses: new WeakMap<object, Result<StorageClass>>(),
    csiNodes: new WeakMap<object, Result<CsiNode>>(),
    podGroups: new WeakMap<object, Result<PodGroup>>(),
  };
  private readonly headers = new WeakMap<object, PodHeader>();
  private readonly reported = new Set<string>();
  private readonly namespaces: ReadonlySet<string>;

  constructor(
    private readonly sources: StoreSources,
    private readonly options: StoreOptions,
  ) {
    this.assumed = new AssumedState(options.assumeTtlMs);
    this.assumedVolumes = new AssumedVolumes(options.assumeTtlMs);
    this.namespaces = new Set(options.namespaces);
  }

  assume(kind: AssumedKind, ref: PodRef, node: string, at: number): void {
    this.assumed.assume(kind, ref.uid, `${ref.namespace}/${ref.name}`, node, at);
  }

  forget(kind: AssumedKind, ref: PodRef): void {
    this.assumed.forget(kind, ref.uid);
  }

  assumedCount(kind: AssumedKind): number {
    return this.assumed.size(kind);
  }

  /** Annotations written to a claim (null: removed), shown in snapshots until the watch has them. */
  assumeClaim(claim: Claim, annotations: AnnotationPatch, at: number): void {
    this.assumedVolumes.assumeClaim(claim.uid, claim.key, annotations, at);
  }

  forgetClaim(claim: Claim): void {
    this.assumedVolumes.forgetClaim(claim.uid);
  }

  /** A claimRef written to a volume (undefined: cleared), shown in snapshots until the watch has it. */
  assumeVolume(volume: string, claimRef: ClaimRefValue | undefined, at: number): void {
    this.assumedVolumes.assumeVolume(volume, claimRef, at);
  }

  forgetVolume(volume: string): void {
    this.assumedVolumes.forgetVolume(volume);
  }

  assumedVolumeWrites(): { readonly claims: number; readonly volumes: number } {
    return this.assumedVolumes.size();
  }

  snapshot(now: number): PassInput {
    const rawPods = this.sources.pods();
    const byUid = new Map<string, PodHeader>();
    for (const raw of rawPods) byUid.set(this.headerOf(raw).uid, this.headerOf(raw));
    const expired = this.assumed.reconcile((uid) => byUid.get(uid), now);
    for (const write of expired) this.options.warn('assumed write expired before the watch confirmed it', { ...write });

    const pods: Pod[] = [];
    const infos = new Map<string, PodInfo>();
    const rejected: RejectedPod[] = [];
    for (const raw of rawPods) {
      const header = this.headerOf(raw);
      const ref: PodRef = { namespace: header.namespace, name: header.name, uid: header.uid };
      const key = `${ref.namespace}/${ref.name}`;
      const converted = this.convert(this.converted.pods, raw, this.options.converters.pod, `pod ${key}`);
      if (!converted.ok) {
        if (this.isOursPending(header)) {
          rejected.push({ key, ref, error: converted.error });
          infos.set(key, { ref, scheduled: header.scheduled });
        }
        continue;
      }
      const pod = this.applyAssumed(converted.value);
      // Our pending pods outside the configured namespaces are not ours to place; bound
      // pods stay whatever their namespace, since they hold node capacity.
      if (pod.nodeName === '' && pod.schedulerName === this.options.schedulerName && !this.inScope(pod.namespace))
        continue;
      pods.push(pod);
      infos.set(key, { ref, scheduled: header.scheduled });
    }
    const nodes = this.convertAll(
      this.converted.nodes,
      this.sources.nodes(),
      this.options.converters.node,
      (h) => `node ${h.name}`,
    );
    const pdbs = this.convertAll(
      this.converted.pdbs,
      this.sources.pdbs(),
      this.options.converters.pdb,
      (h) => `pdb ${h.namespace}/${h.name}`,
    );
    const namespaces = this.convertAll(
      this.converted.namespaces,
      this.sources.namespaces(),
      this.options.converters.namespace,
      (h) => `namespace ${h.name}`,
    );
    const podGroups = this.convertAll(
      this.converted.podGroups,
      this.sources.podGroups(),
      this.options.converters.podGroup,
      (h) => `podgroup ${h.namespace}/${h.name}`,
    );
    const unavailableGangSources = this.sources.unavailableGangSources();
    pods.sort((a, b) => compareStrings(a.key, b.key));
    nodes.sort((a, b) => compareStrings(a.name, b.name));
    podGroups.sort(
      (a, b) =>
        compareStrings(a.source, b.source) ||
        compareStrings(a.namespace, b.namespace) ||
        compareStrings(a.name, b.name),
    );
    rejected.sort((a, b) => compareStrings(a.key, b.key));
    return {
      snapshot: Object.freeze({
        nodes: Object.freeze(nodes),
        pods: Object.freeze(pods),
        pdbs: Object.freeze(pdbs),
        namespaces: Object.freeze(namespaces),
        ...this.storage(now),
        podGroups: Object.freeze(podGroups),
        ...(Object.keys(unavailableGangSources).length === 0 ? {} : { unavailableGangSources }),
      }),
      pods: infos,
      rejected: Object.freeze(rejected),
      volumeVersions: this.volumeVersions(),
    };
  }

  private volumeVersions(): ReadonlyMap<string, string> {
    const versions = new Map<string, string>();
    for (const raw of this.sources.volumes()) {
      const header = objectHeader(raw);
      versions.set(header.name, header.resourceVersion);
    }
    return versions;
  }

  /** Claims and volumes with our assumed writes laid over them, classes and CSI nodes; sorted by name. */
  private storage(now: number): Pick<Snapshot, 'claims' | 'volumes' | 'storageClasses' | 'csiNodes'> {
    const { converters } = this.options;
    const claims = this.convertAll(
      this.converted.claims,
      this.sources.claims(),
      converters.claim,
      (h) => `persistentvolumeclaim ${h.namespace}/${h.name}`,
    );
    const volumes = this.convertAll(
      this.converted.volumes,
      this.sources.volumes(),
      converters.volume,
      (h) => `persistentvolume ${h.name}`,
    );
    const expired = this.assumedVolumes.reconcile(
      new Map(claims.map((c) => [c.uid, c])),
      new Map(volumes.map((v) => [v.name, v])),
      now,
    );
    for (const write of expired) this.options.warn('assumed write expired before the watch confirmed it', { ...write });
    const classes = this.convertAll(
      this.converted.storageClasses,
      this.sources.storageClasses(),
      converters.storageClass,
      (h) => `storageclass ${h.name}`,
    );
    const csiNodes = this.convertAll(
      this.converted.csiNodes,
      this.sources.csiNodes(),
      converters.csiNode,
      (h) => `csinode ${h.name}`,
    );
    const byName = (a: { readonly name: string }, b: { readonly name: string }) => compareStrings(a.name, b.name);
    return {
      claims: Object.freeze(
        claims.map((c) => this.assumedVolumes.applyToClaim(c)).sort((a, b) => compareStrings(a.key, b.key)),
      ),
      volumes: Object.freeze(volumes.map((v) => this.assumedVolumes.applyToVolume(v)).sort(byName)),
      storageClasses: Object.freeze(classes.sort(byName)),
      csiNodes: Object.freeze(csiNodes.sort(byName)),
    };
  }

  private applyAssumed(pod: Pod): Pod {
    const bind: AssumedWrite | undefined = this.assumed.get('bind', pod.uid);
    const eviction = this.assumed.get('eviction', pod.uid);
    const nomination = this.assumed.get('nomination', pod.uid);
    if (bind === undefined && eviction === undefined && nomination === undefined) return pod;
    return {
      ...pod,
      ...(bind !== undefined && pod.nodeName === '' ? { nodeName: bind.node } : {}),
      ...(eviction !== undefined && pod.deletionTime === undefined ? { deletionTime: eviction.at } : {}),
      ...(nomination !== undefined ? { nominatedNodeName: nomination.node } : {}),
    };
  }

  private inScope(namespace: string): boolean {
    return this.namespaces.size === 0 || this.namespaces.has(namespace);
  }

  private isOursPending(pod: PodHeader): boolean {
    return (
      pod.schedulerName === this.options.schedulerName &&
      pod.nodeName === '' &&
      !pod.terminating &&
      this.inScope(pod.namespace)
    );
  }

  /** Read once per informer object, like the conversion. */
  private headerOf(raw: object): PodHeader {
    let header = this.headers.get(raw);
    if (header === undefined) this.headers.set(raw, (header = podHeader(raw)));
    return header;
  }

  private convertAll<T>(
    cache: WeakMap<object, Result<T>>,
    raws: readonly object[],
    convert: (raw: unknown) => Result<T>,
    label: (header: ObjectHeader) => string,
  ): T[] {
    const out: T[] = [];
    for (const raw of raws) {
      const c = this.convert(cache, raw, convert, label(objectHeader(raw)));
      if (c.ok) out.push(c.value);
    }
    return out;
  }

  /** Converts once per informer object; a failure is logged once, then left out. */
  private convert<T>(
    cache: WeakMap<object, Result<T>>,
    raw: object,
    convert: (raw: unknown) => Result<T>,
    label: string,
  ): Result<T> {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
    let result: Result<T>;
    try {
      result = convert(raw);
    } catch (err) {
      // A converter bug must cost one object, never the scheduler.
      result = fail(err instanceof Error ? err.message : String(err));
    }
    cache.set(raw, result);
    if (!result.ok) {
      const id = `${label}@${objectHeader(raw).resourceVersion}`;
      if (!this.reported.has(id)) {
        if (this.reported.size > 10_000) this.reported.clear();
        this.reported.add(id);
        this.options.warn('object left out of the snapshot: conversion failed', { object: label, error: result.error });
      }
    }
    return result;
  }
}
