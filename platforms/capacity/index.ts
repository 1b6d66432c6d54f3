/**
 * Warm-pool capacity check: pure functions used at preview time by the Pulumi program and by tests.
 * Imports nothing from @pulumi/* (test/platforms/capacity/imports.test.ts holds that line).
 */
export * from './quantity';
export * from './node-reservations';
export * from './max-pods';
export * from './machine-types';
export * from './findings';
export * from './check';
