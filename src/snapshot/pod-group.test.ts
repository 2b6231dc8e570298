import { snapshotFromItems } from './convert.js';
import { convertPodGroup, unreadablePodGroup } from './pod-group.js';
import { deepFreeze } from './test-helpers.js';

const GiB = 1024 ** 3;

function podGroup(apiVersion: string, spec: Record<string, unknown>, name = 'train') {
  return deepFreeze({ apiVersion, kind: 'PodGroup', metadata: { name, namespace: 'team-a' }, spec });
}
const kubernetes = (spec: Record<string, unknown>) => podGroup('scheduling.k8s.io/v1beta1', spec);
const plugins = (spec: Record<string, unknown>) => podGroup('scheduling.x-k8s.io/v1alpha1', spec);
const volcano = (spec: Record<string, unknown>) => podGroup('scheduling.volcano.sh/v1beta1', spec);

function converted(obj: unknown) {
  const result = convertPodGroup(obj);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('convertPodGroup', () => {
  it('reads a Kubernetes gang: minCount, priority, preemption policy, disruption mode, topology', () => {
    const group = converted(
      kubernetes({
        schedulingPolicy: { gang: { minCount: 3 } },
        priorityClassName: 'high',
        priority: 1000,
        preemptionPolicy: 'Never',
        disruptionMode: { all: {} },
        schedulingConstraints: { topology: [{ key: 'topology.kubernetes.io/zone' }] },
      }),
    );
    expect(group).toEqual({
      source: 'kubernetes',
      namespace: 'team-a',
      name: 'train',
      quorum: 3,
      priority: 1000,
      preemptionPolicy: 'Never',
      disruptionMode: 'all',
      topologyKey: 'topology.kubernetes.io/zone',
      minResources: undefined,
      unsupported: undefined,
    });
    expect(Object.isFrozen(group)).toBe(true);
  });

  it("reads the basic policy, and defaults: no priority of its own (the members' stands in), single disruption", () => {
    expect(converted(kubernetes({ schedulingPolicy: { basic: {} }, priorityClassName: 'high' }))).toMatchObject({
      quorum: 'basic',
      priority: undefined,
      preemptionPolicy: 'PreemptLowerPriority',
      disruptionMode: 'single',
      topologyKey: undefined,
    });
  });

  it('names the fields it cannot honour: composite groups, device claims, several topology constraints', () => {
    const gang = { gang: { minCount: 2 } };
    expect(converted(kubernetes({ schedulingPolicy: gang, parentCompositePodGroupName: 'job' })).unsupported).toBe(
      'spec.parentCompositePodGroupName: composite pod groups are not supported',
    );
    expect(converted(kubernetes({ schedulingPolicy: gang, resourceClaims: [{ name: 'gpu' }] })).unsupported).toBe(
      'spec.resourceClaims: devices are not allocated by this scheduler',
    );
    const invalidKey = [{ key: 'example.com/rack/row' }];
    expect(
      converted(kubernetes({ schedulingPolicy: gang, schedulingConstraints: { topology: invalidKey } })).unsupported,
    ).toBe(
      'spec.schedulingConstraints.topology[0].key "example.com/rack/row": must be a label key: its name must be at most 63 characters, alphanumerics with "-", "_", "." inside',
    );
    const topology = [{ key: 'zone' }, { key: 'rack' }];
    expect(converted(kubernetes({ schedulingPolicy: gang, schedulingConstraints: { topology } })).unsupported).toBe(
      'spec.schedulingConstraints.topology: more than one topology constraint is not supported',
    );
  });

  it.each([
    [{}, 'spec.schedulingPolicy: one of basic, gang must be set'],
    [
      { schedulingPolicy: { basic: {}, gang: { minCount: 2 } } },
      'spec.schedulingPolicy: exactly one of basic, gang may be set',
    ],
    [{ schedulingPolicy: { gang: {} } }, 'spec.schedulingPolicy.gang.minCount: must be a positive integer, got 0'],
    [
      { schedulingPolicy: { gang: { minCount: '3' } } },
      'spec.schedulingPolicy.gang.minCount: expected an integer, got string "3"',
    ],
    [
      { schedulingPolicy: { basic: {} }, disruptionMode: { single: {}, all: {} } },
      'spec.disruptionMode: exactly one of single, all may be set',
    ],
    [
      { schedulingPolicy: { basic: {} }, preemptionPolicy: 'Sometimes' },
      'spec.preemptionPolicy: unknown policy "Sometimes"',
    ],
    [{ schedulingPolicy: { basic: {} }, priority: 1.5 }, 'spec.priority: expected an integer, got number 1.5'],
  ])('rejects the Kubernetes spec %j, naming the object and the field', (spec, problem) => {
    expect(convertPodGroup(kubernetes(spec))).toEqual({
      ok: false,
      error: `podgroup.scheduling.k8s.io team-a/train: ${problem}`,
    });
  });

  it('reads a scheduler-plugins group: minMember and minResources', () => {
    const group = converted(plugins({ minMember: 4, minResources: { cpu: '8', memory: '16Gi', pods: '4' } }));
    expect(group).toMatchObject({ source: 'scheduler-plugins', quorum: 4, priority: undefined });
    expect(group.minResources).toEqual({
      resources: { cpu: 8000, memory: 16 * GiB, ephemeralStorage: 0, scalar: new Map() },
      pods: 4,
    });
  });

  it('reads a Volcano group: minMember; a priority class it cannot resolve is left to the members', () => {
    expect(converted(volcano({ minMember: 2, priorityClassName: 'high', queue: 'default' }))).toMatchObject({
      source: 'volcano',
      quorum: 2,
      priority: undefined,
      minResources: undefined,
      unsupported: undefined,
    });
    expect(converted(volcano({ minMember: 2, networkTopology: { mode: 'hard' } })).unsupported).toBe(
      'spec.networkTopology: hard network topology is not supported',
    );
    expect(converted(volcano({ minMember: 2, networkTopology: { mode: 'soft' } })).unsupported).toBeUndefined();
  });

  it('reads a minMember of 0 or none as the basic policy, as both schedulers admit such pods one by one', () => {
    expect(converted(plugins({})).quorum).toBe('basic');
    expect(converted(volcano({ minMember: 0 })).quorum).toBe('basic');
    expect(convertPodGroup(plugins({ minMember: -1 }))).toEqual({
      ok: false,
      error: 'podgroup.scheduling.x-k8s.io team-a/train: spec.minMember: must not be negative, got -1',
    });
    const bad = convertPodGroup(volcano({ minMember: 1, minResources: { cpu: 'lots' } }));
    expect(!bad.ok && bad.error).toMatch(/^podgroup\.scheduling\.volcano\.sh team-a\/train: spec\.minResources\.cpu: /);
  });

  it('rejects a version it does not read', () => {
    expect(convertPodGroup(podGroup('scheduling.k8s.io/v1alpha1', {}))).toEqual({
      ok: false,
      error:
        'podgroup.scheduling.k8s.io team-a/train: apiVersion scheduling.k8s.io/v1alpha1 is not supported (expected scheduling.k8s.io/v1beta1)',
    });
  });
});

describe('unreadablePodGroup', () => {
  it('keeps a malformed PodGroup as a group whose members wait with the error', () => {
    const bad = kubernetes({});
    const result = convertPodGroup(bad);
    const error = result.ok ? '' : result.error;
    expect(unreadablePodGroup(bad, error)).toMatchObject({
      source: 'kubernetes',
      namespace: 'team-a',
      name: 'train',
      quorum: 1,
      unsupported:
        'the PodGroup cannot be read: podgroup.scheduling.k8s.io team-a/train: spec.schedulingPolicy: one of basic, gang must be set',
    });
    expect(unreadablePodGroup(podGroup('example.com/v1', {}), 'x')).toBeUndefined();
    expect(unreadablePodGroup({ apiVersion: 'scheduling.volcano.sh/v1beta1', metadata: {} }, 'x')).toBeUndefined();
  });
});

describe('PodGroups in a snapshot', () => {
  it('are kept per source: the same name in two groups is two objects; other groups are ignored', () => {
    const items = [
      kubernetes({ schedulingPolicy: { gang: { minCount: 2 } } }),
      plugins({ minMember: 2 }),
      volcano({ minMember: 2 }),
      podGroup('example.com/v1', { anything: true }),
    ];
    const { snapshot, errors } = snapshotFromItems(items);
    expect(errors).toEqual([]);
    expect(snapshot.podGroups?.map((g) => `${g.source} ${g.namespace}/${g.name}`)).toEqual([
      'kubernetes team-a/train',
      'scheduler-plugins team-a/train',
      'volcano team-a/train',
    ]);
  });

  it('name a second object of the same identity, and leave podGroups out when there are none', () => {
    const twice = snapshotFromItems([plugins({ minMember: 2 }), plugins({ minMember: 3 })]);
    expect(twice.errors).toEqual(['podgroup.scheduling.x-k8s.io team-a/train: appears twice']);
    expect(snapshotFromItems([]).snapshot.podGroups).toBeUndefined();
  });
});
