import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithSection, ROOT, upgradingDoc } from '../../scripts/docs/upgrade-section';

describe('the upgrade text is upgrade-plan\'s own output', () => {
  it('README.md has the current steps (regenerate with `npm run docs:upgrade`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(readmeWithSection(readme));
  });
  it('docs/upgrading.md is the current plan with its commands', () => {
    expect(readFileSync(join(ROOT, 'docs', 'upgrading.md'), 'utf8')).toBe(upgradingDoc());
  });
});
