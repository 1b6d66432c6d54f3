/**
 * The real-component tier (`npm run test:integration`): a local control plane built from Go modules, the real
 * agent-sandbox controller, the Pulumi engine. Two files at a time: a suite spends most of its time waiting on
 * controllers and the engine (one suite alone keeps about half of this machine's two cores busy), and each starts
 * its own clusters on free ports; long timeouts (a cold engine start and a provider's await logic take tens of
 * seconds).
 * @type {import('jest').Config}
 */
const unit = require('./jest.config.js');
module.exports = {
  ...unit,
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/integration/support/leak-check.js',
};
