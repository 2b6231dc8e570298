// The only code that talks to the API server (through @kubernetes/client-node).
export {
  kubeClusterApi,
  REPORTING_CONTROLLER,
  type ClusterApi,
  type PodEvent,
  type PodGroupCondition,
  type PodGroupRef,
  type PodRef,
  type VolumeRef,
} from './api.js';
export { classifyError, type ClassifiedError, type ErrorClass } from './errors.js';
export { kubeInformers, POD_GROUP_APIS, type ClusterInformers } from './informers.js';
export { apiName, checkServed, type ApiResource, type Serving } from './discovery.js';
export { OptionalListener } from './optional-listener.js';
export { jsonAsker, jsonReader } from './raw-call.js';
export {
  kubeAccessReviews,
  type AccessReviews,
  type AccessVerdict,
  type NonResourceRequest,
  type TokenVerdict,
  type UserInfo,
} from './access-reviews.js';
export { defaultKubeConfig, PooledKubeConfig, type KubeConfig } from './kubeconfig.js';
export { kubeLeaseApi, type LeaseApi, type LeaseLocation, type LeaseRecord, type StoredLease } from './lease-api.js';
export { LeaseElector, timingsProblem, type ElectorLogLevel, type ElectorOptions, type LeaseTimings } from './lease.js';
export { Listener, type InformerLike, type ListenerOptions } from './listeners.js';
export { callWithRetry, DEFAULT_RETRY_POLICY, type CallFailure, type CallOutcome, type RetryPolicy } from './retry.js';
export {
  SchedulerStore,
  type Converters,
  type PassInput,
  type PodInfo,
  type RejectedPod,
  type ScheduledCondition,
} from './store.js';
export type { AssumedKind } from './assumed.js';
export type { AnnotationPatch, ClaimRefValue } from './assumed-volumes.js';
