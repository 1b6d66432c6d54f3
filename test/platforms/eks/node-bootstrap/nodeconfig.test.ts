import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from '../../../../platforms';
import {
  buildSandboxNodeConfig,
  renderNodeConfigYaml,
  runscContainerdConfigToml,
} from '../../../../platforms/eks/node-bootstrap';
import { eksAmiFile, errorOf, isTable, Table, describeWithEksReference } from '../../../support/eks';

// nodeadm's reference data (../shared/upstream/amazon-eks-ami) or one SKIPPED line: it has no pinned public source.
const describeRef = describeWithEksReference('nodeadm reference data (test/platforms/eks/node-bootstrap/nodeconfig.test.ts)');

/** The CRD's openAPIV3Schema, with `additionalProperties: false` where unknown fields are not preserved (typos fail). */
function nodeConfigSchema(): Table {
  const crd = parseYaml(eksAmiFile('node.eks.aws_nodeconfigs.yaml')) as Table;
  const versions = (crd.spec as Table).versions as Table[];
  const v1alpha1 = versions.find((v) => v.name === 'v1alpha1') as Table;
  const schema = structuredClone((v1alpha1.schema as Table).openAPIV3Schema as Table);
  const close = (node: unknown): void => {
    if (!isTable(node)) return;
    if (isTable(node.properties) && node['x-kubernetes-preserve-unknown-fields'] !== true && node.additionalProperties === undefined) {
      node.additionalProperties = false;
    }
    Object.values(node).forEach((child) => (Array.isArray(child) ? child.forEach(close) : close(child)));
  };
  close(schema);
  return schema;
}

const ajv = new Ajv({ strict: false, allErrors: true, formats: { byte: /^[A-Za-z0-9+/]*={0,2}$/ } });
let compiled: ReturnType<typeof ajv.compile> | undefined;

function schemaErrors(doc: unknown): string[] {
  // Compiled on first use: a skipped suite never reads the CRD.
  const validate = (compiled ??= ajv.compile(nodeConfigSchema()));
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const CLUSTER = {
  name: 'agents',
  apiServerEndpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
  certificateAuthority: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
  cidr: '10.100.0.0/16',
};

describeRef('sandbox NodeConfig', () => {
  test('default: only the containerd part, valid against the CRD schema', () => {
    const config = buildSandboxNodeConfig();
    expect(config).toEqual({
      apiVersion: 'node.eks.aws/v1alpha1',
      kind: 'NodeConfig',
      spec: { containerd: { config: runscContainerdConfigToml() } },
    });
    const parsed = parseYaml(renderNodeConfigYaml(config));
    expect(parsed).toEqual(config);
    expect(schemaErrors(parsed)).toEqual([]);
  });

  test('the CRD requires no field, so a containerd-only document is complete', () => {
    expect(JSON.stringify(nodeConfigSchema())).not.toContain('"required"');
  });

  test('with cluster details and kubelet label/taint flags: valid against the CRD schema', () => {
    const config = buildSandboxNodeConfig({ cluster: CLUSTER, kubeletLabelAndTaint: true, containerdMajorVersion: 1 });
    expect(config.spec.cluster).toEqual(CLUSTER);
    expect(config.spec.kubelet?.flags).toEqual([
      `--node-labels=${EKS_SANDBOX_NODE_LABEL.key}=${EKS_SANDBOX_NODE_LABEL.value}`,
      `--register-with-taints=${EKS_SANDBOX_NODE_TAINT.key}=${EKS_SANDBOX_NODE_TAINT.value}:NoSchedule`,
    ]);
    expect(config.spec.containerd.config).toContain('version = 2');
    expect(schemaErrors(parseYaml(renderNodeConfigYaml(config)))).toEqual([]);
  });

  test('the schema check can fail: a misspelled field and a wrong type are caught', () => {
    const config = buildSandboxNodeConfig() as unknown as { spec: Table };
    expect(schemaErrors({ ...config, spec: { ...config.spec, containerD: {} } })).toEqual(['/spec must NOT have additional properties']);
    expect(schemaErrors({ ...config, spec: { containerd: { config: { version: 3 } } } })).toEqual(['/spec/containerd/config must be string']);
  });

  test('the upstream e2e inputs pass the same schema check (the check matches real documents)', () => {
    for (const c of ['containerdv1-config', 'containerdv2-config', 'containerdv2-runtime-config-nvidia']) {
      expect(schemaErrors(parseYaml(eksAmiFile(`nodeadm-e2e/${c}/configv3.yaml`)))).toEqual([]);
    }
  });

  test('YAML keeps the TOML as a literal block and quotes YAML 1.1 booleans', () => {
    const yaml = renderNodeConfigYaml(buildSandboxNodeConfig({ cluster: { ...CLUSTER, name: 'on' } }));
    expect(yaml).toContain(
      '  containerd:\n    config: |\n      version = 3\n\n      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]\n',
    );
    expect(yaml).toContain('name: "on"');
    expect(yaml.startsWith('---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n')).toBe(true);
  });

  test('incomplete cluster details are refused, all at once', () => {
    const e = errorOf(() =>
      buildSandboxNodeConfig({ cluster: { name: '', apiServerEndpoint: 'http://10.0.0.1', certificateAuthority: '-----BEGIN CERTIFICATE-----' } }),
    );
    expect(e.errors.map((x) => [x.field, x.message])).toEqual([
      ['cluster.name', 'is required when cluster is set, got ""'],
      ['cluster.apiServerEndpoint', '"http://10.0.0.1" must be an https:// URL'],
      ['cluster.certificateAuthority', 'must be the base64-encoded CA bundle (certificateAuthority.data of describe-cluster), not PEM text'],
    ]);
  });
});
