/**
 * The pack as the Pulumi CLI runs it, without the CLI: the CLI's nodejs language host resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` with `node -e require.resolve(...)` in the pack folder, starts
 * `node <that> <engine-address> .` there, reads the analyzer's port from stdout and talks gRPC to it
 * (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs `RunPlugin`/`locateModule`). Doing exactly that here proves
 * the pack starts from the root `npm install` alone (no node_modules in policy/), compiles and type-checks under
 * ts-node, and reports violations over the analyzer protocol.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import { AnalyzeRequest, AnalyzerResourceOptions, type AnalyzeResponse, type AnalyzerInfo } from '@pulumi/pulumi/proto/analyzer_pb';
import { REPO_ROOT } from '../support/upstream';

const POLICY_DIR = join(REPO_ROOT, 'policy');
const STARTUP_MS = 90_000;

let pack: ChildProcess | undefined;
let client: AnalyzerClient;
let stderr = '';

beforeAll(async () => {
  const runner = execFileSync(process.execPath, ['-e', "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"], {
    cwd: POLICY_DIR,
    encoding: 'utf8',
  }).trim();
  const child = spawn(process.execPath, [runner, '127.0.0.1:1', '.'], { cwd: POLICY_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  pack = child;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no port within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with ${code}; stderr:\n${stderr}`));
    });
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, STARTUP_MS + 10_000);

afterAll(() => {
  client?.close();
  if (pack?.pid !== undefined && pack.exitCode === null) pack.kill();
});

function info(): Promise<AnalyzerInfo> {
  return new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))));
}

function analyze(type: string, name: string, props: Record<string, unknown>, stack = 'dev'): Promise<AnalyzeResponse> {
  const req = new AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:${stack}::agent-sandbox-infra::${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props as Record<string, never>));
  req.setOptions(new AnalyzerResourceOptions());
  return new Promise((resolve, reject) => client.analyze(req, (err, res) => (err ? reject(err) : resolve(res))));
}

describe('the pack started the way the Pulumi CLI starts it', () => {
  test('starts from the root install: policy/ has no node_modules of its own', async () => {
    expect(existsSync(join(POLICY_DIR, 'node_modules'))).toBe(false);
    const analyzer = await info();
    expect(analyzer.getName()).toBe('agent-sandbox-infra');
    expect(analyzer.getVersion()).toBe('0.1.0');
    // EnforcementLevel enum of the analyzer protocol: ADVISORY = 0, MANDATORY = 1.
    expect(analyzer.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toStrictEqual([
      ['gke-sandbox-node-pool-gvisor', 1],
      ['eks-sandbox-launch-template-imdsv2', 1],
      ['aks-sandbox-agent-pool-kata', 1],
      ['kubernetes-sandbox-secure-profile', 1],
      ['kubernetes-sandbox-gke-placement', 1],
      ['sandbox-warm-pool-upper-bound', 0],
      ['agent-sandbox-controller-replicas-production', 0],
    ]);
  });

  test('reports a SandboxTemplate registered without automountServiceAccountToken and runtimeClassName as mandatory', async () => {
    const template = {
      apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
      kind: 'SandboxTemplate',
      metadata: { name: 'python-runtime', namespace: 'agents-prod' },
      spec: {
        podTemplate: {
          spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'python',
                image: 'python:3.12-slim',
                resources: { limits: { cpu: '1', memory: '1Gi' } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    };
    const res = await analyze('kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate', 'agents-prod/python-runtime', template);
    const diagnostics = res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getMessage().split('\n').slice(1).join('\n')]);
    expect(diagnostics).toStrictEqual([
      [
        'kubernetes-sandbox-secure-profile',
        1,
        '[runtimeClassName] SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.runtimeClassName: must name a sandboxed RuntimeClass (gvisor, kata-vm-isolation) so untrusted code does not run on the host kernel, got nothing',
      ],
      [
        'kubernetes-sandbox-secure-profile',
        1,
        '[automountServiceAccountToken] SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.automountServiceAccountToken: must be false (a sandbox must not get a ServiceAccount token), got nothing',
      ],
    ]);
  });

  test('reports a one-replica controller in a prod stack as advisory, and nothing in dev', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'agent-sandbox-controller', namespace: 'agent-sandbox-system' },
      spec: { replicas: 1 },
    };
    const prod = await analyze('kubernetes:apps/v1:Deployment', 'controller', deployment, 'prod');
    expect(prod.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toStrictEqual([['agent-sandbox-controller-replicas-production', 0]]);
    expect((await analyze('kubernetes:apps/v1:Deployment', 'controller', deployment, 'dev')).getDiagnosticsList()).toStrictEqual([]);
  });
});
