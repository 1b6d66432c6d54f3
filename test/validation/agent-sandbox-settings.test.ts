/** The image settings shared by the controller and the router: requireDigest refuses a tag-only reference. */
import { agentSandboxRelease } from '../../core/upstream/pins';
import { controllerImageReference, imageDigestErrors, propErrors } from '../../validation/agent-sandbox-settings';
import { routerSettingsErrors } from '../../validation/sandbox-router-settings';
import { formatProblem } from '../../core/diagnostics';

const release = agentSandboxRelease('v1.0.3');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('controller image', () => {
  test('the default reference is the release tag (no digest pinned for v1.0.3: none could be established outside the registry)', () => {
    expect(release.controllerImage.digest).toBeUndefined();
    expect(controllerImageReference(undefined, release)).toBe('registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.3');
  });

  test('a digest pinned for the release pins the default and a mirror registry, not another repository or tag', () => {
    const pinned = { ...release, controllerImage: { ...release.controllerImage, digest: DIGEST } };
    expect(controllerImageReference(undefined, pinned)).toBe(`registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.3@${DIGEST}`);
    expect(controllerImageReference({ registry: 'mirror.example.com/k8s' }, pinned)).toBe(`mirror.example.com/k8s/agent-sandbox/agent-sandbox-controller:v1.0.3@${DIGEST}`);
    expect(controllerImageReference({ tag: 'v1.0.2' }, pinned)).toBe('registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.2');
    expect(propErrors({ image: { requireDigest: true } }, pinned, 1).map(formatProblem)).toEqual([]);
  });

  test('requireDigest: a tag-only image is refused naming the field; with a digest it passes', () => {
    expect(propErrors({ image: { requireDigest: true } }, release, 1).map(formatProblem)).toEqual([
      'image.requireDigest: the image "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.3" is referenced by tag only, which its registry ' +
        'can move to other bytes; set image.digest to the sha256 of that tag in your registry (e.g. `crane digest <image>`), or remove requireDigest',
    ]);
    expect(propErrors({ image: { requireDigest: true, digest: DIGEST } }, release, 1).map(formatProblem)).toEqual([]);
    expect(imageDigestErrors({ digest: 'sha256:XYZ' }, 'x:y').map(formatProblem)).toEqual(['image.digest: must be "sha256:" followed by 64 lowercase hex digits, got "sha256:XYZ"']);
  });
});

describe('router image', () => {
  test('requireDigest applies to the router image too', () => {
    const errors = routerSettingsErrors({ clients: [{ namespace: 'apps' }], image: { requireDigest: true } }, release).map(formatProblem);
    expect(errors).toEqual([expect.stringMatching(/^image\.requireDigest: the image "registry\.k8s\.io\/agent-sandbox\/sandbox-router-go:v1\.0\.3" is referenced by tag only/)]);
    expect(routerSettingsErrors({ clients: [{ namespace: 'apps' }], image: { requireDigest: true, digest: DIGEST } }, release).map(formatProblem)).toEqual([]);
  });
});
