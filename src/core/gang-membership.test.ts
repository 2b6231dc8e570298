import type { GangRef, Snapshot } from './model.js';
import { planCycle } from './plan.js';
import { config, gangRef, node, pod, podGroup, res, snap, T0 } from './testing.js';

const two = [node('a'), node('b')];
const members = (refs: GangRef[], n = 2, o: { cpu?: number; priority?: number } = {}) =>
  Array.from({ length: n }, (_, i) => pod(`m-${i}`, { gangRefs: refs, ...o }));
const plan = (s: Snapshot, c = config()) => planCycle(s, c, T0);
const held = (s: Snapshot, c = config()) =>
  plan(s, c).unschedulable.map((u) => ({ pod: u.pod, reason: u.reason, message: u.message }));

describe('gangs of each source', () => {
  it.each(['kubernetes', 'scheduler-plugins', 'volcano'] as const)(
    'places a %s PodGroup gang whole, with the object quorum',
    (source) => {
      const s: Snapshot = {
        ...snap(two, members([gangRef(source, 'train')], 3)),
        podGroups: [podGroup(source, 'train', { quorum: 3 })],
      };
      const p = plan(s, config({ preemption: false }));
      // Two nodes of 4 cpu take all three 1-cpu members.
      expect(p.bindings.map((b) => b.pod)).toEqual(['default/m-0', 'default/m-1', 'default/m-2']);
    },
  );

  it('keys non-custom gangs with their source, so reasons say which object to look at', () => {
    const s: Snapshot = {
      ...snap(two, members([gangRef('kubernetes', 'train')], 1)),
      podGroups: [podGroup('kubernetes', 'train')],
    };
    expect(held(s)).toEqual([
      {
        pod: 'default/m-0',
        reason: 'GangWaiting',
        message: 'gang default/train (scheduling.k8s.io PodGroup): waiting for members: 1 of 2 present',
      },
    ]);
    const kueue = snap(two, members([gangRef('kueue', 'train', 3)], 2));
    expect(held(kueue)[0]?.message).toBe('gang default/train (Kueue pod group): waiting for members: 2 of 3 present');
  });

  it('holds pods naming a PodGroup that does not exist, naming it', () => {
    expect(held(snap(two, members([gangRef('scheduler-plugins', 'train')], 1)))).toEqual([
      {
        pod: 'default/m-0',
        reason: 'GangWaiting',
        message: 'waiting for PodGroup default/train (scheduling.x-k8s.io) which does not exist',
      },
    ]);
  });

  it('schedules the members of a basic PodGroup one by one', () => {
    const s: Snapshot = {
      ...snap(two, members([gangRef('kubernetes', 'web')], 1)),
      podGroups: [podGroup('kubernetes', 'web', { quorum: 'basic' })],
    };
    expect(plan(s).bindings).toEqual([{ pod: 'default/m-0', node: 'a' }]);
  });

  it('makes one gang of agreeing declarations, keyed by the PodGroup', () => {
    const refs = [gangRef('kubernetes', 'train'), gangRef('custom', 'train'), gangRef('kueue', 'train', 2)];
    const s: Snapshot = { ...snap(two, members(refs, 2)), podGroups: [podGroup('kubernetes', 'train')] };
    expect(plan(s).bindings).toHaveLength(2);
  });

  it.each([
    [
      'different names',
      [gangRef('custom', 'train'), gangRef('kueue', 'other')],
      'gang declarations disagree: annotation custom-scheduling.k8s.io/group-name=train but label kueue.x-k8s.io/pod-group-name=other',
    ],
    [
      'different quorums',
      [gangRef('kubernetes', 'train'), gangRef('kueue', 'train', 3)],
      'gang declarations disagree: spec.schedulingGroup.podGroupName=train (quorum 2) but label kueue.x-k8s.io/pod-group-name=train (quorum 3)',
    ],
  ])('fails closed on declarations with %s, naming both', (_, refs, message) => {
    const s: Snapshot = { ...snap(two, members(refs, 1)), podGroups: [podGroup('kubernetes', 'train')] };
    expect(held(s)).toEqual([{ pod: 'default/m-0', reason: 'InvalidGang', message }]);
  });

  it('fails closed on a basic PodGroup that another declaration makes a gang', () => {
    const s: Snapshot = {
      ...snap(two, members([gangRef('kubernetes', 'web'), gangRef('custom', 'web')], 1)),
      podGroups: [podGroup('kubernetes', 'web', { quorum: 'basic' })],
    };
    expect(held(s)[0]?.message).toBe(
      'gang declarations disagree: spec.schedulingGroup.podGroupName=web (basic policy: no gang) but annotation custom-scheduling.k8s.io/group-name=web',
    );
  });

  it('holds an invalid declaration with its own text: custom ones as InvalidAnnotation, others as InvalidGang', () => {
    const invalid: GangRef = { kind: 'invalid', source: 'kueue', problem: 'invalid label x="": must not be empty' };
    expect(held(snap(two, [pod('p', { gangRefs: [invalid] })]))).toEqual([
      { pod: 'default/p', reason: 'InvalidGang', message: 'invalid label x="": must not be empty' },
    ]);
  });
});

describe('sources not in use', () => {
  it('holds a pod naming a gang of a source left out of the gangSources setting, naming both', () => {
    const c = config({ gangSources: ['custom'] });
    expect(held(snap(two, members([gangRef('kueue', 'train', 1)], 1)), c)).toEqual([
      {
        pod: 'default/m-0',
        reason: 'GangWaiting',
        message: 'label kueue.x-k8s.io/pod-group-name=train: gang source kueue is not enabled (setting gangSources)',
      },
    ]);
  });

  it('holds a pod naming a gang of a source the cluster does not serve, with the reason the runtime gives', () => {
    const s: Snapshot = {
      ...snap(two, members([gangRef('scheduler-plugins', 'train')], 1)),
      podGroups: [podGroup('scheduler-plugins', 'train')],
      unavailableGangSources: {
        'scheduler-plugins': 'PodGroup API scheduling.x-k8s.io/v1alpha1 is not served by this cluster',
      },
    };
    expect(held(s)[0]?.message).toBe(
      'label scheduling.x-k8s.io/pod-group=train: PodGroup API scheduling.x-k8s.io/v1alpha1 is not served by this cluster',
    );
  });

  it('keeps scheduling pods that declare no gang', () => {
    const c = config({ gangSources: [] });
    expect(plan(snap(two, [pod('solo')]), c).bindings).toEqual([{ pod: 'default/solo', node: 'a' }]);
  });
});

describe('what a PodGroup says of its gang', () => {
  it('gives the gang its priority when it states one, else the highest of the members', () => {
    const full = [node('a', { cpu: 2 })];
    const bound = pod('low', { nodeName: 'a', cpu: 2, priority: 50 });
    const gang = members([gangRef('kubernetes', 'train')], 2, { priority: 10 });
    const withPriority: Snapshot = {
      ...snap(full, [bound, ...gang]),
      podGroups: [podGroup('kubernetes', 'train', { priority: 100 })],
    };
    expect(plan(withPriority).evictions.map((e) => e.pod)).toEqual(['default/low']);
    const without: Snapshot = { ...withPriority, podGroups: [podGroup('kubernetes', 'train')] };
    expect(plan(without).evictions).toEqual([]);
  });

  it("holds a gang whose member states another topology key than its PodGroup's", () => {
    const ref = gangRef('kubernetes', 'train', undefined, { topologyKey: 'example.com/rack' });
    const s: Snapshot = {
      ...snap(two, [...members([gangRef('kubernetes', 'train')], 1), pod('m-9', { gangRefs: [ref] })]),
      podGroups: [podGroup('kubernetes', 'train', { topologyKey: 'topology.kubernetes.io/zone' })],
    };
    expect(held(s)[0]).toEqual({
      pod: 'default/m-0',
      reason: 'InvalidGang',
      message:
        "gang default/train (scheduling.k8s.io PodGroup): pod m-9 states topology key example.com/rack but its PodGroup's spec.schedulingConstraints.topology[0].key is topology.kubernetes.io/zone",
    });
  });

  it('evicts nothing for a gang whose preemptionPolicy is Never', () => {
    const s: Snapshot = {
      ...snap(
        [node('a', { cpu: 2 })],
        [pod('low', { nodeName: 'a', cpu: 2 }), ...members([gangRef('kubernetes', 'train')], 2, { priority: 10 })],
      ),
      podGroups: [podGroup('kubernetes', 'train', { preemptionPolicy: 'Never' })],
    };
    const p = plan(s);
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable.map((u) => u.reason)).toEqual(['GangUnschedulable', 'GangUnschedulable']);
  });

  it('places a gang with a topology key in one domain, and holds one with an unsupported field', () => {
    const topology: Snapshot = {
      ...snap(two, members([gangRef('kubernetes', 'train')], 2)),
      podGroups: [podGroup('kubernetes', 'train', { topologyKey: 'topology.kubernetes.io/zone' })],
    };
    expect(held(topology)[0]).toEqual({
      pod: 'default/m-0',
      reason: 'GangUnschedulable',
      message: 'gang default/train (scheduling.k8s.io PodGroup): no node has the label topology.kubernetes.io/zone',
    });
    const zoned = [node('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } }), ...two.slice(1)];
    expect(plan({ ...topology, nodes: zoned }).bindings.map((b) => b.node)).toEqual(['a', 'a']);
    const unsupported: Snapshot = {
      ...topology,
      podGroups: [
        podGroup('kubernetes', 'train', {
          unsupported: 'spec.resourceClaims: devices are not allocated by this scheduler',
        }),
      ],
    };
    expect(held(unsupported)[0]?.message).toBe(
      'gang default/train (scheduling.k8s.io PodGroup): spec.resourceClaims: devices are not allocated by this scheduler',
    );
  });

  it('holds a gang whose minResources exceed every ready, schedulable node together', () => {
    const nodes = [node('a'), node('b'), node('cordoned', { unschedulable: true }), node('down', { ready: false })];
    const minResources = { resources: res(9, 16, { 'nvidia.com/gpu': 1 }), pods: 2 };
    const s: Snapshot = {
      ...snap(nodes, members([gangRef('scheduler-plugins', 'train')], 2)),
      podGroups: [podGroup('scheduler-plugins', 'train', { minResources })],
    };
    expect(held(s)[0]).toEqual({
      pod: 'default/m-0',
      reason: 'GangUnschedulable',
      message:
        'gang default/train (scheduling.x-k8s.io PodGroup): minResources can never fit this cluster (ready, schedulable nodes in all): cpu 9 > 8, nvidia.com/gpu 1 > 0',
    });
    const fits: Snapshot = {
      ...s,
      podGroups: [podGroup('scheduler-plugins', 'train', { minResources: { resources: res(8, 32), pods: 2 } })],
    };
    expect(plan(fits).bindings).toHaveLength(2);
  });
});
