import { NO_POD_AFFINITY } from '../core/model.js';
import { FieldError } from './fields.js';
import { podAffinityRules, spreadConstraints } from './pod-topology.js';

const term = (extra: Record<string, unknown> = {}) => ({
  labelSelector: { matchLabels: { app: 'w' } },
  topologyKey: 'kubernetes.io/hostname',
  ...extra,
});
const spec = (affinity: Record<string, unknown>) => ({ affinity });

describe('podAffinityRules', () => {
  it('is NO_POD_AFFINITY without pod (anti-)affinity, whatever the node affinity', () => {
    expect(podAffinityRules({}, 'ns', {})).toBe(NO_POD_AFFINITY);
    expect(podAffinityRules(spec({ nodeAffinity: {} }), 'ns', {})).toBe(NO_POD_AFFINITY);
    expect(podAffinityRules(spec({ podAntiAffinity: {} }), 'ns', {})).toBe(NO_POD_AFFINITY);
  });

  it('defaults a term to the pod’s namespace, and keeps listed namespaces and selectors', () => {
    const rules = podAffinityRules(
      spec({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            term(),
            term({ namespaces: ['a', 'b'] }),
            term({ namespaceSelector: {} }),
            term({ namespaceSelector: { matchLabels: { tier: 'x' } } }),
          ],
        },
      }),
      'team',
      {},
    );
    expect(rules.requiredAnti.map((t) => [t.namespaces, t.namespaceSelector])).toEqual([
      [['team'], undefined],
      [['a', 'b'], undefined],
      [[], { matchLabels: {}, matchExpressions: [] }],
      [[], { matchLabels: { tier: 'x' }, matchExpressions: [] }],
    ]);
    expect(rules.requiredAnti[0]?.selector).toEqual({ matchLabels: { app: 'w' }, matchExpressions: [] });
  });

  it('merges matchLabelKeys and mismatchLabelKeys with the pod’s own values; absent labels add nothing', () => {
    const rules = podAffinityRules(
      spec({
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, podAffinityTerm: term({ matchLabelKeys: ['rev', 'none'], mismatchLabelKeys: ['tenant'] }) },
          ],
        },
      }),
      'ns',
      { rev: '7', tenant: 'blue' },
    );
    expect(rules.preferred).toEqual([
      {
        weight: 10,
        term: expect.objectContaining({
          selector: {
            matchLabels: { app: 'w' },
            matchExpressions: [
              { key: 'rev', operator: 'In', values: ['7'] },
              { key: 'tenant', operator: 'NotIn', values: ['blue'] },
            ],
          },
        }) as unknown,
      },
    ]);
  });

  it('leaves a term without labelSelector selecting nothing', () => {
    const rules = podAffinityRules(
      spec({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone' }] } }),
      'ns',
      {},
    );
    expect(rules.required[0]?.selector).toBeUndefined();
  });

  it.each([
    [
      { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } },
      /topologyKey: must not be empty/,
    ],
    [
      {
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: term() }] },
      },
      /weight: must be between 1 and 100/,
    ],
    [{ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 'x' } }, /expected a list/],
  ])('rejects %j', (affinity, message) => {
    expect(() => podAffinityRules(spec(affinity), 'ns', {})).toThrow(FieldError);
    expect(() => podAffinityRules(spec(affinity), 'ns', {})).toThrow(message);
  });
});

describe('spreadConstraints', () => {
  const constraint = (extra: Record<string, unknown> = {}) => ({
    maxSkew: 1,
    topologyKey: 'zone',
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels: { app: 's' } },
    ...extra,
  });

  it('applies the defaults: minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore', () => {
    expect(spreadConstraints({ topologySpreadConstraints: [constraint()] }, {})).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'zone',
        whenUnsatisfiable: 'DoNotSchedule',
        selector: { matchLabels: { app: 's' }, matchExpressions: [] },
        minDomains: 1,
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Ignore',
      },
    ]);
  });

  it('adds the pod’s values of matchLabelKeys to the selector', () => {
    const [c] = spreadConstraints(
      { topologySpreadConstraints: [constraint({ matchLabelKeys: ['rev', 'x'] })] },
      { rev: '3' },
    );
    expect(c?.selector).toEqual({ matchLabels: { app: 's', rev: '3' }, matchExpressions: [] });
  });

  it.each([
    [{ maxSkew: 0 }, /maxSkew: must be at least 1/],
    [{ topologyKey: '' }, /topologyKey: must not be empty/],
    [{ whenUnsatisfiable: 'Sometimes' }, /whenUnsatisfiable: unknown action "Sometimes"/],
    [{ minDomains: 0 }, /minDomains: must be at least 1/],
    [{ nodeTaintsPolicy: 'Maybe' }, /nodeTaintsPolicy: unknown policy "Maybe"/],
  ])('rejects %j naming the field', (extra, message) => {
    expect(() => spreadConstraints({ topologySpreadConstraints: [constraint(extra)] }, {})).toThrow(message);
  });
});
