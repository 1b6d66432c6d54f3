/** The recorder's two transformations of real output: the transcript trim, and the event log without step states. */
import type * as auto from '@pulumi/pulumi/automation';
import { trimTranscript, withoutStates } from '../../../scripts/pulumi/record';

test('the transcript keeps the first lines of each ConfigGroup, counts the rest, and drops progress lines', () => {
  const lines = [
    'Previewing update (agents-prod):',
    '@ previewing update....',
    ' +  kubernetes:yaml/v2:ConfigGroup s-crds create ',
    ...['a', 'b', 'c', 'd', 'e'].map((n) => ` +  kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition s-crds:${n} create `),
    '@ previewing update....',
    ' +  kubernetes:core/v1:Namespace s-workloads:team-c create ',
    'Resources:',
    '    + 8 to create',
  ];
  expect(trimTranscript(lines.join('\n'), 3)).toBe(
    [
      'Previewing update (agents-prod):',
      ' +  kubernetes:yaml/v2:ConfigGroup s-crds create ',
      ' +  kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition s-crds:a create ',
      ' +  kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition s-crds:b create ',
      ' +  kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition s-crds:c create ',
      '    … 2 more lines of s-crds',
      ' +  kubernetes:core/v1:Namespace s-workloads:team-c create ',
      'Resources:',
      '    + 8 to create',
      '',
    ].join('\n'),
  );
});

test('the event log keeps every event and field but the steps\' old and new state', () => {
  const pre = { sequence: 3, timestamp: 1, resourcePreEvent: { metadata: { op: 'update', urn: 'u', type: 't', provider: 'p', old: { inputs: { big: 1 } }, new: { inputs: { big: 2 } }, detailedDiff: { 'spec.replicas': {} } } } };
  expect(withoutStates(pre as unknown as auto.EngineEvent)).toStrictEqual({
    sequence: 3,
    timestamp: 1,
    resourcePreEvent: { metadata: { op: 'update', urn: 'u', type: 't', provider: 'p', detailedDiff: { 'spec.replicas': {} } } },
  });
  const policy = { sequence: 4, timestamp: 1, policyEvent: { message: 'm', policyName: 'p', enforcementLevel: 'advisory' } };
  expect(withoutStates(policy as unknown as auto.EngineEvent)).toBe(policy);
});
