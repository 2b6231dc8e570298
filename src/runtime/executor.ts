// Executes a plan: evictions first (they free capacity the plan counted on), then binds,
// then the releases of volume choices that timed out, then for each nominated pod its
// volume choices and its nomination, each phase with bounded concurrency. Every write is
// assumed in the store before the call, so even a call abandoned at the deadline cannot
// lead the next pass to hand the same capacity out twice; a definite failure forgets it
// again.
import type { AssumedKind, CallOutcome, ClusterApi, ErrorClass, PassInput, PodRef } from '../cluster/index.js';
import type { Plan } from '../core/index.js';
import type { Logger } from './log.js';
import { mapLimit } from './limit.js';
import { VolumeWriter, type VolumeAssumeSink, type VolumeWriteReport } from './volume-writes.js';

export interface AssumeSink extends VolumeAssumeSink {
  assume(kind: AssumedKind, ref: PodRef, node: string, at: number): void;
  forget(kind: AssumedKind, ref: PodRef): void;
}

export interface ExecutorDeps {
  readonly api: ClusterApi;
  readonly assumed: AssumeSink;
  readonly log: Logger;
  readonly concurrency: number;
  /** The planner's annotationPrefix: names the chosen-at annotation of claims. */
  readonly annotationPrefix: string;
}

export type WriteResult = 'done' | 'failed' | 'abandoned';

export interface WriteReport {
  readonly pod: string;
  readonly node: string;
  readonly result: WriteResult;
  /** Why a write failed or was abandoned (metrics count API errors by class). */
  readonly errorClass?: ErrorClass;
}

export interface ExecutionReport {
  readonly evictions: readonly (WriteReport & { readonly preemptor: string })[];
  readonly bindings: readonly WriteReport[];
  readonly nominations: readonly WriteReport[];
  /** Claim and volume writes of choices and releases. */
  readonly volumes: readonly VolumeWriteReport[];
}

export async function executePlan(
  plan: Plan,
  input: PassInput,
  deps: ExecutorDeps,
  signal: AbortSignal,
  now: number,
): Promise<ExecutionReport> {
  const write = async (
    kind: AssumedKind,
    pod: string,
    node: string,
    call: (ref: PodRef) => Promise<CallOutcome<void>>,
  ): Promise<WriteReport> => {
    const ref = input.pods.get(pod)?.ref;
    if (ref === undefined) return { pod, node, result: 'failed' }; // not in the snapshot: cannot happen for a sane plan
    deps.assumed.assume(kind, ref, node, now);
    const outcome = await call(ref);
    const result = interpret(kind, pod, node, outcome, deps.log);
    // Kept assumed: done (until the watch shows it), abandoned, and failures after which the
    // write may have landed all the same (see mayHaveLanded).
    if (result === 'failed' && !mayHaveLanded(kind, outcome)) deps.assumed.forget(kind, ref);
    return outcome.ok ? { pod, node, result } : { pod, node, result, errorClass: outcome.error.kind };
  };

  const evictions = await mapLimit(plan.evictions, deps.concurrency, async (e) => ({
    ...(await write('eviction', e.pod, e.node, (ref) => deps.api.evict(ref, signal))),
    preemptor: e.preemptor,
  }));
  const bindings = await mapLimit(plan.bindings, deps.concurrency, (b) =>
    write('bind', b.pod, b.node, (ref) => deps.api.bind(ref, b.node, signal)),
  );
  const volumeWriter = new VolumeWriter(deps, input, signal, now);
  const releases = await mapLimit(plan.volumeReleases ?? [], deps.concurrency, (r) => volumeWriter.release(r));

  // A pod's claims are written before its nomination: the node is reserved only for a pod
  // whose choice was made. A pod already nominated there needs its choice written alone.
  const choices = new Map((plan.volumeChoices ?? []).map((c) => [c.pod, c]));
  const nominated = new Set(plan.nominations.map((n) => n.pod));
  const perPod = [
    ...plan.nominations.map((n) => ({ pod: n.pod, node: n.node, nominate: true })),
    ...(plan.volumeChoices ?? []).filter((c) => !nominated.has(c.pod)).map((c) => ({ ...c, nominate: false })),
  ];
  const written = await mapLimit(perPod, deps.concurrency, async ({ pod, node, nominate }) => {
    const choice = choices.get(pod);
    const volumes = choice === undefined ? [] : await volumeWriter.choose(choice);
    if (!nominate) return { volumes, nomination: undefined };
    if (volumes.some((v) => v.result === 'failed')) {
      deps.log.info(`nomination of ${pod} skipped: a write of its volume choice failed; planned again next pass`, {
        action: 'nomination',
        pod,
        node,
      });
      return { volumes, nomination: undefined };
    }
    return { volumes, nomination: await write('nomination', pod, node, (ref) => deps.api.nominate(ref, node, signal)) };
  });
  return {
    evictions,
    bindings,
    nominations: written.flatMap((w) => (w.nomination === undefined ? [] : [w.nomination])),
    volumes: [...releases.flat(), ...written.flatMap((w) => w.volumes)],
  };
}

/**
 * A failure that does not prove the write missed: no answer or a 5xx (the API server may have
 * stored it before the connection or etcd went away), or for a bind a conflict (the pod is
 * bound already, most likely by an earlier attempt of ours whose answer was lost). Forgetting
 * such a write would show its capacity as free until the watch tells, and the next pass could
 * give it away twice; it stays assumed until the watch shows it or the TTL ends.
 */
function mayHaveLanded(kind: AssumedKind, outcome: CallOutcome<void>): boolean {
  if (outcome.ok) return true;
  const { error } = outcome;
  if (kind === 'bind' && error.kind === 'conflict') return true;
  return error.kind === 'transient' && error.status !== 429;
}

const VERB: Record<AssumedKind, string> = { bind: 'bound', eviction: 'evicted', nomination: 'nominated' };

/** One log line per decision; maps the call's outcome onto what the pass should believe. */
function interpret(kind: AssumedKind, pod: string, node: string, outcome: CallOutcome<void>, log: Logger): WriteResult {
  if (outcome.ok) {
    log.info(`${VERB[kind]} ${pod}`, { action: kind, pod, node });
    return 'done';
  }
  const { error } = outcome;
  const fields = { action: kind, pod, node, status: error.status, error: error.message };
  if (outcome.abandoned) {
    log.warn(`${kind} of ${pod} abandoned at the pass deadline; assumed until the watch tells`, fields);
    return 'abandoned';
  }
  switch (error.kind) {
    case 'gone':
      log.info(`${kind} of ${pod} skipped: the pod is gone`, fields);
      return 'failed';
    case 'conflict':
      // Already bound (or changed) by someone: nothing to do, the watch resyncs us.
      log.info(`${kind} of ${pod} conflicted; resyncing from the watch`, fields);
      return 'failed';
    case 'forbidden':
      log.error(`${kind} of ${pod} forbidden: the scheduler lacks a permission`, fields);
      return 'failed';
    case 'transient':
      if (kind === 'eviction' && error.status === 429) {
        log.info(
          `eviction of ${pod} refused by a PodDisruptionBudget; the victim stays, the preemptor retries later`,
          fields,
        );
      } else {
        log.warn(`${kind} of ${pod} failed after retries`, fields);
      }
      return 'failed';
    case 'invalid':
      log.error(`${kind} of ${pod} rejected by the API server`, fields);
      return 'failed';
  }
}
