import { DEFAULT_PLAN_CONFIG } from './plan-types.js';
import { parseDuration, parseSwitch, PLAN_SETTING_FIELDS, PLAN_SETTINGS } from './plan-settings.js';

describe('the planner settings table', () => {
  it('lists every field of PlanConfig once, with the planner default', () => {
    expect([...PLAN_SETTING_FIELDS].sort()).toEqual(Object.keys(DEFAULT_PLAN_CONFIG).sort());
    expect(Object.keys(PLAN_SETTINGS).sort()).toEqual(Object.keys(DEFAULT_PLAN_CONFIG).sort());
    for (const field of PLAN_SETTING_FIELDS) expect(PLAN_SETTINGS[field].default).toBe(DEFAULT_PLAN_CONFIG[field]);
  });

  it('spells each flag as the kebab-case of the name', () => {
    expect(PLAN_SETTING_FIELDS.map((f) => `${PLAN_SETTINGS[f].name} --${PLAN_SETTINGS[f].flag}`)).toEqual([
      'schedulerName --scheduler-name',
      'preemption --preemption',
      'maxPodsPerNode --max-pods-per-node',
      'scoring --scoring',
      'percentageOfNodesToScore --percentage-of-nodes-to-score',
      'annotationPrefix --annotation-prefix',
      'gangSources --gang-sources',
      'nominationTimeout --nomination-timeout',
      'volumeBindTimeout --volume-bind-timeout',
    ]);
  });

  it.each([
    ['schedulerName', 'batch', 'batch'],
    ['schedulerName', 'not a name', undefined],
    ['schedulerName', '', undefined],
    ['preemption', 'no', false],
    ['maxPodsPerNode', '3', 3],
    ['maxPodsPerNode', '-1', undefined],
    ['maxPodsPerNode', '1.5', undefined],
    ['maxPodsPerNode', '1000001', undefined],
    ['scoring', 'LeastAllocated', 'LeastAllocated'],
    ['scoring', 'Random', undefined],
    ['percentageOfNodesToScore', '50', 50],
    ['percentageOfNodesToScore', '101', undefined],
    ['annotationPrefix', 'example.com', 'example.com'],
    ['annotationPrefix', 'Not A Domain', undefined],
    ['gangSources', 'custom, kueue', ['custom', 'kueue']],
    ['gangSources', 'none', []],
    ['gangSources', 'custom,volcano,custom', undefined],
    ['gangSources', 'custom,coscheduling', undefined],
    ['gangSources', '', undefined],
    ['nominationTimeoutMs', '2m', 120_000],
    ['nominationTimeoutMs', '0', undefined],
    ['nominationTimeoutMs', 'soon', undefined],
  ] as const)('reads %s from %j as %j', (field, text, value) => {
    const setting = PLAN_SETTINGS[field];
    const read = setting.fromText(text);
    expect(read === undefined ? undefined : setting.accept(read)).toEqual(value);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 250 ', 250],
    ['5 s', 5_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '-1s', '5d', '1e3'])('reads %j as no duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseSwitch', () => {
  it('reads the usual spellings of on and off, and nothing else', () => {
    expect(['true', 'YES', '1', 'false', 'No', '0', 'maybe'].map(parseSwitch)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      undefined,
    ]);
  });
});
