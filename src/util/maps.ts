import { isUnresolved } from "./check";

/**
 * A map prop as it goes into the Terraform JSON: `undefined` when it has no entries, so an
 * empty map writes no attribute (Terraform plans `{}` as null, and the JSON would say
 * something the plan does not).
 * @internal
 */
export function nonEmptyMap<T>(
  map: { [key: string]: T } | undefined | null,
): { [key: string]: T } | undefined {
  if (map === undefined || map === null) {
    return undefined;
  }
  if (isUnresolved(map)) {
    return map;
  }
  return Object.keys(map).length > 0 ? map : undefined;
}
