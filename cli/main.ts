/**
 * The `agent-sandbox-infra` command. Exit codes: 0 ok, 1 error or invalid input, 2 (`diff` only) changes found.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/validate';
import { isPlatform, platformFacts, PLATFORMS, type Platform } from '../platforms';
import { AGENT_SANDBOX_VERSIONS, agentSandboxRelease, allUpstreamFiles, DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';
import { CACHE_ENV, MIRROR_ENV, UpstreamError } from '../core/upstream/store';
import { kubernetesVersionProblem, supportedKubernetesVersions } from '../core/upstream/kubernetes-versions';
import { formatProblem, problemAt } from '../core/diagnostics';
import { describeUnwrappedErrno, FileSystemError, isErrnoError } from '../core/system-error';
import { saveCodeCaches } from '../core/code-cache';
import { loadConfig, readConfig } from './load-config';
import { renderConfig } from '../constructs/output/render-config';
import { outputFolderProblem, synth, SynthValidationError } from './synth';
import { NODE_ARCHITECTURE_ALIASES, type NodeArchitecture } from '../platforms/eks/node-bootstrap/arch';
import { processIo, type Io } from './io';
import { packageVersion } from './package-version';

// Commands other than synth load their modules when they run (start-up time of every call).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lazy = <T>(path: string): T => require(path) as T;

export function parsePlatforms(value: string): Platform[] {
  if (value === 'all') return [...PLATFORMS];
  const list = value.split(',').map((v) => v.trim());
  const bad = list.filter((v) => !isPlatform(v));
  const twice = list.filter((v, i) => list.indexOf(v) !== i);
  if (twice.length) throw new ConfigError([problemAt('--platform', `${[...new Set(twice)].map((t) => `"${t}"`).join(', ')} given twice`, 'commandLine')], 'command line');
  if (bad.length) {
    throw new ConfigError([problemAt('--platform', `${bad.map((b) => `"${b}"`).join(', ')} is not a platform; allowed: ${PLATFORMS.join(', ')}, all`, 'commandLine')], 'command line');
  }
  return list as Platform[];
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

/** The environment the commands read (the pinned upstream files' mirror and cache), shown under every help. */
export const ENVIRONMENT_HELP = `
Environment:
  ${MIRROR_ENV}  folder laid out like ../shared/upstream with the pinned upstream files; when set, the only source
  ${CACHE_ENV}   cache that fetch-upstream fills (default $XDG_CACHE_HOME/agent-sandbox-infra or ~/.cache/agent-sandbox-infra)
  XDG_CACHE_HOME              base of the default cache folder
`;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('agent-sandbox-infra')
    .description('Sandboxed AI-agent infrastructure on Kubernetes: agent-sandbox, gVisor/Kata runtimes, per-platform manifests.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('synth')
    .description('render the manifests of each platform into <out>/<platform>/*.yaml and validate them')
    .addOption(new Option('--platform <platform>', `${PLATFORMS.join(' | ')} | all (comma-separated list allowed)`).default('all'))
    .option('--config <file>', 'configuration file (YAML or JSON); default: the built-in example config')
    .option('--out <dir>', 'output folder (a link to the generation folder beside it, replaced in one step)', 'dist')
    .option('--lock-wait <seconds>', 'how long to wait for another synth writing the same folder', '60')
    .option('--strict', 'warnings are errors (unpinned images, settings that do nothing); the config can say strict: true')
    .action((opts: { platform: string; config?: string; out: string; lockWait: string; strict?: boolean }) => {
      const platforms = parsePlatforms(opts.platform);
      const lockWait = Number(opts.lockWait);
      const options = [
        ...(!/^\d+(\.\d+)?$/.test(opts.lockWait) || !Number.isFinite(lockWait) ? [problemAt('--lock-wait', `must be a number of seconds ≥ 0, got ${JSON.stringify(opts.lockWait)}`, 'commandLine')] : []),
        ...[outputFolderProblem(opts.out)].filter((p) => p !== undefined),
      ];
      if (options.length) throw new ConfigError(options, 'command line');
      const { raw, source } = readConfig(opts.config);
      // Every problem of the config on every platform, in one report, before anything is written.
      const { config, rendered, warnings } = renderConfig(raw, { platforms, source, ...(opts.strict ? { strict: true } : {}) });
      const release = config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION;
      const deprecation = agentSandboxRelease(release).deprecation;
      if (deprecation) io.err(`warning: agentSandbox.version: ${deprecation}\n`);
      for (const w of warnings) io.err(`warning: ${formatProblem(w)}\n`);
      for (const w of lazy<typeof import('./release-change')>('./release-change').releaseChangeWarnings(opts.out, platforms, release)) io.err(`warning: ${w}\n`);
      const summaries = synth({ platforms, config, out: opts.out, rendered, lockWaitMs: lockWait * 1000 });
      for (const w of summaries.flatMap((s) => s.warnings)) io.err(`warning: ${w}\n`);
      const rows = [['platform', 'objects', 'bytes', 'ms'], ...summaries.map((s) => [s.platform, String(s.objects), String(s.bytes), s.ms.toFixed(0)])];
      io.out(`synthesized ${source} into ${opts.out}/ (validated against the pinned schemas)\n`);
      io.out(table(rows));
    });

  program
    .command('validate')
    .description('check every object in the given YAML files or folders against the pinned schemas and sandbox rules')
    .argument('<paths...>', 'files or folders')
    .option('--kubernetes-version <version>', `Kubernetes version whose schema applies (${supportedKubernetesVersions().join(', ')})`, DEFAULT_KUBERNETES_VERSION)
    .addOption(new Option('--agent-sandbox-version <version>', 'agent-sandbox release whose CRD schemas apply').choices(AGENT_SANDBOX_VERSIONS).default(DEFAULT_AGENT_SANDBOX_VERSION))
    .option('--platform <platform>', `sandbox pods must use this platform's runtime and placement (${PLATFORMS.join(' | ')})`)
    .option('--config <file>', "with --platform: a configuration file whose platforms.<platform> settings apply (e.g. the RuntimeClass and sandbox nodes of --platform kubernetes)")
    .option('--strict', 'unpinned images (no tag, or latest, without a digest) are errors, not notes')
    .action((paths: string[], opts: { kubernetesVersion: string; agentSandboxVersion: string; platform?: string; config?: string; strict?: boolean }) => {
      const platform = opts.platform === undefined ? undefined : parsePlatforms(opts.platform);
      const options = [
        ...(platform && platform.length !== 1 ? [problemAt('--platform', 'give one platform', 'commandLine')] : []),
        ...[kubernetesVersionProblem(opts.kubernetesVersion)].filter((p) => p !== undefined).map((p) => problemAt('--kubernetes-version', p, 'commandLine')),
        ...(opts.config !== undefined && !platform
          ? [problemAt('--config', `needs --platform (the file's platforms.<platform> settings configure that platform's checks), got --config ${opts.config} alone`, 'commandLine')]
          : []),
      ];
      if (options.length) throw new ConfigError(options, 'command line');
      const deprecation = agentSandboxRelease(opts.agentSandboxVersion).deprecation;
      if (deprecation) io.err(`warning: --agent-sandbox-version: ${deprecation}\n`);
      const platformSettings = opts.config !== undefined && platform ? loadConfig(opts.config).config.platforms?.[platform[0]] : undefined;
      if (platform) for (const w of platformFacts(platform[0], platformSettings).warnings ?? []) io.err(`warning: ${w}\n`);
      const result = lazy<typeof import('./validate')>('./validate').validatePaths(paths, {
        kubernetesVersion: opts.kubernetesVersion,
        agentSandboxVersion: opts.agentSandboxVersion,
        platform: platform?.[0],
        platformSettings,
        strict: opts.strict,
      });
      for (const p of result.problems.filter((x) => x.severity === 'note')) io.err(`note: ${formatProblem(p)}\n`);
      const errors = result.problems.filter((p) => p.severity === 'error');
      for (const p of errors) io.out(`${formatProblem(p)}\n`);
      io.err(`${result.objects} objects in ${result.files} files: ${errors.length ? `${errors.length} problem${errors.length === 1 ? '' : 's'}` : 'ok'}\n`);
      if (errors.length) exitCode = 1;
    });

  program
    .command('fetch-upstream')
    .description('fetch the pinned upstream files (agent-sandbox CRDs, Kubernetes schemas) into the cache, verifying sha256: over HTTPS, else from the Go module proxy')
    .option('--if-missing', 'skip files already present in the mirror or cache')
    .option('--from-go-proxy', 'only the Go module proxy (GOPROXY, via the go command): the same bytes from the pinned release\'s Go module')
    .action(async (opts: { ifMissing?: boolean; fromGoProxy?: boolean }) => {
      const { fetchUpstream } = lazy<typeof import('../core/upstream/fetch')>('../core/upstream/fetch');
      const results = await fetchUpstream(allUpstreamFiles(), {
        ifMissing: opts.ifMissing,
        sources: opts.fromGoProxy ? ['go-proxy'] : undefined,
        log: (l) => io.err(`${l}\n`),
      });
      const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
      io.err(`upstream files: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
    });

  program
    .command('diff')
    .description('object-level diff of two synth outputs (exit 0: no changes, 2: changes, 1: error)')
    .argument('[base]', 'base folder or file (omit with --git)')
    .argument('[head]', 'head folder or file', 'dist')
    .option('--git <ref>', 'synthesize the base from this git ref (its own code and config) into a temp folder')
    .option('--config <file>', 'with --git: the config file to synthesize the base with (path in the repository)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'text']).default('text'))
    .option('--max-chars <n>', 'markdown: cap the output (GitHub comments hold 65,536)', '60000')
    .option('--color', 'text: ANSI colors')
    .option('--no-policy', "leave out the policy pack's findings on the head (secure profile, warm-pool bound)")
    .action((base: string | undefined, head: string, opts: { git?: string; config?: string; format: 'markdown' | 'text'; maxChars: string; color?: boolean; policy: boolean }) => {
      exitCode = lazy<typeof import('./diff-command')>('./diff-command').runDiff(base, head, opts, io);
    });

  program
    .command('upgrade-plan')
    .description('the ordered steps (and kubectl commands) of a lossless agent-sandbox upgrade: storage migration, CRDs, controller, cleanup')
    .addOption(new Option('--from <version>', 'the release the cluster runs').choices(AGENT_SANDBOX_VERSIONS).makeOptionMandatory())
    .addOption(new Option('--to <version>', 'the release to install').choices(AGENT_SANDBOX_VERSIONS).default(DEFAULT_AGENT_SANDBOX_VERSION))
    .option('--namespace <namespace>', 'the controller namespace', 'agent-sandbox-system')
    .option('--webhook-service-name <name>', "the old release's conversion webhook Service, if renamed")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .action((opts: { from: string; to: string; namespace: string; webhookServiceName?: string; format: 'text' | 'markdown' }) => {
      const { upgradePlan, formatUpgradePlan, UpgradePlanError } = lazy<typeof import('../validation/upgrade-plan')>('../validation/upgrade-plan');
      try {
        io.out(formatUpgradePlan(upgradePlan(opts.from, opts.to, { namespace: opts.namespace, webhookServiceName: opts.webhookServiceName }), opts.format));
      } catch (err) {
        if (!(err instanceof UpgradePlanError)) throw err;
        io.err(`agent-sandbox-infra: upgrade-plan: ${err.message}\n`);
        exitCode = 1;
      }
    });

  program
    .command('node-bootstrap')
    .description('print the EKS sandbox-node user data (MIME multipart: nodeadm NodeConfig + runsc install script)')
    .addOption(new Option('--platform <platform>', 'only eks has node bootstrap data').choices(['eks']).makeOptionMandatory())
    .addOption(new Option('--arch <arch>', 'node architecture (amd64 = x86_64, aarch64 = arm64)').choices(Object.keys(NODE_ARCHITECTURE_ALIASES)))
    .addOption(new Option('--containerd <major>', 'containerd major version on the node (1 only for containerd 1.7 AMIs)').choices(['2', '1']))
    .option('--config <file>', 'a Pulumi stack file (Pulumi.<stack>.yaml) or a YAML with the EKS cluster settings')
    .option('--node-group <name>', 'with --config: which sandbox node group (default: the first)')
    .option('--gvisor-sha512 <hex>', 'without --config: sha512 of the pinned gVisor release payload for --arch, obtained independently of the bucket (the trust anchor)')
    .option('--accept-bucket-checksums', "without --config: verify gVisor only against the bucket's own .sha512 files (warned)")
    .action((opts: { arch?: NodeArchitecture; containerd?: '1' | '2'; config?: string; nodeGroup?: string; gvisorSha512?: string; acceptBucketChecksums?: boolean }) => {
      const { userData, warnings } = lazy<typeof import('./node-bootstrap')>('./node-bootstrap').nodeBootstrap(opts);
      for (const w of warnings) io.err(`warning: ${w}\n`);
      io.out(userData);
    });

  program
    .command('gvisor-mirror')
    .description('copy the pinned gVisor release into a folder laid out like its bucket (<release>/<arch>/…), checksums verified, for a private mirror')
    .requiredOption('--to <dir>', 'folder to mirror into (sync it to your bucket afterwards)')
    .option('--release <release>', 'gVisor release (YYYYMMDD.N); default: the pinned one')
    .option('--arch <list>', 'architectures, comma-separated (x86_64, aarch64); default: both')
    .option('--from <url>', 'copy from this location instead of the gVisor bucket (another mirror)')
    .option(
      '--sha512 <arch=hex...>',
      'the trust anchor: sha512 of the payload per architecture (<arch>=<hex>, or <arch>/<file>=<hex> for a release with loose binaries), obtained independently of the bucket',
    )
    .option('--accept-bucket-checksums', "trust the bucket's own .sha512 files where --sha512 gives no digest (warned)")
    .action(async (opts: { to: string; release?: string; arch?: string; from?: string; sha512?: string[]; acceptBucketChecksums?: boolean }) => {
      const lines = await lazy<typeof import('./gvisor-mirror')>('./gvisor-mirror').gvisorMirror(opts);
      io.out(`${lines.join('\n')}\n`);
    });

  for (const command of [program, ...program.commands]) command.addHelpText('after', ENVIRONMENT_HELP);
  // No command at all: the help, as a successful answer (commander would print it on stderr and fail).
  if (argv.length === 0) {
    io.out(program.helpInformation() + ENVIRONMENT_HELP);
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    if (err instanceof ConfigError || err instanceof UpstreamError || err instanceof SynthValidationError) {
      io.err(`agent-sandbox-infra: ${err.message}\n`);
      return 1;
    }
    // An operating-system error no call site put into words still becomes a sentence with its path (exit 1).
    const message = isErrnoError(err) && !(err instanceof FileSystemError) ? describeUnwrappedErrno(err) : err instanceof Error ? err.message : String(err);
    io.err(`agent-sandbox-infra: ${message}\n`);
    return 1;
  } finally {
    // The bytecode of what this run compiled for the first time (validators), for the next run.
    saveCodeCaches();
  }
  return exitCode;
}
