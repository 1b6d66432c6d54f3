import { parse } from 'yaml';
import { aksKubeconfig, decodeKubeconfig, withKubeloginMode } from '../../../platforms/aks/kubeconfig';

/** Shape of what AKS returns for an Entra cluster (`format: exec`): kubelogin in device-code mode. */
const ENTRA_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0FEQVRB
    server: https://agents-prod-abc123.hcp.eastus2.azmk8s.io:443
  name: agents-prod
contexts:
- context:
    cluster: agents-prod
    user: clusterUser_agents-prod-rg_agents-prod
  name: agents-prod
current-context: agents-prod
users:
- name: clusterUser_agents-prod-rg_agents-prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - 6dae42f8-4368-4678-94ff-3960e28e3630
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - 11111111-2222-3333-4444-555555555555
      - --login
      - devicecode
      command: kubelogin
      env: null
      provideClusterInfo: false
`;

/** What AKS returns with local accounts and no Entra: a static client certificate. */
const LOCAL_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://x.hcp.eastus2.azmk8s.io:443
  name: x
users:
- name: clusterUser_rg_x
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('decodeKubeconfig', () => {
  it('decodes the base64 value AKS returns', () => {
    expect(decodeKubeconfig(b64(ENTRA_KUBECONFIG))).toBe(ENTRA_KUBECONFIG);
  });

  it('refuses an empty credential', () => {
    expect(() => decodeKubeconfig('')).toThrow('AKS returned an empty kubeconfig');
    expect(() => decodeKubeconfig(undefined)).toThrow('AKS returned an empty kubeconfig');
  });

  it('refuses something that is not a kubeconfig', () => {
    expect(() => decodeKubeconfig(b64('hello: world\n'))).toThrow('is not a base64-encoded kubeconfig');
  });
});

describe('withKubeloginMode', () => {
  it('rewrites the device-code login to azurecli the way kubelogin convert-kubeconfig does', () => {
    const out = parse(withKubeloginMode(ENTRA_KUBECONFIG, 'azurecli'));
    expect(out.users[0].user.exec).toStrictEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'],
      command: 'kubelogin',
      env: null,
      provideClusterInfo: false,
    });
    // Everything else is kept.
    expect(out.clusters).toStrictEqual(parse(ENTRA_KUBECONFIG).clusters);
    expect(out['current-context']).toBe('agents-prod');
  });

  it.each(['workloadidentity', 'msi'] as const)('supports %s', (mode) => {
    const out = parse(withKubeloginMode(ENTRA_KUBECONFIG, mode));
    expect(out.users[0].user.exec.args).toStrictEqual(['get-token', '--login', mode, '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630']);
  });

  it('keeps the kubeconfig byte for byte for devicecode', () => {
    expect(withKubeloginMode(ENTRA_KUBECONFIG, 'devicecode')).toBe(ENTRA_KUBECONFIG);
  });

  it('passes a static-certificate kubeconfig through unchanged', () => {
    expect(withKubeloginMode(LOCAL_KUBECONFIG, 'azurecli')).toBe(LOCAL_KUBECONFIG);
  });

  it('refuses a kubelogin user without --server-id', () => {
    const broken = ENTRA_KUBECONFIG.replace('      - --server-id\n      - 6dae42f8-4368-4678-94ff-3960e28e3630\n', '');
    expect(() => withKubeloginMode(broken, 'azurecli')).toThrow(
      'kubeconfig user "clusterUser_agents-prod-rg_agents-prod" runs kubelogin without --server-id',
    );
  });
});

describe('aksKubeconfig', () => {
  it('takes kubeconfigs[0], decodes it and applies the login mode', () => {
    const text = aksKubeconfig({ kubeconfigs: [{ value: b64(ENTRA_KUBECONFIG) }, { value: 'ignored' }] }, 'azurecli');
    expect(parse(text).users[0].user.exec.args).toContain('azurecli');
    expect(text).not.toContain('devicecode');
  });

  it('fails when AKS returns no kubeconfig', () => {
    expect(() => aksKubeconfig({ kubeconfigs: [] }, 'azurecli')).toThrow('AKS returned an empty kubeconfig');
  });
});
