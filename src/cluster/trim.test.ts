import { V1ObjectMeta, V1Pod, type V1ManagedFieldsEntry } from '@kubernetes/client-node';
import { deepFreeze } from '../core/testing.js';
import { convertPod } from '../snapshot/convert.js';
import { isTrimmable, LAST_APPLIED, trimObject } from './trim.js';

const CREATED = '2026-01-01T00:00:00Z';

const managedFields: V1ManagedFieldsEntry[] = [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } },
  },
];

/** A pod as a watch delivers it: parsed JSON, timestamps as strings. */
function plainPod(annotations?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'ns',
      uid: 'uid-p',
      resourceVersion: '7',
      creationTimestamp: CREATED,
      labels: { app: 'a' },
      ...(annotations === undefined ? {} : { annotations }),
      managedFields,
    },
    spec: { schedulerName: 'custom-scheduler', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Pending' },
  };
}

describe('trimObject', () => {
  it('drops managedFields and the last-applied annotation, and keeps every other field', () => {
    const pod = deepFreeze(plainPod({ [LAST_APPLIED]: '{"kind":"Pod"}', 'example.com/keep': 'yes' }));
    expect(trimObject(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'ns',
        uid: 'uid-p',
        resourceVersion: '7',
        creationTimestamp: CREATED,
        labels: { app: 'a' },
        annotations: { 'example.com/keep': 'yes' },
      },
      spec: { schedulerName: 'custom-scheduler', containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Pending' },
    });
  });

  it('copies rather than changes the object it is given', () => {
    const pod = plainPod({ [LAST_APPLIED]: '{}' });
    const trimmed = trimObject(pod);
    expect(pod.metadata.managedFields).toBe(managedFields);
    expect(pod.metadata.annotations).toEqual({ [LAST_APPLIED]: '{}' });
    expect(trimmed.spec).toBe(pod.spec);
  });

  it('leaves an empty annotation map when the last-applied one was alone', () => {
    expect(trimObject(plainPod({ [LAST_APPLIED]: '{}' })).metadata.annotations).toEqual({});
  });

  it('drops managedFields alone when there is no last-applied annotation, keeping the annotations', () => {
    const annotations = { 'custom-scheduling.k8s.io/group-name': 'g' };
    const trimmed = trimObject(plainPod(annotations));
    expect('managedFields' in trimmed.metadata).toBe(false);
    expect(trimmed.metadata.annotations).toBe(annotations);
  });

  it('returns the object itself when there is nothing to drop', () => {
    const node = { metadata: { name: 'n', annotations: { a: 'b' } }, spec: {} };
    expect(trimObject(node)).toBe(node);
    const status: unknown = { kind: 'Status', code: 410 };
    if (!isTrimmable(status)) throw new Error('a Status without metadata is trimmable');
    expect(trimObject(status)).toBe(status);
  });

  it('keeps typed list objects readable: their Dates survive and convert as the plain JSON does', () => {
    const typed = new V1Pod();
    typed.apiVersion = 'v1';
    typed.kind = 'Pod';
    typed.metadata = Object.assign(new V1ObjectMeta(), {
      name: 'p',
      namespace: 'ns',
      uid: 'uid-p',
      resourceVersion: '7',
      creationTimestamp: new Date(CREATED),
      labels: { app: 'a' },
      annotations: { [LAST_APPLIED]: '{}' },
      managedFields,
    });
    typed.spec = { schedulerName: 'custom-scheduler', containers: [{ name: 'c', image: 'i' }] };
    typed.status = { phase: 'Pending' };
    const trimmed = trimObject(typed);
    expect(trimmed.metadata?.creationTimestamp).toEqual(new Date(CREATED));
    expect(trimmed.metadata?.managedFields).toBeUndefined();
    expect(convertPod(trimmed)).toEqual(convertPod(trimObject(plainPod({ [LAST_APPLIED]: '{}' }))));
  });
});

describe('isTrimmable', () => {
  it('accepts objects whose metadata and annotations, when present, are objects', () => {
    expect(isTrimmable(plainPod({ a: 'b' }))).toBe(true);
    expect(isTrimmable({ kind: 'Status', code: 410 })).toBe(true);
    expect(isTrimmable({ metadata: {} })).toBe(true);
  });

  it('refuses anything else, which the watch then passes along as it is', () => {
    expect(isTrimmable(null)).toBe(false);
    expect(isTrimmable('text')).toBe(false);
    expect(isTrimmable([])).toBe(false);
    expect(isTrimmable({ metadata: null })).toBe(false);
    expect(isTrimmable({ metadata: { annotations: 'x' } })).toBe(false);
  });
});
