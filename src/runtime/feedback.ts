// What users see, as kube-scheduler shows it: a Scheduled event on bind, a Preempted
// event on each victim, and for pods that stay pending the PodScheduled=False
// (Unschedulable) condition plus a FailedScheduling event, written only when the
// message changes, judged against the pod's current condition too, so a restarted
// scheduler does not repeat what the pod already says.
import type { ClusterApi, PassInput, PodRef } from '../cluster/index.js';
import type { Logger } from './log.js';
import type { ExecutionReport } from './executor.js';
import { mapLimit } from './limit.js';

export interface PendingNotice {
  readonly pod: string;
  readonly reason: string;
  readonly message: string;
}

export class Feedback {
  /** uid -> the last Unschedulable message we wrote for it. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly api: ClusterApi,
    private readonly log: Logger,
    private readonly concurrency: number,
  ) {}

  async afterExecution(report: ExecutionReport, input: PassInput, signal: AbortSignal): Promise<void> {
    const events: { ref: PodRef; reason: string; action: string; note: string }[] = [];
    for (const b of report.bindings) {
      const ref = input.pods.get(b.pod)?.ref;
      if (b.result === 'done' && ref !== undefined) {
        events.push({
          ref,
          reason: 'Scheduled',
          action: 'Binding',
          note: `Successfully assigned ${b.pod} to ${b.node}`,
        });
        this.written.delete(ref.uid);
      }
    }
    for (const e of report.evictions) {
      const ref = input.pods.get(e.pod)?.ref;
      if (e.result === 'done' && ref !== undefined) {
        events.push({
          ref,
          reason: 'Preempted',
          action: 'Preempting',
          note: `Preempted by ${e.preemptor} on node ${e.node}`,
        });
      }
    }
    await mapLimit(events, this.concurrency, async (e) => {
      const outcome = await this.api.recordEvent(
        { pod: e.ref, type: 'Normal', reason: e.reason, action: e.action, note: e.note },
        signal,
      );
      if (!outcome.ok)
        this.log.debug('event not recorded', {
          pod: `${e.ref.namespace}/${e.ref.name}`,
          reason: e.reason,
          error: outcome.error.message,
        });
    });
  }

  /** Conditions and FailedScheduling events for pods that stay pending. */
  async pending(notices: readonly PendingNotice[], input: PassInput, signal: AbortSignal): Promise<void> {
    const changed = notices.flatMap((n) => {
      const info = input.pods.get(n.pod);
      if (info === undefined) return [];
      const current = info.scheduled;
      const onPod = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === n.message;
      return !onPod && this.written.get(info.ref.uid) !== n.message ? [{ ...n, ref: info.ref }] : [];
    });
    await mapLimit(changed, this.concurrency, async ({ ref, ...n }) => {
      this.log.info(`unschedulable ${n.pod}`, {
        action: 'unschedulable',
        pod: n.pod,
        reason: n.reason,
        message: n.message,
      });
      const condition = await this.api.markUnschedulable(ref, n.message, signal);
      if (!condition.ok) {
        this.log.warn('PodScheduled condition not written', {
          pod: n.pod,
          status: condition.error.status,
          error: condition.error.message,
        });
        return;
      }
      this.written.set(ref.uid, n.message);
      const event = await this.api.recordEvent(
        { pod: ref, type: 'Warning', reason: 'FailedScheduling', action: 'Scheduling', note: n.message },
        signal,
      );
      if (!event.ok)
        this.log.debug('event not recorded', { pod: n.pod, reason: 'FailedScheduling', error: event.error.message });
    });
    this.prune(input);
  }

  /** Forgets pods that left the snapshot, so the memory does not grow without bound. */
  private prune(input: PassInput): void {
    if (this.written.size < 2 * input.pods.size + 100) return;
    const live = new Set([...input.pods.values()].map((p) => p.ref.uid));
    for (const uid of this.written.keys()) if (!live.has(uid)) this.written.delete(uid);
  }
}
