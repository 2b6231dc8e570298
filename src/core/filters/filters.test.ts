import type { NodeSelectorTerm, SelectorRequirement, Taint, Toleration } from '../model.js';
import { node, pod, res } from '../testing.js';
import { Usage } from '../resources.js';
import { portKeys, type PodFacts } from '../state.js';
import { checkCapacity, checkStatic } from './fit.js';
import { podMatchesNode, requirementMatches, termMatches } from './node-affinity.js';
import { firstUntoleratedTaint, tolerates } from './taints.js';

const req = (key: string, operator: SelectorRequirement['operator'], values: string[] = []): SelectorRequirement => ({
  key,
  operator,
  values,
});
const term = (matchExpressions: SelectorRequirement[], matchFields: SelectorRequirement[] = []): NodeSelectorTerm => ({
  matchExpressions,
  matchFields,
});
const facts = (p = pod('p')): PodFacts => ({
  pod: p,
  ours: true,
  ports: portKeys(p),
  gang: undefined,
  priority: p.priority,
});

describe('label requirements', () => {
  it.each([
    ['In', ['a', 'b'], 'a', true],
    ['In', ['a'], undefined, false],
    ['NotIn', ['a'], 'b', true],
    ['NotIn', ['a'], undefined, true],
    ['NotIn', ['a'], 'a', false],
    ['Exists', [], '', true],
    ['Exists', [], undefined, false],
    ['DoesNotExist', [], undefined, true],
    ['DoesNotExist', [], 'x', false],
    ['Gt', ['5'], '6', true],
    ['Gt', ['5'], '5', false],
    ['Gt', ['5'], 'six', false],
    ['Lt', ['5'], '-1', true],
    ['Lt', ['x'], '1', false],
  ] as const)('%s %j against %j is %s', (op, values, value, expected) => {
    expect(requirementMatches(req('k', op, [...values]), value)).toBe(expected);
  });
});

describe('node affinity and selector', () => {
  const n = node('n1', { labels: { zone: 'z1', gpu: 'true' } });
  it('ANDs requirements inside a term and ORs terms; an empty term matches nothing', () => {
    expect(termMatches(term([req('zone', 'In', ['z1']), req('gpu', 'Exists')]), n)).toBe(true);
    expect(termMatches(term([req('zone', 'In', ['z1']), req('gpu', 'DoesNotExist')]), n)).toBe(false);
    expect(termMatches(term([]), n)).toBe(false);
    const either = pod('p', {
      requiredAffinity: [term([req('zone', 'In', ['z9'])]), term([req('gpu', 'In', ['true'])])],
    });
    expect(podMatchesNode(either, n)).toBe(true);
    expect(podMatchesNode(pod('p', { requiredAffinity: [] }), n)).toBe(false);
  });
  it('matches fields on metadata.name only', () => {
    expect(termMatches(term([], [req('metadata.name', 'In', ['n1'])]), n)).toBe(true);
    expect(termMatches(term([], [req('metadata.name', 'NotIn', ['n1'])]), n)).toBe(false);
    expect(termMatches(term([], [req('metadata.uid', 'Exists')]), n)).toBe(false);
  });
  it('requires every nodeSelector label', () => {
    expect(podMatchesNode(pod('p', { nodeSelector: { zone: 'z1' } }), n)).toBe(true);
    expect(podMatchesNode(pod('p', { nodeSelector: { zone: 'z1', disk: 'ssd' } }), n)).toBe(false);
  });
});

describe('taints and tolerations', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const tol = (t: Partial<Toleration>): Toleration => ({ key: '', operator: 'Equal', value: '', effect: '', ...t });
  it.each([
    [tol({ key: 'dedicated', value: 'gpu' }), true],
    [tol({ key: 'dedicated', value: 'cpu' }), false],
    [tol({ key: 'dedicated', operator: 'Exists' }), true],
    [tol({ operator: 'Exists' }), true],
    [tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }), false],
    [tol({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }), true],
    [tol({ key: 'other', operator: 'Exists' }), false],
  ])('%j tolerates: %s', (t, expected) => expect(tolerates(t, taint)).toBe(expected));

  it('ignores PreferNoSchedule when filtering and reports the first untolerated taint', () => {
    const soft: Taint = { key: 'soft', value: '', effect: 'PreferNoSchedule' };
    const exec: Taint = { key: 'x', value: 'y', effect: 'NoExecute' };
    expect(firstUntoleratedTaint([], [soft])).toBeUndefined();
    expect(firstUntoleratedTaint([], [soft, exec, taint])).toBe(exec);
  });

  it('skips not-ready nodes and unschedulable ones unless tolerated', () => {
    expect(checkStatic(facts(), node('n', { ready: false }))?.reasons).toEqual(['node(s) were not ready']);
    expect(checkStatic(facts(), node('n', { unschedulable: true }))?.reasons).toEqual(['node(s) were unschedulable']);
    const tolerant = pod('p', {
      tolerations: [tol({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' })],
    });
    expect(checkStatic(facts(tolerant), node('n', { unschedulable: true }))).toBeUndefined();
  });
});

describe('capacity', () => {
  const used = (...pods: ReturnType<typeof pod>[]): Usage => {
    const u = new Usage();
    for (const p of pods) u.apply(p.requests, portKeys(p), true, 1);
    return u;
  };
  it('reports every insufficient resource, extended ones included, and the pod count', () => {
    const n = node('n', { cpu: 2, memory: 2, pods: 1, scalar: { 'nvidia.com/gpu': 1 } });
    const greedy = pod('p', { cpu: 2, memory: 2, scalar: { 'nvidia.com/gpu': 2 } });
    expect(checkCapacity(facts(greedy), used(pod('x', { cpu: 1, memory: 0 })), n, 0)?.reasons).toEqual([
      'Too many pods',
      'Insufficient cpu',
      'Insufficient nvidia.com/gpu',
    ]);
    expect(checkCapacity(facts(pod('p', { cpu: 1, memory: 2 })), used(), n, 0)).toBeUndefined();
  });
  it('treats host ports as conflicting on the same protocol and port, 0.0.0.0 against every IP', () => {
    const n = node('n');
    const at = (hostIP: string, port = 80, protocol = 'TCP') =>
      pod('p', { hostPorts: [{ hostIP, protocol, port }], cpu: 0, memory: 0 });
    expect(checkCapacity(facts(at('10.0.0.1')), used(at('10.0.0.2')), n, 0)).toBeUndefined();
    expect(checkCapacity(facts(at('10.0.0.1')), used(at('0.0.0.0')), n, 0)?.reasons).toEqual([
      "node(s) didn't have free ports for the requested pod ports",
    ]);
    expect(checkCapacity(facts(at('0.0.0.0')), used(at('10.0.0.2')), n, 0)).toBeDefined();
    expect(checkCapacity(facts(at('0.0.0.0', 80, 'UDP')), used(at('0.0.0.0')), n, 0)).toBeUndefined();
  });
  it('a pod asking for nothing fits a full node while pod slots remain', () => {
    const n = node('n', { cpu: 1 });
    expect(checkCapacity(facts(pod('p', { cpu: 0, memory: 0 })), used(pod('x', { cpu: 1 })), n, 0)).toBeUndefined();
    expect(res(0.5).cpu).toBe(500);
  });
});
