import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Quantity } from '../../../core/quantity';
import * as patch from '../../../validation/schema/schema-patch';
import {
  CONTROLLER_GEN_QUANTITY_PATTERN,
  QUANTITY_DEFINITION,
  QUANTITY_PATTERN,
  RFC3339_PATTERN,
  SCHEMA_DERIVATION,
  tightenScalars,
} from '../../../validation/schema/schema-patch';
import { REPO_ROOT } from '../../support/upstream';

// ajv compiles patterns with the `u` flag: test them the same way.
const quantity = new RegExp(QUANTITY_PATTERN, 'u');
const controllerGen = new RegExp(CONTROLLER_GEN_QUANTITY_PATTERN, 'u');
const rfc3339 = new RegExp(RFC3339_PATTERN, 'u');

describe('QUANTITY_PATTERN', () => {
  // Accepted and rejected by parseQuantity (core/quantity.ts); the test below compares both.
  const ACCEPTED = [
    '0', '1', '-1', '+1', '1.5', '1.', '.5', '-.5', '+0.0', '500m', '100n', '1u', '1k', '1M', '1G', '1T',
    '1P', '1E', '1Ki', '512Mi', '2Gi', '1Ti', '1Pi', '1Ei', '1.5Gi', '1e3', '1E3', '1e-3', '1E+3', '1e0', '1e1000',
    '1e-1000', '1e0001000', '1e+000', '0.000000001', '12345678901234567890',
  ];
  const REJECTED = [
    '', '.', '-', '+', 'Mi', 'lots', 'fifty', '1K', '1KI', '1gi', '1mi', '1 Gi', ' 1', '1 ', '1\n', '1e', '1e+', '1e1.5',
    '1e1001', '1e-1001', '1ee3', '1e3Mi', '1Mi3', '--1', '+-1', '1.2.3', '0x10', '1_000', '1,5', '１', 'Infinity', 'NaN',
    '1m1', '1b', '1i',
  ];

  test.each(ACCEPTED)('accepts %j, like parseQuantity', (text) => {
    expect(Quantity.isValid(text)).toBe(true);
    expect(quantity.test(text)).toBe(true);
  });

  test.each(REJECTED)('rejects %j, like parseQuantity', (text) => {
    expect(Quantity.isValid(text)).toBe(false);
    expect(quantity.test(text)).toBe(false);
  });

  test('agrees with parseQuantity on 20,000 generated strings, and accepts only what controller-gen accepts', () => {
    const alphabet = ['0', '1', '9', '.', '+', '-', 'e', 'E', 'K', 'M', 'G', 'T', 'P', 'i', 'm', 'n', 'u', 'k', ' ', 'x'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const disagreements: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let n = next() % 7; n > 0; n--) text += alphabet[next() % alphabet.length];
      const ours = quantity.test(text);
      if (ours !== Quantity.isValid(text)) disagreements.push(text);
      if (ours && !controllerGen.test(text)) disagreements.push(`not controller-gen: ${text}`);
      if (ours) accepted++;
    }
    expect(disagreements).toStrictEqual([]);
    expect(accepted).toBeGreaterThan(500); // the generator reaches both sides
  });
});

describe('RFC3339_PATTERN', () => {
  test.each([
    '2026-12-31T23:59:59Z',
    '2026-01-01T00:00:00Z',
    '2026-06-15T12:30:45.123Z',
    '2026-06-15T12:30:45.123456789+02:00',
    '2026-06-15T12:30:45-07:30',
    '2024-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-02-29T00:00:00Z',
  ])('accepts %j', (text) => expect(rfc3339.test(text)).toBe(true));

  test.each([
    'tomorrow',
    '',
    '2026-12-31',
    '2026-12-31T23:59Z',
    '2026-12-31T23:59:59',
    '2026-12-31 23:59:59Z',
    '2026-12-31t23:59:59Z',
    '2026-12-31T23:59:59z',
    '2026-12-31T24:00:00Z',
    '2026-12-31T23:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-12-31T23:59:59.Z',
    '2026-12-31T23:59:59+0200',
    '2026-12-31T23:59:59+24:00',
    '26-12-31T23:59:59Z',
    '2026-12-31T23:59:59Z\n',
    ' 2026-12-31T23:59:59Z',
  ])('rejects %j', (text) => expect(rfc3339.test(text)).toBe(false));

  test('accepts exactly the real calendar dates (every day of 1900, 2000, 2023, 2024, 2100)', () => {
    const wrong: string[] = [];
    for (const year of [1900, 2000, 2023, 2024, 2100]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const date = new Date(Date.UTC(year, month - 1, day));
          const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00Z`;
          if (rfc3339.test(text) !== real) wrong.push(text);
        }
      }
    }
    expect(wrong).toStrictEqual([]);
  });
});

describe('tightenScalars', () => {
  test('the Quantity definition and every format: date-time string get their pattern; data and names are left alone', () => {
    const schema = {
      $ref: '#/definitions/x',
      definitions: {
        [QUANTITY_DEFINITION]: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
        x: {
          type: 'object',
          properties: {
            format: { type: 'string' },
            when: { type: 'string', format: 'date-time', default: { format: 'date-time' } },
            stamp: { type: 'string', format: 'date-time', pattern: '^2' },
            cpu: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: CONTROLLER_GEN_QUANTITY_PATTERN, 'x-kubernetes-int-or-string': true },
            mode: { type: 'string', enum: ['date-time'] },
          },
        },
      },
    };
    expect(tightenScalars(schema)).toStrictEqual({
      $ref: '#/definitions/x',
      definitions: {
        [QUANTITY_DEFINITION]: { oneOf: [{ type: 'string' }, { type: 'number' }], pattern: QUANTITY_PATTERN },
        'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time', pattern: RFC3339_PATTERN },
        x: {
          type: 'object',
          properties: {
            format: { type: 'string' },
            when: { type: 'string', format: 'date-time', default: { format: 'date-time' }, pattern: RFC3339_PATTERN },
            stamp: { type: 'string', format: 'date-time', pattern: '^2', allOf: [{ pattern: RFC3339_PATTERN }] },
            cpu: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY_PATTERN, 'x-kubernetes-int-or-string': true },
            mode: { type: 'string', enum: ['date-time'] },
          },
        },
      },
    });
    // A deep copy: the input is shared (memoized upstream documents) and must not change.
    expect(schema.definitions[QUANTITY_DEFINITION]).toStrictEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
  });

  test('applying it twice changes nothing more', () => {
    const once = tightenScalars({ definitions: { [QUANTITY_DEFINITION]: { type: 'string' } }, properties: { t: { type: 'string', format: 'date-time', pattern: 'x' } } });
    expect(tightenScalars(once)).toStrictEqual(once);
  });
});

describe('SCHEMA_DERIVATION (part of the validator cache key)', () => {
  test('lists every top-level function and constant of schema-patch.ts, so that any change there recompiles cached validators', () => {
    const source = readFileSync(join(REPO_ROOT, 'validation/schema/schema-patch.ts'), 'utf8');
    const names = [...source.matchAll(/^(?:export )?(?:async )?(?:function\*?|const|let|var|class) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['closeObjects', 'tightenScalars', 'QUANTITY_PATTERN', 'RFC3339_PATTERN']));
    const exports = patch as unknown as Record<string, unknown>;
    const missing = names.filter((n) => n !== 'SCHEMA_DERIVATION' && !(n in exports && SCHEMA_DERIVATION.includes(exports[n] as never)));
    expect(missing).toStrictEqual([]);
  });
});
