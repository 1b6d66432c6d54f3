import {
  checkGvisorRelease,
  GVISOR_RELEASE,
  GVISOR_FIRST_TARBALL_RELEASE,
  gvisorReleaseFiles,
  gvisorReleaseLayout,
  gvisorReleaseUrl,
  gvisorS3Location,
  resolveGvisorRelease,
} from '../../../../platforms/eks/node-bootstrap';
import { errorOf } from '../../../support/eks';

describe('pinned gVisor release', () => {
  test('is a dated release name', () => {
    expect(GVISOR_RELEASE).toMatch(/^\d{8}\.\d+$/);
    expect(resolveGvisorRelease()).toBe(GVISOR_RELEASE);
  });

  test('release URL uses the uname -m directory names', () => {
    expect(gvisorReleaseUrl('x86_64')).toBe(`https://storage.googleapis.com/gvisor/releases/release/${GVISOR_RELEASE}/x86_64/`);
    expect(gvisorReleaseUrl('arm64', { gvisorRelease: '20240729.0' })).toBe(
      'https://storage.googleapis.com/gvisor/releases/release/20240729.0/aarch64/',
    );
  });

  test('the pinned release ships the tarball (loose binaries stopped after 20260817); older releases the two binaries', () => {
    expect(gvisorReleaseLayout(GVISOR_RELEASE)).toBe('tarball');
    expect(gvisorReleaseFiles(GVISOR_RELEASE)).toEqual(['gvisor.tar.bz2', 'gvisor.tar.bz2.sha512']);
    expect(gvisorReleaseLayout(GVISOR_FIRST_TARBALL_RELEASE)).toBe('tarball');
    expect(gvisorReleaseLayout('20260727.0')).toBe('tarball');
    expect(gvisorReleaseLayout('20260720.3')).toBe('binaries');
    expect(gvisorReleaseLayout('latest')).toBe('tarball');
    expect(gvisorReleaseFiles('20240729.0')).toEqual(['runsc', 'runsc.sha512', 'containerd-shim-runsc-v1', 'containerd-shim-runsc-v1.sha512']);
  });

  test('a mirror replaces the bucket; s3:// locations are split for the node role policy', () => {
    expect(gvisorReleaseUrl('arm64', { gvisorBaseUrl: 'https://mirror.example.com/gvisor/' })).toBe(`https://mirror.example.com/gvisor/${GVISOR_RELEASE}/aarch64/`);
    expect(gvisorS3Location('s3://acme-gvisor/releases/release')).toEqual({ bucket: 'acme-gvisor', prefix: 'releases/release' });
    expect(gvisorS3Location('s3://acme-gvisor')).toEqual({ bucket: 'acme-gvisor', prefix: '' });
    expect(gvisorS3Location('https://acme-gvisor.s3.amazonaws.com')).toBeUndefined();
    expect(errorOf(() => gvisorReleaseUrl('x86_64', { gvisorBaseUrl: 's3://acme/../x' })).message).toMatch(/^gvisorBaseUrl: "s3:\/\/acme\/..\/x" is not a gVisor release location/);
  });
});

describe('release validation', () => {
  test('other dated releases are accepted', () => {
    expect(resolveGvisorRelease({ gvisorRelease: '20240729.0' })).toBe('20240729.0');
    expect(resolveGvisorRelease({ gvisorRelease: '20230102.12' })).toBe('20230102.12');
  });

  test('"latest" needs an explicit opt-in', () => {
    expect(errorOf(() => resolveGvisorRelease({ gvisorRelease: 'latest' })).message).toBe(
      'gvisorRelease: "latest" is not pinned: nodes would install whatever gVisor is newest when they boot; ' +
        `use a dated gVisor release like "${GVISOR_RELEASE}" (YYYYMMDD.N), or set allowLatest: true to opt in`,
    );
    expect(resolveGvisorRelease({ gvisorRelease: 'latest', allowLatest: true })).toBe('latest');
    expect(gvisorReleaseUrl('x86_64', { gvisorRelease: 'latest', allowLatest: true })).toBe(
      'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/',
    );
  });

  test('allowLatest does not make the pin go away', () => {
    expect(resolveGvisorRelease({ allowLatest: true })).toBe(GVISOR_RELEASE);
  });

  test.each(['2024-07-29', '20241329.0', '20240700.0', 'v20240729.0', '20240729', '', ' 20240729.0', '20240729.0/../x'])(
    '%j is refused with the allowed forms',
    (bad) => {
      expect(errorOf(() => resolveGvisorRelease({ gvisorRelease: bad })).message).toBe(
        `gvisorRelease: ${JSON.stringify(bad)} is not a gVisor release name; use a dated gVisor release like "${GVISOR_RELEASE}" ` +
          '(YYYYMMDD.N), or "latest" together with allowLatest: true',
      );
    },
  );

  test('the git tag form gets a precise hint', () => {
    expect(checkGvisorRelease('release-20240729.0')).toEqual([
      {
        field: 'gvisorRelease',
        value: 'release-20240729.0',
        message: '"release-20240729.0" is a git tag; the release bucket names it without the prefix: use "20240729.0"',
      },
    ]);
  });

  test('non-strings from untyped callers are refused', () => {
    expect(checkGvisorRelease(20240729, false, 'eks.gvisorRelease')[0]).toMatchObject({
      field: 'eks.gvisorRelease',
      value: 20240729,
      message: expect.stringContaining('20240729 is not a gVisor release name'),
    });
  });
});
