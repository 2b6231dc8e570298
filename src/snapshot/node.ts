// Node -> core Node: allocatable (pods counted apart), labels, taints, cordon, readiness.
import type { Node } from '../core/model.js';
import type { Result } from '../core/result.js';
import { boolean, identify, list, object, type Plain, readOrError, stringMap } from './fields.js';
import { resourceList } from './resources.js';
import { taints } from './selectors.js';

/** Any value (kubectl JSON, a client-node V1Node): checked field by field. */
export function convertNode(obj: unknown): Result<Node> {
  const id = identify(obj, 'node', false);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () => readNode(object(obj, 'node'), id.value.name));
}

function readNode(raw: Plain, name: string): Node {
  const metadata = object(raw['metadata'], 'metadata');
  const spec = object(raw['spec'], 'spec');
  const status = object(raw['status'], 'status');
  const allocatable = resourceList(status['allocatable'], 'status.allocatable');
  return Object.freeze({
    name,
    labels: stringMap(metadata['labels'], 'metadata.labels'),
    allocatable: allocatable.resources,
    allocatablePods: allocatable.pods,
    taints: taints(spec['taints'], 'spec.taints'),
    unschedulable: boolean(spec['unschedulable'], 'spec.unschedulable'),
    ready: isReady(status['conditions']),
  });
}

/** The Ready condition is True; a node without one is not ready (as kube-scheduler sees it). */
function isReady(conditions: unknown): boolean {
  return list(conditions, 'status.conditions').some((entry, i) => {
    const condition = object(entry, `status.conditions[${i}]`);
    return condition['type'] === 'Ready' && condition['status'] === 'True';
  });
}
