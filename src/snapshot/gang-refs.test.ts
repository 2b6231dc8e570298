import { customGangRef, type StatedTopology } from '../core/testing.js';
import { convertPod } from './pod.js';
import { deepFreeze, kubePod } from './test-helpers.js';

const refsOf = (
  o: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Record<string, unknown> },
  annotationPrefix = 'custom-scheduling.k8s.io',
) => {
  const result = convertPod(
    kubePod('train-0', o.spec ?? {}, { metadata: { labels: o.labels ?? {}, annotations: o.annotations ?? {} } }),
    { annotationPrefix },
  );
  if (!result.ok) throw new Error(result.error);
  return result.value.gangRefs;
};

const GROUP = 'custom-scheduling.k8s.io/group-name';
const MIN = 'custom-scheduling.k8s.io/min-available';
const TOPOLOGY = 'custom-scheduling.k8s.io/topology-key';
const PREFERRED = 'custom-scheduling.k8s.io/preferred-topology-key';
const RACK = 'example.com/rack';

describe('gang declarations of a pod', () => {
  it('are absent when the pod declares none', () => {
    expect(refsOf({ labels: { app: 'x' } })).toBeUndefined();
  });

  it('read the custom annotations with the configured prefix only', () => {
    const annotations = { 'acme.io/group-name': 'train', 'acme.io/min-available': '3', [GROUP]: 'other' };
    expect(refsOf({ annotations }, 'acme.io')).toEqual([
      {
        kind: 'member',
        source: 'custom',
        name: 'train',
        field: 'annotation acme.io/group-name',
        quorum: 3,
        quorumProblem: undefined,
      },
    ]);
  });

  it.each([
    ['a valid gang', 'train', '2'],
    ['no quorum', 'train', undefined],
    ['a quorum with spaces', 'train', ' 3 '],
    ['an invalid quorum', 'train', 'abc'],
    ['a zero quorum', 'train', '0'],
    ['an invalid name', '-nope-', undefined],
    ['an empty name', '', '2'],
    ['a quorum without a name', undefined, '2'],
  ])('read the custom annotations as the core test pods declare them: %s', (_, group, min) => {
    const annotations: Record<string, string> = {};
    if (group !== undefined) annotations[GROUP] = group;
    if (min !== undefined) annotations[MIN] = min;
    expect(refsOf({ annotations })).toEqual([customGangRef(group, min)]);
  });

  it('read a Kubernetes PodGroup named in spec.schedulingGroup', () => {
    expect(refsOf({ spec: { schedulingGroup: { podGroupName: 'train' } } })).toEqual([
      {
        kind: 'member',
        source: 'kubernetes',
        name: 'train',
        field: 'spec.schedulingGroup.podGroupName',
        quorum: undefined,
        quorumProblem: undefined,
      },
    ]);
    expect(refsOf({ spec: { schedulingGroup: {} } })).toEqual([
      {
        kind: 'invalid',
        source: 'kubernetes',
        problem: 'spec.schedulingGroup names no PodGroup (spec.schedulingGroup.podGroupName is not set)',
      },
    ]);
    expect(refsOf({ spec: { schedulingGroup: { podGroupName: 'Train_1' } } })).toEqual([
      {
        kind: 'invalid',
        source: 'kubernetes',
        problem: 'invalid spec.schedulingGroup.podGroupName "Train_1": must name a PodGroup (a DNS subdomain)',
      },
    ]);
  });

  it('read the scheduler-plugins label and the Volcano annotation as PodGroup names', () => {
    expect(refsOf({ labels: { 'scheduling.x-k8s.io/pod-group': 'train' } })).toEqual([
      expect.objectContaining({
        source: 'scheduler-plugins',
        name: 'train',
        field: 'label scheduling.x-k8s.io/pod-group',
      }),
    ]);
    expect(refsOf({ annotations: { 'scheduling.k8s.io/group-name': 'train' } })).toEqual([
      expect.objectContaining({ source: 'volcano', name: 'train', field: 'annotation scheduling.k8s.io/group-name' }),
    ]);
    expect(refsOf({ annotations: { 'scheduling.k8s.io/group-name': '' } })).toEqual([
      {
        kind: 'invalid',
        source: 'volcano',
        problem: 'invalid annotation scheduling.k8s.io/group-name="": must name a PodGroup (a DNS subdomain)',
      },
    ]);
  });

  it("read Kueue's pod group label and its total count", () => {
    const labels = { 'kueue.x-k8s.io/pod-group-name': 'train' };
    expect(refsOf({ labels, annotations: { 'kueue.x-k8s.io/pod-group-total-count': '4' } })).toEqual([
      {
        kind: 'member',
        source: 'kueue',
        name: 'train',
        field: 'label kueue.x-k8s.io/pod-group-name',
        quorum: 4,
        quorumProblem: undefined,
      },
    ]);
    expect(refsOf({ labels, annotations: { 'kueue.x-k8s.io/pod-group-total-count': 'all' } })).toEqual([
      expect.objectContaining({
        quorum: undefined,
        quorumProblem: 'invalid annotation kueue.x-k8s.io/pod-group-total-count="all": must be a positive integer',
      }),
    ]);
    expect(refsOf({ annotations: { 'kueue.x-k8s.io/pod-group-total-count': '4' } })).toEqual([
      {
        kind: 'invalid',
        source: 'kueue',
        problem:
          'annotation kueue.x-k8s.io/pod-group-total-count needs label kueue.x-k8s.io/pod-group-name on the same pod',
      },
    ]);
  });

  it('list every source a pod declares, PodGroup objects first', () => {
    const refs = refsOf({
      spec: { schedulingGroup: { podGroupName: 'train' } },
      labels: { 'kueue.x-k8s.io/pod-group-name': 'train' },
      annotations: { [GROUP]: 'train' },
    });
    expect(refs?.map((r) => r.source)).toEqual(['kubernetes', 'custom', 'kueue']);
  });

  const topologies: Array<[string, StatedTopology]> = [
    ['a required key', { topologyKey: RACK }],
    ['a preferred key', { preferredTopologyKey: 'topology.kubernetes.io/zone' }],
    ['both keys', { topologyKey: 'topology.kubernetes.io/zone', preferredTopologyKey: RACK }],
    ['an invalid key', { topologyKey: 'example.com/rack/row' }],
    ['an invalid preferred key', { preferredTopologyKey: '-rack' }],
    ['an empty key', { topologyKey: '' }],
  ];
  it.each(topologies)('read the topology annotations as the core test pods state them: %s', (_, topology) => {
    const annotations: Record<string, string> = { [GROUP]: 'train' };
    if (topology.topologyKey !== undefined) annotations[TOPOLOGY] = topology.topologyKey;
    if (topology.preferredTopologyKey !== undefined) annotations[PREFERRED] = topology.preferredTopologyKey;
    expect(refsOf({ annotations })).toEqual([customGangRef('train', undefined, topology)]);
  });

  it('read the topology annotations with the configured prefix, naming the annotation when a key is invalid', () => {
    const annotations = { 'acme.io/group-name': 'train', 'acme.io/topology-key': 'rack key', [TOPOLOGY]: RACK };
    expect(refsOf({ annotations }, 'acme.io')).toEqual([
      expect.objectContaining({
        topologyKey: undefined,
        topologyProblem:
          'invalid annotation acme.io/topology-key="rack key": must be a label key: its name must be at most 63 characters, alphanumerics with "-", "_", "." inside',
      }),
    ]);
  });

  it('join the topology annotations to every gang the pod declares, whatever its source', () => {
    const refs = refsOf({
      spec: { schedulingGroup: { podGroupName: 'train' } },
      labels: { 'kueue.x-k8s.io/pod-group-name': 'train' },
      annotations: { [TOPOLOGY]: RACK, [PREFERRED]: 'example.com/block' },
    });
    expect(refs?.map((r) => (r.kind === 'member' ? [r.source, r.topologyKey, r.preferredTopologyKey] : r))).toEqual([
      ['kubernetes', RACK, 'example.com/block'],
      ['kueue', RACK, 'example.com/block'],
    ]);
  });

  it('hold a pod that states a topology but declares no gang', () => {
    expect(refsOf({ annotations: { [PREFERRED]: RACK } })).toEqual([
      customGangRef(undefined, undefined, { preferredTopologyKey: RACK }),
    ]);
    expect(refsOf({ annotations: { [TOPOLOGY]: RACK } })).toEqual([
      {
        kind: 'invalid',
        source: 'custom',
        problem: `annotation ${TOPOLOGY} needs a gang on the same pod (${GROUP} or a PodGroup)`,
      },
    ]);
  });

  it('share one frozen declaration among the members of a gang', () => {
    const annotations = { [GROUP]: 'train', [MIN]: '2' };
    const a = convertPod(kubePod('a', {}, { metadata: { annotations } }));
    const b = convertPod(kubePod('b', {}, { metadata: { annotations } }));
    expect(a.ok && b.ok && a.value.gangRefs?.[0] === b.value.gangRefs?.[0]).toBe(true);
    expect(a.ok && Object.isFrozen(a.value.gangRefs?.[0])).toBe(true);
  });

  it('fail the conversion when a field has the wrong type, naming it', () => {
    const pod = deepFreeze(kubePod('p', { schedulingGroup: { podGroupName: 7 } }));
    expect(convertPod(pod)).toEqual({
      ok: false,
      error: 'pod team-a/p: spec.schedulingGroup.podGroupName: expected a string, got number 7',
    });
  });
});
