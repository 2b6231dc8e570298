// What the informers keep of pods and nodes beyond the trim: only what scheduling reads.
// A pod's containers keep their name, requests and limits, host ports and restart policy
// (not their image, command, environment, mounts or probes); its volumes keep the kinds the
// planner counts (claims, generic ephemeral, inline CSI), not service-account tokens,
// config maps or secrets; its status drops the per-container statuses and IPs. A node drops
// its image list and system info. prune.test.ts checks that a pruned object converts
// exactly as the whole one does.
import { isPlain } from '../snapshot/fields.js';

type Plain = Record<string, unknown>;

const CONTAINER_FIELDS: readonly string[] = ['name', 'resources', 'ports', 'restartPolicy'];
const VOLUME_KINDS: readonly string[] = ['persistentVolumeClaim', 'ephemeral', 'csi'];
const POD_STATUS_DROPPED = new Set([
  'containerStatuses',
  'initContainerStatuses',
  'ephemeralContainerStatuses',
  'podIP',
  'podIPs',
  'hostIP',
  'hostIPs',
  'resourceClaimStatuses',
]);
const NODE_STATUS_DROPPED = new Set(['images', 'nodeInfo', 'daemonEndpoints']);

function pick(source: Plain, fields: readonly string[]): Plain {
  const out: Plain = {};
  for (const field of fields) if (source[field] !== undefined) out[field] = source[field];
  return out;
}

function without(source: Plain, dropped: ReadonlySet<string>): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(source)) if (!dropped.has(key)) out[key] = value;
  return out;
}

function containers(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const list: readonly unknown[] = value;
  return list.map((c) => (isPlain(c) ? pick(c, CONTAINER_FIELDS) : c));
}

function volumes(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const list: readonly unknown[] = value;
  return list.filter((v) => !isPlain(v) || VOLUME_KINDS.some((kind) => v[kind] !== undefined && v[kind] !== null));
}

/** A copy of the pod with only what scheduling reads (the argument is never changed). */
export function prunePod<T>(pod: T): T;
export function prunePod(pod: unknown): unknown {
  if (!isPlain(pod)) return pod;
  const out: Plain = { ...pod };
  const spec = pod['spec'];
  if (isPlain(spec)) {
    const pruned: Plain = { ...spec };
    delete pruned['ephemeralContainers'];
    if (spec['containers'] !== undefined) pruned['containers'] = containers(spec['containers']);
    if (spec['initContainers'] !== undefined) pruned['initContainers'] = containers(spec['initContainers']);
    if (spec['volumes'] !== undefined) pruned['volumes'] = volumes(spec['volumes']);
    out['spec'] = pruned;
  }
  const status = pod['status'];
  if (isPlain(status)) out['status'] = without(status, POD_STATUS_DROPPED);
  return out;
}

/** A copy of the node without its image list and system info (the argument is never changed). */
export function pruneNode<T>(node: T): T;
export function pruneNode(node: unknown): unknown {
  if (!isPlain(node)) return node;
  const status = node['status'];
  return isPlain(status) ? { ...node, status: without(status, NODE_STATUS_DROPPED) } : node;
}
