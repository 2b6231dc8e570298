// The client-node informers the scheduler needs, created stopped: the
// listeners start them (and restart them) explicitly.
import {
  CoreV1Api,
  ListWatch,
  PolicyV1Api,
  StorageV1Api,
  Watch,
  type KubeConfig,
  type V1CSINode,
  type V1Namespace,
  type V1Node,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1PodDisruptionBudget,
  type V1StorageClass,
} from '@kubernetes/client-node';
import type { InformerLike } from './listeners.js';

export interface ClusterInformers {
  readonly nodes: InformerLike<V1Node>;
  readonly pods: InformerLike<V1Pod>;
  readonly pdbs: InformerLike<V1PodDisruptionBudget>;
  /** Namespace labels, for pod affinity terms that select namespaces by label. */
  readonly namespaces: InformerLike<V1Namespace>;
  /** Storage: which claims exist and are bound, the volumes they may bind to, how classes bind, attach limits. */
  readonly claims: InformerLike<V1PersistentVolumeClaim>;
  readonly volumes: InformerLike<V1PersistentVolume>;
  readonly storageClasses: InformerLike<V1StorageClass>;
  readonly csiNodes: InformerLike<V1CSINode>;
}

export function kubeInformers(kc: KubeConfig): ClusterInformers {
  const core = kc.makeApiClient(CoreV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const watch = new Watch(kc);
  // Every pod, from every scheduler: a node's usage counts every pod bound to it,
  // whoever placed it, and Succeeded gang members count toward their quorum.
  return {
    nodes: new ListWatch<V1Node>('/api/v1/nodes', watch, () => core.listNode(), false),
    pods: new ListWatch<V1Pod>('/api/v1/pods', watch, () => core.listPodForAllNamespaces(), false),
    pdbs: new ListWatch<V1PodDisruptionBudget>(
      '/apis/policy/v1/poddisruptionbudgets',
      watch,
      () => policy.listPodDisruptionBudgetForAllNamespaces(),
      false,
    ),
    namespaces: new ListWatch<V1Namespace>('/api/v1/namespaces', watch, () => core.listNamespace(), false),
    claims: new ListWatch<V1PersistentVolumeClaim>(
      '/api/v1/persistentvolumeclaims',
      watch,
      () => core.listPersistentVolumeClaimForAllNamespaces(),
      false,
    ),
    volumes: new ListWatch<V1PersistentVolume>(
      '/api/v1/persistentvolumes',
      watch,
      () => core.listPersistentVolume(),
      false,
    ),
    storageClasses: new ListWatch<V1StorageClass>(
      '/apis/storage.k8s.io/v1/storageclasses',
      watch,
      () => storage.listStorageClass(),
      false,
    ),
    csiNodes: new ListWatch<V1CSINode>('/apis/storage.k8s.io/v1/csinodes', watch, () => storage.listCSINode(), false),
  };
}
