/**
 * The real-component tier (`npm run test:integration`): a local control plane built from Go modules, the real
 * agent-sandbox controller, the Pulumi engine. One suite at a time (each starts its own cluster), long timeouts.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config.js');
module.exports = {
  ...unit,
  roots: ['<rootDir>/test/integration'],
  testPathIgnorePatterns: [],
  testTimeout: 300000,
  maxWorkers: 1,
  globalTeardown: '<rootDir>/test/integration/support/leak-check.js',
};
