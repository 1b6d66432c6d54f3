/**
 * One round of errors: a config with several mistakes — schema, cross-field and what only building it reveals, on
 * any platform — reports every one of them in one error, each at its config path (never a construct path), a
 * problem shared by several platforms once with the platforms named.
 */
import { ConfigError } from '../../../config/validate';
import { inConfigOrder, mergePlatformProblems, renderConfig } from '../../../constructs/output/render-config';
import { PLATFORMS } from '../../../platforms';
import { formatProblem, problemAt } from '../../../core/diagnostics';
import { thrownProblems } from '../../support/problems';

const C = { name: 'py', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };

const problems = (raw: unknown, platforms = [...PLATFORMS]): readonly string[] => thrownProblems(() => renderConfig(raw, { platforms }), ConfigError);

describe('renderConfig', () => {
  test('schema problems, construct problems of every platform and of the valid parts of a broken tenant, in one report', () => {
    const raw = {
      tenants: [
        {
          name: 'team-a',
          namespace: { egressAllowlist: [{ cidrs: ['10.0.0.0/33'] }] },
          templates: [
            { name: 'py', gpu: { count: 1, type: 'nvidia-l4' }, containers: [C] },
            { name: 'broken', containers: 'oops' },
          ],
          warmPools: [
            { name: 'p', template: 'py', replicas: 2 },
            { name: 'q', template: 'broken' },
          ],
        },
        { name: 'team-b', templates: [{ name: 'py', isolation: 'kata', containers: [C] }] },
        { name: 'team-c', templates: [{ name: 'py', containers: [{ ...C, securityContext: { privileged: true } }] }] },
      ],
    };
    expect(problems(raw)).toEqual([
      // The schema's, at its path; its dependants (warm pool q) are not built, and say nothing.
      'tenants[0].templates[1].containers: must be array, got "oops"',
      // What building the valid parts of the same tenant finds: once for every platform…
      'tenants[0].namespace.egressAllowlist[0].cidrs[0]: "10.0.0.0/33" is not a valid CIDR: prefix length 33 is more than 32 for IPv4',
      // …or naming the platforms that have it.
      'tenants[0].templates[0].gpu: GPU sandboxes are supported on gke-autopilot and gke-standard (gVisor with nvidia.com/gpu limits), not on eks, aks, kind, kubernetes',
      'tenants[0].warmPools[0].template: "py" could not be built (its problems are listed) (on eks, aks, kind, kubernetes)',
      'tenants[1].templates[0].isolation: "kata" is not available on gke-autopilot, gke-standard, eks, kind, kubernetes (sandboxed runtimes there: gvisor)',
      'tenants[2].templates[0].containers[0].securityContext.privileged: must be false or unset (a privileged container controls the node), got true [rule privileged; opt out with securityOptOuts: [privileged] if intended]',
    ]);
  });

  test('config paths only: no construct path in any line', () => {
    const lines = problems({ tenants: [{ name: 'team-a', namespace: { egressAllowlist: [{ cidrs: ['10.0.0.1/8'] }] }, templates: [{ name: 'py', containers: [{ ...C, resources: {} }], runAsUser: 0 }] }] });
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).toMatch(/^tenants\[0\]\.(namespace|templates\[0\])[.\w[\]]*: /);
      expect(line).not.toMatch(/Tenant-|\/Namespace|Template-|is invalid:|has invalid props/);
    }
  });

  test('entries after a dropped one keep their place in the file', () => {
    const raw = { tenants: [{ name: 'bad', templates: 7 }, { name: 'team-b', templates: [{ name: 'x', containers: 'no' }, { name: 'py', gpu: { count: 1, type: 'nvidia-l4' }, containers: [C] }] }] };
    expect(problems(raw, ['eks'])).toEqual([
      'tenants[0].templates: must be array, got 7',
      'tenants[1].templates[0].containers: must be array, got "no"',
      'tenants[1].templates[1].gpu: GPU sandboxes are supported on gke-autopilot and gke-standard (gVisor with nvidia.com/gpu limits), not on eks',
    ]);
  });

  test('a valid config renders every platform', () => {
    const { rendered } = renderConfig({ tenants: [{ name: 'team-a', templates: [{ name: 'py', containers: [C] }] }] }, { platforms: ['eks', 'aks'] });
    expect(rendered.map((r) => r.platform)).toEqual(['eks', 'aks']);
  });
});

test('mergePlatformProblems: once for all, named for some, and not again where the config checks said it', () => {
  const per = new Map([
    ['eks', ['a: same', 'b: only here', 'c: x on eks']],
    ['aks', ['a: same', 'c: x on aks', 'd: said']],
  ] as const);
  const problem = (line: string) => problemAt(line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2), 'test');
  const perProblems = new Map([...per].map(([platform, lines]) => [platform, lines.map(problem)]));
  expect(mergePlatformProblems(perProblems as never, ['eks', 'aks'], [problem('d: said by the config')]).map(formatProblem)).toEqual(['a: same', 'b: only here (on eks)', 'c: x on eks, aks']);
  expect(inConfigOrder(['tenants[10].x: a', 'tenants[2].y: b', 'agentSandbox.z: c', 'kubernetesVersion: d', 'tenants[2].a: e'].map(problem)).map(formatProblem)).toEqual([
    'kubernetesVersion: d',
    'agentSandbox.z: c',
    'tenants[2].y: b',
    'tenants[2].a: e',
    'tenants[10].x: a',
  ]);
});
