/**
 * Property tests of CloudRunService and CloudRunApp: every configuration inside the documented
 * limits synthesizes with its values mapped; a configuration with one or several rules broken
 * fails with an Error naming the property and the value.
 *
 * Long soak (see arbitraries.ts): FC_NUM_RUNS=100000 npx jest test/hardening --testTimeout=0
 */
import fc from "fast-check";
import { Testing } from "cdktf";
import { CloudRunApp, CloudRunService, CloudRunServiceOptions } from "../../src";
import {
  Breakage,
  NONROOT_CONTEXT,
  ValidConfig,
  badRegion,
  badServiceName,
  disjoint,
  freshStack,
  got,
  nonEmpty,
  namesBreakage,
  params,
  serviceBreakage,
  thrown,
  validConfig,
} from "./arbitraries";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function serviceOf(json: Json): Json {
  const services = Object.values(json.resource.google_cloud_run_v2_service);
  expect(services).toHaveLength(1);
  return services[0];
}

/** The synthesized service says what the configuration asked for. */
function expectMapped(service: Json, { options, runtime }: ValidConfig, id: string): void {
  expect(service.name).toBe(options.serviceName ?? id);
  expect(service.location).toBe(options.region);
  expect(service.ingress).toBe(options.ingress?.value ?? "INGRESS_TRAFFIC_ALL");
  expect(service.description).toBe(options.description);
  // An empty map writes no attribute (Terraform plans `{}` as null).
  expect(service.labels).toEqual(nonEmpty(options.labels));
  const template = service.template;
  expect(template.timeout).toBe(`${options.timeoutSeconds ?? 300}s`);
  expect(template.max_instance_request_concurrency).toBe(runtime.expect.concurrency);
  expect(template.execution_environment).toBe(runtime.expect.executionEnvironment);
  expect(template.scaling).toEqual({
    min_instance_count: options.minInstances,
    max_instance_count: options.maxInstances,
  });
  const container = template.containers[0];
  expect(container.ports).toEqual({ container_port: options.port ?? 8080 });
  expect(container.resources.limits).toEqual({ cpu: runtime.cpu, memory: runtime.memory });
  expect(container.resources.cpu_idle).toBe(runtime.expect.cpuIdle);
  const env = Object.entries(options.environment ?? {}).map(([name, value]) => ({ name, value }));
  expect(container.env).toEqual(env.length > 0 ? env : undefined);
}

describe("CloudRunService properties", () => {
  test("valid configurations synthesize with their values mapped", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const { stack, image } = freshStack();
        new CloudRunService(stack, "svc", { image, ...config.options });
        const json = JSON.parse(Testing.synth(stack, true));
        expectMapped(serviceOf(json), config, "svc");
      }),
      params(120),
    );
  });

  // Invalid configurations throw at construction: one stack serves every run.
  const shared = freshStack();
  let n = 0;
  function construct(options: CloudRunServiceOptions): Error {
    return thrown(
      () => new CloudRunService(shared.stack, `svc${n++}`, { image: shared.image, ...options }),
    );
  }

  test("one rule broken: an Error naming the property and the value", () => {
    fc.assert(
      fc.property(validConfig, serviceBreakage, (config, breakage) => {
        const error = construct({ ...config.options, ...breakage.patch });
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TypeError);
        expect(error.message).toMatch(/^CloudRunService 'S\/svc\d+': invalid /);
        if (!namesBreakage(error.message, breakage)) {
          throw new Error(`expected "${breakage.prop}" and ${breakage.got}, got: ${error.message}`);
        }
      }),
      params(400),
    );
  });

  test("several rules broken at once: the Error names one of them, with its value", () => {
    const several = fc
      .array(serviceBreakage, { minLength: 2, maxLength: 4 })
      .filter((list) => disjoint(list));
    fc.assert(
      fc.property(validConfig, several, (config, breakages: Breakage[]) => {
        const patch = Object.assign({}, ...breakages.map((b) => b.patch));
        const error = construct({ ...config.options, ...patch });
        expect(error).not.toBeInstanceOf(TypeError);
        if (!breakages.some((b) => namesBreakage(error.message, b))) {
          throw new Error(
            `expected one of ${breakages.map((b) => `${b.prop} (${b.got})`).join(", ")}, got: ${error.message}`,
          );
        }
      }),
      params(300),
    );
  });

  test("values of the wrong type never escape as a TypeError", () => {
    const junk = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 8 }),
      fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    );
    const prop = fc.constantFrom(
      "region",
      "project",
      "serviceName",
      "description",
      "port",
      "cpu",
      "memory",
      "concurrency",
      "timeoutSeconds",
      "minInstances",
      "maxInstances",
      "labels",
      "environment",
      "secrets",
      "serviceAccountEmail",
      "ingress",
      "executionEnvironment",
      "startupProbe",
      "livenessProbe",
      "vpcAccess",
      "cpuIdle",
      "startupCpuBoost",
      "allowUnauthenticated",
      "deletionProtection",
    );
    fc.assert(
      fc.property(validConfig, prop, junk, (config, key, value) => {
        const options = { ...config.options, [key]: value } as CloudRunServiceOptions;
        try {
          new CloudRunService(shared.stack, `svc${n++}`, { image: shared.image, ...options });
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          if (e instanceof TypeError) {
            throw new Error(`${key}=${JSON.stringify(value)} gave a TypeError: ${e.message}`);
          }
        }
      }),
      params(300),
    );
  });
});

describe("CloudRunApp properties", () => {
  test("valid configurations synthesize with their values mapped", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const { stack } = freshStack();
        new CloudRunApp(stack, "app", { directory: NONROOT_CONTEXT, ...config.options });
        const json = JSON.parse(Testing.synth(stack, true));
        const service = Object.values(json.resource.google_cloud_run_v2_service)[0] as Json;
        expectMapped(service, config, "app");
        // The app's own repository lives in the service's region.
        const repositories = Object.values(
          json.resource.google_artifact_registry_repository,
        ) as Json[];
        expect(repositories.map((r) => r.location).sort()).toEqual(
          ["europe-west1", config.options.region].sort(),
        );
      }),
      params(50),
    );
  });

  test("region and serviceName are checked by the app, other props by its service", () => {
    const { stack } = freshStack();
    let n = 0;
    const appBreakage = fc.oneof(
      badRegion.map((v) => ({
        prop: "region",
        patch: { region: v },
        got: got(v),
        owner: "CloudRunApp",
      })),
      badServiceName.map((v) => ({
        prop: "serviceName",
        patch: { serviceName: v },
        got: got(v),
        owner: "CloudRunApp",
      })),
      serviceBreakage
        .filter((b) => !("region" in b.patch) && !("serviceName" in b.patch))
        .map((b) => ({ ...b, owner: "CloudRunService" })),
    );
    fc.assert(
      fc.property(validConfig, appBreakage, (config, breakage) => {
        const id = `app${n++}`;
        const error = thrown(
          () =>
            new CloudRunApp(stack, id, {
              directory: NONROOT_CONTEXT,
              ...config.options,
              ...breakage.patch,
            }),
        );
        expect(error).not.toBeInstanceOf(TypeError);
        const owner =
          breakage.owner === "CloudRunApp"
            ? `CloudRunApp 'S/${id}'`
            : `CloudRunService 'S/${id}/Service'`;
        expect(error.message.startsWith(`${owner}: invalid `)).toBe(true);
        if (!namesBreakage(error.message, breakage)) {
          throw new Error(`expected "${breakage.prop}" and ${breakage.got}, got: ${error.message}`);
        }
      }),
      params(150),
    );
  });
});
