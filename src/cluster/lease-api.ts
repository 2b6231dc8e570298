// The coordination.k8s.io/v1 Lease the leader elector (lease.ts) reads and writes, and
// the only code that calls the Lease API. Writes carry the resourceVersion that was read,
// so a 409 Conflict means another replica wrote in between.
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { httpStatus } from './errors.js';

/** What a Lease says about its holder (spec of coordination.k8s.io/v1 Lease). */
export interface LeaseRecord {
  /** '' when nobody holds it (released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: Date | undefined;
  readonly renewTime: Date | undefined;
  readonly leaseTransitions: number;
}

/** A record as stored, with the version a write must name. */
export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** One Lease; tests pass a fake. Failures throw (ApiException: 409 = someone else wrote first). */
export interface LeaseApi {
  /** Where the Lease lives, for logs. */
  readonly where: string;
  /** undefined when the Lease does not exist. */
  read(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Replaces the spec only if the Lease is still at `resourceVersion`. */
  replace(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

export interface LeaseLocation {
  readonly name: string;
  readonly namespace: string;
}

export function kubeLeaseApi(kc: KubeConfig, { name, namespace }: LeaseLocation): LeaseApi {
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const body = (record: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      ...(record.acquireTime === undefined ? {} : { acquireTime: microTime(record.acquireTime) }),
      ...(record.renewTime === undefined ? {} : { renewTime: microTime(record.renewTime) }),
      leaseTransitions: record.leaseTransitions,
    },
  });
  return {
    where: `${namespace}/${name}`,
    read: async () => {
      try {
        return toStored(await coordination.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      }
    },
    create: async (record) => toStored(await coordination.createNamespacedLease({ namespace, body: body(record) })),
    replace: async (record, resourceVersion) =>
      toStored(await coordination.replaceNamespacedLease({ name, namespace, body: body(record, resourceVersion) })),
  };
}

function microTime(at: Date): V1MicroTime {
  return new V1MicroTime(at.getTime());
}

function toStored(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: toDate(spec.acquireTime),
      renewTime: toDate(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

/** The client hands MicroTime back as a Date; accept its text form too. */
function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
