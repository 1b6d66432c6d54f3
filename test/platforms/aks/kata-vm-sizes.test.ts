import { allowedKataFamilies, DEFAULT_KATA_VM_SIZE, kataVmSizeNote, kataVmSizeProblem, vmFamilyOf } from '../../../platforms/aks/kata-vm-sizes';

describe('vmFamilyOf', () => {
  it.each([
    ['Standard_D8s_v5', 'Dsv5'],
    ['Standard_D4s_v3', 'Dsv3'],
    ['Standard_D16ds_v5', 'Ddsv5'],
    ['Standard_D8as_v5', 'Dasv5'],
    ['Standard_D8ads_v5', 'Dadsv5'],
    ['Standard_E104is_v5', 'Esv5'],
    ['Standard_E104ids_v5', 'Edsv5'],
    ['Standard_E16-4ds_v5', 'Edsv5'],
    ['Standard_F8s_v2', 'Fsv2'],
    ['standard_d8s_v5', 'Dsv5'],
    ['Standard_D4_v5', 'Dv5'],
    ['Standard_B2s', undefined],
    ['D8s_v5', undefined],
  ])('%s → %s', (size, family) => {
    expect(vmFamilyOf(size)).toBe(family);
  });
});

describe('kataVmSizeProblem', () => {
  it.each(['Standard_D8s_v5', 'Standard_D4s_v3', 'Standard_E32ds_v5', 'Standard_F16s_v2', DEFAULT_KATA_VM_SIZE])('accepts %s', (size) => {
    expect(kataVmSizeProblem(size)).toBeUndefined();
  });

  it('refuses a size of a family outside the table and lists the allowed families', () => {
    expect(kataVmSizeProblem('Standard_D4_v5')).toBe(
      '"Standard_D4_v5" is a Dv5 size, which is not a Generation 2 VM size with nested virtualization known to run Pod Sandboxing; ' +
        'allowed families: Dsv3, Dsv4, Ddsv4, Dsv5, Ddsv5, Dasv5, Dadsv5, Esv3, Esv4, Esv5, Edsv5, Easv5, Fsv2, Dsv6, Dasv6, Dsv7 (e.g. Standard_D4s_v5)',
    );
  });

  it('refuses names it cannot parse', () => {
    expect(kataVmSizeProblem('Standard_B2s')).toMatch(/^"Standard_B2s" is not a Generation 2 VM size with nested virtualization/);
  });

  it('refuses Gen1-only Ev3 while accepting Esv3', () => {
    expect(kataVmSizeProblem('Standard_E8_v3')).toMatch(/is a Ev3 size/);
    expect(kataVmSizeProblem('Standard_E8s_v3')).toBeUndefined();
  });

  it('has no duplicate families', () => {
    expect(new Set(allowedKataFamilies()).size).toBe(allowedKataFamilies().length);
  });
});

describe('v6 and v7 sizes with nested virtualization (Dsv6, Dasv6, Dsv7)', () => {
  it.each([
    ['Standard_D4s_v6', 'Dsv6'],
    ['Standard_D96as_v6', 'Dasv6'],
    ['Standard_D8s_v7', 'Dsv7'],
  ])('accepts %s (%s)', (size, family) => {
    expect(vmFamilyOf(size)).toBe(family);
    expect(kataVmSizeProblem(size)).toBeUndefined();
  });

  it('Dasv6 and Dsv7 carry the size pages\' NVMe caveat; Dsv6 and older families none', () => {
    expect(kataVmSizeNote('Standard_D4as_v6')).toMatch(/only with OS images that support NVMe/);
    expect(kataVmSizeNote('Standard_D4s_v7')).toMatch(/^preview; /);
    expect(kataVmSizeNote('Standard_D4s_v6')).toBeUndefined();
    expect(kataVmSizeNote('Standard_D4s_v5')).toBeUndefined();
  });
});
