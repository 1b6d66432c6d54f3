/**
 * The adversarial cases of the security model, as data: `cases/<name>.yaml` is the input (a config, a manifest, a
 * stack file) and `cases/<name>.expect.yaml` beside it is the expected outcome — the command, its exit code, what it
 * must say, what it must never print, and what the objects it writes must hold. Every case runs the real CLI.
 *
 * The expectation keys:
 *   guarantee     the README "Security model" guarantee the case proves (e.g. "14.4 link-local closed")
 *   args          CLI arguments; {input} is the case file, {out} a fresh output folder, {empty} an empty folder
 *   input         instead of cases/<name>.yaml: {special: dev-zero | fifo | missing} or {generate: …} (see generate())
 *   inputCase     read cases/<inputCase>.yaml instead (cases that run the same input another way share it);
 *                 {base} in args is cases/<inputCase or name>.base.yaml (the base of a diff)
 *   setup         {outIsFile: true}: {out} exists as a regular file
 *   process       run the CLI in its own process (always for special inputs, so a hang cannot block the test run)
 *   exit          the exit code
 *   maxSeconds    the run must finish within this (bounded time)
 *   stderr/stdout substrings that must appear
 *   mustNotAppear substrings that must appear in neither stream (credentials in a diff)
 *   written       synth: whether {out} exists afterwards
 *   objects       assertions on written objects: {platform, kind, name, namespace?, path, equals | contains | notContains | absent}
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { z } from 'zod';
import { runCli, runCliProcess, type CliRun } from '../support/cli';

const CASES = join(__dirname, 'cases');

const objectAssertion = z
  .object({
    platform: z.string(),
    kind: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
    path: z.string(),
    equals: z.unknown().optional(),
    contains: z.unknown().optional(),
    notContains: z.unknown().optional(),
    absent: z.literal(true).optional(),
  })
  .strict();

const generator = z.discriminatedUnion('kind', [
  /** One long string anchored once and aliased `aliases` times (a billion-laughs style config). */
  z.object({ kind: z.literal('alias-bomb'), stringBytes: z.number().int(), aliases: z.number().int() }).strict(),
  /** `count` aliases of a short anchored value. */
  z.object({ kind: z.literal('many-aliases'), count: z.number().int() }).strict(),
  /** A template whose one env value is `bytes` long (no aliases). */
  z.object({ kind: z.literal('big-object'), bytes: z.number().int() }).strict(),
  /** A config of `bytes` bytes (a comment pads it). */
  z.object({ kind: z.literal('big-file'), bytes: z.number().int() }).strict(),
  /** `count` tenants. */
  z.object({ kind: z.literal('many-tenants'), count: z.number().int() }).strict(),
]);

const expectation = z
  .object({
    guarantee: z.string(),
    inputCase: z.string().optional(),
    args: z.array(z.string()),
    input: z.union([z.object({ special: z.enum(['dev-zero', 'fifo', 'missing']) }).strict(), z.object({ generate: generator }).strict()]).optional(),
    setup: z.object({ outIsFile: z.boolean().optional() }).strict().optional(),
    process: z.boolean().optional(),
    exit: z.number().int(),
    maxSeconds: z.number().optional(),
    stderr: z.array(z.string()).optional(),
    stdout: z.array(z.string()).optional(),
    mustNotAppear: z.array(z.string()).optional(),
    written: z.boolean().optional(),
    objects: z.array(objectAssertion).optional(),
  })
  .strict();
type Expectation = z.infer<typeof expectation>;

const TEMPLATE_HEAD = ['kubernetesVersion: "1.36"', 'tenants:', '  - name: t1', '    templates:', '      - name: py', '        containers:', '          - name: py', '            image: python:3.12', '            resources: { limits: { cpu: "1", memory: 1Gi } }'];

function generate(spec: z.infer<typeof generator>): string {
  switch (spec.kind) {
    case 'alias-bomb':
      return [...TEMPLATE_HEAD, '            env:', `              - { name: E0, value: &s "${'x'.repeat(spec.stringBytes)}" }`, ...Array.from({ length: spec.aliases - 1 }, (_, i) => `              - { name: E${i + 1}, value: *s }`), ''].join('\n');
    case 'many-aliases':
      return [...TEMPLATE_HEAD, '            env:', '              - { name: E0, value: &s "v" }', ...Array.from({ length: spec.count }, (_, i) => `              - { name: E${i + 1}, value: *s }`), ''].join('\n');
    case 'big-object':
      return [...TEMPLATE_HEAD, '            env:', `              - { name: BIG, value: "${'x'.repeat(spec.bytes)}" }`, ''].join('\n');
    case 'big-file':
      return [...TEMPLATE_HEAD, `# ${'x'.repeat(spec.bytes)}`, ''].join('\n');
    case 'many-tenants':
      return ['kubernetesVersion: "1.36"', 'tenants:', ...Array.from({ length: spec.count }, (_, i) => `  - name: t${i}`), ''].join('\n');
  }
}

/** The value at a dotted path (`spec.egress[0].to[0].ipBlock.except`). */
function at(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = part.startsWith('[') ? (v as unknown[])[Number(part.slice(1, -1))] : (v as Record<string, unknown>)[part];
  }
  return v;
}

function objectsOf(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>[])
    .filter((o) => o && typeof o === 'object');
}

const names = readdirSync(CASES)
  .filter((f) => f.endsWith('.expect.yaml'))
  .map((f) => f.slice(0, -'.expect.yaml'.length))
  .sort();

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-security-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('every case has its input beside it (or generates one) and a known guarantee', () => {
  expect(names.length).toBeGreaterThan(0);
  const used = new Set<string>();
  for (const name of names) {
    const e = expectation.parse(load(readFileSync(join(CASES, `${name}.expect.yaml`), 'utf8')));
    const needsInput = e.args.some((a) => a.includes('{input}'));
    const inputName = e.inputCase ?? name;
    expect({ name, hasInput: !needsInput || existsSync(join(CASES, `${inputName}.yaml`)) || e.input !== undefined }).toStrictEqual({ name, hasInput: true });
    if (e.args.some((a) => a.includes('{base}'))) expect(existsSync(join(CASES, `${inputName}.base.yaml`))).toBe(true);
    expect(e.guarantee).toMatch(/^14\.\d+ /);
    used.add(`${inputName}.yaml`);
    used.add(`${inputName}.base.yaml`);
  }
  // No input without a case that reads it.
  for (const f of readdirSync(CASES).filter((x) => !x.endsWith('.expect.yaml'))) expect({ file: f, used: used.has(f) }).toStrictEqual({ file: f, used: true });
});

describe.each(names)('case %s', (name) => {
  test('outcome as expected', async () => {
    const e: Expectation = expectation.parse(load(readFileSync(join(CASES, `${name}.expect.yaml`), 'utf8')));
    const work = join(scratch, name);
    mkdirSync(work);
    const out = join(work, 'out');
    const empty = join(work, 'empty');
    mkdirSync(empty);
    let input = join(CASES, `${e.inputCase ?? name}.yaml`);
    const base = join(CASES, `${e.inputCase ?? name}.base.yaml`);
    if (e.input && 'special' in e.input) {
      if (e.input.special === 'dev-zero') input = '/dev/zero';
      else if (e.input.special === 'missing') input = join(work, 'missing.yaml');
      else {
        input = join(work, 'fifo.yaml');
        execFileSync('mkfifo', [input]);
      }
    } else if (e.input && 'generate' in e.input) {
      input = join(work, 'generated.yaml');
      writeFileSync(input, generate(e.input.generate));
    }
    if (e.setup?.outIsFile) writeFileSync(out, 'not a folder\n');
    const args = e.args.map((a) => a.replace('{input}', input).replace('{base}', base).replace('{out}', out).replace('{empty}', empty));
    const started = Date.now();
    const run: CliRun = e.process || (e.input && 'special' in e.input && e.input.special !== 'missing') ? await runCliProcess(args, { timeoutMs: (e.maxSeconds ?? 60) * 1000 + 5000 }) : await runCli(args);
    const seconds = (Date.now() - started) / 1000;

    expect({ exit: run.code, stderr: run.stderr.slice(0, 2000) }).toMatchObject({ exit: e.exit });
    if (e.maxSeconds !== undefined) expect(seconds).toBeLessThan(e.maxSeconds);
    for (const s of e.stderr ?? []) expect(run.stderr).toContain(s.replaceAll('{input}', input).replaceAll('{out}', out));
    for (const s of e.stdout ?? []) expect(run.stdout).toContain(s.replaceAll('{input}', input).replaceAll('{out}', out));
    for (const s of e.mustNotAppear ?? []) {
      expect(run.stdout).not.toContain(s);
      expect(run.stderr).not.toContain(s);
    }
    if (e.written !== undefined && !e.setup?.outIsFile) expect(existsSync(out)).toBe(e.written);
    if (e.setup?.outIsFile) expect(readFileSync(out, 'utf8')).toBe('not a folder\n');
    for (const a of e.objects ?? []) {
      const found = objectsOf(join(out, a.platform)).filter(
        (o) => o.kind === a.kind && at(o, 'metadata.name') === a.name && (a.namespace === undefined || at(o, 'metadata.namespace') === a.namespace),
      );
      expect({ object: `${a.platform} ${a.kind} ${a.name}`, count: found.length }).toStrictEqual({ object: `${a.platform} ${a.kind} ${a.name}`, count: 1 });
      const value = at(found[0], a.path);
      const where = `${a.platform} ${a.kind} ${a.name} ${a.path}`;
      if ('equals' in a) expect({ where, value }).toStrictEqual({ where, value: a.equals });
      // A substring of a string, an element of a list, or a subset of a map's entries.
      const inside = (v: unknown, item: unknown): boolean => {
        if (typeof v === 'string') return v.includes(String(item));
        if (Array.isArray(v)) return v.some((x) => JSON.stringify(x) === JSON.stringify(item));
        if (v && typeof v === 'object' && item && typeof item === 'object') {
          return Object.entries(item).every(([k, x]) => JSON.stringify((v as Record<string, unknown>)[k]) === JSON.stringify(x));
        }
        return false;
      };
      if ('contains' in a) expect({ where, value, contains: inside(value, a.contains) }).toMatchObject({ contains: true });
      if ('notContains' in a) expect({ where, value, contains: inside(value, a.notContains) }).toMatchObject({ contains: false });
      if (a.absent) expect({ where, value }).toStrictEqual({ where, value: undefined });
    }
  }, 120_000);
});
