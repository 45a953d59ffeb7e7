import { Lazy } from "cdktf";
import { describeValue, invalidProp, isUnresolved } from "../../src/util/validation";

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
