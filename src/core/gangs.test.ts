import { indexGangs, podRoles } from './gangs.js';
import { GANG_SOURCES } from './gang-sources.js';
import type { Pod } from './model.js';
import { pod, snap } from './testing.js';

const roles = podRoles('custom-scheduler');
const index = (pods: Pod[]) => indexGangs(snap([], pods), GANG_SOURCES, roles);

describe('gang membership of the custom annotations', () => {
  it('puts a pod with a valid group name in the gang namespace/group-name', () => {
    const { gangOf, gangs } = index([pod('a', { namespace: 'team', group: 'train' })]);
    expect(gangOf.get('team/a')).toBe('team/train');
    expect([...gangs.keys()]).toEqual(['team/train']);
  });

  it.each([
    ['', 'empty'],
    ['-train', 'not a label value'],
    ['x'.repeat(64), 'too long'],
  ])('holds a pod with the group name %j (%s) on its own, in no gang', (group) => {
    const { gangs, gangOf, heldPods } = index([pod('a', { group })]);
    expect([...gangs.keys()]).toEqual([]);
    expect(gangOf.size).toBe(0);
    expect([...heldPods.keys()]).toEqual(['default/a']);
    expect(heldPods.get('default/a')?.reason).toBe('InvalidAnnotation');
  });

  it('puts a pod without the group-name annotation in no gang', () => {
    const { gangs, heldPods } = index([pod('a')]);
    expect(gangs.size + heldPods.size).toBe(0);
  });

  it('leaves out pods of other schedulers', () => {
    const { gangs } = index([pod('a', { group: 'g', schedulerName: 'default-scheduler' })]);
    expect(gangs.size).toBe(0);
  });
});

describe('the quorum of a custom gang', () => {
  const quorum = (members: Pod[]) => index(members).gangs.get('default/g')?.quorum;

  it('is the largest valid min-available among the members', () => {
    const members = [
      pod('a', { group: 'g', minAvailable: '2' }),
      pod('b', { group: 'g', minAvailable: ' 3 ' }),
      pod('c', { group: 'g' }),
    ];
    expect(quorum(members)).toBe(3);
  });

  it('is every member when no member says, or only invalid values are given (the gang is held then)', () => {
    const members = [
      pod('a', { group: 'g', minAvailable: '0' }),
      pod('b', { group: 'g', minAvailable: 'two' }),
      pod('c', { group: 'g' }),
    ];
    expect(quorum(members)).toBe(3);
    expect(index(members).gangs.get('default/g')?.held).toEqual({
      reason: 'InvalidAnnotation',
      message:
        'gang default/g: pod a has invalid annotation custom-scheduling.k8s.io/min-available="0": must be a positive integer',
    });
  });

  it('counts the living members only: failed and deleting pods are not members', () => {
    const members = [
      pod('a', { group: 'g' }),
      pod('b', { group: 'g', phase: 'Failed' }),
      pod('c', { group: 'g', deletionTime: 1 }),
    ];
    const { gangs, gangOf } = index(members);
    expect(gangs.get('default/g')?.members.map((p) => p.name)).toEqual(['a']);
    expect(gangOf.get('default/c')).toBe('default/g'); // still its gang's, for its priority as a victim
  });
});

describe('where a gang runs (its topology keys)', () => {
  const RACK = 'example.com/rack';
  const gangIn = (members: Pod[], pods = index(members)) => pods.gangs.get('default/g');

  it('takes the key the members state; members that state none follow the others', () => {
    const gang = gangIn([
      pod('a', { group: 'g', topologyKey: RACK, preferredTopologyKey: 'example.com/block' }),
      pod('b', { group: 'g' }),
    ]);
    expect([gang?.topologyKey, gang?.preferredTopologyKey]).toEqual([RACK, 'example.com/block']);
  });

  it('holds a gang whose members state different keys, naming both values and a pod of each', () => {
    const members = [
      pod('c', { group: 'g', topologyKey: 'topology.kubernetes.io/zone' }),
      pod('b', { group: 'g', topologyKey: RACK }),
      pod('a', { group: 'g', topologyKey: RACK }),
    ];
    const expected = {
      reason: 'InvalidAnnotation',
      message: `gang default/g: members disagree on the topology key: ${RACK} (pod a) but topology.kubernetes.io/zone (pod c)`,
    };
    expect(gangIn(members)?.held).toEqual(expected);
    expect(gangIn([...members].reverse())?.held).toEqual(expected); // whatever the order of the pods
    const preferred = [
      pod('a', { group: 'g', preferredTopologyKey: RACK }),
      pod('b', { group: 'g', preferredTopologyKey: 'x' }),
    ];
    expect(gangIn(preferred)?.held?.message).toBe(
      `gang default/g: members disagree on the preferred topology key: ${RACK} (pod a) but x (pod b)`,
    );
  });

  it('holds a gang whose member states an invalid key, naming the annotation', () => {
    const gang = gangIn([pod('a', { group: 'g', topologyKey: 'rack/' }), pod('b', { group: 'g', topologyKey: RACK })]);
    expect(gang?.held).toEqual({
      reason: 'InvalidAnnotation',
      message:
        'gang default/g: pod a has invalid annotation custom-scheduling.k8s.io/topology-key="rack/": must be a label key: its name must be at most 63 characters, alphanumerics with "-", "_", "." inside',
    });
  });
});
