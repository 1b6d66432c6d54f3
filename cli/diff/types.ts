/**
 * Identity of a manifest object. The API *version* is deliberately not part of it: a
 * `v1alpha1` → `v1beta1` bump of the same object is a change, not a remove + add.
 */
export interface ObjectKey {
  /**
   * First path segment of the source file relative to the loaded root directory
   * (`<out>/<platform>/*.yaml` → the platform). Empty for a single file, for files directly in
   * the root, or when `platformFromPath` is false.
   */
  readonly platform: string;
  /** API group from `apiVersion` (`apps/v1` → `apps`); the core group is `""`. */
  readonly group: string;
  readonly kind: string;
  /** `""` for cluster-scoped objects (and namespaced objects that do not set one). */
  readonly namespace: string;
  readonly name: string;
}

/** One Kubernetes object read from a manifest file. */
export interface ManifestObject {
  readonly key: ObjectKey;
  /** Source file, relative to the loaded root (POSIX separators); the file name for a single file. */
  readonly source: string;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: Record<string, unknown>;
}

export interface LoadOptions {
  /**
   * Treat the first directory level under the root as the platform and make it part of each
   * object's key, so the same object under `gke-autopilot/` and `eks/` are separate entries.
   * @default true
   */
  readonly platformFromPath?: boolean;
}

export interface DiffOptions extends LoadOptions {
  /**
   * Context lines around each hunk of the unified diff.
   * @default 3
   */
  readonly contextLines?: number;
}

export type FieldChangeType = 'added' | 'removed' | 'changed';

/** One leaf-level (or subtree-level, when a whole map/list appears or disappears) change. */
export interface FieldChange {
  /** JSON path, e.g. `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
  readonly path: string;
  readonly type: FieldChangeType;
  /** Redacted value in base; absent when `type` is `added`. */
  readonly oldValue?: unknown;
  /** Redacted value in head; absent when `type` is `removed`. */
  readonly newValue?: unknown;
}

export type ObjectStatus = 'added' | 'removed' | 'changed';

export interface ObjectDiff {
  readonly status: ObjectStatus;
  readonly key: ObjectKey;
  /** Source file in base (absent for added objects). */
  readonly baseSource?: string;
  /** Source file in head (absent for removed objects). */
  readonly headSource?: string;
  /** The redacted base object (absent for added objects). */
  readonly base?: Record<string, unknown>;
  /** The redacted head object (absent for removed objects). */
  readonly head?: Record<string, unknown>;
  /** Field-level changes; empty for added/removed objects. Values are redacted. */
  readonly fieldChanges: readonly FieldChange[];
  /** Unified diff (hunks with `@@` headers, no `---`/`+++` lines) of the redacted, key-sorted YAML. */
  readonly unifiedDiff: string;
}

export interface DiffCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
}

export interface KindSummary {
  readonly kind: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/**
 * Result of comparing two manifest sets. Every value in it has been redacted: it is safe to
 * render or serialize as is.
 */
export interface DiffResult {
  readonly counts: DiffCounts;
  /** One row per kind with at least one added/removed/changed object, sorted by kind. */
  readonly kinds: readonly KindSummary[];
  /** Added, removed and changed objects (unchanged ones are only counted), sorted by key. */
  readonly objects: readonly ObjectDiff[];
}
