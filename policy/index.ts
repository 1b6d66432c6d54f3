/**
 * CrossGuard policy pack `agent-sandbox-infra`: blocks sandbox infrastructure that would weaken the isolation of
 * untrusted agent code, and advises on capacity and availability. Run it with any preview or update:
 *
 *     npm install                                   # once, at the repository root: the pack uses the root install
 *     pulumi preview --policy-pack policy           # from the repository root; or: pulumi up --policy-pack policy
 *     pulumi preview --policy-pack policy --policy-pack-config policy-config.json
 *
 * policy-config.json (optional): {"kubernetes-sandbox-secure-profile": {"platform": "gke-standard"},
 * "agent-sandbox-controller-replicas-production": {"productionStackPattern": "^prod-"}}; each policy's options are in
 * its `configSchema`.
 *
 * Mandatory: gke-sandbox-node-pool-gvisor, eks-sandbox-launch-template-imdsv2, aks-sandbox-agent-pool-kata,
 * kubernetes-sandbox-secure-profile, kubernetes-sandbox-gke-placement (a stack policy). Advisory: sandbox-warm-pool-upper-bound,
 * agent-sandbox-controller-replicas-production. What each checks, and how it recognises sandbox resources: the
 * comment at the top of its file in rules/. Manifests deployed with a `kubernetes:yaml/v2:ConfigGroup` are checked
 * object by object, as the engine registers each of them as its own resource (and in the group's `yaml`/`objs`
 * inputs when an engine passes component inputs to policies).
 *
 * Dependencies: none of its own. The CLI starts the pack with `@pulumi/pulumi/cmd/run-policy-pack`, resolved from
 * this folder the way Node resolves modules (walking up to the repository's node_modules); that runner compiles this
 * TypeScript with the root's ts-node and typescript (policy/tsconfig.json) and needs policy/package.json only for
 * the pack's version. `@pulumi/policy`, `@pulumi/pulumi`, `ts-node`, `typescript` and `js-yaml` come from the root
 * package.json. Do not run `npm install` inside policy/. The pack imports the project's own modules (../constructs,
 * ../stacks), so it is used from this repository (`--policy-pack policy`), not published with `pulumi policy publish`.
 */
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies';

new PolicyPack('agent-sandbox-infra', { policies });
