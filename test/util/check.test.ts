import { Lazy, Token } from "cdktf";
import {
  checkConstant,
  checkInteger,
  checkKnown,
  checkProps,
  checkText,
  describeValue,
  invalidProp,
  isUnresolved,
  knownList,
  knownMap,
  matches,
} from "../../src/util/check";

describe("invalidProp", () => {
  test("names the owner and the property, says what is allowed and ends with the value", () => {
    const err = invalidProp(
      "CloudRunService 'api'",
      "memory",
      "must be between 512Mi and 32Gi",
      "64Gi",
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(
      `CloudRunService 'api': invalid memory: must be between 512Mi and 32Gi. Got: "64Gi"`,
    );
  });

  test("describes non-string values as JSON", () => {
    expect(describeValue(3)).toBe("3");
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(undefined)).toBe("undefined");
  });
});

describe("isUnresolved", () => {
  test("is true for tokens and false for plain values", () => {
    expect(isUnresolved(Lazy.stringValue({ produce: () => "x" }))).toBe(true);
    expect(isUnresolved("plain")).toBe(false);
    expect(isUnresolved(undefined)).toBe(false);
  });
});

describe("the check kit", () => {
  const O = "Thing 'S/t'";
  const token = Token.asString(Lazy.stringValue({ produce: () => "x" }));

  test("checkText: a string the predicate accepts; tokens skipped; optional skips null", () => {
    const name = (value: unknown, optional = false) =>
      checkText(O, "name", value, "must be lowercase", matches(/^[a-z]+$/, 5), { optional });
    expect(() => name("abc")).not.toThrow();
    expect(() => name(token)).not.toThrow();
    expect(() => name(undefined, true)).not.toThrow();
    expect(() => name(null, true)).not.toThrow();
    expect(() => name("ABC")).toThrow(`${O}: invalid name: must be lowercase. Got: "ABC"`);
    expect(() => name("abcdef")).toThrow(`${O}: invalid name: must be lowercase. Got: "abcdef"`);
    expect(() => name(undefined)).toThrow(`${O}: invalid name: must be lowercase. Got: undefined`);
    expect(() => name(3)).toThrow(`${O}: invalid name: must be lowercase. Got: 3`);
  });

  test("checkInteger: a range, or a lower bound; undefined and tokens skipped", () => {
    expect(() => checkInteger(O, "n", 5, { min: 1, max: 10 })).not.toThrow();
    expect(() => checkInteger(O, "n", undefined, { min: 1, max: 10 })).not.toThrow();
    expect(() => checkInteger(O, "n", Token.asNumber(token), { min: 1, max: 10 })).not.toThrow();
    expect(() => checkInteger(O, "n", 11, { min: 1, max: 10 })).toThrow(
      `${O}: invalid n: must be an integer from 1 to 10. Got: 11`,
    );
    expect(() => checkInteger(O, "n", 1.5, { min: 1 })).toThrow(
      `${O}: invalid n: must be an integer at least 1. Got: 1.5`,
    );
    expect(() =>
      checkInteger(O, "n", 0, { min: 1, max: 3, noun: "a whole number", note: "why" }),
    ).toThrow(`${O}: invalid n: must be a whole number from 1 to 3 (why). Got: 0`);
  });

  test("checkKnown: a token is an error", () => {
    expect(() => checkKnown(O, "p", "plain", "must be known")).not.toThrow();
    expect(() => checkKnown(O, "p", token, "must be known")).toThrow(
      `${O}: invalid p: must be known. Got: "${token}"`,
    );
  });

  test("checkConstant: an instance of the class of constants", () => {
    class Color {
      public static readonly RED = new Color();
    }
    expect(() =>
      checkConstant(O, "color", Color.RED, (v) => v instanceof Color, "Color"),
    ).not.toThrow();
    expect(() => checkConstant(O, "color", "RED", (v) => v instanceof Color, "Color")).toThrow(
      `${O}: invalid color: must be one of the Color constants. Got: "RED"`,
    );
  });

  test("checkProps: an object", () => {
    expect(() => checkProps(O, {}, "{ a }")).not.toThrow();
    expect(() => checkProps(O, undefined, "{ a }")).toThrow(
      `${O}: invalid props: are required: { a }. Got: undefined`,
    );
  });

  test("knownMap: null and undefined are empty; a token map is an error", () => {
    expect(knownMap(O, "env", undefined)).toEqual({});
    expect(knownMap(O, "env", { A: "1" })).toEqual({ A: "1" });
    expect(() => knownMap(O, "env", Token.asAny(token) as never)).toThrow(
      `${O}: invalid env: must be a map known at synth (use individual token values instead).`,
    );
    expect(() => knownMap(O, "env", ["x"] as never)).toThrow(
      `${O}: invalid env: must be a map of names to values. Got: ["x"]`,
    );
  });

  test("knownList: null and undefined are empty; a token or a non-list is an error", () => {
    expect(knownList(O, "volumes", undefined)).toEqual([]);
    expect(knownList(O, "volumes", null as never)).toEqual([]);
    expect(knownList(O, "volumes", ["a"])).toEqual(["a"]);
    expect(() => knownList(O, "volumes", Token.asList(token) as never)).toThrow(
      `${O}: invalid volumes: must be a list known at synth. Got: `,
    );
    expect(() => knownList(O, "volumes", { a: 1 } as never)).toThrow(
      `${O}: invalid volumes: must be a list known at synth. Got: {"a":1}`,
    );
  });
});
