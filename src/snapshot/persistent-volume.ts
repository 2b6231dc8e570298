// PersistentVolume -> core PersistentVolume: size, modes, class, where it can be used
// (node affinity), which claim it is bound or pre-bound to, and its CSI driver (for
// attach limits).
import type { PersistentVolume } from '../core/model.js';
import type { Result } from '../core/result.js';
import {
  FieldError,
  identify,
  object,
  oneOf,
  optionalObject,
  optionalTime,
  type Plain,
  readOrError,
  string,
  stringMap,
} from './fields.js';
import { storageBytes } from './resources.js';
import { nodeSelector } from './selectors.js';
import { accessModes, storageClassOf, volumeMode } from './storage-fields.js';

const PHASES: readonly PersistentVolume['phase'][] = ['Pending', 'Available', 'Bound', 'Released', 'Failed'];

/** Any value (kubectl JSON, a client-node V1PersistentVolume): checked field by field. */
export function convertPersistentVolume(obj: unknown): Result<PersistentVolume> {
  const id = identify(obj, 'persistentvolume', false);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () => readVolume(object(obj, 'persistentvolume'), id.value.name));
}

function readVolume(raw: Plain, name: string): PersistentVolume {
  const metadata = object(raw['metadata'], 'metadata');
  const spec = object(raw['spec'], 'spec');
  const status = object(raw['status'], 'status');
  const annotations = stringMap(metadata['annotations'], 'metadata.annotations');
  const phase = string(status['phase'], 'status.phase', 'Pending');
  if (!oneOf(PHASES, phase)) throw new FieldError('status.phase', `unknown phase ${JSON.stringify(phase)}`);
  const csi = object(spec['csi'], 'spec.csi');
  return Object.freeze({
    name,
    labels: stringMap(metadata['labels'], 'metadata.labels'),
    capacity: storageBytes(spec['capacity'], 'spec.capacity'),
    accessModes: accessModes(spec['accessModes'], 'spec.accessModes'),
    storageClassName: storageClassOf(annotations, spec['storageClassName'], 'spec.storageClassName'),
    volumeMode: volumeMode(spec['volumeMode'], 'spec.volumeMode'),
    claimRef: claimRef(spec['claimRef']),
    nodeAffinity: nodeSelector(
      object(spec['nodeAffinity'], 'spec.nodeAffinity')['required'],
      'spec.nodeAffinity.required',
    ),
    phase,
    csiDriver: string(csi['driver'], 'spec.csi.driver'),
    csiHandle: string(csi['volumeHandle'], 'spec.csi.volumeHandle'),
    deleting: optionalTime(metadata['deletionTimestamp'], 'metadata.deletionTimestamp') !== undefined,
  });
}

/** spec.claimRef; a ref without uid pre-binds the volume to whichever claim has that name. */
function claimRef(value: unknown): PersistentVolume['claimRef'] {
  const path = 'spec.claimRef';
  const ref = optionalObject(value, path);
  if (ref === undefined) return undefined;
  return Object.freeze({
    namespace: string(ref['namespace'], `${path}.namespace`),
    name: string(ref['name'], `${path}.name`),
    uid: string(ref['uid'], `${path}.uid`),
  });
}
