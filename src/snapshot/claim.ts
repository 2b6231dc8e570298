// PersistentVolumeClaim -> core Claim: what volume binding needs (class, size, access and
// volume modes, selector, the volume it is bound to) and who owns it (a generic ephemeral
// volume's claim is controlled by its pod).
import type { Claim } from '../core/model.js';
import type { Result } from '../core/result.js';
import {
  boolean,
  FieldError,
  identify,
  list,
  object,
  oneOf,
  optionalTime,
  type Plain,
  readOrError,
  string,
  stringMap,
} from './fields.js';
import { storageBytes } from './resources.js';
import { labelSelector } from './selectors.js';
import { accessModes, storageClassOf, volumeMode } from './storage-fields.js';

const PHASES: readonly Claim['phase'][] = ['Pending', 'Bound', 'Lost'];

/** Any value (kubectl JSON, a client-node V1PersistentVolumeClaim): checked field by field. */
export function convertClaim(obj: unknown): Result<Claim> {
  const id = identify(obj, 'persistentvolumeclaim', true);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () =>
    readClaim(object(obj, 'persistentvolumeclaim'), id.value.namespace, id.value.name),
  );
}

function readClaim(raw: Plain, namespace: string, name: string): Claim {
  const metadata = object(raw['metadata'], 'metadata');
  const spec = object(raw['spec'], 'spec');
  const status = object(raw['status'], 'status');
  const annotations = stringMap(metadata['annotations'], 'metadata.annotations');
  const phase = string(status['phase'], 'status.phase', 'Pending');
  if (!oneOf(PHASES, phase)) throw new FieldError('status.phase', `unknown phase ${JSON.stringify(phase)}`);
  return Object.freeze({
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: string(metadata['uid'], 'metadata.uid'),
    storageClassName: storageClassOf(annotations, spec['storageClassName'], 'spec.storageClassName'),
    volumeName: string(spec['volumeName'], 'spec.volumeName'),
    phase,
    accessModes: accessModes(spec['accessModes'], 'spec.accessModes'),
    request: storageBytes(object(spec['resources'], 'spec.resources')['requests'], 'spec.resources.requests'),
    selector: labelSelector(spec['selector'], 'spec.selector'),
    volumeMode: volumeMode(spec['volumeMode'], 'spec.volumeMode'),
    deleting: optionalTime(metadata['deletionTimestamp'], 'metadata.deletionTimestamp') !== undefined,
    annotations,
    controllerPodUid: controllerPodUid(metadata['ownerReferences']),
  });
}

/** The UID of the pod that controls the claim ('' when none): a generic ephemeral volume's claim. */
function controllerPodUid(value: unknown): string {
  const path = 'metadata.ownerReferences';
  for (const [i, entry] of list(value, path).entries()) {
    const ref = object(entry, `${path}[${i}]`);
    if (boolean(ref['controller'], `${path}[${i}].controller`) && string(ref['kind'], `${path}[${i}].kind`) === 'Pod') {
      return string(ref['uid'], `${path}[${i}].uid`);
    }
  }
  return '';
}
