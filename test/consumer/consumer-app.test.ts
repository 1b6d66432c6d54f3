/**
 * The package as another team gets it: `npm pack`, installed from the tarball into a fresh cdk8s app outside this
 * repository, used from plain JavaScript and from TypeScript, and its own CLI run on what that app synthesizes.
 * Slow (build + pack + install), so all of it is one test file with one shared setup. Needs the npm registry (or a
 * warm npm cache) for cdk8s, constructs, typescript and @types/node; skipped with a message when it is unreachable.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { writeNoPulumiGuard } from '../support/no-pulumi-guard';
import { realComponentsPresent } from '../support/real-components';

const REPO = resolve(__dirname, '../..');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];

const ping = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))) });
const registryOk = realComponentsPresent('the packed package in a consumer app (test/consumer/consumer-app.test.ts)', [
  ping.status !== 0 && `the npm registry is unreachable (npm ping: ${(ping.stderr || ping.error?.message || '').trim()})`,
]);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let scratch: string;
let consumer: string;
let packedFiles: string[];
let tarball: string;

/**
 * This process's environment without what npm/npx put there for *this* package (`npm_config_*`, `npm_package_*`,
 * `npm_lifecycle_*` …, e.g. when jest runs from `npm test`): the consumer's npm must see only its own project.
 */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** Runs a command; throws with everything it printed when the exit code is not `expect`. */
function run(cmd: string, args: string[], cwd: string, expect: number | null = 0, env: NodeJS.ProcessEnv = baseEnv()): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (expect !== null && r.status !== expect) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}, expected ${expect}:\n${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}`);
  }
  return r;
}

/** The environment of a consumer's shell: the pinned upstream mirror (absolute), nothing of this repository's jest setup. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env = baseEnv();
  // Without a mirror the CLI reads the cache `fetch-upstream` fills, as it would for the consumer.
  if (process.env.AGENT_SANDBOX_INFRA_MIRROR) env.AGENT_SANDBOX_INFRA_MIRROR = resolve(process.env.AGENT_SANDBOX_INFRA_MIRROR);
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  return env;
}

/**
 * The consumer's environment, with every Node process (npx and the CLI it starts) refusing to load `@pulumi/*`: the
 * consumer has Pulumi installed (symlinked below), so an import of it would otherwise go unnoticed, while a user
 * without Pulumi would get a crash. Pulumi is a dev dependency of this package; the CLI must never need it.
 */
function noPulumiEnv(): NodeJS.ProcessEnv {
  const guard = writeNoPulumiGuard(consumer);
  return { ...consumerEnv(), NODE_OPTIONS: `--require ${guard}` };
}

const APP_JS = `'use strict';
// A consumer's cdk8s app in plain CommonJS.
const { App, Chart } = require('cdk8s');
const infra = require('agent-sandbox-infra');
const loaded = Object.keys(require.cache);
const { dirname } = require('path');
const { AgentSandbox, SandboxNamespace, SandboxRuntime, SandboxTemplate, SandboxWarmPool } = infra;

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'agents');
new AgentSandbox(chart, 'AgentSandbox', { replicas: 2 });
new SandboxRuntime(chart, 'Runtime', { platform: 'eks' });
const ns = new SandboxNamespace(chart, 'Tenant', {
  name: 'team-a',
  platform: 'eks',
  egressAllowlist: [{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }], description: 'HTTPS' }],
});
const template = new SandboxTemplate(chart, 'Python', {
  name: 'python',
  namespace: ns,
  platform: 'eks',
  containers: [{
    name: 'python',
    image: 'python:3.12-slim',
    command: ['python', '-m', 'http.server', '8888'],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  }],
});
new SandboxWarmPool(chart, 'PythonWarm', { name: 'python-warm', template, replicas: 3 });
app.synth();
process.stdout.write(JSON.stringify({
  pulumiModules: loaded.filter((p) => p.includes('/@pulumi/')),
  loadedModules: loaded.length,
  packageEntry: require.resolve('agent-sandbox-infra'),
  cdk8sOfApp: require.resolve('cdk8s'),
  cdk8sOfPackage: require.resolve('cdk8s', { paths: [dirname(require.resolve('agent-sandbox-infra'))] }),
}) + '\\n');
`;

const APP_TS = `import { App, Chart } from 'cdk8s';
import {
  AgentSandbox,
  SandboxNamespace,
  SandboxTemplate,
  SandboxWarmPool,
  type AgentSandboxProps,
  type Platform,
  type SandboxTemplateProps,
} from 'agent-sandbox-infra';

const app = new App({ outdir: 'dist-ts' });
const chart = new Chart(app, 'agents');
const controller: AgentSandboxProps = { replicas: 2, controller: { extensions: true } };
const sandbox: AgentSandbox = new AgentSandbox(chart, 'AgentSandbox', controller);
const replicas: number = sandbox.replicas;
const platform: Platform = 'eks';
const ns = new SandboxNamespace(chart, 'Tenant', { name: 'team-a', platform });
const props: SandboxTemplateProps = {
  namespace: ns,
  platform,
  containers: [{ name: 'python', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } }],
};
const template = new SandboxTemplate(chart, 'python', props);
const pool = new SandboxWarmPool(chart, 'python-warm', { template, replicas, updateStrategy: 'Recreate' });
export const poolReplicas: number = pool.replicas;
export const templateName: string = pool.template.name;

// The types are real, not \`any\`: each misuse below must be an error (an unused @ts-expect-error is one too).
// @ts-expect-error replicas is a number
new AgentSandbox(chart, 'Wrong1', { replicas: 'two' });
// @ts-expect-error 'openshift' is not a Platform
new SandboxNamespace(chart, 'Wrong2', { name: 'x', platform: 'openshift' });
// @ts-expect-error a warm pool needs its template
new SandboxWarmPool(chart, 'Wrong3', { replicas: 1 });
// @ts-expect-error updateStrategy is Recreate | OnReplenish
new SandboxWarmPool(chart, 'Wrong4', { template, updateStrategy: 'Rolling' });
export { app };
`;

/** A team's own Pulumi program adding our components (the `agent-sandbox-infra/pulumi` entry point). */
const PULUMI_APP_TS = `import * as pulumi from '@pulumi/pulumi';
import { EksSandboxCluster, GkeSandboxCluster, type SandboxClusterOutputs } from 'agent-sandbox-infra/pulumi';

const eks: SandboxClusterOutputs = new EksSandboxCluster('agents', { cluster: { name: 'agents', sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['m7i.xlarge'] }] } });
const gke = new GkeSandboxCluster('agents-gke', { platform: 'gke-autopilot', cluster: { project: 'p', location: 'us-central1' }, selfManagedAgentSandbox: true });
export const kubeconfigs: pulumi.Output<string>[] = [eks.kubeconfig, gke.kubeconfig];
// @ts-expect-error GkeSandboxCluster handles the GKE platforms only
new GkeSandboxCluster('wrong', { platform: 'eks', cluster: {}, selfManagedAgentSandbox: true });
`;

beforeAll(() => {
  if (!registryOk) return;
  scratch = mkdtempSync(join(tmpdir(), 'asi-consumer-'));
  const packDir = join(scratch, 'pack');
  mkdirSync(packDir);
  // `prepare` builds the package first.
  const pack = run('npm', ['pack', '--json', '--pack-destination', packDir], REPO);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
  packedFiles = info.files.map((f: { path: string }) => f.path);
  tarball = join(packDir, info.filename);
  expect(existsSync(tarball)).toBe(true);

  consumer = join(scratch, 'consumer-app');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, license: 'UNLICENSED' }, null, 2));
  run('npm', ['install', ...NPM_FLAGS, tarball, 'cdk8s@2', 'constructs@10', 'typescript@5.9', '@types/node@20'], consumer);
  // Pulumi present in the consumer's node_modules (as in an app that also deploys with Pulumi): if the package
  // entry imported it, it would load without an error, and only the module cache shows it.
  symlinkSync(join(REPO, 'node_modules', '@pulumi'), join(consumer, 'node_modules', '@pulumi'), 'dir');
  writeFileSync(join(consumer, 'app.js'), APP_JS);
  writeFileSync(join(consumer, 'app.ts'), APP_TS);
  writeFileSync(join(consumer, 'pulumi-app.ts'), PULUMI_APP_TS);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const maybe = registryOk ? test : test.skip;

maybe('the tarball holds the built library, its types and the CLI, and nothing of the repository besides', () => {
  expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/agent-sandbox-infra.js', 'build/constructs/index.js', 'build/constructs/index.d.ts', 'build/cli/main.js']));
  const outside = packedFiles.filter((f) => !/^(package\.json|README\.md|bin\/agent-sandbox-infra\.js|build\/(core|platforms|validation|config|constructs|stacks|cli|imports)\/.*\.(js|d\.ts))$/.test(f));
  expect(outside).toStrictEqual([]);
  // The components ship (agent-sandbox-infra/pulumi); the stack entry that runs on import and the policy pack do not.
  expect(packedFiles).toEqual(expect.arrayContaining(['build/stacks/pulumi.js', 'build/stacks/pulumi.d.ts']));
  expect(packedFiles.filter((f) => /^build\/(stacks\/index\.|policy\/)/.test(f))).toStrictEqual([]);
  const installed = join(consumer, 'node_modules', 'agent-sandbox-infra');
  expect(existsSync(join(installed, 'build/constructs/index.d.ts'))).toBe(true);
  expect(readdirSync(installed).sort()).toStrictEqual(['README.md', 'bin', 'build', 'package.json']);
});

maybe(
  'a plain-JS cdk8s app synthesizes with the constructs, loads no @pulumi module, and `validate` accepts its output',
  () => {
    const env = consumerEnv();
    const app = run('node', ['app.js'], consumer, 0, env);
    const report = JSON.parse(app.stdout.trim().split('\n').pop()!);
    const shown = report.pulumiModules.length > 5 ? [...report.pulumiModules.slice(0, 5), '…'] : report.pulumiModules;
    console.log(`consumer app: ${report.loadedModules} modules in require.cache after require('agent-sandbox-infra'); @pulumi among them: ${report.pulumiModules.length} ${JSON.stringify(shown)}`);
    expect(report.packageEntry).toBe(join(consumer, 'node_modules/agent-sandbox-infra/build/constructs/index.js'));
    expect(report.loadedModules).toBeGreaterThan(50); // the cache was really inspected after the package loaded
    expect(report.pulumiModules).toStrictEqual([]);
    // One cdk8s for the app and the package (two copies would make constructs from one invisible to the other).
    expect(report.cdk8sOfPackage).toBe(report.cdk8sOfApp);

    // The detector sees @pulumi when it is loaded: the symlinked Pulumi SDK is resolvable from the app.
    const control = run('node', ['-e', "require('@pulumi/pulumi'); console.log(Object.keys(require.cache).filter((p) => p.includes('/@pulumi/')).length)"], consumer, 0, env);
    expect(Number(control.stdout.trim())).toBeGreaterThan(0);

    expect(readdirSync(join(consumer, 'dist'))).toStrictEqual(['agents.k8s.yaml']);
    const objects = loadAll(readFileSync(join(consumer, 'dist/agents.k8s.yaml'), 'utf8')) as Json[];
    const ids = objects.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'Deployment agent-sandbox-system/agent-sandbox-controller',
        'RuntimeClass gvisor',
        'Namespace team-a',
        'SandboxTemplate team-a/python',
        'SandboxWarmPool team-a/python-warm',
        'CustomResourceDefinition sandboxwarmpools.extensions.agents.x-k8s.io',
      ]),
    );
    const pool = objects.find((o) => o.kind === 'SandboxWarmPool')!;
    expect(pool.spec).toMatchObject({ replicas: 3, sandboxTemplateRef: { name: 'python' } });
    const template = objects.find((o) => o.kind === 'SandboxTemplate')!;
    expect(template.spec.podTemplate.spec.runtimeClassName).toBe('gvisor');

    // The package's own CLI, as the consumer runs it.
    const validate = run('npx', ['--no', 'agent-sandbox-infra', 'validate', 'dist'], consumer, null, env);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toMatch(new RegExp(`^${objects.length} objects in 1 files: ok$`, 'm'));
    expect(validate.status).toBe(0);

    // …and it does reject a broken object (the exit 0 above is a verdict, not a no-op).
    const broken = join(consumer, 'dist-broken');
    cpSync(join(consumer, 'dist'), broken, { recursive: true });
    const file = join(broken, 'agents.k8s.yaml');
    const text = readFileSync(file, 'utf8');
    const tampered = text.replace(/^( {2}replicas:) 3$/m, '$1 three');
    expect(tampered).not.toBe(text);
    writeFileSync(file, tampered);
    const rejected = run('npx', ['--no', 'agent-sandbox-infra', 'validate', 'dist-broken'], consumer, null, env);
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toMatch(/SandboxWarmPool.*python-warm.*replicas/);
  },
  120_000,
);

maybe('the installed CLI runs its other commands from the tarball alone, without loading Pulumi (synth, validate, node-bootstrap, diff with the policy review)', () => {
  const env = noPulumiEnv();
  // The guard works: a require of @pulumi in that environment fails.
  const probe = run('node', ['-e', "require('@pulumi/pulumi')"], consumer, null, env);
  expect(probe.status).not.toBe(0);
  expect(probe.stderr).toContain('loaded @pulumi/pulumi');
  const synth = run('npx', ['--no', 'agent-sandbox-infra', 'synth', '--platform', 'eks', '--out', 'synth-out'], consumer, 0, env);
  expect(synth.stdout).toMatch(/^eks\s+\d+\s+\d+\s+\d+$/m);
  expect(readdirSync(join(consumer, 'synth-out/eks'))).toContain('10-agent-sandbox.yaml');
  run('npx', ['--no', 'agent-sandbox-infra', 'validate', '--platform', 'eks', 'synth-out/eks'], consumer, 0, env);
  const bootstrap = run('npx', ['--no', 'agent-sandbox-infra', 'node-bootstrap', '--platform', 'eks', '--accept-bucket-checksums'], consumer, 0, env);
  expect(bootstrap.stdout).toContain('application/node.eks.aws');
  // diff reviews the head with the policy pack's Kubernetes rules, which ship with the CLI.
  // synth-out is a link to its generation folder: copy the files, not the link.
  cpSync(join(consumer, 'synth-out'), join(consumer, 'synth-runc'), { recursive: true, dereference: true });
  const tenant = readdirSync(join(consumer, 'synth-runc/eks')).find((f) => readFileSync(join(consumer, 'synth-runc/eks', f), 'utf8').includes('runtimeClassName: gvisor'))!;
  const tenantFile = join(consumer, 'synth-runc/eks', tenant);
  writeFileSync(tenantFile, readFileSync(tenantFile, 'utf8').replace('runtimeClassName: gvisor', 'runtimeClassName: runc'));
  const diff = run('npx', ['--no', 'agent-sandbox-infra', 'diff', 'synth-out', 'synth-runc'], consumer, 2, env);
  expect(diff.stdout).toMatch(/^ {2}BLOCKS SandboxTemplate \S+ \[eks\] \(changed\): kubernetes-sandbox-secure-profile \[runtimeClassName\]: .*got "runc"$/m);
}, 120_000);

maybe(
  'the shipped types: a TypeScript app type-checks against them (strict, nodenext resolution through `exports`)',
  () => {
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: false },
      files: ['app.ts'],
    };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--pretty', 'false'], consumer, null, consumerEnv());
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    console.log(`consumer tsc (skipLibCheck: false): ${errors.length ? errors.join('\n') : 'no errors'}`);
    // The app itself: no errors, every @ts-expect-error consumed.
    expect(errors.filter((l) => l.startsWith('app.ts'))).toStrictEqual([]);
    // The declarations the package ships may only refer to types the consumer gets by installing it: none may fail.
    expect(errors.filter((l) => !l.startsWith('app.ts'))).toStrictEqual([]);
    expect(tsc.status).toBe(errors.length ? 2 : 0);

    // With skipLibCheck (what most apps set), it compiles cleanly today.
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: true } }, null, 2));
    const lenient = run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--pretty', 'false'], consumer, null, consumerEnv());
    expect(lenient.stdout).toBe('');
    expect(lenient.status).toBe(0);

    // A Pulumi program with the components (skipLibCheck: the cloud SDKs' own declarations take minutes to check).
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: true }, files: ['pulumi-app.ts'] }, null, 2));
    const pulumiApp = run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--pretty', 'false'], consumer, null, consumerEnv());
    expect(pulumiApp.stdout).toBe('');
    expect(pulumiApp.status).toBe(0);
  },
  180_000,
);

/**
 * The app `cdk8s init typescript-app` creates, with the template's own tsconfig.json copied byte for byte from the
 * cdk8s-cli this repository pins (strict, lib es2016, CommonJS, no skipLibCheck, no esModuleInterop) and its dev
 * dependencies (TypeScript 5.9, @types/node 14): it compiles against the packed package with `tsc --build` (the
 * template's `npm run compile`) and synthesizes.
 */
maybe('a stock `cdk8s init typescript-app` project compiles against the package with its own tsconfig, and synthesizes', () => {
  const template = join(REPO, 'node_modules/cdk8s-cli/templates/typescript-app');
  const app = join(scratch, 'stock-cdk8s-app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'stock-cdk8s-app', version: '1.0.0', private: true, license: 'Apache-2.0', main: 'main.js', types: 'main.ts' }, null, 2));
  run('npm', ['install', ...NPM_FLAGS, tarball, 'cdk8s@2', 'constructs@10', 'typescript@5.9.x', '@types/node@^14'], app);
  const tsconfig = readFileSync(join(template, 'tsconfig.json'), 'utf8');
  writeFileSync(join(app, 'tsconfig.json'), tsconfig);
  const options = JSON.parse(tsconfig).compilerOptions;
  expect(options.skipLibCheck).toBeUndefined();
  expect(options.esModuleInterop).toBeUndefined();
  expect(options.lib).toEqual(['es2016']);
  // The template's main.ts, with the README's constructs in its chart.
  const main = readFileSync(join(template, 'main.ts'), 'utf8')
    .replace("import { App, Chart, ChartProps } from 'cdk8s';", "import { App, Chart, ChartProps } from 'cdk8s';\nimport { AgentSandbox, SandboxClaim, SandboxNamespace, SandboxRuntime, SandboxTemplate, SandboxWarmPool } from 'agent-sandbox-infra';")
    .replace(
      '    // define resources here\n',
      [
        "    new AgentSandbox(this, 'AgentSandbox', { replicas: 2, allowedLabelDomains: ['sandbox.users.io'] });",
        "    const runtime = new SandboxRuntime(this, 'Runtime', { platform: 'eks' });",
        "    const ns = new SandboxNamespace(this, 'Team', { name: 'team-a', platform: 'eks', egressAllowlist: [{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }] }] });",
        "    const python = new SandboxTemplate(this, 'Python', { platform: runtime.platform, namespace: ns, name: 'python',",
        "      containers: [{ name: 'python', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });",
        "    const pool = new SandboxWarmPool(this, 'PythonPool', { template: python, replicas: 5 });",
        "    new SandboxClaim(this, 'Demo', { warmPool: pool, additionalPodMetadata: { labels: { 'sandbox.users.io/owner': 'alice' } } });",
        '',
      ].join('\n'),
    )
    .replace(/\{\{ \$base \}\}/g, 'stock-cdk8s-app');
  expect(main).toContain("new SandboxTemplate(this, 'Python'");
  writeFileSync(join(app, 'main.ts'), main);
  const tsc = run('node', ['node_modules/typescript/bin/tsc', '--build', '--pretty', 'false'], app, null, consumerEnv());
  expect(tsc.stdout).toBe('');
  expect(tsc.status).toBe(0);
  run('node', ['main.js'], app, 0, consumerEnv());
  const objects = loadAll(readFileSync(join(app, 'dist/stock-cdk8s-app.k8s.yaml'), 'utf8')) as Json[];
  expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'RuntimeClass', 'SandboxTemplate', 'SandboxWarmPool', 'SandboxClaim']));
}, 300_000);
