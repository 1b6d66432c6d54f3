/**
 * DRA device selectors in the configuration file: small typed forms that render through the selector builder
 * (so `device.attributes["<domain>"].<name>` is always written correctly), or a raw CEL string, which the
 * DeviceClass / ResourceClaimTemplate constructs parse, lint and evaluate against sample devices.
 */
import { z } from 'zod';
import {
  allowMultipleAllocations,
  boolAttribute,
  capacity,
  driverIs,
  intAttribute,
  stringAttribute,
  versionAttribute,
  type ComparisonOperator,
  type SelectorClause,
} from '../core/cel/cel-selector';

const ref = { domain: z.string(), name: z.string() };
const comparison = z.enum(['==', '!=', '<', '<=', '>', '>=']);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * One of several object forms told apart by which key is present. The value is checked against that form only, so
 * a mistake is reported at its field (`attribute.equals: is required`, `attribute.equal: unknown field`) instead of
 * a union's bare "Invalid input".
 */
function oneOf<F extends Record<string, z.ZodType>>(forms: F, what: string, string?: z.ZodType<string>) {
  const keys = Object.keys(forms);
  return z.unknown().transform((value, ctx): z.output<F[keyof F]> | string => {
    let schema: z.ZodType | undefined;
    let got = 'nothing';
    if (typeof value === 'string' && string) {
      schema = string;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const present = keys.filter((k) => k in value);
      const fields = Object.keys(value);
      if (present.length === 1) schema = forms[present[0]];
      else if (present.length > 1) got = `several: ${present.join(', ')}`;
      else got = fields.length ? `an object with ${fields.map((k) => JSON.stringify(k)).join(', ')}` : 'an empty object';
    } else {
      got = Array.isArray(value) ? 'a list' : (JSON.stringify(value) ?? 'nothing');
    }
    if (!schema) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} with exactly one of ${keys.join(', ')}, got ${got}`, input: value });
      return z.NEVER;
    }
    const result = schema.safeParse(value, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return result.data as z.output<F[keyof F]>;
  });
}

const attributeConfig = oneOf(
  {
    equals: z.object({ ...ref, equals: scalar }).strict(),
    in: z.object({ ...ref, in: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
    compare: z.object({ ...ref, compare: comparison, value: z.number().int() }).strict(),
  },
  'an attribute condition (domain, name)',
) as z.ZodType<
  | { domain: string; name: string; equals: string | number | boolean }
  | { domain: string; name: string; in: (string | number)[] }
  | { domain: string; name: string; compare: z.infer<typeof comparison>; value: number }
>;

const selectorForms = {
  cel: z.object({ cel: z.string().min(1) }).strict(),
  driver: z.object({ driver: z.string().min(1) }).strict(),
  allowMultipleAllocations: z.object({ allowMultipleAllocations: z.boolean() }).strict(),
  attribute: z.object({ attribute: attributeConfig }).strict(),
  version: z.object({ version: z.object({ ...ref, compare: comparison, value: z.string() }).strict() }).strict(),
  capacity: z.object({ capacity: z.object({ ...ref, compare: comparison.default('>='), value: z.union([z.string(), z.number()]) }).strict() }).strict(),
};

export type SelectorConfig = string | z.output<(typeof selectorForms)[keyof typeof selectorForms]>;

/** A raw CEL string, or one object form (exactly one of cel, driver, allowMultipleAllocations, attribute, version, capacity). */
export const selectorConfig = oneOf(selectorForms, 'a CEL string or an object', z.string().min(1)) as z.ZodType<SelectorConfig>;

/** A config selector → a builder clause or raw CEL. Builder errors (bad domain/name) propagate with their message. */
export function selectorFromConfig(s: SelectorConfig): SelectorClause | string {
  if (typeof s === 'string') return s;
  if ('cel' in s) return s.cel;
  if ('driver' in s) return driverIs(s.driver);
  if ('allowMultipleAllocations' in s) return allowMultipleAllocations(s.allowMultipleAllocations);
  if ('version' in s) return versionAttribute(s.version.domain, s.version.name).compare(s.version.compare as ComparisonOperator, s.version.value);
  if ('capacity' in s) return capacity(s.capacity.domain, s.capacity.name).compare(s.capacity.compare as ComparisonOperator, String(s.capacity.value));
  const a = s.attribute;
  if ('equals' in a) {
    if (typeof a.equals === 'boolean') return boolAttribute(a.domain, a.name).equals(a.equals);
    if (typeof a.equals === 'number') return intAttribute(a.domain, a.name).equals(a.equals);
    return stringAttribute(a.domain, a.name).equals(a.equals);
  }
  if ('in' in a) {
    return a.in.every((v) => typeof v === 'number') ? intAttribute(a.domain, a.name).in(a.in as number[]) : stringAttribute(a.domain, a.name).in(a.in.map(String));
  }
  return intAttribute(a.domain, a.name).compare(a.compare as ComparisonOperator, a.value);
}
