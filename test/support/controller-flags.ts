/**
 * Every agent-sandbox controller flag set away from its default: the data of the tests that check each flag
 * reaches the controller's args (the construct, the Helm-values mapping, and Helm parity). Each test states the
 * args it expects itself.
 */

/** The flags v0.5.6 has. */
export const V0_5_CONTROLLER_FLAGS = {
  leaderElect: true,
  clusterDomain: 'corp.local',
  leaderElectionNamespace: 'kube-system',
  extensions: true,
  enableTracing: true,
  enablePprof: true,
  enablePprofDebug: false,
  pprofBlockProfileRate: 1000,
  pprofMutexProfileFraction: 5,
  kubeApiQps: 50,
  kubeApiBurst: 100,
  sandboxConcurrentWorkers: 200,
  sandboxClaimConcurrentWorkers: 60,
  sandboxWarmPoolConcurrentWorkers: 4,
  sandboxTemplateConcurrentWorkers: 2,
  sandboxWarmPoolMaxBatchSize: 100,
  enableWarmPoolEviction: false,
  extraArgs: ['--zap-log-level=debug'],
};

/** With the ones v1.0 added (the warm pool's readiness grace period and unschedulable recheck). */
export const EVERY_CONTROLLER_FLAG = {
  ...V0_5_CONTROLLER_FLAGS,
  sandboxWarmPoolReadinessGracePeriod: '10m',
  sandboxWarmPoolUnschedulableRecheckInterval: '2m',
};
