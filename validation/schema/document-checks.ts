/**
 * The schema half of synth's checks, once per distinct document text: the document re-read from the text written
 * (the pinned CRDs: their objects, whose emitter round trip is tested on its own), then its shape, size and pinned
 * schema (validateObjectsAndList). The platform's checkers are not part of it: they run on every platform's objects.
 *
 * The result depends on the text, the catalog's inputs (catalogIdentity: pins, derivation code, ajv version) and the
 * code that computes it — nothing else — so it is kept in the private cache (core/private-cache.ts: a cached "no
 * problem" is believed, hence the private folder and the header) and a later run meeting the same text with the same
 * catalog and code takes it instead of parsing and validating again; a run whose documents are all known loads no
 * validator and builds no catalog. The entry file lists the code (this module and every module it reaches, each
 * file's sha256), checked again before any entry is used. Entries are kept only where JSON holds the parsed objects
 * exactly.
 */
import { join } from 'node:path';
import { privateCacheDir, readKeptWithCode, writeKeptWithCode } from '../../core/private-cache';
import { sha256Hex } from '../../core/upstream/store';
import { parseManifestText } from '../../core/yaml/parse';
import { plainJsonText } from '../../core/yaml/emit';
import type { Problem } from '../../core/diagnostics';
import { catalogIdentity, SchemaCatalog, type CatalogOptions } from './schema-catalog';
import { validateObjectsAndList, type CheckableObject, type ObjectSource } from './validate-objects';

/** One document's result without the checkers: its problems and the objects the checkers judge (files left out). */
export interface DocumentCheck {
  readonly problems: readonly Omit<Problem, 'file'>[];
  readonly checkable: readonly Omit<CheckableObject, 'file'>[];
}

/** Bump when the layout of the entry file changes. */
const FORMAT = 1;
const HEADER_PREFIX = `# agent-sandbox-infra document checks v${FORMAT}`;
/** Beyond this many entries a rewrite keeps only the documents of the run that writes it. */
const MAX_KEPT_ENTRIES = 20_000;

/** A kept result: `value` of each checkable object, except for a document checked as an object (it is that object). */
interface KeptCheck {
  readonly problems: readonly Omit<Problem, 'file'>[];
  readonly checkable: readonly { readonly object: string; readonly value?: Record<string, unknown> }[];
}

export class DocumentChecks {
  private readonly results = new Map<string, DocumentCheck>();
  private readonly kept: Map<string, KeptCheck>;
  /** Entries of this run, by key: what a rewrite writes first. */
  private readonly used = new Map<string, KeptCheck>();
  /** Results computed since the entry file was last written. */
  private unsaved = 0;
  private readonly tally = { computed: 0, fromKept: 0 };
  private catalogInstance: SchemaCatalog | undefined;
  private readonly file: string | undefined;
  private readonly fileKey: string;

  constructor(private readonly options: CatalogOptions) {
    // This file is part of the key: copies of the package sharing the per-user cache keep apart entries.
    this.fileKey = sha256Hex(`${FORMAT}\n${__filename}\n${catalogIdentity(options)}`);
    const dir = options.diskCache === false ? undefined : privateCacheDir(options.env);
    this.file = dir && join(dir, `${this.fileKey}.document-checks.json`);
    this.kept = this.file ? readKept(this.file, this.fileKey) : new Map();
  }

  /** The catalog, built on first need (a run whose documents are all known never needs it). */
  private get catalog(): SchemaCatalog {
    this.catalogInstance ??= new SchemaCatalog(this.options);
    return this.catalogInstance;
  }

  /**
   * The result for `text` written at `path`: re-read from the text, or, with `object`, `object` itself checked (the
   * text is then its emitted form: equal texts mean equal objects).
   */
  check(text: string, path: string, object?: unknown): DocumentCheck {
    const asObject = object !== undefined;
    const memoKey = `${asObject ? 'object' : 'text'}\n${text}`;
    const known = this.results.get(memoKey);
    if (known) return known;
    const key = sha256Hex(memoKey);
    const kept = this.kept.get(key);
    let result: DocumentCheck;
    if (kept && (asObject ? kept.checkable.length <= 1 : kept.checkable.every((c) => c.value !== undefined))) {
      result = { problems: kept.problems, checkable: kept.checkable.map((c) => ({ object: c.object, value: c.value ?? (object as Record<string, unknown>) })) };
      this.used.set(key, kept);
      this.tally.fromKept += 1;
    } else {
      result = asObject ? withoutFile(validateObjectsAndList([{ value: object, file: path }], { catalog: this.catalog })) : this.checkText(text, path);
      this.unsaved += 1;
      this.tally.computed += 1;
      const entry = keptForm(result, asObject);
      if (entry) this.used.set(key, entry);
    }
    this.results.set(memoKey, result);
    return result;
  }

  private checkText(text: string, path: string): DocumentCheck {
    const { documents, problems } = parseManifestText(path, text);
    if (problems.length) {
      return { problems: problems.map((p) => ({ object: `line ${p.line}`, path: '', message: p.message, severity: 'error' as const, code: 'yaml' })), checkable: [] };
    }
    const sources: ObjectSource[] = documents.map((d) => ({ value: d.value, file: path, index: d.index }));
    return withoutFile(validateObjectsAndList(sources, { catalog: this.catalog }));
  }

  /** Writes the entry file when this run computed a result (a read-only or missing cache only costs speed). */
  save(): void {
    if (this.file === undefined || this.unsaved === 0) return;
    try {
      const entries = new Map(this.used);
      if (this.kept.size + entries.size <= MAX_KEPT_ENTRIES) for (const [key, entry] of this.kept) if (!entries.has(key)) entries.set(key, entry);
      writeKeptWithCode(this.file, HEADER_PREFIX, this.fileKey, [__filename], JSON.stringify(Object.fromEntries(entries)));
      this.unsaved = 0;
    } catch {
      // not kept (e.g. more than one string can hold): the next run checks these documents again
    }
  }

  /** Distinct documents computed and taken from kept results so far, and whether the catalog was built (tests). */
  get counts(): { readonly computed: number; readonly fromKept: number; readonly catalogBuilt: boolean } {
    return { ...this.tally, catalogBuilt: this.catalogInstance !== undefined };
  }
}

function withoutFile(result: { problems: Problem[]; checkable: CheckableObject[] }): DocumentCheck {
  return { problems: result.problems.map(({ file: _f, ...p }) => p), checkable: result.checkable.map(({ file: _f, ...c }) => c) };
}

/** The result as it is kept, or undefined when JSON cannot hold it exactly (then it is computed again next time). */
function keptForm(result: DocumentCheck, asObject: boolean): KeptCheck | undefined {
  if (plainJsonText(result.problems) === undefined) return undefined;
  if (asObject) return { problems: result.problems, checkable: result.checkable.map((c) => ({ object: c.object })) };
  if (result.checkable.some((c) => plainJsonText(c.value) === undefined)) return undefined;
  return { problems: result.problems, checkable: result.checkable.map((c) => ({ object: c.object, value: c.value })) };
}

/** The entries of a verified file whose code is this code; none for anything else. */
function readKept(file: string, fileKey: string): Map<string, KeptCheck> {
  const body = readKeptWithCode(file, HEADER_PREFIX, fileKey, [__filename]);
  if (body === undefined) return new Map();
  try {
    const entries = JSON.parse(body) as Record<string, KeptCheck>;
    return new Map(Object.entries(entries).filter(([, e]) => Array.isArray(e?.problems) && Array.isArray(e?.checkable)));
  } catch {
    return new Map();
  }
}
