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

/**
 * A difference that changes nothing Kubernetes acts on: a list Kubernetes treats as a set whose order alone changed
 * (`rules[0].verbs`), or `spec.replicas` of an object an autoscaler scales.
 */
export interface NoEffectNote {
  /** The list (reorder) or field (replicas). */
  readonly path: string;
  readonly reason: string;
  /** The field change itself, when it has values worth showing (redacted like the rest). */
  readonly change?: FieldChange;
}

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
  /** Field-level changes that take effect; empty for added/removed objects. Values are redacted. */
  readonly fieldChanges: readonly FieldChange[];
  /** Differences with no effect, with why (not in fieldChanges). A changed object with only these has no effect. */
  readonly noEffect: readonly NoEffectNote[];
  /** Unified diff (hunks with `@@` headers, no `---`/`+++` lines) of the redacted, key-sorted YAML. */
  readonly unifiedDiff: string;
}

/**
 * One change as a reviewer reads it: the same object (kind, namespace, name) changed the same way on one or more
 * platforms. Objects whose other content differs between platforms still make one change when the change itself
 * (the values before and after, compared unredacted and never kept) is the same.
 */
export interface Change {
  readonly status: ObjectStatus;
  /** The key of the first platform's object. */
  readonly key: ObjectKey;
  /** The platforms it was made on, sorted (`['']` for objects not under a platform folder). */
  readonly platforms: readonly string[];
  /** One object per platform, in the order of `platforms`. */
  readonly objects: readonly ObjectDiff[];
  /** True when a changed object has only NoEffectNotes. */
  readonly noEffect: boolean;
}

/** Distinct changes (a change made on six platforms counts once) and the objects that did not change. */
export interface DiffCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** Of `changed`, how many have no effect. */
  readonly noEffect: number;
  /** Objects equal on both sides. */
  readonly unchanged: number;
}

/** Objects per status, every platform's counted (what `counts` was before changes were grouped). */
export interface ObjectCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

export interface KindSummary {
  readonly kind: string;
  /** Distinct changes of this kind. */
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** Objects of this kind that changed, every platform's counted. */
  readonly objects: number;
}

/**
 * Result of comparing two manifest sets. Every value in it has been redacted: it is safe to
 * render or serialize as is.
 */
export interface DiffResult {
  readonly counts: DiffCounts;
  readonly objectCounts: ObjectCounts;
  /** Platform folders with objects on either side, sorted (empty when nothing is under a platform folder). */
  readonly platforms: readonly string[];
  /** One row per kind with at least one change, sorted by kind. */
  readonly kinds: readonly KindSummary[];
  /** Distinct changes, in review order (cli/diff/review-order.ts): what a reviewer must see first comes first. */
  readonly changes: readonly Change[];
  /** Added, removed and changed objects of every platform (unchanged ones are only counted), sorted by key. */
  readonly objects: readonly ObjectDiff[];
}
