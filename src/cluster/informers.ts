// The client-node informers the scheduler needs, created stopped: the
// listeners start them (and restart them) explicitly. Each lists in pages and keeps
// its objects trimmed (trim.ts), from the list and from every watch event.
import {
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
import type { PodGroupSource } from '../core/index.js';
import type { ApiResource } from './discovery.js';
import { WholeListWatch } from './list-watch.js';
import type { InformerLike } from './listeners.js';
import { DEFAULT_PAGING, listInPages, type PageFetcher, type PagingOptions } from './paged-list.js';
import { pruneNode, prunePod } from './prune.js';
import { rawPageFetcher } from './raw-list.js';
import { trimObject } from './trim.js';
import { TrimmingWatch, type Keep } from './trimming-watch.js';

/** The PodGroup APIs gangs may be declared with, by source; each may or may not be served. */
export const POD_GROUP_APIS: Readonly<Record<PodGroupSource, ApiResource>> = {
  kubernetes: { group: 'scheduling.k8s.io', version: 'v1beta1', resource: 'podgroups' },
  'scheduler-plugins': { group: 'scheduling.x-k8s.io', version: 'v1alpha1', resource: 'podgroups' },
  volcano: { group: 'scheduling.volcano.sh', version: 'v1beta1', resource: 'podgroups' },
};

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
  /** PodGroups of each source (listened to only while their API is served). */
  readonly podGroups: Readonly<Record<PodGroupSource, InformerLike<KubernetesObject>>>;
}

export function kubeInformers(kc: KubeConfig): ClusterInformers {
  const watch = new Watch(kc);
  const informer = <T extends KubernetesObject>(path: string, keep?: Keep): WholeListWatch<T> =>
    trimmedInformer<T>(path, watch, rawPageFetcher<T>(kc, path), DEFAULT_PAGING, keep);
  // List items come without apiVersion and kind; the converter tells the PodGroup kinds apart by them.
  const podGroupInformer = (api: ApiResource): WholeListWatch<KubernetesObject> =>
    informer<KubernetesObject>(`/apis/${api.group}/${api.version}/${api.resource}`, (obj) => ({
      ...obj,
      apiVersion: `${api.group}/${api.version}`,
      kind: 'PodGroup',
    }));
  // Every pod, from every scheduler: a node's usage counts every pod bound to it,
  // whoever placed it, and Succeeded gang members count toward their quorum.
  return {
    nodes: informer<V1Node>('/api/v1/nodes', pruneNode),
    pods: informer<V1Pod>('/api/v1/pods', prunePod),
    pdbs: informer<V1PodDisruptionBudget>('/apis/policy/v1/poddisruptionbudgets'),
    namespaces: informer<V1Namespace>('/api/v1/namespaces'),
    claims: informer<V1PersistentVolumeClaim>('/api/v1/persistentvolumeclaims'),
    volumes: informer<V1PersistentVolume>('/api/v1/persistentvolumes'),
    storageClasses: informer<V1StorageClass>('/apis/storage.k8s.io/v1/storageclasses'),
    csiNodes: informer<V1CSINode>('/apis/storage.k8s.io/v1/csinodes'),
    podGroups: {
      kubernetes: podGroupInformer(POD_GROUP_APIS.kubernetes),
      'scheduler-plugins': podGroupInformer(POD_GROUP_APIS['scheduler-plugins']),
      volcano: podGroupInformer(POD_GROUP_APIS.volcano),
    },
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
): WholeListWatch<T> {
  const kept = (obj: T): T => keep(trimObject(obj));
  return new WholeListWatch<T>(path, new TrimmingWatch(watch, keep), () => listInPages(fetchPage, kept, paging), false);
}
