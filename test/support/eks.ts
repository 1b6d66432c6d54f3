/** Test helpers for the EKS node-bootstrap tests: upstream mirror, nodeadm-style merge, MIME parsing, tools. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { createHash } from 'node:crypto';
import { GVISOR_ARCHES, GVISOR_RELEASE, gvisorPayloadFiles, SandboxBootstrapError, type GvisorSha512 } from '../../platforms/eks/node-bootstrap';
import { realComponentsPresent } from './real-components';
import { referenceDataMissing } from './upstream';

/** A well-formed sha512 (of `label`): the digest a test pins where nothing is downloaded. Not a gVisor digest. */
export function testDigest(label: string): string {
  return createHash('sha512').update(label).digest('hex');
}

/** Pinned digests (the gVisor trust anchor) for the releases the tests build user data for, both architectures. */
export const TEST_GVISOR_SHA512: GvisorSha512 = Object.fromEntries(
  [GVISOR_RELEASE, '20250101.0', '20240729.0'].map((release) => {
    const files = gvisorPayloadFiles(release);
    const forArch = (arch: string) =>
      files.length === 1 ? testDigest(`${release}/${arch}/${files[0]}`) : Object.fromEntries(files.map((f) => [f, testDigest(`${release}/${arch}/${f}`)]));
    return [release, Object.fromEntries(GVISOR_ARCHES.map((arch) => [arch, forArch(arch)]))];
  }),
);

/** Spread into bootstrap options and EKS cluster settings: the trust anchor tests use unless trust is their subject. */
export const PINNED = { gvisorSha512: TEST_GVISOR_SHA512 } as const;

/** Repo root (this file is test/support/eks.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** `$AGENT_SANDBOX_INFRA_MIRROR`, else `../shared/upstream` next to the repo (DESIGN.md, resolution order 1). */
export function upstreamMirror(): string {
  const dir = process.env.AGENT_SANDBOX_INFRA_MIRROR ?? path.resolve(REPO_ROOT, '..', 'shared', 'upstream');
  if (!fs.existsSync(path.join(dir, 'amazon-eks-ami'))) {
    throw new Error(`upstream mirror not found: ${dir}/amazon-eks-ami (set AGENT_SANDBOX_INFRA_MIRROR to a folder laid out like ../shared/upstream)`);
  }
  return dir;
}

/** `describe` for a suite that reads nodeadm's reference data, else one SKIPPED line (a failure under CI=true). */
export function describeWithEksReference(suite: string): jest.Describe {
  return realComponentsPresent(suite, [referenceDataMissing('amazon-eks-ami')]) ? describe : describe.skip;
}

/** A file under `<mirror>/amazon-eks-ami/`. */
export function eksAmiFile(relative: string): string {
  return fs.readFileSync(path.join(upstreamMirror(), 'amazon-eks-ami', relative), 'utf8');
}

export type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** nodeadm's merge of a user containerd config over its base: tables merge recursively, everything else is replaced. */
export function deepMerge(base: Table, patch: Table): Table {
  const out: Table = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isTable(out[k]) && isTable(v) ? deepMerge(out[k] as Table, v) : v;
  }
  return out;
}

/** Parses TOML text into a plain table. */
export function toml(text: string): Table {
  return parseToml(text) as Table;
}

/** Follows a key path through nested tables; `undefined` when a step is missing. */
export function at(table: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((t, k) => (isTable(t) ? t[k] : undefined), table);
}

export interface ParsedPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Minimal `multipart/mixed` parser (LF line endings), enough to read our user data back. */
export function parseMultipart(doc: string): { headers: Record<string, string>; parts: ParsedPart[] } {
  const headerEnd = doc.indexOf('\n\n');
  const headers = parseHeaders(doc.slice(0, headerEnd));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) throw new Error('no boundary in Content-Type');
  const rest = doc.slice(headerEnd + 2);
  const chunks = rest.split(`\n--${boundary}`);
  // chunks[0] starts with the first delimiter; the last chunk is `--\n` (close delimiter).
  if (!chunks[0].startsWith(`--${boundary}\n`)) throw new Error('document does not start with the boundary');
  chunks[0] = chunks[0].slice(`--${boundary}`.length);
  const last = chunks.pop();
  if (last !== '--\n') throw new Error(`missing close delimiter, got ${JSON.stringify(last)}`);
  const parts = chunks.map((c) => {
    const text = c.slice(1); // newline after the boundary line
    const end = text.indexOf('\n\n');
    return { headers: parseHeaders(text.slice(0, end)), body: text.slice(end + 2) };
  });
  return { headers, parts };
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

export { findCommand } from './real-components';

/** The gVisor release directory name for the machine running the tests (`uname -m`). */
export function hostGvisorArch(): 'x86_64' | 'aarch64' | undefined {
  const m = spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim();
  return m === 'x86_64' || m === 'aarch64' ? m : undefined;
}

/** A fresh temp dir under the OS temp dir; callers remove it. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The SandboxBootstrapError `fn` throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): SandboxBootstrapError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxBootstrapError) return e;
    throw e;
  }
  throw new Error('expected a SandboxBootstrapError, nothing was thrown');
}
