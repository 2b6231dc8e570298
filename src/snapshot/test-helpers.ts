// Shared by the snapshot tests: frozen inputs prove the converters never write to them.
import { deepFreeze } from '../core/testing.js';

export { deepFreeze };

export interface ContainerSpec {
  readonly requests?: Record<string, string>;
  readonly limits?: Record<string, string>;
  readonly restartPolicy?: string;
}

export function container(name: string, spec: ContainerSpec = {}): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (spec.requests !== undefined) resources['requests'] = spec.requests;
  if (spec.limits !== undefined) resources['limits'] = spec.limits;
  return {
    name,
    image: 'busybox',
    resources,
    ...(spec.restartPolicy === undefined ? {} : { restartPolicy: spec.restartPolicy }),
  };
}

/** A pod as kubectl writes it, deep-frozen; `spec` fields override the defaults. */
export function kubePod(
  name: string,
  spec: Record<string, unknown> = {},
  extra: { namespace?: string; metadata?: Record<string, unknown>; status?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: extra.namespace ?? 'team-a',
      uid: `uid-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...extra.metadata,
    },
    spec: { containers: [container('main', { requests: { cpu: '100m', memory: '64Mi' } })], ...spec },
    status: { phase: 'Pending', ...extra.status },
  });
}
