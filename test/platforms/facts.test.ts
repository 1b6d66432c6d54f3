/**
 * The platform facts table: every row has a source and the date it was read, ids are unique, and
 * docs/platform-facts.md is exactly the table rendered from the rows (UPDATE_GOLDEN=1 rewrites it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { factsTable, type PlatformFact } from '../../platforms/facts';
import { AKS_FACTS } from '../../platforms/aks/facts';
import { EKS_FACTS } from '../../platforms/eks/facts';
import { GKE_FACTS } from '../../platforms/gke/facts';

const DOC = join(__dirname, '../../docs/platform-facts.md');
const CLOUDS: [string, readonly PlatformFact[]][] = [['EKS', EKS_FACTS], ['GKE', GKE_FACTS], ['AKS', AKS_FACTS]];

function renderFactsDoc(): string {
  return [
    '# Platform facts',
    '',
    'Every cloud fact the code relies on, with its source and the date it was read. Generated from',
    '`platforms/<cloud>/facts.ts` (`UPDATE_GOLDEN=1 npx jest test/platforms/facts.test.ts`); code that depends on a fact names its id.',
    '`status` is relative to what issue 17 and the code before it said: held, wrong (the row says what is right), new, unverified',
    '(no source could be read here: the code does not depend on it, or says so).',
    '',
    ...CLOUDS.flatMap(([cloud, rows]) => [`## ${cloud}`, '', factsTable(rows), '']),
  ].join('\n');
}

describe('platform facts table', () => {
  test('every row has a fact, a status, a source and an ISO read date; ids are unique and prefixed by the cloud', () => {
    const ids = new Set<string>();
    for (const [cloud, rows] of CLOUDS) {
      for (const row of rows) {
        expect(row.id).toMatch(new RegExp(`^${cloud.toLowerCase()}\\.[a-z0-9-]+$`));
        expect(ids.has(row.id)).toBe(false);
        ids.add(row.id);
        expect(row.fact.length).toBeGreaterThan(20);
        expect(row.source.length).toBeGreaterThan(10);
        expect(row.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  test('docs/platform-facts.md is the rendered table', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(DOC, renderFactsDoc());
    expect(readFileSync(DOC, 'utf8')).toBe(renderFactsDoc());
  });
});
