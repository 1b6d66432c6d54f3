import { bootDiskProblem, defaultBootDiskType, HYPERDISK_ONLY_SERIES } from '../../../platforms/gke/boot-disk';
import { addonChannelWarning } from '../../../platforms/gke/addon';
import { gkeNodePoolArgs } from '../../../stacks/gke/node-pools';

describe('boot disk by machine series', () => {
  test.each([
    ['n4-standard-8', 'hyperdisk-balanced'],
    ['c4a-standard-4', 'hyperdisk-balanced'],
    ['c4d-highmem-16', 'hyperdisk-balanced'],
    ['n2-standard-4', 'pd-balanced'],
    ['e2-standard-4', 'pd-balanced'],
    ['c3-standard-8', 'pd-balanced'],
  ])('%s boots from %s by default', (machine, disk) => {
    expect(defaultBootDiskType(machine)).toBe(disk);
    expect(bootDiskProblem(machine, disk)).toBeUndefined();
  });

  test('every Hyperdisk-only series refuses every Persistent Disk type', () => {
    for (const series of HYPERDISK_ONLY_SERIES) {
      for (const pd of ['pd-standard', 'pd-balanced', 'pd-ssd']) expect(bootDiskProblem(`${series}-standard-8`, pd)).toMatch(/takes Hyperdisk only/);
    }
  });

  test('the node pool the component creates follows the series', () => {
    expect(gkeNodePoolArgs({ role: 'sandbox', pool: { machineType: 'n4-standard-8' } }, 'sa@p.iam.gserviceaccount.com').nodeConfig).toMatchObject({ diskType: 'hyperdisk-balanced' });
    expect(gkeNodePoolArgs({ role: 'sandbox', pool: {} }, 'sa@p.iam.gserviceaccount.com').nodeConfig).toMatchObject({ diskType: 'pd-balanced', machineType: 'n2-standard-4' });
  });
});

describe('managed add-on against the release channel', () => {
  test('STABLE\'s default (release notes) is older than the v1beta1 add-on: a warning naming the default and its date; RAPID, REGULAR, EXTENDED (1.36.4 since 2026-10-08): none', () => {
    expect(addonChannelWarning('STABLE', '1.36.3-gke.1767000')).toMatch(
      /^cluster\.releaseChannel: the STABLE channel's default GKE version was 1\.34\.6-gke\.1307000 \(release notes, 2026-05-27\), older than 1\.36\.3-gke\.1767000/,
    );
    expect(addonChannelWarning('STABLE', undefined)).toContain('1.34.6-gke.1307000');
    for (const channel of ['RAPID', 'REGULAR', 'EXTENDED']) expect(addonChannelWarning(channel, '1.36.3-gke.1767000')).toBeUndefined();
  });
});
