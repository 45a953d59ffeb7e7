/**
 * Edit distance for "did you mean" suggestions. This module is not re-exported by `src/index.ts`.
 *
 * Hand-written rather than a dependency: the inputs are a few dozen short location names, the
 * classic two-row dynamic programme is a dozen lines, and every runtime dependency of this
 * package has to be bundled for jsii (`bundledDependencies`).
 * @internal
 */

/**
 * The Levenshtein distance of two strings: the least number of single-character insertions,
 * deletions and substitutions (of UTF-16 code units) that turns `a` into `b`.
 * @internal
 */
export function editDistance(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  if (a.length === 0 || b.length === 0) {
    return a.length + b.length;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/**
 * The `count` candidates nearest to `value` by edit distance, nearest first; candidates at the
 * same distance in the order given.
 * @internal
 */
export function nearest(value: string, candidates: readonly string[], count: number): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: editDistance(value, candidate) }))
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, Math.max(0, count))
    .map((c) => c.candidate);
}
