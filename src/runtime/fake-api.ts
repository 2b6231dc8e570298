// A ClusterApi fake for unit tests: records every call in order and answers from a script.
import type {
  AnnotationPatch,
  CallOutcome,
  ClaimRefValue,
  ClassifiedError,
  ClusterApi,
  PodEvent,
  PodGroupCondition,
  PodGroupRef,
  PodRef,
  VolumeRef,
} from '../cluster/index.js';
import { fail, ok } from '../core/index.js';

export interface RecordedCall {
  readonly op:
    | 'bind'
    | 'evict'
    | 'nominate'
    | 'markUnschedulable'
    | 'recordEvent'
    | 'annotateClaim'
    | 'setVolumeClaim'
    | 'setPodGroupCondition';
  /** The pod's `namespace/name`; the claim's for annotateClaim; the volume's name for setVolumeClaim; the PodGroup's for setPodGroupCondition. */
  readonly pod: string;
  readonly detail: string;
}

export class FakeApi implements ClusterApi {
  readonly calls: RecordedCall[] = [];
  /** op:pod -> the failure to answer with (otherwise success); op:volume for setVolumeClaim. */
  readonly failures = new Map<string, ClassifiedError | 'abandon'>();

  bind(pod: PodRef, node: string): Promise<CallOutcome<void>> {
    return this.answer('bind', pod, node);
  }
  evict(pod: PodRef): Promise<CallOutcome<void>> {
    return this.answer('evict', pod, '');
  }
  nominate(pod: PodRef, node: string): Promise<CallOutcome<void>> {
    return this.answer('nominate', pod, node);
  }
  markUnschedulable(pod: PodRef, message: string): Promise<CallOutcome<void>> {
    return this.answer('markUnschedulable', pod, message);
  }
  recordEvent(event: PodEvent): Promise<CallOutcome<void>> {
    return this.answer('recordEvent', event.pod, `${event.reason}: ${event.note}`);
  }
  /** detail: the patch and the claim's uid, as JSON. */
  annotateClaim(claim: ClaimRefValue, annotations: AnnotationPatch): Promise<CallOutcome<void>> {
    return this.answer('annotateClaim', claim, JSON.stringify({ uid: claim.uid, annotations }));
  }
  /** detail: the claimRef written (null: cleared) and the resourceVersion it is based on, as JSON. */
  setVolumeClaim(volume: VolumeRef, claim: ClaimRefValue | undefined): Promise<CallOutcome<void>> {
    const detail = JSON.stringify({ resourceVersion: volume.resourceVersion, claimRef: claim ?? null });
    return this.record('setVolumeClaim', volume.name, detail);
  }

  /** detail: `type=status reason: message`. */
  setPodGroupCondition(group: PodGroupRef, condition: PodGroupCondition): Promise<CallOutcome<void>> {
    const detail = `${condition.type}=${condition.status} ${condition.reason}: ${condition.message}`;
    return this.record('setPodGroupCondition', `${group.namespace}/${group.name}`, detail);
  }

  private answer(op: RecordedCall['op'], pod: PodRef, detail: string): Promise<CallOutcome<void>> {
    return this.record(op, `${pod.namespace}/${pod.name}`, detail);
  }

  private async record(op: RecordedCall['op'], key: string, detail: string): Promise<CallOutcome<void>> {
    this.calls.push({ op, pod: key, detail });
    const failure = this.failures.get(`${op}:${key}`);
    if (failure === undefined) return ok(undefined);
    if (failure === 'abandon') {
      return { ...fail({ kind: 'transient', status: undefined, message: 'abandoned' }), abandoned: true };
    }
    return { ...fail(failure), abandoned: false };
  }
}
