/**
 * `npm run cluster -- <command>`: a local Kubernetes from the real binaries, for trying and verifying the
 * manifests by hand (the integration tests use the same code in-process).
 *
 *   up [--kubernetes 1.36|1.37]        start etcd, kube-apiserver, controller-manager, scheduler and kwok on 127.0.0.1
 *   deploy <platform> [--config F]     simulated nodes + stand-in RuntimeClasses, apply the synth output in the
 *                                      README's order, run the real agent-sandbox controller; returns when Ready
 *   env                                shell exports for the running cluster: eval "$(npm run -s cluster -- env)"
 *   down                               stop exactly the processes `up`/`deploy` started, remove the data folder
 *
 * The running cluster is recorded in <user cache>/cluster-current (one at a time; `--data-dir D` names another).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPlatform, PLATFORMS } from '../../platforms';
import { cacheDir } from '../../core/upstream/store';
import { LocalCluster } from './control-plane';
import { deployPlatform } from './deploy';
import { ComponentError } from './processes';
import { KUBERNETES_RELEASES, type LocalKubernetesMinor } from '../toolchain/versions';

const pointer = () => join(cacheDir(), 'cluster-current');

function currentDataDir(explicit: string | undefined): string {
  if (explicit) return explicit;
  if (!existsSync(pointer())) throw new ComponentError('no local cluster is running: start one with `npm run cluster -- up`');
  return readFileSync(pointer(), 'utf8').trim();
}

const USAGE = 'usage: npm run cluster -- up [--kubernetes 1.36|1.37] | deploy <platform> [--config <file>] | env | down   (each also takes --data-dir <dir>)';

export async function main(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  const take = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ComponentError(`${name} needs a value`);
    args.splice(i, 2);
    return value;
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const dataDir = take('--data-dir');
    const [command, ...rest] = args;
    switch (command) {
      case 'up': {
        const minor = (take('--kubernetes') ?? Object.keys(KUBERNETES_RELEASES)[0]) as LocalKubernetesMinor;
        if (!(minor in KUBERNETES_RELEASES)) throw new ComponentError(`--kubernetes ${minor}: choose ${Object.keys(KUBERNETES_RELEASES).join(' or ')}`);
        if (existsSync(pointer())) {
          const running = readFileSync(pointer(), 'utf8').trim();
          if (existsSync(join(running, 'state.json')) && LocalCluster.attach(running).running().length) {
            throw new ComponentError(`a local cluster is already running (${running}); stop it with \`npm run cluster -- down\` first`);
          }
        }
        const cluster = await LocalCluster.up({ kubernetes: minor, lifetime: 'detached', log });
        mkdirSync(dirname(pointer()), { recursive: true });
        writeFileSync(pointer(), `${cluster.dataDir}\n`);
        log(`cluster: up; use it with: eval "$(npm run -s cluster -- env)"`);
        return 0;
      }
      case 'deploy': {
        const platform = rest[0];
        if (!platform || !isPlatform(platform)) throw new ComponentError(`deploy needs a platform: ${PLATFORMS.join(', ')}${platform ? ` (got "${platform}")` : ''}`);
        const config = take('--config');
        const cluster = LocalCluster.attach(currentDataDir(dataDir));
        const d = await deployPlatform(cluster, { platform, config, lifetime: 'detached', log });
        log(`deploy ${platform}: ${d.objects.length} objects applied from ${d.dir}; the agent-sandbox controller is Ready (log: ${d.controller?.main.logFile})`);
        return 0;
      }
      case 'env': {
        const cluster = LocalCluster.attach(currentDataDir(dataDir));
        process.stdout.write(`export KUBECONFIG=${JSON.stringify(cluster.state.kubeconfig)}\nexport PATH=${JSON.stringify(`${dirname(cluster.state.kubectl)}:${process.env.PATH ?? ''}`)}\n`);
        return 0;
      }
      case 'down': {
        const dir = currentDataDir(dataDir);
        if (existsSync(join(dir, 'state.json'))) await LocalCluster.attach(dir).down();
        if (!dataDir || (existsSync(pointer()) && readFileSync(pointer(), 'utf8').trim() === dir)) rmSync(pointer(), { force: true });
        log(`cluster: down (${dir} removed)`);
        return 0;
      }
      default:
        log(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 1;
    }
  } catch (err) {
    if (err instanceof ComponentError) {
      log(`cluster: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
