/**
 * The Pulumi engine of the integration tier, run offline: the CLI and the Kubernetes provider built by
 * scripts/toolchain from their Go modules, a PULUMI_HOME in the toolchain cache holding the provider as an installed
 * plugin, and a `file://` backend in a temp folder. Nothing here reaches the network: no update check, no plugin
 * download, no registry look-up, no Pulumi Cloud.
 *
 * Programs run through the Automation API's in-process language host (an inline program): the CLI's own Node.js
 * language host (`pulumi-language-nodejs`) is a module the Go proxy does not serve (scripts/toolchain/versions.ts).
 * Policy packs load through an executable launcher instead (policyPackLauncher).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isBuilt, ToolchainError } from '../toolchain/build';
import { PULUMI_ENGINE } from '../toolchain/components';
import { binaryPath, componentDir, toolchainDir } from '../toolchain/paths';
import { PULUMI_CLI, PULUMI_KUBERNETES_PLUGIN_VERSION, PULUMI_KUBERNETES_PROVIDER, PULUMI_RELEASE } from '../toolchain/versions';

const run = promisify(execFile);

/** Where the built engine keeps its plugins and workspace files (never `~/.pulumi`). */
export function pulumiHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolchainDir(env), 'pulumi-home');
}

/** The environment that keeps the CLI offline and off the user's own Pulumi set-up. */
export function offlineEnv(opts: { home: string; backendUrl: string; passphrase: string }): Record<string, string> {
  return {
    PULUMI_HOME: opts.home,
    PULUMI_BACKEND_URL: opts.backendUrl,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    // Package names are not resolved through the Pulumi Registry (a network call) either.
    PULUMI_DISABLE_REGISTRY_RESOLVE: 'true',
  };
}

/** Components of the engine not built yet (empty: ready). */
export function missingEngineComponents(): typeof PULUMI_ENGINE[number][] {
  return PULUMI_ENGINE.filter((c) => !isBuilt(c));
}

async function cli(args: string[], env: Record<string, string>, what: string): Promise<string> {
  try {
    const { stdout } = await run(binaryPath(PULUMI_CLI, 'pulumi'), args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    throw new ToolchainError(`${what} failed (pulumi ${args.join(' ')}): ${String(e.stderr || e.stdout || e.message).trim()}`);
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Installs the built Kubernetes provider as plugin `kubernetes` <version> in `home`, with the CLI's own
 * `pulumi plugin install resource kubernetes <version> --file <binary>`. Idempotent: an installed copy identical to
 * the built binary is kept; a different one (a rebuild) is reinstalled. Returns the installed binary's path.
 */
export async function installKubernetesPlugin(home: string = pulumiHome(), log: (line: string) => void = () => undefined): Promise<string> {
  const built = binaryPath(PULUMI_KUBERNETES_PROVIDER, 'pulumi-resource-kubernetes');
  const installed = join(home, 'plugins', `resource-kubernetes-v${PULUMI_KUBERNETES_PLUGIN_VERSION}`, 'pulumi-resource-kubernetes');
  if (existsSync(installed) && sha256(installed) === sha256(built)) return installed;
  mkdirSync(home, { recursive: true });
  const env = offlineEnv({ home, backendUrl: 'file://' + home, passphrase: '' });
  const args = ['plugin', 'install', 'resource', 'kubernetes', PULUMI_KUBERNETES_PLUGIN_VERSION, '--file', built, '--non-interactive'];
  if (existsSync(installed)) args.push('--reinstall');
  log(`pulumi: installing the Kubernetes provider ${PULUMI_KUBERNETES_PLUGIN_VERSION} as a local plugin in ${home}`);
  await cli(args, env, 'installing the Kubernetes provider plugin');
  if (!existsSync(installed) || sha256(installed) !== sha256(built)) {
    throw new ToolchainError(`pulumi plugin install reported success but ${installed} is not the built provider ${built}`);
  }
  return installed;
}

export interface OfflineEngine {
  /** The `pulumi` binary. */
  readonly cli: string;
  /** The folder `PulumiCommand.get({ root })` takes (it runs `<root>/bin/pulumi`). */
  readonly root: string;
  /** The CLI's release without the `v`, as `pulumi version` prints it after the `v` and the Automation API checks it. */
  readonly version: string;
  readonly home: string;
  /** The `file://` backend's folder. */
  readonly stateDir: string;
  readonly backendUrl: string;
  /** Everything the CLI needs to run offline, to merge into a child's environment or the Automation API's `envVars`. */
  readonly env: Record<string, string>;
  /** Installed plugin versions by name. */
  readonly plugins: { readonly kubernetes: string };
  /** Removes the backend folder (when this engine created it). */
  dispose(): void;
}

/**
 * The built engine with a fresh `file://` backend (or `stateDir`), its Kubernetes plugin installed. Throws a
 * ToolchainError naming the build command when a component is missing.
 */
export async function offlineEngine(opts: { stateDir?: string; passphrase?: string; log?: (line: string) => void } = {}): Promise<OfflineEngine> {
  const missing = missingEngineComponents();
  if (missing.length) {
    throw new ToolchainError(
      `the Pulumi engine needs ${missing.map((c) => `${c.id} ${c.version}`).join(', ')}, not built yet: run \`npm run toolchain -- pulumi\``,
    );
  }
  const home = pulumiHome();
  await installKubernetesPlugin(home, opts.log);
  const ownsState = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-pulumi-state-'));
  mkdirSync(stateDir, { recursive: true });
  const backendUrl = `file://${stateDir}`;
  return {
    cli: binaryPath(PULUMI_CLI, 'pulumi'),
    root: componentDir(PULUMI_CLI),
    version: PULUMI_RELEASE.replace(/^v/, ''),
    home,
    stateDir,
    backendUrl,
    env: offlineEnv({ home, backendUrl, passphrase: opts.passphrase ?? randomBytes(16).toString('hex') }),
    plugins: { kubernetes: PULUMI_KUBERNETES_PLUGIN_VERSION },
    dispose: () => {
      if (ownsState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * An executable that starts a Node.js policy pack as an analyzer plugin, for `--policy-pack <launcher>` (the
 * Automation API's `policyPacks`). Release 3.277 has no `pulumi-analyzer-policy` shim: the CLI starts a pack folder
 * (PulumiPolicy.yaml, `runtime: nodejs`) through the Node.js language host's RunPlugin, which runs
 * `node @pulumi/pulumi/cmd/run-policy-pack <engine address> <pack folder>` in the pack folder behind a proxy
 * (sdk/v3's PolicyProxy) that first takes the engine's ConfigureStack call to pass the stack's name and config as
 * PULUMI_NODEJS_* / PULUMI_CONFIG variables. That host is not built here (versions.ts), and the CLI also launches
 * an executable path directly as an analyzer plugin: this launcher runs the same runner with the same arguments.
 * What it lacks is the proxy: a pack that reads `pulumi.getStack()` or stack config sees neither (ours reads the
 * stack from each resource's URN); `@pulumi/policy` answers ConfigureStack itself (stack tags).
 */
export function policyPackLauncher(packDir: string, outDir: string): string {
  const pack = resolve(packDir);
  if (!existsSync(join(pack, 'PulumiPolicy.yaml'))) throw new ToolchainError(`${pack} is not a policy pack: it has no PulumiPolicy.yaml`);
  // Resolved from the pack, as the language host's `node` would: walking up to the node_modules that serves it.
  let runner: string;
  try {
    runner = require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [pack] });
  } catch {
    throw new ToolchainError(`the policy pack ${pack} cannot resolve @pulumi/pulumi/cmd/run-policy-pack: run \`npm install\` where its node_modules are`);
  }
  mkdirSync(outDir, { recursive: true });
  const launcher = join(outDir, `${basename(pack)}-policy-analyzer`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    launcher,
    `#!/bin/sh\n# Generated by scripts/pulumi/engine.ts: starts the policy pack ${pack} as an analyzer plugin ("$@" is the engine's address).\n` +
      `cd ${q(pack)} || exit 1\nexec ${q(process.execPath)} ${q(runner)} "$@" ${q(pack)}\n`,
  );
  chmodSync(launcher, 0o755);
  return launcher;
}
