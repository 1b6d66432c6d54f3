/** `platforms.gke-autopilot` / `platforms.gke-standard` as a plain type (the zod schema is ./settings.ts). */
export interface GkePlatformSettings {
  /** `managed`: the GKE agent-sandbox add-on installs controller and CRDs; our output then has neither. */
  readonly agentSandbox?: 'self' | 'managed';
  /** The cluster's GKE version (e.g. "1.36.3-gke.1767000"); required with `agentSandbox: managed`. */
  readonly gkeVersion?: string;
  /** A custom ComputeClass that sandbox pods select (platforms/gke/compute-class.ts has the schema and its rules). */
  readonly computeClass?: GkeComputeClassSettings;
}

/** `platforms.gke-*.computeClass`. */
export interface GkeComputeClassSettings {
  /** The ComputeClass's name, which sandbox pods select. */
  readonly name: string;
  /** Machine shapes in order of preference: GKE tries the first, then the next. */
  readonly priorities: readonly GkeComputeClassPriority[];
  /** GKE Standard: GKE creates gVisor node pools for the class. Refused as false on Autopilot. @default true */
  readonly nodePoolAutoCreation?: boolean;
  /** When no priority can be met. @default DoNotScaleUp */
  readonly whenUnsatisfiable?: 'DoNotScaleUp' | 'ScaleUpAnyway';
  readonly description?: string;
}

/** One `priorities[]` entry: a machine family or type, minimum size, Spot. At least one field. */
export interface GkeComputeClassPriority {
  readonly machineFamily?: string;
  readonly machineType?: string;
  readonly minCores?: number;
  readonly minMemoryGb?: number;
  readonly spot?: boolean;
}

/** The ComputeClass object we emit (cloud.google.com/v1), as a plain type (platforms/gke/compute-class.ts checks it). */
export interface GkeComputeClassObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly description?: string;
    readonly priorities: readonly GkeComputeClassPriority[];
    readonly nodePoolAutoCreation: { readonly enabled: boolean };
    readonly whenUnsatisfiable: 'DoNotScaleUp' | 'ScaleUpAnyway';
    readonly nodePoolConfig?: { readonly sandbox: { readonly type: 'gvisor' } };
  };
}
