import { describe, expect, test } from '@jest/globals';
import { leaseNamespace, replicaIdentity } from './leadership.js';

describe('leaseNamespace', () => {
  test('the configured namespace wins', () => {
    expect(leaseNamespace('ops', () => 'batch')).toBe('ops');
  });

  test("otherwise the pod's own namespace, from its service account", () => {
    expect(leaseNamespace('', () => 'batch\n')).toBe('batch');
  });

  test('outside a pod: custom-scheduler', () => {
    expect(leaseNamespace('', () => undefined)).toBe('custom-scheduler');
    expect(leaseNamespace('', () => '')).toBe('custom-scheduler');
  });
});

describe('replicaIdentity', () => {
  test('the pod or host name plus 8 random hex digits', () => {
    expect(replicaIdentity('custom-scheduler-7d9f-abcde', () => 0.5)).toBe('custom-scheduler-7d9f-abcde_80000000');
    expect(replicaIdentity('host', () => 0)).toBe('host_00000000');
    expect(replicaIdentity('host', () => 0.9999999999)).toBe('host_ffffffff');
  });

  test('fits an event reportingInstance (128 characters)', () => {
    expect(replicaIdentity('x'.repeat(300), () => 0.1).length).toBeLessThanOrEqual(128);
  });
});
