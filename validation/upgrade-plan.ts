/**
 * The lossless upgrade between two pinned agent-sandbox releases, as ordered steps with the exact commands
 * (`agent-sandbox-infra upgrade-plan`, the README's "Upgrading from v0.5.x", the local-cluster upgrade test). Derived
 * from the pin table: the versions the old CRDs served and stored, the new release's storage version, the webhook
 * objects the old release had and the new one has not. Sources: upstream's docs/api-migration-guide.md at v1.0.3
 * (upgrade from v0.5.x only; storedVersions must be exactly the new storage version; CRDs before the controller;
 * delete the webhook Secret, Service, Role and RoleBinding afterwards) and what the API server does (it refuses a
 * CRD that drops a version still in status.storedVersions; it accepts a storedVersions patch without checking that
 * the data was migrated, so the migration must come first; a server-side apply of a CRD whose conversion block was
 * written by another field manager keeps that block, so it is removed by a merge patch first).
 */
import { agentSandboxRelease, type AgentSandboxRelease } from '../core/upstream/pins';
import { problemAt, ProblemsError } from '../core/diagnostics';

export interface UpgradeTarget {
  /** The controller namespace. @default 'agent-sandbox-system' */
  readonly namespace?: string;
  /** The old release's webhook Service, when renamed. @default the release's default name */
  readonly webhookServiceName?: string;
}

export interface UpgradeStep {
  /** Stable id: tests and the harness refer to steps by it. */
  readonly id:
    | 'preflight'
    | 'backup'
    | 'migrate-storage'
    | 'prune-stored-versions'
    | 'remove-conversion'
    | 'apply-crds'
    | 'roll-controller'
    | 'apply-rest'
    | 'remove-webhook-objects'
    | 'verify';
  readonly title: string;
  /** Why the step exists, and what goes wrong without it. */
  readonly why: string;
  /** Shell commands, in order (kubectl against the cluster being upgraded). */
  readonly commands: readonly string[];
}

export interface UpgradePlan {
  readonly from: AgentSandboxRelease;
  readonly to: AgentSandboxRelease;
  readonly steps: readonly UpgradeStep[];
  /** Versions the old CRDs stored that the new ones do not serve: the data to migrate. */
  readonly retiredVersions: readonly string[];
  /** Objects of the old install that nothing of the new one replaces (`kind namespace/name`). */
  readonly orphans: readonly { readonly kind: string; readonly namespace: string; readonly name: string }[];
}

/** The release pair cannot be upgraded in place; the problem is at `--to` (the release asked for). */
export class UpgradePlanError extends ProblemsError {
  constructor(message: string) {
    super(message, [problemAt('--to', message, 'upgradePath')]);
    this.name = 'UpgradePlanError';
  }
}

/** Upstream's kinds in the order their migration script rewrites them (warm pools and templates before their users). */
const MIGRATION_ORDER = ['SandboxWarmPool', 'SandboxTemplate', 'Sandbox', 'SandboxClaim'];
const WEBHOOK_CERT_SECRET = 'agent-sandbox-webhook-certs';
const CONTROLLER_NAME = 'agent-sandbox-controller';
export const MIGRATED_ANNOTATION = 'agents.x-k8s.io/storage-migrated-at';

/** "v0.5.6" vs "v1.0.3": by major, minor, patch. */
function compareReleases(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function upgradePlan(fromVersion: string, toVersion: string, target: UpgradeTarget = {}): UpgradePlan {
  const from = agentSandboxRelease(fromVersion);
  const to = agentSandboxRelease(toVersion);
  if (from.version === to.version) throw new UpgradePlanError(`--from and --to are both ${from.version}: nothing to upgrade`);
  if (compareReleases(from.version, to.version) > 0) {
    throw new UpgradePlanError(`${from.version} → ${to.version} is a downgrade: it cannot be done without losing what only ${from.version}'s API holds; restore from a backup taken before the upgrade instead`);
  }
  if (!from.servedVersions.includes(to.apiVersion)) {
    throw new UpgradePlanError(
      `${from.version} does not serve ${to.apiVersion} (it serves ${from.servedVersions.join(', ')}), the storage version of ${to.version}: ` +
        `its objects cannot be migrated in place. Upgrade to a release that serves ${to.apiVersion} first (upstream supports the move to v1.0.x from v0.5.x only).`,
    );
  }
  const ns = target.namespace ?? from.conversionWebhook?.defaultNamespace ?? 'agent-sandbox-system';
  const retiredVersions = from.servedVersions.filter((v) => !to.servedVersions.includes(v));
  const crds = to.crds.map((c) => c.crdName).sort();
  const kinds = [...to.crds].sort((a, b) => MIGRATION_ORDER.indexOf(a.kind) - MIGRATION_ORDER.indexOf(b.kind));
  const resource = (c: AgentSandboxRelease['crds'][number]) => c.crdName; // kubectl takes <plural>.<group>
  const webhook = from.conversionWebhook && !to.conversionWebhook ? from.conversionWebhook : undefined;
  const webhookService = target.webhookServiceName ?? webhook?.defaultServiceName;
  const orphans = webhook
    ? [
        { kind: 'Service', namespace: ns, name: webhookService! },
        { kind: 'Secret', namespace: ns, name: WEBHOOK_CERT_SECRET },
        { kind: 'Role', namespace: ns, name: CONTROLLER_NAME },
        { kind: 'RoleBinding', namespace: ns, name: CONTROLLER_NAME },
      ]
    : [];
  const steps: UpgradeStep[] = [
    {
      id: 'preflight',
      title: `Check that ${from.version} runs, with its controller${webhook ? ' and conversion webhook' : ''} Ready`,
      why: webhook
        ? `The migration below reads every object through ${from.version}'s conversion webhook: the controller serving it must be up until the new CRDs are applied.`
        : `The migration below rewrites every object through the API server.`,
      commands: [
        `kubectl -n ${ns} rollout status deployment/${CONTROLLER_NAME} --timeout=5m`,
        `kubectl get crd ${crds.join(' ')} -o custom-columns=NAME:.metadata.name,STORED:.status.storedVersions`,
      ],
    },
    {
      id: 'backup',
      title: 'Back up every object of the four kinds, with its UID',
      why: 'A record to compare with after the upgrade (same UIDs and specs) and to restore from.',
      commands: [`kubectl get ${kinds.map(resource).join(',')} -A -o yaml > agent-sandbox-backup.yaml`],
    },
    {
      id: 'migrate-storage',
      title: `Rewrite every object so that etcd holds it as ${to.apiVersion}`,
      why:
        `Objects written while ${retiredVersions.join('/') || 'an older version'} was the storage version stay encoded that way until they are written again; ` +
        'a write with no change of spec re-encodes them in the current storage version (UIDs, specs and generations stay).',
      commands: kinds.map((c) => `kubectl annotate ${resource(c)} --all -A --overwrite ${MIGRATED_ANNOTATION}="$(date -u +%Y-%m-%dT%H:%M:%SZ)"`),
    },
    {
      id: 'prune-stored-versions',
      title: `Set every CRD's status.storedVersions to ["${to.apiVersion}"]`,
      why: `The API server refuses the ${to.version} CRDs while status.storedVersions still names ${retiredVersions.join(', ') || 'a version they drop'}; it does not check the data itself, so this comes only after the migration.`,
      commands: [
        ...crds.map((c) => `kubectl patch crd ${c} --subresource=status --type=merge -p '{"status":{"storedVersions":["${to.apiVersion}"]}}'`),
        `kubectl get crd ${crds.join(' ')} -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.storedVersions}{"\\n"}{end}'`,
      ],
    },
  ];
  if (webhook) {
    steps.push({
      id: 'remove-conversion',
      title: 'Remove the conversion webhook from the CRDs',
      why: `${to.version}'s CRDs have no conversion block. A server-side apply (kubectl --server-side, Pulumi) keeps the block ${from.version}'s controller wrote (its caBundle), so the new CRDs would still call a webhook that is about to go away.`,
      commands: crds.map((c) => `kubectl patch crd ${c} --type=merge -p '{"spec":{"conversion":{"strategy":"None","webhook":null}}}'`),
    });
  }
  steps.push(
    {
      id: 'apply-crds',
      title: `Apply the ${to.version} CRDs (00-crds.yaml of the new synth output) before the controller`,
      why: `The ${to.version} controller expects its CRDs; applying them first keeps every object served while the controller rolls.`,
      commands: ['kubectl apply --server-side --field-manager=agent-sandbox-infra -f dist/<platform>/00-crds.yaml'],
    },
    {
      id: 'roll-controller',
      title: `Roll the controller to ${to.version} (10-agent-sandbox.yaml of the new synth output)`,
      why: `${to.version}'s binary exits on ${from.version}'s webhook flags; the new Deployment has none, no webhook port, and RBAC without the CRD rule.`,
      commands: [
        'kubectl apply --server-side --field-manager=agent-sandbox-infra -f dist/<platform>/10-agent-sandbox.yaml',
        `kubectl -n ${ns} rollout status deployment/${CONTROLLER_NAME} --timeout=5m`,
      ],
    },
    {
      id: 'apply-rest',
      title: 'Apply the rest of the new output (RuntimeClass, device classes, tenants)',
      why: `Templates, warm pools and claims keep their names and specs; their labels name ${to.version}.`,
      commands: ['kubectl apply --server-side --field-manager=agent-sandbox-infra -f dist/<platform>/'],
    },
  );
  if (orphans.length) {
    steps.push({
      id: 'remove-webhook-objects',
      title: `Delete what only ${from.version}'s webhook used`,
      why: 'Nothing of the new release replaces them; left behind, the Service points at a port nothing serves and the Role grants Secret access to no purpose.',
      commands: [`kubectl -n ${ns} delete ${orphans.map((o) => `${o.kind.toLowerCase()}/${o.name}`).join(' ')} --ignore-not-found`],
    });
  }
  steps.push({
    id: 'verify',
    title: 'Verify: the same objects, warm pools full again, claims still bound',
    why: 'Compare with the backup: every object with the same UID and spec; warm pools back at spec.replicas; claims naming the same sandbox.',
    commands: [
      `kubectl get crd ${crds.join(' ')} -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.storedVersions}{" "}{.spec.conversion.strategy}{"\\n"}{end}'`,
      `kubectl get ${kinds.map(resource).join(',')} -A -o yaml > agent-sandbox-after.yaml`,
      'kubectl get sandboxwarmpools,sandboxclaims -A',
    ],
  });
  return { from, to, steps, retiredVersions, orphans };
}

/** The plan as text (the CLI's output and the README section). */
export function formatUpgradePlan(plan: UpgradePlan, format: 'text' | 'markdown' = 'text'): string {
  const lines: string[] = [];
  if (format === 'markdown') {
    lines.push(`Upgrading agent-sandbox from ${plan.from.version} to ${plan.to.version}, in this order:`, '');
    plan.steps.forEach((s, i) => {
      lines.push(`${i + 1}. **${s.title}.** ${s.why}`, '', '   ```sh', ...s.commands.map((c) => `   ${c}`), '   ```', '');
    });
  } else {
    lines.push(`agent-sandbox ${plan.from.version} → ${plan.to.version}: ${plan.steps.length} steps, in order`);
    plan.steps.forEach((s, i) => {
      lines.push('', `${i + 1}. ${s.title} [${s.id}]`, `   ${s.why}`, ...s.commands.map((c) => `   $ ${c}`));
    });
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
