/** A DraDevice as the CEL `device` value (./cel-device.ts says how it mirrors Kubernetes). */
import { celMap, type CelInput, type CelMap } from '@bufbuild/cel';
import { celQuantity, celSemver } from './cel-library';
import { parseQuantity } from '../quantity';
import { parseSemver } from './cel-semver';
import type { DraDevice, DraDeviceAttribute } from './cel-device';

/**
 * A CEL map in which looking up an unknown domain yields an empty map, like the DRA `mapper` wrapper.
 * As there, only lookups default: `"x" in device.attributes` and has() stay false for unknown keys
 * (the Go wrapper overrides Find only). Built on celMap's public API: an object whose prototype is
 * the real map, with get/has replaced.
 */
function domainMap(domains: Map<string, Map<string, CelInput>>): CelMap {
  const base = celMap(domains);
  const empty = celMap(new Map());
  return Object.assign(Object.create(base) as CelMap, {
    get: (key: string) => base.get(key) ?? empty,
    has: (key: string) => base.has(key),
  });
}

/** The CEL `device` value for `device`, or the list of problems with its data. */
export function celDeviceInput(device: DraDevice): { readonly value: Map<string, CelInput> } | { readonly errors: string[] } {
  const errors: string[] = [];
  const attributes = new Map<string, Map<string, CelInput>>();
  const capacity = new Map<string, Map<string, CelInput>>();
  const put = (target: Map<string, Map<string, CelInput>>, key: string, value: CelInput): void => {
    const slash = key.indexOf('/');
    const [domain, name] = slash === -1 ? [device.driver, key] : [key.slice(0, slash), key.slice(slash + 1)];
    const names = target.get(domain) ?? new Map<string, CelInput>();
    target.set(domain, names.set(name, value));
  };

  for (const [key, attribute] of Object.entries(device.attributes ?? {})) {
    const result = attributeValue(attribute);
    if ('error' in result) errors.push(`attribute ${key}: ${result.error}`);
    else put(attributes, key, result.value);
  }
  for (const [key, { value }] of Object.entries(device.capacity ?? {})) {
    const quantity = parseQuantity(value);
    if (typeof quantity === 'string') errors.push(`capacity ${key}: ${quantity}`);
    else put(capacity, key, celQuantity(quantity));
  }
  if (errors.length > 0) return { errors };
  return {
    value: new Map<string, CelInput>([
      ['driver', device.driver],
      ['allowMultipleAllocations', device.allowMultipleAllocations ?? false],
      ['attributes', domainMap(attributes)],
      ['capacity', domainMap(capacity)],
    ]),
  };
}

function attributeValue(attribute: DraDeviceAttribute): { readonly value: CelInput } | { readonly error: string } {
  const set = Object.keys(attribute);
  if (set.length !== 1) return { error: `exactly one of string, int, bool, version must be set, got ${JSON.stringify(set)}` };
  if ('string' in attribute) return { value: attribute.string };
  if ('bool' in attribute) return { value: attribute.bool };
  if ('int' in attribute) {
    const value = attribute.int;
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return { error: `int ${value} is not a whole number` };
    return { value: BigInt(value) };
  }
  if ('version' in attribute) {
    const version = parseSemver(attribute.version);
    return typeof version === 'string' ? { error: version } : { value: celSemver(version) };
  }
  return { error: `unsupported attribute field ${JSON.stringify(set[0])}; supported: string, int, bool, version` };
}
