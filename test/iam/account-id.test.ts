import * as fc from "fast-check";
import { ACCOUNT_ID_MAX_LENGTH, deriveAccountId, isValidAccountId } from "../../src/iam/account-id";
import { deriveServiceName } from "../../src/run-contract/metadata";
import { defaultRepositoryId } from "../../src/image/names";
import { sanitizeName } from "../../src/util/names";

describe("isValidAccountId", () => {
  test.each(["abcdef", "api-1234abcd", "a".repeat(30), "a1-b2-c"])("accepts %s", (id) => {
    expect(isValidAccountId(id)).toBe(true);
  });
  test.each([
    ["too short", "abcde"],
    ["too long", "a".repeat(31)],
    ["starts with a digit", "1abcdef"],
    ["ends with a hyphen", "abcdef-"],
    ["uppercase", "Abcdef"],
    ["underscore", "abc_def"],
  ])("rejects %s", (_why, id) => {
    expect(isValidAccountId(id)).toBe(false);
  });
});

describe("deriveAccountId", () => {
  test("is the service name plus an 8-digit hash", () => {
    expect(deriveAccountId("api", "Stack/api")).toMatch(/^api-[0-9a-f]{8}$/);
  });

  test("is deterministic", () => {
    expect(deriveAccountId("api", "Stack/api")).toBe(deriveAccountId("api", "Stack/api"));
  });

  test("differs for the same name at different construct paths", () => {
    expect(deriveAccountId("api", "StackA/api")).not.toBe(deriveAccountId("api", "StackB/api"));
  });

  test("cuts a long service name to a readable prefix of 21 characters", () => {
    const name = "a-very-long-service-name-that-is-exactly-forty-nine-ch";
    const id = deriveAccountId(name, "Stack/x");
    expect(id.length).toBe(ACCOUNT_ID_MAX_LENGTH);
    expect(id.startsWith("a-very-long-service-n-")).toBe(true);
    expect(isValidAccountId(id)).toBe(true);
  });

  test("drops a trailing hyphen left by the cut", () => {
    // 20 characters then a hyphen at position 21
    const id = deriveAccountId("abcdefghijklmnopqrst-uvw", "S/x");
    expect(id).toMatch(/^abcdefghijklmnopqrst-[0-9a-f]{8}$/);
  });

  test("falls back to 'run' when the name has no letter", () => {
    expect(deriveAccountId("123", "S/x")).toMatch(/^run-[0-9a-f]{8}$/);
  });

  test("property: always a valid account id", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 200 }), (name, path) => {
        expect(isValidAccountId(deriveAccountId(name, path))).toBe(true);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  test("property: distinct construct paths give distinct ids", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 60 }), { minLength: 2, maxLength: 50 }),
        fc.constantFrom("api", "worker", "a-very-long-service-name-that-is-cut-at-21"),
        (paths, name) => {
          const ids = new Set(paths.map((p) => deriveAccountId(name, p)));
          expect(ids.size).toBe(paths.length);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  test("property: distinct service names give distinct ids at the same path", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
        fc.pre(a !== b);
        expect(deriveAccountId(a, "Stack/svc")).not.toBe(deriveAccountId(b, "Stack/svc"));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe("one name-cleaning core for service names, account ids, repository ids and image names", () => {
  test("the readable parts agree with sanitizeName", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const prefix = deriveAccountId(text, "Stack/x").replace(/-[0-9a-f]{8}$/, "");
        expect(prefix).toBe(sanitizeName(text, 21) || "run");
        expect(deriveServiceName(text) ?? "").toBe(sanitizeName(text, 49));
        const repositoryId = defaultRepositoryId(text).replace(/-[0-9a-f]{8}$/, "");
        expect(repositoryId).toBe(sanitizeName(text, 54) || "repo");
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  test("examples", () => {
    expect(sanitizeName("My_API.v2--", 49)).toBe("my-api-v2");
    expect(sanitizeName("2fast", 49)).toBe("fast");
    expect(sanitizeName("Ünïcode", 49)).toBe("n-code");
    expect(sanitizeName("___", 49)).toBe("");
  });
});
