// Namespace -> its name and labels (what a pod affinity term's namespaceSelector reads).
import type { Namespace } from '../core/model.js';
import type { Result } from '../core/result.js';
import { identify, object, readOrError, stringMap } from './fields.js';

/** Any value (kubectl JSON, a client-node V1Namespace): checked field by field. */
export function convertNamespace(obj: unknown): Result<Namespace> {
  const id = identify(obj, 'namespace', false);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () => {
    const metadata = object(object(obj, 'namespace')['metadata'], 'metadata');
    return Object.freeze({ name: id.value.name, labels: stringMap(metadata['labels'], 'metadata.labels') });
  });
}
