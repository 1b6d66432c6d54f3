/** Per-tenant sandbox namespace baseline. */
export * from './sandbox-namespace';
export * from './traffic-rules';
export * from './dns-egress';
export * from './resource-limits';
export * from './metadata-endpoints';
export * from './cidr';
