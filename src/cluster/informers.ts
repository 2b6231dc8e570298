// The client-node informers the scheduler needs, created stopped: the
// listeners start them (and restart them) explicitly. Each lists in pages and keeps
// its objects trimmed (trim.ts), from the list and from every watch event.
import {
  CoreV1Api,
  ListWatch,
  PolicyV1Api,
  StorageV1Api,
  Watch,
  type KubeConfig,
  type KubernetesObject,
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
import { DEFAULT_PAGING, listInPages, type PageFetcher, type PagingOptions } from './paged-list.js';
import { pruneNode, prunePod } from './prune.js';
import { trimObject } from './trim.js';
import { TrimmingWatch, type Keep } from './trimming-watch.js';

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
    nodes: trimmedInformer<V1Node>('/api/v1/nodes', watch, (page) => core.listNode(page), DEFAULT_PAGING, pruneNode),
    pods: trimmedInformer<V1Pod>(
      '/api/v1/pods',
      watch,
      (page) => core.listPodForAllNamespaces(page),
      DEFAULT_PAGING,
      prunePod,
    ),
    pdbs: trimmedInformer<V1PodDisruptionBudget>('/apis/policy/v1/poddisruptionbudgets', watch, (page) =>
      policy.listPodDisruptionBudgetForAllNamespaces(page),
    ),
    namespaces: trimmedInformer<V1Namespace>('/api/v1/namespaces', watch, (page) => core.listNamespace(page)),
    claims: trimmedInformer<V1PersistentVolumeClaim>('/api/v1/persistentvolumeclaims', watch, (page) =>
      core.listPersistentVolumeClaimForAllNamespaces(page),
    ),
    volumes: trimmedInformer<V1PersistentVolume>('/api/v1/persistentvolumes', watch, (page) =>
      core.listPersistentVolume(page),
    ),
    storageClasses: trimmedInformer<V1StorageClass>('/apis/storage.k8s.io/v1/storageclasses', watch, (page) =>
      storage.listStorageClass(page),
    ),
    csiNodes: trimmedInformer<V1CSINode>('/apis/storage.k8s.io/v1/csinodes', watch, (page) =>
      storage.listCSINode(page),
    ),
  };
}

/**
 * A stopped ListWatch of `path` that lists in pages and keeps every object trimmed, and
 * pruned by `keep` (prune.ts) for the kinds that have many objects.
 */
export function trimmedInformer<T extends KubernetesObject>(
  path: string,
  watch: Watch,
  fetchPage: PageFetcher<T>,
  paging: PagingOptions = DEFAULT_PAGING,
  keep: Keep = (obj) => obj,
): ListWatch<T> {
  const kept = (obj: T): T => keep(trimObject(obj));
  return new ListWatch<T>(path, new TrimmingWatch(watch, keep), () => listInPages(fetchPage, kept, paging), false);
}
