// PodDisruptionBudget -> core PodDisruptionBudget: what preemption needs to count
// violations (selector, disruptions still allowed, pods already being disrupted).
import type { PodDisruptionBudget } from '../core/model.js';
import type { Result } from '../core/result.js';
import { identify, integer, object, type Plain, readOrError } from './fields.js';
import { labelSelector } from './selectors.js';

/** Any value (kubectl JSON, a client-node V1PodDisruptionBudget): checked field by field. */
export function convertPdb(obj: unknown): Result<PodDisruptionBudget> {
  const id = identify(obj, 'poddisruptionbudget', true);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () =>
    readPdb(object(obj, 'poddisruptionbudget'), id.value.namespace, id.value.name),
  );
}

function readPdb(raw: Plain, namespace: string, name: string): PodDisruptionBudget {
  const spec = object(raw['spec'], 'spec');
  const status = object(raw['status'], 'status');
  return Object.freeze({
    namespace,
    name,
    selector: labelSelector(spec['selector'], 'spec.selector'),
    disruptionsAllowed: integer(status['disruptionsAllowed'], 'status.disruptionsAllowed', 0),
    disruptedPods: new Set(Object.keys(object(status['disruptedPods'], 'status.disruptedPods')).sort()),
  });
}
