/**
 * Name helpers shared by the constructs. This module is not re-exported by `src/index.ts`.
 * @internal
 */

/**
 * A C identifier: letters, digits and `_`, not starting with a digit. Environment variable
 * names (Cloud Run) and build argument names (Docker) follow it.
 * @internal
 */
export const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Turns any text (a construct id or path) into a name made of lowercase letters, digits and
 * single hyphens, starting with a letter and not ending with a hyphen, at most `maxLength`
 * characters: lowercased, every run of other characters turned into one `-`, leading characters
 * up to the first letter dropped, cut to `maxLength`, trailing `-` dropped. Returns "" when
 * nothing is left. The core of default service names, repository ids, image names and service
 * account ids.
 * @internal
 */
export function sanitizeName(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}
