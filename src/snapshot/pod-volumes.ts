// spec.volumes -> the volumes scheduling cares about: those backed by a claim
// (persistentVolumeClaim, or a generic ephemeral volume's `<pod>-<volume>` claim) and
// inline CSI volumes (they count against the node's attach limit).
import type { PodVolume } from '../core/model.js';
import { FieldError, frozenList, list, object, optionalObject, string } from './fields.js';

export function podVolumes(spec: unknown, podName: string): readonly PodVolume[] {
  const path = 'spec.volumes';
  const volumes: PodVolume[] = [];
  list(object(spec, 'spec')['volumes'], path).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const fields = object(entry, at);
    const name = string(fields['name'], `${at}.name`);
    const claim = optionalObject(fields['persistentVolumeClaim'], `${at}.persistentVolumeClaim`);
    if (claim !== undefined) {
      const claimName = string(claim['claimName'], `${at}.persistentVolumeClaim.claimName`);
      if (claimName === '') throw new FieldError(`${at}.persistentVolumeClaim.claimName`, 'must not be empty');
      volumes.push(Object.freeze({ kind: 'claim', name, claimName, ephemeral: false }));
      return;
    }
    if (optionalObject(fields['ephemeral'], `${at}.ephemeral`) !== undefined) {
      volumes.push(Object.freeze({ kind: 'claim', name, claimName: `${podName}-${name}`, ephemeral: true }));
      return;
    }
    const csi = optionalObject(fields['csi'], `${at}.csi`);
    if (csi !== undefined) {
      volumes.push(Object.freeze({ kind: 'csi', name, driver: string(csi['driver'], `${at}.csi.driver`) }));
    }
  });
  return frozenList(volumes);
}
