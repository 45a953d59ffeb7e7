/**
 * Property tests of names in a stack: service account ids derived for the services of one
 * stack (always valid, never colliding), default service names from construct ids, labels and
 * environment variable names.
 *
 * The pure function `deriveAccountId` has its own properties in test/iam/account-id.test.ts;
 * these check what reaches the synthesized JSON.
 *
 * Long soak (see arbitraries.ts): FC_NUM_RUNS=100000 npx jest test/hardening --testTimeout=0
 */
import fc from "fast-check";
import { Testing } from "cdktf";
import { CloudRunService } from "../../src";
import { isValidAccountId } from "../../src/iam/account-id";
import {
  RESERVED_ENV,
  badEnvName,
  badLabelKey,
  envName,
  freshStack,
  got,
  labelKey,
  labelValue,
  params,
  serviceName,
  thrown,
} from "./arbitraries";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function accountIds(json: Json): string[] {
  return Object.values(json.resource.google_service_account ?? {}).map((a: Json) => a.account_id);
}

describe("service account ids in one stack", () => {
  test("distinct service names give valid, distinct account ids", () => {
    // Names that share a long prefix are cut to the same readable part; the hash must tell them apart.
    const prefix = "a-very-long-service-name-prefix";
    const names = fc.oneof(
      fc.uniqueArray(serviceName, { minLength: 2, maxLength: 6 }),
      fc
        .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 2, maxLength: 6 })
        .map((suffixes) => suffixes.map((s) => `${prefix}-${s}`)),
    );
    fc.assert(
      fc.property(names, (list) => {
        const { stack, image } = freshStack();
        list.forEach((name, i) => {
          new CloudRunService(stack, `svc${i}`, {
            image,
            region: "europe-west1",
            serviceName: name,
          });
        });
        const ids = accountIds(JSON.parse(Testing.synth(stack, true)));
        expect(ids).toHaveLength(list.length);
        expect(new Set(ids).size).toBe(list.length);
        for (const id of ids) {
          expect(isValidAccountId(id)).toBe(true);
        }
      }),
      params(40),
    );
  });

  test("names derived from construct ids are valid and unique, or synth names the clash", () => {
    const constructId = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,60}$/);
    fc.assert(
      fc.property(fc.uniqueArray(constructId, { minLength: 2, maxLength: 6 }), (ids) => {
        const { stack, image } = freshStack();
        const services = ids.map(
          (id) => new CloudRunService(stack, id, { image, region: "europe-west1" }),
        );
        const names = services.map((s) => s.serviceName);
        if (new Set(names).size < names.length) {
          expect(() => Testing.synth(stack, true)).toThrow(
            /invalid serviceName: must be unique per project and region, but CloudRunService '.+' uses it too/,
          );
          return;
        }
        const json = JSON.parse(Testing.synth(stack, true));
        const synthesized = Object.values(json.resource.google_cloud_run_v2_service).map(
          (s: Json) => s.name,
        );
        expect(synthesized.sort()).toEqual([...names].sort());
        for (const name of names) {
          expect(name).toMatch(/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/);
        }
        const accounts = accountIds(json);
        expect(new Set(accounts).size).toBe(ids.length);
        expect(accounts.every((a) => isValidAccountId(a))).toBe(true);
      }),
      params(40),
    );
  });
});

describe("labels", () => {
  const shared = freshStack();
  let n = 0;
  const make = (labels: { [key: string]: string }) => () =>
    new CloudRunService(shared.stack, `svc${n++}`, {
      image: shared.image,
      region: "europe-west1",
      labels,
    });

  test("up to 64 valid labels are accepted", () => {
    fc.assert(
      fc.property(fc.dictionary(labelKey, labelValue, { maxKeys: 64 }), (labels) => {
        expect(make(labels)).not.toThrow();
      }),
      params(150),
    );
  });

  test("a bad key among valid ones is named", () => {
    fc.assert(
      fc.property(
        fc.dictionary(labelKey, labelValue, { maxKeys: 10 }),
        badLabelKey,
        (labels, bad) => {
          const error = thrown(make({ ...labels, [bad]: "v" }));
          expect(error.message).toMatch(/: invalid labels: /);
          expect(error.message.endsWith(got(bad))).toBe(true);
        },
      ),
      params(300),
    );
  });

  test("more than 64 labels are refused", () => {
    fc.assert(
      fc.property(fc.uniqueArray(labelKey, { minLength: 65, maxLength: 100 }), (keys) => {
        const error = thrown(make(Object.fromEntries(keys.map((k) => [k, ""]))));
        expect(error).not.toBeInstanceOf(TypeError);
        expect(error.message).toMatch(/: invalid labels: must have at most 64 /);
        expect(error.message).toContain(String(keys.length));
      }),
      params(50),
    );
  });
});

describe("environment variable names", () => {
  const shared = freshStack();
  let n = 0;
  const service = () =>
    new CloudRunService(shared.stack, `svc${n++}`, { image: shared.image, region: "europe-west1" });

  test("C identifiers are accepted, in props, addEnvironment and secrets", () => {
    fc.assert(
      fc.property(fc.uniqueArray(envName, { minLength: 1, maxLength: 6 }), (names) => {
        const [first, ...rest] = names;
        const svc = new CloudRunService(shared.stack, `svc${n++}`, {
          image: shared.image,
          region: "europe-west1",
          environment: { [first]: "v" },
        });
        rest.forEach((name, i) =>
          i % 2 === 0
            ? svc.addEnvironment(name, "v")
            : svc.addSecretEnvironment(name, { secret: "s", version: "1" }),
        );
        expect(svc.environmentNames).toEqual(names);
      }),
      params(120),
    );
  });

  test("malformed and reserved names are refused with the name, wherever they come from", () => {
    const bad = fc.oneof(badEnvName, fc.constantFrom(...RESERVED_ENV));
    const how = fc.constantFrom("prop", "addEnvironment", "secret", "addSecretEnvironment");
    fc.assert(
      fc.property(bad, how, (name, via) => {
        const error = thrown(() => {
          if (via === "prop") {
            new CloudRunService(shared.stack, `svc${n++}`, {
              image: shared.image,
              region: "europe-west1",
              environment: { [name]: "v" },
            });
          } else if (via === "secret") {
            new CloudRunService(shared.stack, `svc${n++}`, {
              image: shared.image,
              region: "europe-west1",
              secrets: { [name]: { secret: "s", version: "1" } },
            });
          } else if (via === "addEnvironment") {
            service().addEnvironment(name, "v");
          } else {
            service().addSecretEnvironment(name, { secret: "s", version: "1" });
          }
        });
        expect(error).not.toBeInstanceOf(TypeError);
        expect(error.message).toMatch(/: invalid (environment|secrets): /);
        expect(error.message.endsWith(got(name))).toBe(true);
      }),
      params(200),
    );
  });

  test("a name used twice is refused", () => {
    fc.assert(
      fc.property(envName, fc.boolean(), (name, asSecret) => {
        const svc = service();
        svc.addEnvironment(name, "v");
        const error = thrown(() =>
          asSecret
            ? svc.addSecretEnvironment(name, { secret: "s" })
            : svc.addEnvironment(name, "w"),
        );
        expect(error.message).toMatch(/names must be unique: this variable is already set/);
        expect(error.message.endsWith(got(name))).toBe(true);
      }),
      params(100),
    );
  });
});
