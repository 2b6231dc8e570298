// Three projects: `unit` (tests beside the code, no cluster), `integration` (against the
// local control plane that `make cluster-up` starts) and `chaos` (faults of that control plane).
// ESM throughout: the Kubernetes client is ESM-only, so jest runs with
// NODE_OPTIONS=--experimental-vm-modules (the npm scripts and Makefile set it).
const common = {
  testEnvironment: 'node',
  // .local holds the control plane's data (etcd's *.snap files look like jest snapshots).
  modulePathIgnorePatterns: ['<rootDir>/.local/', '<rootDir>/dist/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.local/', '<rootDir>/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '<rootDir>/test/chaos/'],
    },
    // Faults that kill parts of the local control plane: run alone, after the integration tests.
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.test.ts'] },
  ],
};
