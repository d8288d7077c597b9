// Test tiers by suffix: *.spec.ts (unit, no I/O), *.int-spec.ts (real Postgres/Kafka/anvil),
// *.e2e-spec.ts (the whole devnet). `npm test` (scripts/test.sh) starts the real parts first.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // NestJS 12 ships ES modules only; Jest (on Node < 24.9) cannot require them, so they are transpiled to CJS.
    '^.+\\.js$': '<rootDir>/scripts/infra/jest-esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|load-esm|uid|strtok3|token-types|peek-readable|@tokenizer)/)'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e-spec.ts'], slowTestThreshold: 120 },
  ],
};
