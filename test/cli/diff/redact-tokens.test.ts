/**
 * Credentials in env vars (`{ name: GITHUB_TOKEN, value: ghp_… }`: the key is `value`, the sensitive name is a
 * sibling) and well-known token formats anywhere never reach the PR comment or the text diff.
 */
import { diffDirectories, isSensitiveString, redactPair, renderMarkdown, renderText, REDACTED, REDACTED_CHANGED } from '../../../cli/diff';
import { removeTrees, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

// Realistic shapes; base (n = 1) and head (n = 2) differ in the last character.
const ghp = (n: number) => `ghp_R8xKq2LmZ7vT4nW9pB3cY6dF1gH5jS0aE2u${n}`; // ghp_ + 36
const githubPat = (n: number) => `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8cD0eF2gH4iJ6kL${n}`;
const openai = (n: number) => `sk-proj-Xy7Qw2Er9Ty4Ui1Op6As3Df8Gh5Jk0Lz_Xc-Vb7Nm2Qw9Er4Ty1Ui6Op3As8Df5Gh0Jk${n}`;
const openaiLegacy = (n: number) => `sk-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x${n}`;
const slack = (n: number) => `xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvW${n}`;
const google = (n: number) => `AIzaSyD4fK9mP2qR7sT1uV6wX3yZ8aB5cE0gHk${n}`; // AIza + 35
const awsKeyId = (n: number) => `AKIAIOSFODNN7EXAMPL${n}`; // AKIA + 16
const awsSecret = (n: number) => `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE${n}`; // 40 characters
const SECRETS = (n: number) => [ghp(n), githubPat(n), openai(n), openaiLegacy(n), slack(n), google(n), awsKeyId(n), awsSecret(n), `hunter${n}-plain-password`, `9876543${n}`];

function sandbox(n: number) {
  return {
    apiVersion: 'agents.x-k8s.io/v1beta1',
    kind: 'Sandbox',
    metadata: { name: 'agent', namespace: 'tenant-a' },
    spec: {
      podTemplate: {
        spec: {
          runtimeClassName: 'gvisor',
          containers: [
            {
              name: 'agent',
              image: 'python:3.12',
              args: [`--github-token=${ghp(n)}`, '--google-key', google(n)],
              env: [
                { name: 'GITHUB_TOKEN', value: ghp(n) },
                { name: 'OPENAI_API_KEY', value: openai(n) },
                { name: 'SLACK_BOT_TOKEN', value: slack(n) },
                { name: 'DB_PASSWORD', value: `hunter${n}-plain-password` }, // no known format: the name decides
                { name: 'API_TOKEN', value: Number(`9876543${n}`) }, // not a string: still redacted
                { name: 'AWS_ACCESS_KEY_ID', value: awsKeyId(n) },
                { name: 'AWS_KEY', value: awsSecret(n) }, // name says nothing: paired with the key id
                { name: 'PASSWORD_FILE', value: '/etc/agent/password' }, // a reference, not a secret
                { name: 'LOG_LEVEL', value: `debug-${n}` },
                { name: 'CA_SECRET', valueFrom: { secretKeyRef: { name: 'ca', key: 'token' } } },
              ],
            },
          ],
        },
      },
    },
  };
}

function configMap(n: number) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'notes', namespace: 'tenant-a' },
    data: {
      readme: `call the API with ${openaiLegacy(n)} please`,
      pat: githubPat(n),
      pool: `sk-cluster-production-pool-east-${n}`, // a lower-case name, not a key
      commit: `0123456789abcdef0123456789abcdef0123456${n}`, // 40 hex: visible without an AWS key id beside it
      mixed: `AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc${n}`, // 40 mixed: visible, no AWS key id in this object
    },
  };
}

describe('redaction of env var credentials and token formats', () => {
  const base = writeTree({ 'eks/all.yaml': yamlDocs(sandbox(1), configMap(1)) });
  const head = writeTree({ 'eks/all.yaml': yamlDocs(sandbox(2), configMap(2)) });
  const result = diffDirectories(base, head);
  const outputs = { markdown: renderMarkdown(result), text: renderText(result), textColor: renderText(result, { color: true }), json: JSON.stringify(result) };

  test.each(Object.keys(outputs))('no credential appears in the %s output', (format) => {
    const output = outputs[format as keyof typeof outputs];
    for (const secret of [...SECRETS(1), ...SECRETS(2)]) expect(output).not.toContain(secret);
    expect(output).toContain(REDACTED_CHANGED);
  });

  test('env: the value of a sensitively named var is redacted whatever it holds; names and other vars stay visible', () => {
    const sb = result.objects.find((o) => o.key.kind === 'Sandbox')!;
    const container = (sb.head!.spec as { podTemplate: { spec: { containers: Record<string, unknown>[] } } }).podTemplate.spec.containers[0];
    expect(container.env).toStrictEqual([
      { name: 'GITHUB_TOKEN', value: REDACTED_CHANGED },
      { name: 'OPENAI_API_KEY', value: REDACTED_CHANGED },
      { name: 'SLACK_BOT_TOKEN', value: REDACTED_CHANGED },
      { name: 'DB_PASSWORD', value: REDACTED_CHANGED },
      { name: 'API_TOKEN', value: REDACTED_CHANGED },
      { name: 'AWS_ACCESS_KEY_ID', value: REDACTED_CHANGED },
      { name: 'AWS_KEY', value: REDACTED_CHANGED },
      { name: 'PASSWORD_FILE', value: '/etc/agent/password' },
      { name: 'LOG_LEVEL', value: 'debug-2' },
      { name: 'CA_SECRET', valueFrom: { secretKeyRef: { name: 'ca', key: 'token' } } },
    ]);
    expect(container.args).toStrictEqual([REDACTED_CHANGED, '--google-key', REDACTED_CHANGED]);
    expect(outputs.text).toContain('~ spec.podTemplate.spec.containers[0].env[8].value: "debug-1" → "debug-2"');
    expect(outputs.text).toContain('~ spec.podTemplate.spec.containers[0].env[0].value: "<redacted>" → "<redacted (changed)>"');
  });

  test('token formats are redacted anywhere; look-alike names, commit hashes and unpaired 40-character strings are not', () => {
    const cm = result.objects.find((o) => o.key.kind === 'ConfigMap')!;
    expect(cm.head!.data).toStrictEqual({
      readme: REDACTED_CHANGED,
      pat: REDACTED_CHANGED,
      pool: 'sk-cluster-production-pool-east-2',
      commit: '0123456789abcdef0123456789abcdef01234562',
      mixed: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc2',
    });
  });

  test('an unchanged credential is redacted as unchanged; a var renamed to a sensitive name is hidden on both sides', () => {
    const pod = (env: unknown[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', env }] } });
    const same = pod([{ name: 'GITHUB_TOKEN', value: 'not-a-known-format' }]);
    expect(redactPair(same, same).head).toStrictEqual(pod([{ name: 'GITHUB_TOKEN', value: REDACTED }]));
    const before = pod([{ name: 'SETTING', value: 'plain' }]);
    const after = pod([{ name: 'SESSION_TOKEN', value: 'plain' }]);
    expect(redactPair(before, after)).toStrictEqual({
      base: pod([{ name: 'SETTING', value: REDACTED }]),
      head: pod([{ name: 'SESSION_TOKEN', value: REDACTED }]),
    });
  });

  test('an AWS secret key beside its key id is redacted wherever it sits in the object', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws' }, data: { id: awsKeyId(3), key: awsSecret(3), region: 'us-west-2' } };
    expect(redactPair(undefined, obj).head).toStrictEqual({ ...obj, data: { id: REDACTED, key: REDACTED, region: 'us-west-2' } });
    const temporary = { ...obj, data: { id: 'ASIAY34FZKBOKMUTVV7A', key: awsSecret(4) } };
    expect(redactPair(undefined, temporary).head).toStrictEqual({ ...obj, data: { id: REDACTED, key: REDACTED } });
  });

  test.each([
    ['GitHub classic token', ghp(5)],
    ['GitHub OAuth token', `gho_${'a1B2'.repeat(9)}`],
    ['GitHub fine-grained token', githubPat(5)],
    ['OpenAI project key', openai(5)],
    ['OpenAI key', openaiLegacy(5)],
    ['Slack token', slack(5)],
    ['Slack user token', 'xoxp-2222222222-3333333333-AbCd1234'],
    ['Google API key', google(5)],
    ['AWS access key id', awsKeyId(5)],
    ['token inside text', `export GITHUB_TOKEN=${ghp(6)}\n`],
  ])('isSensitiveString: %s', (_, text) => expect(isSensitiveString(text)).toBe(true));

  test.each([
    ['a lower-case name that starts with sk-', 'sk-cluster-production-pool-east'],
    ['sk- inside a word', 'task-A1b2C3d4E5f6G7h8I9j0K1l2'],
    ['a short sk- string', 'sk-A1b2'],
    ['AKIA in a longer word', 'AKIAIOSFODNN7EXAMPLEXX'],
    ['a GitHub URL', 'https://github.com/kubernetes-sigs/agent-sandbox'],
    ['an image', 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6'],
  ])('isSensitiveString: not %s', (_, text) => expect(isSensitiveString(text)).toBe(false));
});
