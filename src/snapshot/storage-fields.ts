// Fields that claims and volumes share: access modes, volume mode and the class name,
// each checked against the API's values so the planner never compares a typo.
import type { AccessMode, VolumeMode } from '../core/model.js';
import { FieldError, list, oneOf, string } from './fields.js';

const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const VOLUME_MODES: readonly VolumeMode[] = ['Filesystem', 'Block'];

/** The pre-v1 annotation that named a class; when present it wins over spec.storageClassName. */
export const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

export function accessModes(value: unknown, path: string): readonly AccessMode[] {
  return Object.freeze(
    list(value, path).map((entry, i) => {
      const mode = string(entry, `${path}[${i}]`);
      if (!oneOf(ACCESS_MODES, mode))
        throw new FieldError(`${path}[${i}]`, `unknown access mode ${JSON.stringify(mode)}`);
      return mode;
    }),
  );
}

/** spec.volumeMode; the API server defaults it to Filesystem. */
export function volumeMode(value: unknown, path: string): VolumeMode {
  const mode = string(value, path, 'Filesystem');
  if (!oneOf(VOLUME_MODES, mode)) throw new FieldError(path, `unknown volume mode ${JSON.stringify(mode)}`);
  return mode;
}

/** The class a claim or volume belongs to, as kube-scheduler reads it: the beta annotation first. */
export function storageClassOf(annotations: Readonly<Record<string, string>>, spec: unknown, path: string): string {
  return annotations[BETA_STORAGE_CLASS] ?? string(spec, path);
}
