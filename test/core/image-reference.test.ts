/** Image references by the runtimes' grammar (distribution/reference), and whether they are pinned. */
import { imageReferenceProblem, parseImageReference, unpinnedImageProblem } from '../../core/image-reference';
import { unitlessBytesProblem } from '../../core/quantity';

describe('image references', () => {
  test.each([
    ['python', { path: 'python' }],
    ['python:3.12-slim', { path: 'python', tag: '3.12-slim' }],
    ['registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6', { domain: 'registry.k8s.io', path: 'agent-sandbox/agent-sandbox-controller', tag: 'v0.5.6' }],
    ['localhost:5000/team/img', { domain: 'localhost:5000', path: 'team/img' }],
    ['Registry.Example.com/x/y__z:1', { domain: 'Registry.Example.com', path: 'x/y__z', tag: '1' }],
    [`python@sha256:${'a'.repeat(64)}`, { path: 'python', digest: `sha256:${'a'.repeat(64)}` }],
  ])('%s parses', (ref, parsed) => {
    expect(parseImageReference(ref)).toEqual(parsed);
  });

  test.each([
    ['Python:3.12', 'has an uppercase repository name "Python" (repository names are lowercase: "python")'],
    ['team/MyApp', 'has an uppercase repository name "MyApp" (repository names are lowercase: "myapp")'],
    ['python:-slim', 'has an invalid tag "-slim" (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")'],
    ['python:3.12 slim', 'has an invalid tag "3.12 slim" (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")'],
    ['python@sha256:abc', 'has an invalid digest "sha256:abc" (e.g. sha256: followed by 64 lowercase hex digits)'],
    ['my_registry.io:x/img', 'has an invalid registry "my_registry.io:x"'],
    ['a//b', 'has an invalid repository name component "" (lowercase letters and digits, separated by ".", "_", "__" or "-")'],
  ])('%s is refused: it %s', (ref, why) => {
    expect(imageReferenceProblem(ref)).toBe(`"${ref}" is not a valid image reference: it ${why}`);
  });

  test('unpinned: no tag or latest without a digest; the advice offers digest pinning', () => {
    expect(unpinnedImageProblem('python')).toBe(
      '"python" has no tag, so it pulls :latest, which changes under you (each node may run another image); pin a version tag, or better a digest: ' +
        'python:<version>@sha256:<digest> (`crane digest python:<version>` or `docker buildx imagetools inspect python:<version>` prints it)',
    );
    expect(unpinnedImageProblem('ghcr.io/team/agent:latest')).toMatch(/^"ghcr.io\/team\/agent:latest" uses the tag latest, .*ghcr\.io\/team\/agent:<version>@sha256:<digest>/);
    for (const ok of ['python:3.12', `python:latest@sha256:${'b'.repeat(64)}`, `python@sha256:${'c'.repeat(64)}`, 'Python:3']) expect(unpinnedImageProblem(ok)).toBeUndefined();
  });
});

describe('byte quantities without a unit', () => {
  test.each([
    ['memory', 512],
    ['memory', '512'],
    ['ephemeral-storage', 100],
    ['requests.memory', '1000'],
    ['limits.memory', 64.5],
    ['hugepages-2Mi', 2],
  ])('%s: %j is refused', (resource, value) => {
    expect(unitlessBytesProblem(resource, value)).toBe(`${value} has no unit, so it means ${value} bytes, less than a container can start in; write ${value}Mi or ${value}Gi (binary units), or ${value}M (decimal)`);
  });

  test.each([
    ['memory', '512Mi'],
    ['memory', 1073741824],
    ['memory', '2e9'],
    ['memory', 0],
    ['cpu', 512],
    ['pods', '10'],
    ['nvidia.com/gpu', 1],
  ])('%s: %j is fine', (resource, value) => {
    expect(unitlessBytesProblem(resource, value)).toBeUndefined();
  });
});
