/**
 * The real-component tier (`npm run test:integration`): a local control plane built from Go modules, the real
 * agent-sandbox controller, the Pulumi engine. One file at a time (each starts its own cluster, and a Go-built
 * control plane already keeps both cores busy); long timeouts (a cold engine start and a provider's await logic
 * take tens of seconds).
 * @type {import('jest').Config}
 */
const unit = require('./jest.config.js');
module.exports = {
  ...unit,
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/integration/support/leak-check.js',
};
