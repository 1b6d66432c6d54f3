/**
 * Turns a device as published in a ResourceSlice (resource.k8s.io/v1 Device, plus the slice's
 * spec.driver) into the `device` variable a CEL selector sees.
 *
 * Mirrors k8s.io/dynamic-resource-allocation/cel DeviceMatches:
 * - attribute/capacity keys are QualifiedNames; a name without "<domain>/" belongs to the driver's
 *   domain, so "productName" of driver gpu.nvidia.com is device.attributes["gpu.nvidia.com"].productName;
 * - looking up an unknown domain in device.attributes / device.capacity yields an empty map (so only
 *   the final name lookup fails);
 * - version attributes become Semver values, capacities Quantity values;
 * - allowMultipleAllocations defaults to false.
 * Source: https://github.com/kubernetes/dynamic-resource-allocation/blob/master/cel/compile.go
 *
 * Not modelled: list-valued attributes (bools/ints/strings/versions, alpha DRAListTypeAttributes).
 * The device as CEL sees it is ./cel-device-input.ts (kept apart: these types are public, the CEL library's are not).
 */

/** resource.k8s.io/v1 DeviceAttribute: exactly one field set. */
export type DraDeviceAttribute =
  | { readonly string: string }
  | { readonly int: number | bigint }
  | { readonly bool: boolean }
  | { readonly version: string };

/** The parts of a resource.k8s.io/v1 Device that selectors can see, plus the ResourceSlice's driver. */
export interface DraDevice {
  /** Device name in its pool (a DNS label), used in reports. */
  readonly name: string;
  /** The ResourceSlice's spec.driver; also the default domain of unqualified attribute names. */
  readonly driver: string;
  /** @default false */
  readonly allowMultipleAllocations?: boolean;
  /** Keys are QualifiedNames ("productName" or "resource.kubernetes.io/pciBusID"). @default {} */
  readonly attributes?: Readonly<Record<string, DraDeviceAttribute>>;
  /** Keys are QualifiedNames; values as in DeviceCapacity. @default {} */
  readonly capacity?: Readonly<Record<string, { readonly value: string }>>;
}
