import { labelKeyProblem } from './labels.js';

describe('label keys', () => {
  it.each(['rack', 'example.com/rack', 'topology.kubernetes.io/zone', 'a_b.c-d', 'x'.repeat(63)])(
    'accepts %s',
    (key) => {
      expect(labelKeyProblem(key)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['example.com/', 'must be a label key: its name must be at most 63 characters'],
    ['/rack', 'must be a label key: its prefix before "/" must be a DNS subdomain'],
    ['Example.com/rack', 'must be a label key: its prefix before "/" must be a DNS subdomain'],
    ['a/b/c', 'must be a label key: its name must be'],
    ['rack key', 'must be a label key: its name must be'],
    ['-rack', 'must be a label key: its name must be'],
    ['x'.repeat(64), 'must be a label key: its name must be at most 63 characters'],
  ])('rejects %j: %s', (key, problem) => {
    expect(labelKeyProblem(key)).toContain(problem);
  });
});
