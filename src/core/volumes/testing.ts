// Builders for claims, volumes and classes in tests.
import type { AccessMode, Claim, NodeSelectorTerm, PersistentVolume, PodVolume, StorageClass } from '../model.js';

export const GiB = 1024 ** 3;

export function claim(name: string, o: Partial<Omit<Claim, 'key' | 'name'>> = {}): Claim {
  const namespace = o.namespace ?? 'default';
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: o.uid ?? `uid-${name}`,
    storageClassName: o.storageClassName ?? 'local',
    volumeName: o.volumeName ?? '',
    phase: o.phase ?? (o.volumeName === undefined ? 'Pending' : 'Bound'),
    accessModes: o.accessModes ?? ['ReadWriteOnce'],
    request: o.request ?? GiB,
    selector: o.selector,
    volumeMode: o.volumeMode ?? 'Filesystem',
    deleting: o.deleting ?? false,
    annotations: o.annotations ?? {},
    controllerPodUid: o.controllerPodUid ?? '',
  };
}

/** Node affinity to one node by hostname. */
export function onNode(node: string): NodeSelectorTerm[] {
  return [
    {
      matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }],
      matchFields: [],
    },
  ];
}

export function volume(name: string, o: Partial<Omit<PersistentVolume, 'name'>> = {}): PersistentVolume {
  return {
    name,
    labels: o.labels ?? {},
    capacity: o.capacity ?? 10 * GiB,
    accessModes: o.accessModes ?? (['ReadWriteOnce'] satisfies AccessMode[]),
    storageClassName: o.storageClassName ?? 'local',
    volumeMode: o.volumeMode ?? 'Filesystem',
    claimRef: o.claimRef,
    nodeAffinity: o.nodeAffinity,
    phase: o.phase ?? (o.claimRef === undefined ? 'Available' : 'Bound'),
    csiDriver: o.csiDriver ?? '',
    csiHandle: o.csiHandle ?? '',
    deleting: o.deleting ?? false,
  };
}

export function storageClass(name: string, o: Partial<Omit<StorageClass, 'name'>> = {}): StorageClass {
  return {
    name,
    provisioner: o.provisioner ?? 'kubernetes.io/no-provisioner',
    bindingMode: o.bindingMode ?? 'WaitForFirstConsumer',
    allowedTopologies: o.allowedTopologies,
  };
}

export function uses(...claims: string[]): PodVolume[] {
  return claims.map((c) => ({ kind: 'claim', name: c, claimName: c, ephemeral: false }));
}
