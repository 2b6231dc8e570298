// What the informers keep of each object, as kube-scheduler does: no managedFields (a
// record of which client set which field, often larger than the spec) and no copy of
// the object that `kubectl apply` keeps in an annotation. Nothing in snapshot, cluster or
// runtime reads either; a pass converts every object, so what is kept is what is held.
import { isPlain } from '../snapshot/fields.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The part of an object the trim reads; every other field is kept as it is. */
export interface Trimmable {
  readonly metadata?: TrimmableMetadata | undefined;
}

interface TrimmableMetadata {
  readonly managedFields?: unknown;
  readonly annotations?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The object without metadata.managedFields and the last-applied annotation: a copy
 * when it has either (the argument is never changed: it may be frozen or shared), the
 * object itself when it has neither. Other fields keep their values and types (a list's
 * typed objects keep their Dates, a watch's plain JSON its strings); the copied object
 * and metadata are plain objects, which is all the converters of src/snapshot read.
 */
export function trimObject<T extends Trimmable>(obj: T): T {
  const metadata = obj.metadata;
  if (metadata === undefined) return obj;
  const annotations = metadata.annotations;
  const lastApplied = annotations !== undefined && Object.hasOwn(annotations, LAST_APPLIED);
  if (metadata.managedFields === undefined && !lastApplied) return obj;
  const { managedFields: _managedFields, annotations: _annotations, ...kept } = metadata;
  if (annotations === undefined) return { ...obj, metadata: kept };
  if (!lastApplied) return { ...obj, metadata: { ...kept, annotations } };
  const { [LAST_APPLIED]: _lastApplied, ...others } = annotations;
  return { ...obj, metadata: { ...kept, annotations: others } };
}

/** A watch event's object (parsed JSON) that trimObject can read: metadata and annotations, when present, are objects. */
export function isTrimmable(value: unknown): value is Trimmable {
  if (!isPlain(value)) return false;
  const metadata = value['metadata'];
  if (metadata === undefined) return true;
  if (!isPlain(metadata)) return false;
  const annotations = metadata['annotations'];
  return annotations === undefined || isPlain(annotations);
}
