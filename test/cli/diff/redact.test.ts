import { diffDirectories, redactPair, renderMarkdown, renderText, REDACTED, REDACTED_CHANGED } from '../../../cli/diff';
import { removeTrees, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

// Every value here must never appear in any output. Base and head use different values.
const jwt = (n: number) => `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyJHtufSJ9.c2lnbmF0dXJl${n}xyz`;
const pem = (n: number) => `-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAsecretPEMbody${n}\n-----END RSA PRIVATE KEY-----\n`;
const kubeconfigText = (n: number) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: https://k}\nusers:\n- name: u\n  user:\n    client-certificate-data: CERTDATA${n}\n    client-key-data: KEYDATA${n}\n`;
const tokenKubeconfigText = (n: number) => `clusters:\n- name: c\nusers:\n- name: u\n  user:\n    token: kubeconfig-bearer-${n}\n`;
const SECRETS = (n: number) => [
  `c3VwZXItc2VjcmV0LXBhc3N3b3Jk${n}`, // Secret data
  `plain-string-data-${n}`, // Secret stringData
  `shared-but-secret-username`, // unchanged Secret value
  jwt(n),
  pem(n).split('\n')[1],
  `KEYDATA${n}`,
  `CERTDATA${n}`,
  `kubeconfig-bearer-${n}`,
  `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY${n}`,
  `abcdef0123456789bearer${n}`,
  `client-secret-value-${n}`,
  `hunter${n}-password`,
  `ghp_token_value_${n}`,
  `inline-user-token-${n}`,
  `last-applied-secret-${n}`,
];

function manifests(n: number): string {
  return yamlDocs(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'creds',
        namespace: 'tenant-a',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"x":"last-applied-secret-${n}"}}` },
      },
      data: { password: `c3VwZXItc2VjcmV0LXBhc3N3b3Jk${n}`, username: 'shared-but-secret-username', ...(n === 2 ? { extra: 'bmV3' } : {}) },
      stringData: { note: `plain-string-data-${n}` },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'leaky', namespace: 'tenant-a' },
      data: {
        kubeconfig: kubeconfigText(n),
        'token-kubeconfig': tokenKubeconfigText(n),
        jwt: jwt(n),
        key: pem(n),
        aws: `[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY${n}\n`,
        header: `Authorization: Bearer abcdef0123456789bearer${n}`,
        visible: `plain value ${n}`,
      },
    },
    {
      apiVersion: 'agents.x-k8s.io/v1beta1',
      kind: 'Sandbox',
      metadata: { name: 'sb', namespace: 'tenant-a' },
      spec: {
        oauth: { clientSecret: `client-secret-value-${n}`, db_password: `hunter${n}-password`, githubToken: `ghp_token_value_${n}` },
        volumes: [{ name: 'certs', secret: { secretName: 'agent-sandbox-webhook-certs' } }],
        remote: { apiVersion: 'v1', kind: 'Config', users: [{ name: 'u', user: { exec: { args: [`inline-user-token-${n}`] } } }] },
        replicas: n,
      },
    },
  );
}

describe('redaction', () => {
  const base = writeTree({ 'eks/all.yaml': manifests(1) });
  const head = writeTree({ 'eks/all.yaml': manifests(2) });
  const result = diffDirectories(base, head);
  const outputs = {
    markdown: renderMarkdown(result),
    text: renderText(result),
    textColor: renderText(result, { color: true }),
    json: JSON.stringify(result),
  };

  test.each(Object.keys(outputs))('no secret value appears in the %s output', (format) => {
    const output = outputs[format as keyof typeof outputs];
    for (const secret of [...SECRETS(1), ...SECRETS(2)]) expect(output).not.toContain(secret);
    expect(output).toContain(REDACTED);
  });

  test('Secret keys stay visible and show changed/unchanged per key without values', () => {
    const secret = result.objects.find((o) => o.key.kind === 'Secret')!;
    expect(secret.fieldChanges).toEqual([
      { path: 'data.extra', type: 'added', newValue: REDACTED },
      { path: 'data.password', type: 'changed', oldValue: REDACTED, newValue: REDACTED_CHANGED },
      {
        path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
        type: 'changed',
        oldValue: REDACTED,
        newValue: REDACTED_CHANGED,
      },
      { path: 'stringData.note', type: 'changed', oldValue: REDACTED, newValue: REDACTED_CHANGED },
    ]);
    expect(secret.unifiedDiff).toContain('\n-  password: <redacted>\n');
    expect(secret.unifiedDiff).toContain('\n+  password: <redacted (changed)>\n');
    expect(secret.unifiedDiff).toContain('+  extra: <redacted>');
    expect(secret.unifiedDiff).toContain('   username: <redacted>'); // unchanged key as context
    expect(outputs.markdown).toContain('<code>data.password</code>');
    expect(outputs.text).toContain('~ data.password: "<redacted>" → "<redacted (changed)>"');
  });

  test('sensitive strings and fields are redacted; ordinary values and reference names are not', () => {
    const cm = result.objects.find((o) => o.key.kind === 'ConfigMap')!;
    expect(cm.head!.data).toEqual({
      kubeconfig: REDACTED_CHANGED,
      'token-kubeconfig': REDACTED_CHANGED,
      jwt: REDACTED_CHANGED,
      key: REDACTED_CHANGED,
      aws: REDACTED_CHANGED,
      header: REDACTED_CHANGED,
      visible: 'plain value 2',
    });
    const sandbox = result.objects.find((o) => o.key.kind === 'Sandbox')!;
    expect(sandbox.head!.spec).toEqual({
      oauth: { clientSecret: REDACTED_CHANGED, db_password: REDACTED_CHANGED, githubToken: REDACTED_CHANGED },
      volumes: [{ name: 'certs', secret: { secretName: 'agent-sandbox-webhook-certs' } }],
      remote: { apiVersion: 'v1', kind: 'Config', users: REDACTED_CHANGED },
      replicas: 2,
    });
    expect(outputs.text).toContain('~ spec.replicas: 1 → 2');
  });

  test('added and removed objects are redacted too, and equal sensitive values are marked unchanged', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'QUJD' } };
    expect(redactPair(undefined, secret).head).toEqual({ ...secret, data: { a: REDACTED } });
    expect(redactPair(secret, undefined).base).toEqual({ ...secret, data: { a: REDACTED } });
    expect(redactPair(secret, secret).head).toEqual({ ...secret, data: { a: REDACTED } });
    // A value that became sensitive is hidden on both sides.
    const before = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { v: 'was-plain' } };
    const after = { ...before, data: { v: jwt(3) } };
    expect(redactPair(before, after)).toEqual({
      base: { ...before, data: { v: REDACTED } },
      head: { ...before, data: { v: REDACTED_CHANGED } },
    });
  });
});

describe('redaction by name and shape stays off ordinary manifest values', () => {
  test.each([
    ['secretName', 'agent-sandbox-webhook-certs'],
    ['tokenPath', '/var/run/token'],
    ['authType', 'basic'],
    ['serviceAccountName', 'sandbox'],
    ['image', 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6'],
    ['url', 'https://example.com/path?query=1'],
    ['arg', '--token-ttl=3600'],
    ['description', 'The secret name holds the token the controller reads; see the password docs.'],
    ['endpoint', 'https://user@example.com/repo.git'],
  ])('%s: %s stays visible', (name, value) => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { [name]: value } };
    expect(redactPair(undefined, obj).head).toEqual(obj);
  });

  test('the argument after a sensitive flag is redacted, other arguments are not', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', args: ['--db-password', 'hunter2', '--port', '8080', '--verbose'] }] } };
    expect((redactPair(undefined, pod).head as typeof pod).spec.containers[0].args).toEqual(['--db-password', REDACTED, '--port', '8080', '--verbose']);
  });
});
