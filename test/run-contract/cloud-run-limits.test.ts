import { Token } from "cdktf";
import * as fc from "fast-check";
import { validateEnvName, validateEnvValue } from "../../src/run-contract/environment";
import {
  deriveServiceName,
  validateDescription,
  validateLabels,
  validateServiceName,
} from "../../src/run-contract/metadata";
import { validatePort } from "../../src/run-contract/ports";
import { validateProbePath, validateProbeTiming } from "../../src/run-contract/probe";
import { validateRegion } from "../../src/run-contract/region";
import { parseCpu, parseMemory, resolveRuntime } from "../../src/run-contract/resources";
import { validateScaling } from "../../src/run-contract/scaling";
import { validateSecretName, validateSecretVersion } from "../../src/run-contract/secrets";
import { validateTimeoutSeconds } from "../../src/run-contract/timeouts";
import { validateNetworkTag } from "../../src/run-contract/vpc-access";

const O = "CloudRunService 'S/api'";
const tokenString = () => Token.asString({ resolve: () => "x" });
const tokenNumber = () => Token.asNumber({ resolve: () => 1 });

describe("service name", () => {
  const allowed =
    "must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen";
  test.each(["a", "api", "my-api-2", "a".repeat(49)])("accepts %s", (name) => {
    expect(() => validateServiceName(O, name)).not.toThrow();
  });
  test.each(["", "Api", "1api", "api-", "my_api", "a".repeat(50), "-api", "api.v2"])(
    "rejects %p",
    (name) => {
      expect(() => validateServiceName(O, name)).toThrow(
        `${O}: invalid serviceName: ${allowed}. Got: ${JSON.stringify(name)}`,
      );
    },
  );
  test("skips tokens", () => {
    expect(() => validateServiceName(O, tokenString())).not.toThrow();
  });

  test("derives a name from a construct id", () => {
    expect(deriveServiceName("api")).toBe("api");
    expect(deriveServiceName("MyApi")).toBe("myapi");
    expect(deriveServiceName("my_api.v2")).toBe("my-api-v2");
    expect(deriveServiceName("2fast")).toBe("fast");
    expect(deriveServiceName("api--")).toBe("api");
    expect(deriveServiceName("a".repeat(48) + "-b")).toBe("a".repeat(48));
    expect(deriveServiceName("123")).toBeUndefined();
    expect(deriveServiceName("___")).toBeUndefined();
  });

  test("property: a derived name is always valid", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (id) => {
        const name = deriveServiceName(id);
        if (name !== undefined) {
          expect(() => validateServiceName(O, name)).not.toThrow();
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe("region", () => {
  test.each(["europe-west1", "us-central1", "northamerica-northeast2", "me-central2"])(
    "accepts %s",
    (region) => expect(() => validateRegion(O, region)).not.toThrow(),
  );
  test.each(["global", "europe-west", "EU", "us-central1-a"])("rejects %s", (region) => {
    expect(() => validateRegion(O, region)).toThrow(
      `${O}: invalid region: must be a Google Cloud region such as "europe-west1". Got: ${JSON.stringify(region)}`,
    );
  });
});

describe("port", () => {
  test.each([1, 8080, 65535])("accepts %d", (port) => {
    expect(() => validatePort(O, "port", port)).not.toThrow();
  });
  test.each([0, 65536, 80.5, -1])("rejects %d", (port) => {
    expect(() => validatePort(O, "port", port)).toThrow(
      `${O}: invalid port: must be an integer from 1 to 65535. Got: ${port}`,
    );
  });
  test("skips tokens", () => {
    expect(() => validatePort(O, "port", tokenNumber())).not.toThrow();
  });
});

describe("environment names and values", () => {
  test.each(["A", "_X", "DATABASE_URL", "a1", "PORT_NUMBER", "K_SERVICE_NAME"])(
    "accepts %s",
    (name) => expect(() => validateEnvName(O, "environment", name)).not.toThrow(),
  );
  test.each(["1A", "A-B", "A.B", "", "A B", "Ä"])("rejects malformed %p", (name) => {
    expect(() => validateEnvName(O, "environment", name)).toThrow(
      `${O}: invalid environment: names must be C identifiers (letters, digits and underscores, not starting with a digit). Got: ${JSON.stringify(name)}`,
    );
  });
  test.each(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"])(
    "rejects reserved %s",
    (name) => {
      expect(() => validateEnvName(O, "secrets", name)).toThrow(
        `${O}: invalid secrets: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved: Cloud Run sets them (PORT comes from the \`port\` prop). Got: "${name}"`,
      );
    },
  );
  test("values up to 32 KiB", () => {
    expect(() => validateEnvValue(O, "environment", "A", "x".repeat(32768))).not.toThrow();
    expect(() => validateEnvValue(O, "environment", "A", "x".repeat(32769))).toThrow(
      `${O}: invalid environment.A: must be at most 32768 bytes. Got: "${"x".repeat(40)}… (32769 bytes)"`,
    );
  });
});

describe("cpu", () => {
  test.each([
    ["1", 1],
    ["2", 2],
    ["4", 4],
    ["6", 6],
    ["8", 8],
    ["2.0", 2],
    ["0.08", 0.08],
    ["0.5", 0.5],
    ["0.999", 0.999],
    ["500m", 0.5],
    ["80m", 0.08],
    ["1000m", 1],
    ["8000m", 8],
  ])("accepts %s", (value, cores) => {
    expect(parseCpu(O, value)).toBeCloseTo(cores, 6);
  });
  test.each([
    "3",
    "5",
    "7",
    "16",
    "0",
    "0.07",
    "79m",
    "0.0005",
    "1.5",
    "1500m",
    "one",
    "",
    "-1",
    "2 ",
  ])("rejects %p", (value) => {
    expect(() => parseCpu(O, value)).toThrow(
      `${O}: invalid cpu: must be "1", "2", "4", "6" or "8", or a fraction from 0.08 to below 1 in steps of 0.001 (e.g. "0.5" or "500m"). Got: ${JSON.stringify(value)}`,
    );
  });
});

describe("memory", () => {
  test.each([
    ["512Mi", 512 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1000M", 1e9],
    ["2G", 2e9],
  ])("parses %s", (value, bytes) => {
    expect(parseMemory(O, value)).toBe(bytes);
  });
  test.each(["512", "512MB", "1gi", "Gi", "512 Mi", "1Ti", "1Ki"])("rejects %p", (value) => {
    expect(() => parseMemory(O, value)).toThrow(
      `${O}: invalid memory: must be a quantity with a unit of Mi, Gi, M or G (e.g. "512Mi", "2Gi"). Got: ${JSON.stringify(value)}`,
    );
  });
});

describe("resolveRuntime: CPU and memory rules", () => {
  const ok = (cpu: string, memory: string, extra: object = {}) =>
    expect(() => resolveRuntime(O, { cpu, memory, ...extra })).not.toThrow();
  const bad = (cpu: string, memory: string, message: string, extra: object = {}) =>
    expect(() => resolveRuntime(O, { cpu, memory, ...extra })).toThrow(message);

  test("defaults: concurrency 80, request-based billing, no execution environment", () => {
    expect(resolveRuntime(O, { cpu: "1", memory: "512Mi" })).toEqual({
      cpu: "1",
      memory: "512Mi",
      concurrency: 80,
      cpuIdle: true,
      executionEnvironment: undefined,
      fractionalCpu: false,
    });
  });

  test("memory bounds: 128Mi (gen1 / unset) and 512Mi (gen2) to 32Gi", () => {
    ok("1", "128Mi");
    ok("1", "128Mi", { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN1" });
    bad("1", "127Mi", `${O}: invalid memory: must be at least 128Mi. Got: "127Mi"`);
    ok("1", "512Mi", { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2" });
    bad(
      "1",
      "256Mi",
      `${O}: invalid memory: must be at least 512Mi in the second generation execution environment. Got: "256Mi"`,
      { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2" },
    );
    ok("8", "32Gi");
    bad("8", "33Gi", `${O}: invalid memory: must be at most 32Gi. Got: "33Gi"`);
  });

  test("memory above 4Gi needs 2 CPU, above 8Gi 4, above 16Gi 6, above 24Gi 8", () => {
    ok("1", "4Gi");
    bad(
      "1",
      "5Gi",
      `${O}: invalid memory: above 4Gi needs a cpu of at least 2 (cpu is "1"). Got: "5Gi"`,
    );
    ok("2", "8Gi");
    bad(
      "2",
      "9Gi",
      `${O}: invalid memory: above 8Gi needs a cpu of at least 4 (cpu is "2"). Got: "9Gi"`,
    );
    ok("4", "16Gi");
    bad(
      "4",
      "17Gi",
      `${O}: invalid memory: above 16Gi needs a cpu of at least 6 (cpu is "4"). Got: "17Gi"`,
    );
    ok("6", "24Gi");
    bad(
      "6",
      "25Gi",
      `${O}: invalid memory: above 24Gi needs a cpu of at least 8 (cpu is "6"). Got: "25Gi"`,
    );
    ok("8", "25Gi");
  });

  test("4 CPU needs 2Gi, 6 and 8 CPU need 4Gi", () => {
    ok("4", "2Gi");
    bad("4", "1Gi", `${O}: invalid memory: must be at least 2Gi with a cpu of 4. Got: "1Gi"`);
    ok("6", "4Gi");
    bad("6", "2Gi", `${O}: invalid memory: must be at least 4Gi with a cpu of 6. Got: "2Gi"`);
    ok("8", "4Gi");
    bad("8", "3Gi", `${O}: invalid memory: must be at least 4Gi with a cpu of 8. Got: "3Gi"`);
  });

  test("fractional CPU: above 512Mi needs 0.5, above 1Gi needs 1", () => {
    ok("0.25", "512Mi");
    bad(
      "0.25",
      "768Mi",
      `${O}: invalid memory: above 512Mi needs a cpu of at least 0.5 (cpu is "0.25"). Got: "768Mi"`,
    );
    ok("0.5", "1Gi");
    bad(
      "0.5",
      "2Gi",
      `${O}: invalid memory: above 1Gi needs a cpu of at least 1 (cpu is "0.5"). Got: "2Gi"`,
    );
  });

  test("fractional CPU sets concurrency 1, cpuIdle and gen1 when not given", () => {
    expect(resolveRuntime(O, { cpu: "0.5", memory: "512Mi" })).toEqual({
      cpu: "0.5",
      memory: "512Mi",
      concurrency: 1,
      cpuIdle: true,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN1",
      fractionalCpu: true,
    });
    ok("0.5", "512Mi", {
      concurrency: 1,
      cpuIdle: true,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN1",
    });
  });

  test("fractional CPU rejects contradictions", () => {
    bad(
      "0.5",
      "512Mi",
      `${O}: invalid concurrency: a cpu below 1 needs concurrency 1 (cpu is "0.5"). Got: 10`,
      { concurrency: 10 },
    );
    bad(
      "0.5",
      "512Mi",
      `${O}: invalid cpuIdle: a cpu below 1 needs request-based billing, cpuIdle true (cpu is "0.5"). Got: false`,
      { cpuIdle: false },
    );
    bad(
      "500m",
      "512Mi",
      `${O}: invalid executionEnvironment: a cpu below 1 needs the first generation execution environment, GEN1 (cpu is "500m"). Got: "EXECUTION_ENVIRONMENT_GEN2"`,
      { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2" },
    );
  });

  test("whole CPU keeps explicit settings", () => {
    expect(
      resolveRuntime(O, {
        cpu: "2",
        memory: "1Gi",
        concurrency: 250,
        cpuIdle: false,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
      }),
    ).toMatchObject({
      concurrency: 250,
      cpuIdle: false,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
    });
  });

  test("concurrency 1–1000", () => {
    ok("1", "512Mi", { concurrency: 1 });
    ok("1", "512Mi", { concurrency: 1000 });
    bad("1", "512Mi", `${O}: invalid concurrency: must be an integer from 1 to 1000. Got: 1001`, {
      concurrency: 1001,
    });
    bad("1", "512Mi", `${O}: invalid concurrency: must be an integer from 1 to 1000. Got: 0`, {
      concurrency: 0,
    });
  });

  test("an unknown execution environment", () => {
    bad(
      "1",
      "512Mi",
      `${O}: invalid executionEnvironment: must be EXECUTION_ENVIRONMENT_GEN1 or EXECUTION_ENVIRONMENT_GEN2. Got: "GEN3"`,
      { executionEnvironment: "GEN3" },
    );
  });

  test("skips checks that need an unresolved cpu or memory", () => {
    ok(tokenString(), "64Gi".replace("64Gi", "1Gi"));
    ok("8", tokenString());
    expect(() => resolveRuntime(O, { cpu: tokenString(), memory: "64Gi" })).toThrow(
      /must be at most 32Gi/,
    );
  });

  test("property: every accepted combination satisfies the documented rules", () => {
    const cpus = ["0.08", "0.25", "0.5", "0.75", "1", "2", "4", "6", "8"];
    const mems = [
      "128Mi",
      "256Mi",
      "512Mi",
      "768Mi",
      "1Gi",
      "2Gi",
      "4Gi",
      "6Gi",
      "8Gi",
      "12Gi",
      "16Gi",
      "20Gi",
      "24Gi",
      "32Gi",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cpus), fc.constantFrom(...mems), (cpu, memory) => {
        let accepted = true;
        try {
          resolveRuntime(O, { cpu, memory });
        } catch {
          accepted = false;
        }
        const c = Number(cpu);
        const m = parseMemory(O, memory) / 2 ** 20; // MiB
        const expected =
          (c >= 1 || (m <= 1024 && (m <= 512 || c >= 0.5))) &&
          (m <= 4096 || c >= 2) &&
          (m <= 8192 || c >= 4) &&
          (m <= 16384 || c >= 6) &&
          (m <= 24576 || c >= 8) &&
          (c !== 4 || m >= 2048) &&
          (c < 6 || m >= 4096);
        expect(accepted).toBe(expected);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("timeout and scaling", () => {
  test("timeoutSeconds 1–3600", () => {
    expect(() => validateTimeoutSeconds(O, 1)).not.toThrow();
    expect(() => validateTimeoutSeconds(O, 3600)).not.toThrow();
    expect(() => validateTimeoutSeconds(O, 3601)).toThrow(
      `${O}: invalid timeoutSeconds: must be an integer from 1 to 3600. Got: 3601`,
    );
    expect(() => validateTimeoutSeconds(O, 0)).toThrow(/invalid timeoutSeconds/);
  });

  test("min ≥ 0, max ≥ 1, min ≤ max", () => {
    expect(() => validateScaling(O, 0, 1)).not.toThrow();
    expect(() => validateScaling(O, 5, 5)).not.toThrow();
    expect(() => validateScaling(O, 6, 5)).toThrow(
      `${O}: invalid minInstances: must not exceed maxInstances (5). Got: 6`,
    );
    expect(() => validateScaling(O, -1, 5)).toThrow(
      `${O}: invalid minInstances: must be an integer at least 0. Got: -1`,
    );
    expect(() => validateScaling(O, 0, 0)).toThrow(
      `${O}: invalid maxInstances: must be an integer at least 1. Got: 0`,
    );
    expect(() => validateScaling(O, 10, tokenNumber())).not.toThrow();
  });
});

describe("labels", () => {
  test("accepts valid labels", () => {
    expect(() =>
      validateLabels(O, "labels", {
        team: "payments",
        env: "",
        "cost-center_1": "a-b_c",
        ünits: "x",
        部門: "開発",
      }),
    ).not.toThrow(); // international lowercase letters are allowed in keys and values
    expect(() => validateLabels(O, "labels", { Ünits: "x" })).toThrow(/keys must be/);
    expect(() =>
      validateLabels(O, "labels", {
        team: "payments",
        env: "",
        "cost-center_1": "a-b_c",
        lang: "français",
      }),
    ).not.toThrow();
  });
  test.each([
    "run.googleapis.com/foo",
    "serving.knative.dev/x",
    "autoscaling.knative.dev/minScale",
    "cloud.googleapis.com/location",
  ])("rejects reserved %s", (key) => {
    expect(() => validateLabels(O, "labels", { [key]: "x" })).toThrow(
      `${O}: invalid labels: keys in the run.googleapis.com, cloud.googleapis.com, serving.knative.dev, autoscaling.knative.dev namespaces are reserved by Cloud Run. Got: ${JSON.stringify(key)}`,
    );
  });
  test.each(["Team", "1team", "a".repeat(64), "te.am", ""])("rejects key %p", (key) => {
    expect(() => validateLabels(O, "labels", { [key]: "x" })).toThrow(
      `${O}: invalid labels: keys must be 1 to 63 lowercase letters, digits, underscores or hyphens, starting with a letter. Got: ${JSON.stringify(key)}`,
    );
  });
  test.each(["Payments", "a".repeat(64), "a.b", "a b"])("rejects value %p", (value) => {
    expect(() => validateLabels(O, "labels", { team: value })).toThrow(
      `${O}: invalid labels.team: must be at most 63 lowercase letters, digits, underscores or hyphens. Got: ${JSON.stringify(value)}`,
    );
  });
  test("at most 64 labels", () => {
    const many: { [k: string]: string } = {};
    for (let i = 0; i < 65; i++) many[`k${i}`] = "v";
    expect(() => validateLabels(O, "labels", many)).toThrow(
      `${O}: invalid labels: must have at most 64 labels. Got: "65 labels"`,
    );
    delete many.k0;
    expect(() => validateLabels(O, "labels", many)).not.toThrow();
  });
});

describe("probe timing", () => {
  const P = "startupProbe";
  test("startup bounds", () => {
    expect(() =>
      validateProbeTiming(
        O,
        P,
        { initialDelaySeconds: 240, periodSeconds: 240, timeoutSeconds: 240, failureThreshold: 1 },
        true,
      ),
    ).not.toThrow();
    expect(() => validateProbeTiming(O, P, { initialDelaySeconds: 241 }, true)).toThrow(
      `${O}: invalid startupProbe.initialDelaySeconds: must be an integer from 0 to 240. Got: 241`,
    );
    expect(() =>
      validateProbeTiming(O, P, { periodSeconds: 241, failureThreshold: 1 }, true),
    ).toThrow(
      `${O}: invalid startupProbe.periodSeconds: must be an integer from 1 to 240. Got: 241`,
    );
    expect(() => validateProbeTiming(O, P, { periodSeconds: 0 }, true)).toThrow(
      /startupProbe.periodSeconds: must be an integer from 1 to 240/,
    );
    expect(() => validateProbeTiming(O, P, { failureThreshold: 0 }, true)).toThrow(
      `${O}: invalid startupProbe.failureThreshold: must be an integer at least 1. Got: 0`,
    );
    expect(() => validateProbeTiming(O, P, { timeoutSeconds: 0 }, true)).toThrow(
      `${O}: invalid startupProbe.timeoutSeconds: must be an integer from 1 to 3600. Got: 0`,
    );
  });

  test("timeout not above period (period defaults to 10)", () => {
    expect(() => validateProbeTiming(O, P, { timeoutSeconds: 10 }, true)).not.toThrow();
    expect(() => validateProbeTiming(O, P, { timeoutSeconds: 11 }, true)).toThrow(
      `${O}: invalid startupProbe.timeoutSeconds: must not exceed periodSeconds (10). Got: 11`,
    );
    expect(() => validateProbeTiming(O, P, { periodSeconds: 5, timeoutSeconds: 6 }, true)).toThrow(
      /must not exceed periodSeconds \(5\)/,
    );
  });

  test("startup window failureThreshold × periodSeconds ≤ 240", () => {
    expect(() =>
      validateProbeTiming(O, P, { periodSeconds: 10, failureThreshold: 24 }, true),
    ).not.toThrow();
    expect(() =>
      validateProbeTiming(O, P, { periodSeconds: 10, failureThreshold: 25 }, true),
    ).toThrow(
      `${O}: invalid startupProbe.failureThreshold: failureThreshold × periodSeconds (10 s) must be at most 240 seconds. Got: 25`,
    );
    expect(() => validateProbeTiming(O, P, { periodSeconds: 100 }, true)).toThrow(
      /failureThreshold × periodSeconds \(100 s\)/,
    );
  });

  test("liveness bounds", () => {
    const L = "livenessProbe";
    expect(() =>
      validateProbeTiming(
        O,
        L,
        {
          initialDelaySeconds: 3600,
          periodSeconds: 3600,
          timeoutSeconds: 3600,
          failureThreshold: 100,
        },
        false,
      ),
    ).not.toThrow();
    expect(() => validateProbeTiming(O, L, { periodSeconds: 3601 }, false)).toThrow(
      `${O}: invalid livenessProbe.periodSeconds: must be an integer from 1 to 3600. Got: 3601`,
    );
    expect(() => validateProbeTiming(O, L, { initialDelaySeconds: 3601 }, false)).toThrow(
      `${O}: invalid livenessProbe.initialDelaySeconds: must be an integer from 0 to 3600. Got: 3601`,
    );
  });

  test("path", () => {
    expect(() => validateProbePath(O, "startupProbe.path", "/healthz")).not.toThrow();
    expect(() => validateProbePath(O, "startupProbe.path", "healthz")).toThrow(
      `${O}: invalid startupProbe.path: must be an absolute path such as "/healthz". Got: "healthz"`,
    );
  });
});

describe("secrets", () => {
  test.each(["db-password", "A_b-1", "projects/p/secrets/db", "projects/123/secrets/x_y"])(
    "accepts secret %s",
    (s) => expect(() => validateSecretName(O, "secrets.DB", s)).not.toThrow(),
  );
  test.each([
    "",
    "db password",
    "projects/p/secrets/",
    "projects/p/secrets/a/versions/1",
    "a".repeat(256),
  ])("rejects secret %p", (s) => {
    expect(() => validateSecretName(O, "secrets.DB", s)).toThrow(
      `${O}: invalid secrets.DB: must be a secret id (1 to 255 letters, digits, "_" or "-") or a full name "projects/<project>/secrets/<id>". Got: ${JSON.stringify(s)}`,
    );
  });
  const VERSION_RULE =
    'must be "latest", a version number such as "3", or a version alias (1 to 63 letters, digits, "-" or "_", starting with a letter; "new" and other spellings of "latest" are not aliases)';

  test.each(["latest", "1", "12", "v1", "prod", "Prod_2026-12", "a", `a${"b".repeat(62)}`])(
    "accepts version %p (latest, a number, or an alias)",
    (v) => expect(() => validateSecretVersion(O, "secrets.DB.version", v)).not.toThrow(),
  );

  test.each([
    "0",
    "01",
    "-1",
    "",
    "1a",
    "_a",
    "-a",
    "a.b",
    "a b",
    `a${"b".repeat(63)}`,
    "new",
    "NEW",
    "Latest",
    "LATEST",
  ])("rejects version %p, naming the property and the value", (v) => {
    expect(() => validateSecretVersion(O, "secrets.DB.version", v)).toThrow(
      `${O}: invalid secrets.DB.version: ${VERSION_RULE}. Got: ${JSON.stringify(v)}`,
    );
  });

  test("versions: the Secret Manager rules, as a property (fixed seed)", () => {
    // Aliases: start with a letter; letters, digits, "-", "_"; at most 63; not "latest"/"new" in
    // any case. Numbers: positive, no leading zero.
    const accepted = (v: string) =>
      v === "latest" ||
      /^[1-9][0-9]*$/.test(v) ||
      (/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(v) && !["latest", "new"].includes(v.toLowerCase()));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9_.-]{0,70}$/),
          fc.constantFrom("latest", "Latest", "new", "nEw", "0", "007"),
        ),
        (v) => {
          const ok = (() => {
            try {
              validateSecretVersion(O, "secrets.DB.version", v);
              return true;
            } catch {
              return false;
            }
          })();
          expect([v, ok]).toEqual([v, accepted(v)]);
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("misc", () => {
  test("description ≤ 512 characters", () => {
    expect(() => validateDescription(O, "x".repeat(512))).not.toThrow();
    expect(() => validateDescription(O, "x".repeat(513))).toThrow(
      `${O}: invalid description: must be at most 512 characters. Got: "${"x".repeat(40)}… (513 characters)"`,
    );
  });
  test("network tags", () => {
    expect(() => validateNetworkTag(O, "vpcAccess.networkTags", "web-1")).not.toThrow();
    expect(() => validateNetworkTag(O, "vpcAccess.networkTags", "Web")).toThrow(
      `${O}: invalid vpcAccess.networkTags: network tags must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen. Got: "Web"`,
    );
  });
});
