// The store: the listeners' maps plus the assumed state, turned into one immutable
// snapshot per pass. Informer objects are shared with the library, so they are only
// read; conversions are cached per object (the informer replaces an object on update).
import type { V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Node, Pod, PodDisruptionBudget, Snapshot } from '../core/index.js';
import { AssumedState, type AssumedKind, type AssumedWrite } from './assumed.js';
import type { PodRef } from './api.js';

export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** helper conversions from src/snapshot, injected so the store stays testable. */
export interface Converters {
  readonly pod: (obj: V1Pod) => Converted<Pod>;
  readonly node: (obj: V1Node) => Converted<Node>;
  readonly pdb: (obj: V1PodDisruptionBudget) => Converted<PodDisruptionBudget>;
}

export interface StoreSources {
  readonly nodes: () => readonly V1Node[];
  readonly pods: () => readonly V1Pod[];
  readonly pdbs: () => readonly V1PodDisruptionBudget[];
}

export interface StoreOptions {
  readonly schedulerName: string;
  /** Only pending pods of these namespaces are ours to place; empty = all. */
  readonly namespaces: readonly string[];
  readonly assumeTtlMs: number;
  readonly converters: Converters;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/** The PodScheduled condition as the API server has it now. */
export interface ScheduledCondition {
  readonly status: string;
  readonly reason: string;
  readonly message: string;
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
}

export class SchedulerStore {
  private readonly assumed: AssumedState;
  private readonly cache = new WeakMap<object, Converted<unknown>>();
  private readonly reported = new Set<string>();
  private readonly namespaces: ReadonlySet<string>;

  constructor(
    private readonly sources: StoreSources,
    private readonly options: StoreOptions,
  ) {
    this.assumed = new AssumedState(options.assumeTtlMs);
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

  snapshot(now: number): PassInput {
    const rawPods = this.sources.pods();
    const byUid = new Map(rawPods.map((p) => [p.metadata?.uid ?? '', p]));
    const expired = this.assumed.reconcile((uid) => {
      const raw = byUid.get(uid);
      if (raw === undefined) return undefined;
      return {
        nodeName: raw.spec?.nodeName ?? '',
        terminating: raw.metadata?.deletionTimestamp != null,
        nominatedNodeName: raw.status?.nominatedNodeName ?? '',
      };
    }, now);
    for (const write of expired) this.options.warn('assumed write expired before the watch confirmed it', { ...write });

    const pods: Pod[] = [];
    const infos = new Map<string, PodInfo>();
    const rejected: RejectedPod[] = [];
    for (const raw of rawPods) {
      const ref = podRef(raw);
      const key = `${ref.namespace}/${ref.name}`;
      const converted = this.convert(raw, this.options.converters.pod, `pod ${key}`);
      if (!converted.ok) {
        if (this.isOursPending(raw)) {
          rejected.push({ key, ref, error: converted.error });
          infos.set(key, { ref, scheduled: scheduledCondition(raw) });
        }
        continue;
      }
      const pod = this.applyAssumed(converted.value);
      // Our pending pods outside the configured namespaces are not ours to place; bound
      // pods stay whatever their namespace, since they hold node capacity.
      if (pod.nodeName === '' && pod.schedulerName === this.options.schedulerName && !this.inScope(pod.namespace))
        continue;
      pods.push(pod);
      infos.set(key, { ref, scheduled: scheduledCondition(raw) });
    }
    const nodes = this.convertAll(
      this.sources.nodes(),
      this.options.converters.node,
      (n) => `node ${n.metadata?.name ?? ''}`,
    );
    const pdbs = this.convertAll(
      this.sources.pdbs(),
      this.options.converters.pdb,
      (p) => `pdb ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`,
    );
    pods.sort((a, b) => compare(a.key, b.key));
    nodes.sort((a, b) => compare(a.name, b.name));
    rejected.sort((a, b) => compare(a.key, b.key));
    return {
      snapshot: Object.freeze({ nodes: Object.freeze(nodes), pods: Object.freeze(pods), pdbs: Object.freeze(pdbs) }),
      pods: infos,
      rejected: Object.freeze(rejected),
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

  private isOursPending(raw: V1Pod): boolean {
    return (
      raw.spec?.schedulerName === this.options.schedulerName &&
      (raw.spec?.nodeName ?? '') === '' &&
      raw.metadata?.deletionTimestamp == null &&
      this.inScope(raw.metadata?.namespace ?? '')
    );
  }

  private convertAll<R extends object, T>(
    raws: readonly R[],
    convert: (r: R) => Converted<T>,
    label: (r: R) => string,
  ): T[] {
    const out: T[] = [];
    for (const raw of raws) {
      const c = this.convert(raw, convert, label(raw));
      if (c.ok) out.push(c.value);
    }
    return out;
  }

  /** Converts once per informer object; a failure is logged once, then left out. */
  private convert<R extends object, T>(raw: R, convert: (r: R) => Converted<T>, label: string): Converted<T> {
    const hit = this.cache.get(raw) as Converted<T> | undefined;
    if (hit !== undefined) return hit;
    let result: Converted<T>;
    try {
      result = convert(raw);
    } catch (err) {
      // A converter bug must cost one object, never the scheduler.
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    this.cache.set(raw, result);
    if (!result.ok) {
      const version = (raw as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '';
      const id = `${label}@${version}`;
      if (!this.reported.has(id)) {
        if (this.reported.size > 10_000) this.reported.clear();
        this.reported.add(id);
        this.options.warn('object left out of the snapshot: conversion failed', { object: label, error: result.error });
      }
    }
    return result;
  }
}

export function podRef(raw: V1Pod): PodRef {
  return { namespace: raw.metadata?.namespace ?? '', name: raw.metadata?.name ?? '', uid: raw.metadata?.uid ?? '' };
}

function scheduledCondition(raw: V1Pod): ScheduledCondition | undefined {
  const c = raw.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return c === undefined ? undefined : { status: c.status, reason: c.reason ?? '', message: c.message ?? '' };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
