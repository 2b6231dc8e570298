import { gangAnnotations, gangQuorum, indexGangs, memberGangKey } from './gangs.js';
import type { Pod } from './model.js';
import { pod } from './testing.js';

const names = gangAnnotations('custom-scheduling.k8s.io');
const ours = (): boolean => true;
const pending = (p: Pod): boolean => p.nodeName === '';

describe('memberGangKey', () => {
  it('is namespace/group-name for a valid group name', () => {
    expect(memberGangKey(pod('a', { namespace: 'team', group: 'train' }), names)).toBe('team/train');
  });

  it.each([
    ['', 'empty'],
    ['-train', 'not a label value'],
    ['x'.repeat(64), 'too long'],
  ])('is undefined for the group name %j (%s), as the planner puts such a pod in no gang', (group) => {
    const p = pod('a', { group });
    expect(memberGangKey(p, names)).toBeUndefined();
    const index = indexGangs([p], ours, pending, names);
    expect([...index.gangs.keys()]).toEqual([]);
    expect([...index.invalidPods.keys()]).toEqual(['default/a']);
  });

  it('is undefined without the group-name annotation', () => {
    expect(memberGangKey(pod('a'), names)).toBeUndefined();
  });
});

describe('gangQuorum', () => {
  it('is the largest valid min-available among the members', () => {
    const members = [
      pod('a', { group: 'g', minAvailable: '2' }),
      pod('b', { group: 'g', minAvailable: ' 3 ' }),
      pod('c', { group: 'g' }),
    ];
    expect(gangQuorum(members, names)).toBe(3);
  });

  it('is every member when no member says, or only invalid values are given', () => {
    const members = [
      pod('a', { group: 'g', minAvailable: '0' }),
      pod('b', { group: 'g', minAvailable: 'two' }),
      pod('c', { group: 'g' }),
    ];
    expect(gangQuorum(members, names)).toBe(3);
  });

  it('is the quorum the planner uses', () => {
    const members = [pod('a', { group: 'g', minAvailable: '2' }), pod('b', { group: 'g' }), pod('c', { group: 'g' })];
    const gang = indexGangs(members, ours, pending, names).gangs.get('default/g');
    expect(gang?.quorum).toBe(gangQuorum(members, names));
    expect(gang?.quorum).toBe(2);
  });
});
