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
} from '../dra/cel-selector';

const ref = { domain: z.string(), name: z.string() };
const comparison = z.enum(['==', '!=', '<', '<=', '>', '>=']);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const selectorConfig = z.union([
  z.string().min(1),
  z.object({ cel: z.string().min(1) }).strict(),
  z.object({ driver: z.string().min(1) }).strict(),
  z.object({ allowMultipleAllocations: z.boolean() }).strict(),
  z
    .object({
      attribute: z.union([
        z.object({ ...ref, equals: scalar }).strict(),
        z.object({ ...ref, in: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
        z.object({ ...ref, compare: comparison, value: z.number().int() }).strict(),
      ]),
    })
    .strict(),
  z.object({ version: z.object({ ...ref, compare: comparison, value: z.string() }).strict() }).strict(),
  z.object({ capacity: z.object({ ...ref, compare: comparison.default('>='), value: z.union([z.string(), z.number()]) }).strict() }).strict(),
]);

export type SelectorConfig = z.infer<typeof selectorConfig>;

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
