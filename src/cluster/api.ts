// The scheduler's writes to the API server: bind, evict, nominate, the PodScheduled
// condition, events, and the volume choices (claim annotations, volume claimRefs), sent as
// plain JSON (raw-call.ts). Each call is retried per its error class (errors.ts) and
// answers with an outcome instead of throwing, so one failed pod never stops a pass.
import type { KubeConfig } from '@kubernetes/client-node';
import { BOUND_BY_CONTROLLER } from '../core/index.js';
import type { AnnotationPatch, ClaimRefValue } from './assumed-volumes.js';
import { bindRetryable } from './errors.js';
import { jsonWriter, type WriteMethod } from './raw-call.js';
import { callWithRetry, type CallOutcome, type RetryPolicy } from './retry.js';

/** Enough of a pod to address it, with the UID that pins the exact incarnation. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export type EventType = 'Normal' | 'Warning';

export interface PodEvent {
  readonly pod: PodRef;
  readonly type: EventType;
  /** Scheduled, FailedScheduling, Preempted, ... (kube-scheduler's reasons). */
  readonly reason: string;
  /** What the controller did: Binding, Scheduling, Preempting. */
  readonly action: string;
  readonly note: string;
}

/** The writes the runtime needs; tests pass a fake. */
export interface ClusterApi {
  bind(pod: PodRef, node: string, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /** Through the Eviction API, so PodDisruptionBudgets are enforced by the API server. */
  evict(pod: PodRef, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /** Sets status.nominatedNodeName; '' clears it. */
  nominate(pod: PodRef, node: string, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /** PodScheduled=False, reason Unschedulable, with this message. */
  markUnschedulable(pod: PodRef, message: string, signal?: AbortSignal): Promise<CallOutcome<void>>;
  recordEvent(event: PodEvent, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /**
   * Merge-patches a claim's annotations (null removes one). The claim's UID is sent too:
   * a recreated claim of the same name is refused (422, its UID is immutable).
   */
  annotateClaim(claim: ClaimRefValue, annotations: AnnotationPatch, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /**
   * Pre-binds a volume to a claim (spec.claimRef, and the bound-by-controller annotation the
   * PV controller expects of a binder), or with `claim` undefined clears both. Sent only
   * against the volume's `resourceVersion` as the watch has it: a volume changed since (bound
   * to another claim, say) answers 409 instead of being taken from it.
   */
  setVolumeClaim(volume: VolumeRef, claim: ClaimRefValue | undefined, signal?: AbortSignal): Promise<CallOutcome<void>>;
  /** Sets one condition of a PodGroup's status (strategic merge keeps the others). */
  setPodGroupCondition(
    group: PodGroupRef,
    condition: PodGroupCondition,
    signal?: AbortSignal,
  ): Promise<CallOutcome<void>>;
}

/** A Kubernetes PodGroup (scheduling.k8s.io/v1beta1), with the UID that pins the exact object. */
export interface PodGroupRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** A metav1.Condition. */
export interface PodGroupCondition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

/** A PersistentVolume and the version of it a write is based on. */
export interface VolumeRef {
  readonly name: string;
  readonly resourceVersion: string;
}

export const REPORTING_CONTROLLER = 'custom-scheduler';

export interface KubeClusterApiOptions {
  readonly retry: RetryPolicy;
  /** Identifies this replica in events (host name, or pod name in a cluster). */
  readonly reportingInstance: string;
  readonly now?: () => Date;
}

export interface WriteRoute {
  readonly method: WriteMethod;
  /** The path with `{namespace}` and `{name}` to fill in. */
  readonly path: string;
}

/** Every write the scheduler sends (the manifest test derives the ClusterRole's rules from this table). */
export const WRITE_ROUTES = {
  bind: { method: 'POST', path: '/api/v1/namespaces/{namespace}/pods/{name}/binding' },
  evict: { method: 'POST', path: '/api/v1/namespaces/{namespace}/pods/{name}/eviction' },
  podStatus: { method: 'PATCH', path: '/api/v1/namespaces/{namespace}/pods/{name}/status' },
  claim: { method: 'PATCH', path: '/api/v1/namespaces/{namespace}/persistentvolumeclaims/{name}' },
  volume: { method: 'PATCH', path: '/api/v1/persistentvolumes/{name}' },
  event: { method: 'POST', path: '/apis/events.k8s.io/v1/namespaces/{namespace}/events' },
  podGroupStatus: {
    method: 'PATCH',
    path: '/apis/scheduling.k8s.io/v1beta1/namespaces/{namespace}/podgroups/{name}/status',
  },
  // Reviews are creates too: who holds a token, and may they read /metrics (src/cluster/access-reviews.ts).
  tokenReview: { method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews' },
  accessReview: { method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews' },
} satisfies Record<string, WriteRoute>;

/** The route's path for one object. */
export function routePath(route: WriteRoute, target: { readonly namespace?: string; readonly name?: string }): string {
  return route.path
    .replace('{namespace}', encodeURIComponent(target.namespace ?? ''))
    .replace('{name}', encodeURIComponent(target.name ?? ''));
}

export function kubeClusterApi(kc: KubeConfig, options: KubeClusterApiOptions): ClusterApi {
  const send = jsonWriter(kc);
  const write = (
    route: WriteRoute,
    target: { readonly namespace?: string; readonly name?: string },
    body: unknown,
    contentType?: string,
  ): Promise<void> => send(route.method, routePath(route, target), body, contentType);
  const { retry, reportingInstance } = options;
  const now = options.now ?? (() => new Date());

  return {
    bind: (pod, node, signal) =>
      callWithRetry(
        () =>
          write(WRITE_ROUTES.bind, pod, {
            apiVersion: 'v1',
            kind: 'Binding',
            // The UID is a precondition: a recreated pod of the same name is not bound.
            metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
            target: { apiVersion: 'v1', kind: 'Node', name: node },
          }),
        retry,
        { signal, retryable: bindRetryable },
      ),

    evict: (pod, signal) =>
      callWithRetry(
        () =>
          write(WRITE_ROUTES.evict, pod, {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: pod.name, namespace: pod.namespace },
            deleteOptions: { preconditions: { uid: pod.uid } },
          }),
        retry,
        // 429 from the Eviction API means a PodDisruptionBudget forbids it now: the
        // victim stays and the preemptor tries again in a later pass.
        { signal, retryable: (e) => e.kind === 'transient' && e.status !== 429 },
      ),

    nominate: (pod, node, signal) =>
      callWithRetry(
        () =>
          write(WRITE_ROUTES.podStatus, pod, { status: { nominatedNodeName: node === '' ? null : node } }, MERGE_PATCH),
        retry,
        { signal },
      ),

    markUnschedulable: (pod, message, signal) =>
      callWithRetry(
        () =>
          write(
            WRITE_ROUTES.podStatus,
            pod,
            // Strategic merge keys conditions by type, so the others are kept.
            {
              status: {
                conditions: [
                  {
                    type: 'PodScheduled',
                    status: 'False',
                    reason: 'Unschedulable',
                    message,
                    lastProbeTime: null,
                    lastTransitionTime: now().toISOString(),
                  },
                ],
              },
            },
            STRATEGIC_MERGE_PATCH,
          ),
        retry,
        { signal },
      ),

    annotateClaim: (claim, annotations, signal) =>
      callWithRetry(
        () => write(WRITE_ROUTES.claim, claim, { metadata: { uid: claim.uid, annotations } }, MERGE_PATCH),
        retry,
        { signal },
      ),

    setVolumeClaim: (volume, claim, signal) =>
      callWithRetry(
        () =>
          write(
            WRITE_ROUTES.volume,
            volume,
            {
              metadata: {
                resourceVersion: volume.resourceVersion,
                annotations: { [BOUND_BY_CONTROLLER]: claim === undefined ? null : 'yes' },
              },
              spec: {
                claimRef:
                  claim === undefined
                    ? null
                    : {
                        apiVersion: 'v1',
                        kind: 'PersistentVolumeClaim',
                        namespace: claim.namespace,
                        name: claim.name,
                        uid: claim.uid,
                      },
              },
            },
            MERGE_PATCH,
          ),
        retry,
        { signal },
      ),

    setPodGroupCondition: (group, condition, signal) =>
      callWithRetry(
        () =>
          write(
            WRITE_ROUTES.podGroupStatus,
            group,
            // The UID pins the object: a PodGroup recreated under the same name is refused.
            { metadata: { uid: group.uid }, status: { conditions: [condition] } },
            STRATEGIC_MERGE_PATCH,
          ),
        retry,
        { signal },
      ),

    recordEvent: (event, signal) => {
      const at = now();
      return callWithRetry(
        () =>
          write(
            WRITE_ROUTES.event,
            { namespace: event.pod.namespace },
            {
              apiVersion: 'events.k8s.io/v1',
              kind: 'Event',
              metadata: {
                name: `${event.pod.name}.${at.getTime().toString(16)}${randomSuffix()}`,
                namespace: event.pod.namespace,
              },
              eventTime: microTime(at),
              reportingController: REPORTING_CONTROLLER,
              reportingInstance,
              action: event.action,
              reason: event.reason,
              type: event.type,
              note: event.note.slice(0, 1024),
              regarding: {
                apiVersion: 'v1',
                kind: 'Pod',
                namespace: event.pod.namespace,
                name: event.pod.name,
                uid: event.pod.uid,
              },
            },
          ),
        retry,
        { signal },
      );
    },
  };
}

const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/** RFC 3339 with six digits of fraction, as metav1.MicroTime is written. */
export function microTime(at: Date): string {
  return `${at.toISOString().slice(0, 23)}000Z`;
}

function randomSuffix(): string {
  return Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
}
