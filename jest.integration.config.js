// The integration tier (`npm run test:integration`): real binaries from the toolchain cache (a local control plane,
// the Pulumi engine). One file at a time: each starts its own cluster, and a Go-built control plane already keeps
// both cores busy. Long timeouts: a cold engine start and a provider's await logic take tens of seconds.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 10 * 60 * 1000,
};
