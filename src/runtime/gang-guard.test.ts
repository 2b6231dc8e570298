import { config, gangRef, pod, podGroup, snap } from '../core/testing.js';
import type { Pod, Snapshot } from '../core/index.js';
import { GangGuard } from './gang-guard.js';

const member = (name: string, nodeName = '', o: { group?: string; minAvailable?: string } = {}): Pod =>
  pod(name, {
    schedulerName: 'custom-scheduler',
    nodeName,
    phase: nodeName === '' ? 'Pending' : 'Running',
    group: o.group ?? 'train',
    minAvailable: o.minAvailable,
  });

const guardOf = () => new GangGuard(config(), 60_000);
const of = (pods: Pod[]): Snapshot => snap([], pods);

describe('GangGuard', () => {
  it('evicts the bound members of a gang still below quorum after the timeout, not before', () => {
    const guard = guardOf();
    const pods = [member('a', 'n1', { minAvailable: '3' }), member('b'), member('c')];
    guard.noteBinds([{ pod: 'default/b', node: 'n2', result: 'failed' }], of(pods), 0);
    expect(guard.check(snap([], pods), 59_999)).toEqual([]);
    expect(guard.check(snap([], pods), 60_000)).toEqual([
      { pod: 'default/a', node: 'n1', preemptor: 'gang default/train below quorum' },
    ]);
    expect(guard.tracked).toBe(0);
  });

  it('lets go of a gang that reached its quorum on a later pass', () => {
    const guard = guardOf();
    const before = [member('a', 'n1'), member('b')];
    guard.noteBinds([{ pod: 'default/b', node: 'n2', result: 'failed' }], of(before), 0);
    const after = [member('a', 'n1'), member('b', 'n2')];
    expect(guard.check(snap([], after), 1_000)).toEqual([]);
    expect(guard.tracked).toBe(0);
  });

  it('ignores abandoned binds (they may still land) and pods outside gangs', () => {
    const guard = guardOf();
    const pods = [member('a', 'n1'), member('b'), pod('single', { schedulerName: 'custom-scheduler' })];
    guard.noteBinds(
      [
        { pod: 'default/b', node: 'n2', result: 'abandoned' },
        { pod: 'default/single', node: 'n3', result: 'failed' },
      ],
      of(pods),
      0,
    );
    expect(guard.tracked).toBe(0);
  });

  it('treats a pod with an invalid group name as no gang, as the planner does', () => {
    const guard = guardOf();
    const bad = (name: string, nodeName = '') => member(name, nodeName, { group: 'not a label value!' });
    const pods = [bad('a', 'n1'), bad('b')];
    guard.noteBinds([{ pod: 'default/b', node: 'n2', result: 'failed' }], of(pods), 0);
    expect(guard.tracked).toBe(0);
    expect(guard.check(snap([], pods), 120_000)).toEqual([]);
  });

  it('counts the quorum as the planner does: the largest valid min-available', () => {
    const guard = guardOf();
    const pods = [member('a', 'n1', { minAvailable: '1' }), member('b', '', { minAvailable: 'many' }), member('c')];
    guard.noteBinds([{ pod: 'default/b', node: 'n2', result: 'failed' }], of(pods), 0);
    expect(guard.tracked).toBe(1);
    expect(guard.check(snap([], pods), 120_000)).toEqual([]);
    expect(guard.tracked).toBe(0);
  });

  it('knows gangs of every source as the planner keys them, quorum from the PodGroup', () => {
    const guard = guardOf();
    const declared = [gangRef('volcano', 'train')];
    const pods = ['a', 'b', 'c'].map((name, i) =>
      pod(name, { nodeName: i === 0 ? 'n1' : '', gangRefs: declared, schedulerName: 'custom-scheduler' }),
    );
    const snapshot = { ...snap([], pods), podGroups: [podGroup('volcano', 'train', { quorum: 3 })] };
    guard.noteBinds([{ pod: 'default/b', node: 'n2', result: 'failed' }], snapshot, 0);
    expect(guard.check(snapshot, 60_000)).toEqual([
      { pod: 'default/a', node: 'n1', preemptor: 'gang default/train (scheduling.volcano.sh PodGroup) below quorum' },
    ]);
  });
});
