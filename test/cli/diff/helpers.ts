import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

const created: string[] = [];

/** Write `files` (relative path → content) into a fresh temp directory and return its path. */
export function writeTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'asi-diff-'));
  created.push(root);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

export function removeTrees(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Multi-document YAML from objects. */
export function yamlDocs(...objects: unknown[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

export const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'agent-sandbox-system' } };

export function deployment(image = 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6', replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'agent-sandbox-controller', namespace: 'agent-sandbox-system', labels: { 'app.kubernetes.io/name': 'agent-sandbox' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'agent-sandbox-controller' } },
      template: {
        metadata: { labels: { app: 'agent-sandbox-controller' } },
        spec: {
          containers: [{ name: 'controller', image, args: ['--leader-elect=true', '--extensions'], ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  };
}

export function serviceAccount(name = 'agent-sandbox-controller') {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'agent-sandbox-system' } };
}

export function warmPool(apiVersion = 'extensions.agents.x-k8s.io/v1beta1', replicas = 2) {
  return {
    apiVersion,
    kind: 'SandboxWarmPool',
    metadata: { name: 'python', namespace: 'tenant-a' },
    spec: { replicas, sandboxTemplateRef: { name: 'python' } },
  };
}
