/**
 * buildEksKubeconfig: the document itself, and a real client (kubectl, client-go like the @pulumi/kubernetes provider)
 * that runs our exec command against a local HTTPS API server whose CA is the one in the kubeconfig.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEksKubeconfig, EKS_EXEC_API_VERSION } from '../../../platforms/eks/kubeconfig';
import { tempDir } from '../../support/eks';
import { command, realComponentsPresent } from '../../support/real-components';

const INPUT = {
  clusterName: 'agents-prod',
  endpoint: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com',
  certificateAuthorityData: 'Q0EtREFUQQ==',
  region: 'us-west-2',
};

describe('buildEksKubeconfig', () => {
  test('one cluster, context and exec user, all named after the cluster', () => {
    expect(parseYaml(buildEksKubeconfig(INPUT))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'agents-prod', cluster: { server: INPUT.endpoint, 'certificate-authority-data': 'Q0EtREFUQQ==' } }],
      contexts: [{ name: 'agents-prod', context: { cluster: 'agents-prod', user: 'agents-prod' } }],
      'current-context': 'agents-prod',
      preferences: {},
      users: [
        {
          name: 'agents-prod',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: 'aws',
              args: ['eks', 'get-token', '--cluster-name', 'agents-prod', '--region', 'us-west-2'],
            },
          },
        },
      ],
    });
  });

  test('--role-arn and AWS_PROFILE only when asked; no static token anywhere', () => {
    const text = buildEksKubeconfig({ ...INPUT, roleArn: 'arn:aws:iam::123456789012:role/deployer', profile: 'prod' });
    const exec = parseYaml(text).users[0].user.exec;
    expect(exec.args).toEqual([
      'eks', 'get-token', '--cluster-name', 'agents-prod', '--region', 'us-west-2', '--role-arn', 'arn:aws:iam::123456789012:role/deployer',
    ]);
    expect(exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'prod' }]);
    expect(text).not.toMatch(/token:|password:|client-key/);
  });

  test('refuses empty fields and a non-https endpoint', () => {
    expect(() => buildEksKubeconfig({ ...INPUT, region: '', certificateAuthorityData: '' })).toThrow(
      /^kubeconfig needs certificateAuthorityData, region; got /,
    );
    expect(() => buildEksKubeconfig({ ...INPUT, endpoint: 'http://x' })).toThrow('kubeconfig endpoint must be https://, got "http://x"');
  });
});

const kubectlCommand = command('kubectl', 'apt-get install -y kubernetes-client, or any kubectl');
const opensslCommand = command('openssl', 'apt-get install -y openssl');
const kubectl = kubectlCommand.path;
const openssl = opensslCommand.path;
const withTools = realComponentsPresent('kubectl with our EKS kubeconfig (test/platforms/eks/kubeconfig.test.ts)', [kubectlCommand.missing, opensslCommand.missing])
  ? test
  : test.skip;

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

withTools('kubectl runs `aws eks get-token …` from our kubeconfig, trusts our CA and sends the token', async () => {
  const dir = tempDir('eks-kubeconfig-');
  try {
    // A self-signed API server certificate for 127.0.0.1; its PEM is the cluster CA.
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = await run(
      openssl as string,
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      process.env,
    );
    expect(made.code).toBe(0);

    // A fake `aws` first on PATH: records its arguments and AWS_PROFILE, prints an ExecCredential.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const record = path.join(dir, 'aws-args.txt');
    fs.writeFileSync(
      path.join(bin, 'aws'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\necho "AWS_PROFILE=$AWS_PROFILE" >> '${record}'\n` +
        `echo '{"kind":"ExecCredential","apiVersion":"${EKS_EXEC_API_VERSION}","spec":{},"status":{"expirationTimestamp":"2099-01-01T00:00:00Z","token":"k8s-aws-v1.fake"}}'\n`,
      { mode: 0o755 },
    );

    const seen: (string | undefined)[] = [];
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '35', gitVersion: 'v1.35.0-eks-fake' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kubeconfigPath = path.join(dir, 'kubeconfig');
      fs.writeFileSync(
        kubeconfigPath,
        buildEksKubeconfig({
          clusterName: 'agents-prod',
          endpoint: `https://127.0.0.1:${port}`,
          certificateAuthorityData: fs.readFileSync(cert).toString('base64'),
          region: 'us-west-2',
          roleArn: 'arn:aws:iam::123456789012:role/deployer',
          profile: 'prod',
        }),
      );
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfigPath, HOME: dir };
      const result = await run(kubectl as string, ['get', '--raw', '/version'], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).gitVersion).toBe('v1.35.0-eks-fake');
      expect(seen).toContain('Bearer k8s-aws-v1.fake');
      expect(fs.readFileSync(record, 'utf8').split('\n')).toEqual([
        'eks', 'get-token', '--cluster-name', 'agents-prod', '--region', 'us-west-2', '--role-arn', 'arn:aws:iam::123456789012:role/deployer',
        'AWS_PROFILE=prod', '',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
