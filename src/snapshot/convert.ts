// Kubernetes objects (kubectl JSON or client objects) -> the planner's snapshot.
// Pure: reads its input without changing it, returns frozen model objects and
// one error line per object it could not convert.
import type {
  Claim,
  CsiNode,
  Namespace,
  Node,
  PersistentVolume,
  Pod,
  PodDisruptionBudget,
  PodGroup,
  Snapshot,
  StorageClass,
} from '../core/model.js';
import { POD_GROUP_API } from '../core/gang-sources.js';
import type { Result } from '../core/result.js';
import { convertClaim } from './claim.js';
import { convertCsiNode } from './csi-node.js';
import { isPlain, type Plain } from './fields.js';
import { convertNamespace } from './namespace.js';
import { convertNode } from './node.js';
import { convertPdb } from './pdb.js';
import { convertPersistentVolume } from './persistent-volume.js';
import { convertPod, DEFAULT_POD_CONVERSION, type PodConversion } from './pod.js';
import { convertPodGroup, isKnownPodGroup } from './pod-group.js';
import { convertStorageClass } from './storage-class.js';

export { convertClaim } from './claim.js';
export { convertCsiNode } from './csi-node.js';
export { convertNamespace } from './namespace.js';
export { convertNode } from './node.js';
export { convertPdb } from './pdb.js';
export { convertPersistentVolume } from './persistent-volume.js';
export { convertPod, DEFAULT_POD_CONVERSION, type PodConversion } from './pod.js';
export { convertPodGroup, isKnownPodGroup, unreadablePodGroup } from './pod-group.js';
export { convertStorageClass } from './storage-class.js';

/** Which kind a kind-less object looks like, to make the error useful. */
function lookalike(item: Plain): string | undefined {
  const spec = isPlain(item['spec']) ? item['spec'] : {};
  const status = isPlain(item['status']) ? item['status'] : {};
  if ('containers' in spec) return 'Pod';
  if ('allocatable' in status || 'nodeInfo' in status) return 'Node';
  if ('minAvailable' in spec || 'maxUnavailable' in spec) return 'PodDisruptionBudget';
  // A volume has a capacity; a claim asks for one (both list access modes).
  if ('capacity' in spec || 'claimRef' in spec) return 'PersistentVolume';
  if ('accessModes' in spec || 'volumeName' in spec) return 'PersistentVolumeClaim';
  if ('provisioner' in item) return 'StorageClass';
  if ('drivers' in spec) return 'CSINode';
  if ('schedulingPolicy' in spec || 'minMember' in spec) return 'PodGroup';
  return undefined;
}

/**
 * Converts the items of one or more Lists into one snapshot. Kinds other than Pod, Node,
 * PodDisruptionBudget, Namespace, PersistentVolumeClaim, PersistentVolume, StorageClass,
 * CSINode and PodGroup (of the scheduling.k8s.io, scheduling.x-k8s.io and
 * scheduling.volcano.sh groups) are ignored; the snapshot carries namespaces, the storage
 * kinds and PodGroups only when the input lists some. An item without a kind is an error
 * (kubectl always writes one), as is a second object with the same identity, in the same
 * List or an earlier one. Items that fail are left out of the snapshot.
 */
export class SnapshotBuilder {
  private readonly nodes: Node[] = [];
  private readonly pods: Pod[] = [];
  private readonly pdbs: PodDisruptionBudget[] = [];
  private readonly namespaces: Namespace[] = [];
  private readonly claims: Claim[] = [];
  private readonly volumes: PersistentVolume[] = [];
  private readonly storageClasses: StorageClass[] = [];
  private readonly csiNodes: CsiNode[] = [];
  private readonly podGroups: PodGroup[] = [];
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly conversion: PodConversion = DEFAULT_POD_CONVERSION) {}

  /** Adds a List's items; returns one error line per item that could not be added. */
  add(items: readonly unknown[]): string[] {
    const errors: string[] = [];
    // Identities are kept per kind, bare (a pod's key is made already): 100,000 pods need no new strings.
    const keep = <T>(
      result: Result<T>,
      kind: string,
      identity: (value: T) => string,
      into: T[],
      subject = (id: string): string => `${kind} ${id}`,
    ): void => {
      if (!result.ok) {
        errors.push(result.error);
        return;
      }
      const id = identity(result.value);
      let seen = this.seen.get(kind);
      if (seen === undefined) this.seen.set(kind, (seen = new Set()));
      if (seen.has(id)) errors.push(`${subject(id)}: appears twice`);
      else {
        seen.add(id);
        into.push(result.value);
      }
    };

    items.forEach((item, i) => {
      if (!isPlain(item)) {
        errors.push(`items[${i}]: expected an object`);
        return;
      }
      const kind = item['kind'];
      if (kind === 'Pod') keep(convertPod(item, this.conversion), 'pod', (p) => p.key, this.pods);
      else if (kind === 'Node') keep(convertNode(item), 'node', (n) => n.name, this.nodes);
      else if (kind === 'Namespace') keep(convertNamespace(item), 'namespace', (n) => n.name, this.namespaces);
      else if (kind === 'PodDisruptionBudget') {
        keep(convertPdb(item), 'poddisruptionbudget', (b) => `${b.namespace}/${b.name}`, this.pdbs);
      } else if (kind === 'PersistentVolumeClaim')
        keep(convertClaim(item), 'persistentvolumeclaim', (c) => c.key, this.claims);
      else if (kind === 'PersistentVolume')
        keep(convertPersistentVolume(item), 'persistentvolume', (v) => v.name, this.volumes);
      else if (kind === 'StorageClass')
        keep(convertStorageClass(item), 'storageclass', (c) => c.name, this.storageClasses);
      else if (kind === 'CSINode') keep(convertCsiNode(item), 'csinode', (n) => n.name, this.csiNodes);
      else if (kind === 'PodGroup' && isKnownPodGroup(item))
        keep(
          convertPodGroup(item),
          'podgroup',
          (g) => `${POD_GROUP_API[g.source]} ${g.namespace}/${g.name}`,
          this.podGroups,
          (id) => `podgroup.${id}`,
        );
      else if (typeof kind !== 'string' || kind === '') {
        const like = lookalike(item);
        errors.push(`items[${i}]: missing kind${like === undefined ? '' : ` (looks like a ${like})`}`);
      }
    });
    return errors;
  }

  snapshot(): Snapshot {
    const known = <T>(items: readonly T[]): readonly T[] | undefined =>
      items.length > 0 ? Object.freeze([...items]) : undefined;
    const namespaces = known(this.namespaces);
    const claims = known(this.claims);
    const volumes = known(this.volumes);
    const storageClasses = known(this.storageClasses);
    const csiNodes = known(this.csiNodes);
    const podGroups = known(this.podGroups);
    return Object.freeze({
      nodes: Object.freeze([...this.nodes]),
      pods: Object.freeze([...this.pods]),
      pdbs: Object.freeze([...this.pdbs]),
      ...(namespaces === undefined ? {} : { namespaces }),
      ...(claims === undefined ? {} : { claims }),
      ...(volumes === undefined ? {} : { volumes }),
      ...(storageClasses === undefined ? {} : { storageClasses }),
      ...(csiNodes === undefined ? {} : { csiNodes }),
      ...(podGroups === undefined ? {} : { podGroups }),
    });
  }
}

/** Converts the items of one List (see SnapshotBuilder). */
export function snapshotFromItems(
  items: readonly unknown[],
  conversion: PodConversion = DEFAULT_POD_CONVERSION,
): { snapshot: Snapshot; errors: string[] } {
  const builder = new SnapshotBuilder(conversion);
  const errors = builder.add(items);
  return { snapshot: builder.snapshot(), errors };
}
