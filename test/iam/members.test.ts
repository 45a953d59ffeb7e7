import { Token } from "cdktf";
import {
  isDefaultServiceAccount,
  validateMember,
  validateServiceAccountEmail,
} from "../../src/iam/members";

const OWNER = "CloudRunService 'S/api'";

describe("validateMember", () => {
  test.each([
    "allUsers",
    "allAuthenticatedUsers",
    "user:alice@example.com",
    "serviceAccount:caller@p.iam.gserviceaccount.com",
    "group:team@example.com",
    "domain:example.com",
    "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/s",
    "principalSet://goog/public:all",
  ])("accepts %s", (member) => {
    expect(() => validateMember(OWNER, "member", member)).not.toThrow();
  });

  test.each([
    "alice@example.com",
    "serviceAccount:",
    "user:not-an-email",
    "everyone",
    "allusers",
    "domain:",
  ])("rejects %s", (member) => {
    expect(() => validateMember(OWNER, "member", member)).toThrow(
      `${OWNER}: invalid member: must be "allUsers", "allAuthenticatedUsers" or a principal such as "serviceAccount:<email>", "user:<email>", "group:<email>", "domain:<domain>", "principal://…" or "principalSet://…". Got: ${JSON.stringify(member)}`,
    );
  });

  test("accepts a token with a known prefix, rejects one with an unknown prefix", () => {
    const email = Token.asString({ resolve: () => "x@p.iam.gserviceaccount.com" });
    expect(() => validateMember(OWNER, "member", `serviceAccount:${email}`)).not.toThrow();
    expect(() => validateMember(OWNER, "member", email)).not.toThrow();
    expect(() => validateMember(OWNER, "member", `sa:${email}`)).toThrow(/invalid member/);
  });
});

describe("service account e-mails", () => {
  test("recognises default service accounts", () => {
    expect(isDefaultServiceAccount("123456789-compute@developer.gserviceaccount.com")).toBe(true);
    expect(isDefaultServiceAccount("my-project@appspot.gserviceaccount.com")).toBe(true);
    expect(isDefaultServiceAccount("api@my-project.iam.gserviceaccount.com")).toBe(false);
  });

  test("rejects the default compute service account", () => {
    expect(() =>
      validateServiceAccountEmail(
        OWNER,
        "serviceAccountEmail",
        "123456789-compute@developer.gserviceaccount.com",
      ),
    ).toThrow(
      `${OWNER}: invalid serviceAccountEmail: must not be a default service account (Compute Engine or App Engine): they hold the project Editor role; omit the prop to get a dedicated one. Got: "123456789-compute@developer.gserviceaccount.com"`,
    );
  });

  test("rejects the App Engine default service account", () => {
    expect(() =>
      validateServiceAccountEmail(OWNER, "serviceAccountEmail", "p@appspot.gserviceaccount.com"),
    ).toThrow(/must not be a default service account/);
  });

  test("rejects a default compute account built from a token", () => {
    const number = Token.asString({ resolve: () => "123" });
    expect(() =>
      validateServiceAccountEmail(
        OWNER,
        "serviceAccountEmail",
        `${number}-compute@developer.gserviceaccount.com`,
      ),
    ).toThrow(/must not be a default service account/);
  });

  test("rejects something that is not an e-mail, or a member string", () => {
    expect(() => validateServiceAccountEmail(OWNER, "serviceAccountEmail", "api")).toThrow(
      `${OWNER}: invalid serviceAccountEmail: must be a service account e-mail such as "api@my-project.iam.gserviceaccount.com". Got: "api"`,
    );
    expect(() =>
      validateServiceAccountEmail(
        OWNER,
        "serviceAccountEmail",
        "serviceAccount:api@p.iam.gserviceaccount.com",
      ),
    ).toThrow(/must be a service account e-mail/);
  });

  test("accepts a dedicated account and a token", () => {
    expect(() =>
      validateServiceAccountEmail(OWNER, "serviceAccountEmail", "api@p.iam.gserviceaccount.com"),
    ).not.toThrow();
    expect(() =>
      validateServiceAccountEmail(
        OWNER,
        "serviceAccountEmail",
        Token.asString({ resolve: () => "x" }),
      ),
    ).not.toThrow();
  });
});
