// StorageClass -> core StorageClass: who provisions its volumes, when its claims bind, and
// on which nodes new volumes may be provisioned (allowedTopologies).
import type { NodeSelectorTerm, SelectorRequirement, StorageClass } from '../core/model.js';
import type { Result } from '../core/result.js';
import { FieldError, identify, list, object, oneOf, type Plain, readOrError, string, strings } from './fields.js';

const BINDING_MODES: readonly StorageClass['bindingMode'][] = ['Immediate', 'WaitForFirstConsumer'];

/** Any value (kubectl JSON, a client-node V1StorageClass): checked field by field. */
export function convertStorageClass(obj: unknown): Result<StorageClass> {
  const id = identify(obj, 'storageclass', false);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () => readClass(object(obj, 'storageclass'), id.value.name));
}

function readClass(raw: Plain, name: string): StorageClass {
  const bindingMode = string(raw['volumeBindingMode'], 'volumeBindingMode', 'Immediate');
  if (!oneOf(BINDING_MODES, bindingMode)) {
    throw new FieldError('volumeBindingMode', `unknown binding mode ${JSON.stringify(bindingMode)}`);
  }
  return Object.freeze({
    name,
    provisioner: string(raw['provisioner'], 'provisioner'),
    bindingMode,
    allowedTopologies: allowedTopologies(raw['allowedTopologies']),
  });
}

/**
 * Topology terms as node selector terms: each label expression is an `In`. A term without
 * expressions stays empty, and an empty term selects no node, as in the API; no terms at
 * all (undefined) allow every node.
 */
function allowedTopologies(value: unknown): readonly NodeSelectorTerm[] | undefined {
  const path = 'allowedTopologies';
  const terms = list(value, path);
  if (terms.length === 0) return undefined;
  return Object.freeze(
    terms.map((entry, i) => {
      const at = `${path}[${i}].matchLabelExpressions`;
      const expressions = list(object(entry, `${path}[${i}]`)['matchLabelExpressions'], at).map(
        (e, j): SelectorRequirement => {
          const fields = object(e, `${at}[${j}]`);
          return Object.freeze({
            key: string(fields['key'], `${at}[${j}].key`),
            operator: 'In',
            values: strings(fields['values'], `${at}[${j}].values`),
          });
        },
      );
      return Object.freeze({ matchExpressions: Object.freeze(expressions), matchFields: Object.freeze([]) });
    }),
  );
}
