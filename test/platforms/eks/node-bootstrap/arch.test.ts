import { gvisorArch, gvisorArchForInstanceType, gvisorArchForInstanceTypes } from '../../../../platforms/eks/node-bootstrap';
import { errorOf } from '../../../support/eks';

describe('gvisorArchForInstanceType', () => {
  test.each([
    't4g.micro', 'm6g.large', 'm6gd.xlarge', 'm7g.large', 'm7gd.2xlarge', 'm8g.large', 'c6gn.large', 'c7gn.xlarge',
    'r8g.large', 'r7gd.large', 'x2gd.large', 'x8g.large', 'im4gn.large', 'is4gen.large', 'i4g.large', 'a1.medium',
    'g5g.xlarge', 'hpc7g.4xlarge', 'c8gd.large', 'p6e-gb200.36xlarge',
  ])('%s is Graviton/Arm: aarch64', (type) => {
    expect(gvisorArchForInstanceType(type)).toBe('aarch64');
  });

  test.each([
    'm5.large', 'm7i.large', 'm7i-flex.large', 'm7a.xlarge', 'c5n.large', 'c6in.large', 'r7iz.large', 'g4dn.xlarge',
    'g4ad.xlarge', 'g6e.xlarge', 'gr6.4xlarge', 'p5.48xlarge', 'p6-b200.48xlarge', 'inf2.xlarge', 'trn1.2xlarge',
    'x2idn.16xlarge', 'u7i-12tb.224xlarge', 'u-6tb1.metal', 't3.medium', 'z1d.large', 'hpc7a.12xlarge', 'i4i.large', 'dl1.24xlarge',
  ])('%s is x86_64', (type) => {
    expect(gvisorArchForInstanceType(type)).toBe('x86_64');
  });

  test('a malformed type names the value and the expected form', () => {
    expect(errorOf(() => gvisorArchForInstanceType('m5')).message).toBe(
      'instanceType: "m5" is not an EC2 instance type; expected <family>.<size> such as "m7i.large" or "m7g.large"',
    );
  });

  test('Mac instances are refused', () => {
    expect(errorOf(() => gvisorArchForInstanceType('mac2.metal')).message).toBe(
      'instanceType: "mac2.metal" is an EC2 Mac instance, which cannot be an EKS node',
    );
  });
});

describe('gvisorArchForInstanceTypes', () => {
  test('one architecture per group', () => {
    expect(gvisorArchForInstanceTypes(['m7g.large', 'c7gn.xlarge', 'r8g.large'])).toBe('aarch64');
    expect(gvisorArchForInstanceTypes(['m7i.large', 'm6a.large'])).toBe('x86_64');
  });

  test('mixed architectures list which type is which', () => {
    const e = errorOf(() => gvisorArchForInstanceTypes(['m5.large', 'm7g.large', 'c5.xlarge', 't4g.small']));
    expect(e.message).toBe(
      'instanceTypes: mixes CPU architectures (x86_64: m5.large, c5.xlarge; aarch64/Graviton: m7g.large, t4g.small), ' +
        'but one node group boots one AMI and installs one gVisor build; use one node group per architecture',
    );
    expect(e.errors).toEqual([
      { field: 'instanceTypes', value: ['m5.large', 'm7g.large', 'c5.xlarge', 't4g.small'], message: expect.any(String) },
    ]);
  });

  test('every malformed entry is reported with its index', () => {
    const e = errorOf(() => gvisorArchForInstanceTypes(['m5.large', 'large', 'M7G.LARGE']));
    expect(e.errors.map((x) => [x.field, x.value])).toEqual([
      ['instanceTypes[1]', 'large'],
      ['instanceTypes[2]', 'M7G.LARGE'],
    ]);
  });

  test('an empty list is an error', () => {
    expect(errorOf(() => gvisorArchForInstanceTypes([])).message).toBe(
      'instanceTypes: at least one instance type is needed to pick the gVisor build (x86_64 or aarch64)',
    );
  });
});

describe('gvisorArch aliases', () => {
  test('users say arm64/amd64; the release directory says aarch64/x86_64', () => {
    expect(gvisorArch('arm64')).toBe('aarch64');
    expect(gvisorArch('aarch64')).toBe('aarch64');
    expect(gvisorArch('x86_64')).toBe('x86_64');
    expect(gvisorArch('amd64')).toBe('x86_64');
  });

  test('anything else names the value and the allowed values', () => {
    expect(errorOf(() => gvisorArch('arm')).message).toBe(
      'arch: "arm" is not a supported CPU architecture; use one of x86_64, amd64, arm64, aarch64',
    );
    expect(() => gvisorArch('toString')).toThrow('"toString" is not a supported CPU architecture');
  });
});
