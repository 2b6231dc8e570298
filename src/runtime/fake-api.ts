// A ClusterApi fake for unit tests: records every call in order and answers from a script.
import type { CallOutcome, ClassifiedError, ClusterApi, PodEvent, PodRef } from '../cluster/index.js';
import { fail, ok } from '../core/index.js';

export interface RecordedCall {
  readonly op: 'bind' | 'evict' | 'nominate' | 'markUnschedulable' | 'recordEvent';
  readonly pod: string;
  readonly detail: string;
}

export class FakeApi implements ClusterApi {
  readonly calls: RecordedCall[] = [];
  /** op:pod -> the failure to answer with (otherwise success). */
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

  private async answer(op: RecordedCall['op'], pod: PodRef, detail: string): Promise<CallOutcome<void>> {
    const key = `${pod.namespace}/${pod.name}`;
    this.calls.push({ op, pod: key, detail });
    const failure = this.failures.get(`${op}:${key}`);
    if (failure === undefined) return ok(undefined);
    if (failure === 'abandon') {
      return { ...fail({ kind: 'transient', status: undefined, message: 'abandoned' }), abandoned: true };
    }
    return { ...fail(failure), abandoned: false };
  }
}
