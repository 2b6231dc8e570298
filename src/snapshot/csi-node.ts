// CSINode -> core CsiNode: how many volumes of each CSI driver the node can attach.
import type { CsiNode } from '../core/model.js';
import type { Result } from '../core/result.js';
import {
  FieldError,
  identify,
  integer,
  list,
  object,
  optionalObject,
  type Plain,
  readOrError,
  string,
} from './fields.js';

/** Any value (kubectl JSON, a client-node V1CSINode): checked field by field. */
export function convertCsiNode(obj: unknown): Result<CsiNode> {
  const id = identify(obj, 'csinode', false);
  if (!id.ok) return id;
  return readOrError(id.value.subject, () => readCsiNode(object(obj, 'csinode'), id.value.name));
}

function readCsiNode(raw: Plain, name: string): CsiNode {
  const path = 'spec.drivers';
  const attachLimits = new Map<string, number | undefined>();
  list(object(raw['spec'], 'spec')['drivers'], path).forEach((entry, i) => {
    const driver = object(entry, `${path}[${i}]`);
    const driverName = string(driver['name'], `${path}[${i}].name`);
    if (driverName === '') throw new FieldError(`${path}[${i}].name`, 'must not be empty');
    const allocatable = optionalObject(driver['allocatable'], `${path}[${i}].allocatable`);
    // No count: the driver reports no limit, so none is enforced.
    const count = allocatable?.['count'] ?? undefined;
    const limit = count === undefined ? undefined : integer(count, `${path}[${i}].allocatable.count`, 0);
    if (limit !== undefined && limit < 0) {
      throw new FieldError(`${path}[${i}].allocatable.count`, `negative count ${limit}`);
    }
    attachLimits.set(driverName, limit);
  });
  return Object.freeze({ name, attachLimits });
}
