import * as fc from "fast-check";
import { editDistance, nearest } from "../../src/util/edit-distance";

const SEED = { seed: 42 };
const word = fc.string({ maxLength: 16 });

describe("editDistance", () => {
  test.each([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["flaw", "lawn", 2],
    ["europe-west99", "europe-west9", 1],
    ["europe-west99", "europe-west1", 2],
    ["us-centrall1", "us-central1", 1],
    ["asia-northeast1", "asia-northeast1", 0],
  ])("%p -> %p is %p", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  test("is a metric: zero exactly on equal strings, symmetric, triangle inequality", () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }),
      { ...SEED, numRuns: 500 },
    );
  });

  test("is bounded by the lengths", () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { ...SEED, numRuns: 500 },
    );
  });

  test("one insertion, deletion or substitution is distance 1", () => {
    fc.assert(
      fc.property(
        word.filter((w) => w.length > 0),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1, unit: "binary" }).filter((c) => c.length === 1),
        (w, at, ch) => {
          const i = at % w.length;
          const inserted = w.slice(0, i) + ch + w.slice(i);
          const deleted = w.slice(0, i) + w.slice(i + 1);
          const substituted = w.slice(0, i) + ch + w.slice(i + 1);
          expect(editDistance(w, inserted)).toBe(1);
          expect(editDistance(w, deleted)).toBe(1);
          expect(editDistance(w, substituted)).toBe(ch === w[i] ? 0 : 1);
        },
      ),
      { ...SEED, numRuns: 500 },
    );
  });
});

describe("nearest", () => {
  test("nearest first, ties in the order given, at most count", () => {
    expect(nearest("europe-west99", ["us-east1", "europe-west1", "europe-west9"], 2)).toEqual([
      "europe-west9",
      "europe-west1",
    ]);
    expect(nearest("b", ["c", "a", "b"], 5)).toEqual(["b", "c", "a"]);
    expect(nearest("x", [], 3)).toEqual([]);
    expect(nearest("x", ["a"], 0)).toEqual([]);
  });
});
