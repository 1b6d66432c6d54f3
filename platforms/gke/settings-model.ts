/** `platforms.gke-autopilot` / `platforms.gke-standard` as a plain type (the zod schema is ./settings.ts). */
export interface GkePlatformSettings {
  /** `managed`: the GKE agent-sandbox add-on installs controller and CRDs; our output then has neither. */
  readonly agentSandbox?: 'self' | 'managed';
  /** The cluster's GKE version (e.g. "1.36.3-gke.1767000"); required with `agentSandbox: managed`. */
  readonly gkeVersion?: string;
}
