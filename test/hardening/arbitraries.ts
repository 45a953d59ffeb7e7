/**
 * Generators of valid and invalid configurations from the documented limits (DESIGN.md §3),
 * and the run settings of the property suites.
 *
 * Long soak: the run count and the seed come from the environment, e.g.
 *
 *   FC_NUM_RUNS=100000 FC_SEED=$RANDOM npx jest test/hardening --testTimeout=0
 *
 * `FC_NUM_RUNS` replaces every suite's run count; `FC_SEED` replaces the fixed seed (the seed of
 * a failure is printed by fast-check, so it can be replayed with the same variable).
 */
import * as path from "path";
import fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import {
  CloudRunServiceOptions,
  ContainerImage,
  DockerRepository,
  DockerRepositoryProps,
  ExecutionEnvironment,
  Ingress,
} from "../../src";

export const NONROOT_CONTEXT = path.join(__dirname, "..", "fixtures", "cloud-run-nonroot");

/** fast-check parameters: a fixed seed and `runs`, both overridable from the environment. */
export function params(runs: number): { seed: number; numRuns: number } {
  const fromEnv = Number(process.env.FC_NUM_RUNS);
  const seed = Number(process.env.FC_SEED);
  return {
    seed: Number.isSafeInteger(seed) ? seed : 42,
    numRuns: Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : runs,
  };
}

/** A fresh stack with a Google provider, a repository and a pushed non-root image. */
export function freshStack(): {
  stack: TerraformStack;
  repository: DockerRepository;
  image: ContainerImage;
} {
  const stack = new TerraformStack(Testing.app(), "S");
  new GoogleProvider(stack, "google", { project: "p" });
  const repository = new DockerRepository(stack, "Repo", { location: "europe-west1" });
  const image = new ContainerImage(stack, "Image", {
    repository,
    directory: NONROOT_CONTEXT,
    imageName: "img",
  });
  return { stack, repository, image };
}

/** Formats a value the way the library's errors end: `Got: <value>`. */
export function got(value: unknown): string {
  return `Got: ${JSON.stringify(value)}`;
}

/** What an optional map prop synthesizes to: nothing when it has no entries. */
export function nonEmpty<T>(
  map: { [key: string]: T } | undefined,
): { [key: string]: T } | undefined {
  return map !== undefined && Object.keys(map).length > 0 ? map : undefined;
}

/** Runs `fn` and returns what it threw (a test failure when it did not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

// --------------------------------------------------------------------------------------------
// Names

/** Valid service names: 1–49 of [a-z0-9-], starting with a letter, not ending with a hyphen. */
export const serviceName = fc.oneof(
  fc.stringMatching(/^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/),
  // Long names near the limit, where cuts and hashes matter.
  fc
    .tuple(
      fc.stringMatching(/^[a-z]$/),
      fc.string({
        unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"),
        minLength: 40,
        maxLength: 47,
      }),
      fc.stringMatching(/^[a-z0-9]$/),
    )
    .map(([a, b, c]) => a + b + c),
);

/** Regions valid for Cloud Run and Artifact Registry alike. */
export const region = fc.oneof(
  fc.constantFrom(
    "europe-west1",
    "europe-west4",
    "us-central1",
    "us-east4",
    "asia-northeast1",
    "australia-southeast2",
    "northamerica-northeast1",
    "southamerica-east1",
    "me-central2",
  ),
  fc.stringMatching(/^[a-z]{2,12}-[a-z]{3,10}[1-9][0-9]?$/),
);

/** C identifiers that Cloud Run does not reserve. */
export const envName = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/)
  .filter((n) => !["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"].includes(n));

export const RESERVED_ENV = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"];

/** Malformed env names: not C identifiers. */
export const badEnvName = fc.oneof(
  fc.stringMatching(/^[0-9][A-Za-z0-9_]{0,10}$/),
  fc.stringMatching(/^[A-Za-z_]{1,5}[-. $=][A-Za-z0-9_]{0,5}$/),
  fc.constant(""),
);

export const labelKey = fc.stringMatching(/^[a-z][a-z0-9_-]{0,62}$/);
export const labelValue = fc.stringMatching(/^[a-z0-9_-]{0,63}$/);
export const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 6 });

export const badLabelKey = fc.oneof(
  fc.stringMatching(/^[A-Z][a-z0-9_-]{0,10}$/),
  fc.stringMatching(/^[0-9_-][a-z0-9_-]{0,10}$/),
  fc.stringMatching(/^[a-z]{1,5}[.:/ @][a-z0-9]{0,5}$/),
  fc.stringMatching(/^[a-z][a-z0-9_-]{63,80}$/),
  fc.constantFrom(
    "run.googleapis.com/launch-stage",
    "cloud.googleapis.com/location",
    "serving.knative.dev/service",
    "autoscaling.knative.dev/maxScale",
  ),
);
export const badLabelValue = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{0,5}[A-Z .:/@][a-z0-9]{0,5}$/),
  fc.stringMatching(/^[a-z0-9_-]{64,80}$/),
);

// --------------------------------------------------------------------------------------------
// Repositories

const location = fc.oneof(region, fc.constantFrom("us", "europe", "asia"));
const repositoryId = fc.stringMatching(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
const asciiLabelValue = fc.stringMatching(/^[a-z0-9_-]{0,63}$/);
const days = fc.integer({ min: 1, max: 3650 });

/** Valid `DockerRepository` props, every prop exercised. */
export const repositoryProps: fc.Arbitrary<DockerRepositoryProps> = fc.record({
  location,
  project: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/), { nil: undefined }),
  repositoryId: fc.option(repositoryId, { nil: undefined }),
  description: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  labels: fc.option(fc.dictionary(labelKey, asciiLabelValue, { maxKeys: 64 }), { nil: undefined }),
  immutableTags: fc.option(fc.boolean(), { nil: undefined }),
  cleanupPolicies: fc.option(fc.boolean(), { nil: undefined }),
  keepRecentVersions: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  deleteUntaggedAfterDays: fc.option(days, { nil: undefined }),
  deleteTaggedAfterDays: fc.option(days, { nil: undefined }),
});

// --------------------------------------------------------------------------------------------
// CPU and memory (DESIGN §3 [cpu], [memory])

export interface Runtime {
  readonly cpu: string;
  readonly memory: string;
  readonly concurrency?: number;
  readonly cpuIdle?: boolean;
  readonly executionEnvironment?: ExecutionEnvironment;
  /** What the synthesized service must say. */
  readonly expect: {
    readonly concurrency: number;
    readonly cpuIdle: boolean;
    readonly executionEnvironment?: string;
  };
}

const MAX_MEMORY_MI: { [cpu: number]: number } = { 1: 4096, 2: 8192, 4: 16384, 6: 24576, 8: 32768 };
const MIN_MEMORY_MI: { [cpu: number]: number } = { 1: 128, 2: 128, 4: 2048, 6: 4096, 8: 4096 };

function memoryText(mi: number, useGi: boolean): string {
  return useGi && mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** A CPU below 1 (80m–999m): concurrency 1, cpuIdle, gen1, memory 128Mi–512Mi (or 1Gi from 0.5). */
const fractionalRuntime: fc.Arbitrary<Runtime> = fc
  .record({
    millis: fc.integer({ min: 80, max: 999 }),
    milliUnit: fc.boolean(),
    memoryFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    useGi: fc.boolean(),
    concurrency: fc.option(fc.constant(1), { nil: undefined }),
    cpuIdle: fc.option(fc.constant(true), { nil: undefined }),
    gen1: fc.boolean(),
  })
  .map((r) => {
    const maxMi = r.millis >= 500 ? 1024 : 512;
    const mi = 128 + Math.floor(r.memoryFraction * (maxMi - 128));
    const cpu = r.milliUnit ? `${r.millis}m` : String(r.millis / 1000);
    return {
      cpu,
      memory: memoryText(mi, r.useGi),
      concurrency: r.concurrency,
      cpuIdle: r.cpuIdle,
      executionEnvironment: r.gen1 ? ExecutionEnvironment.GEN1 : undefined,
      expect: { concurrency: 1, cpuIdle: true, executionEnvironment: "EXECUTION_ENVIRONMENT_GEN1" },
    };
  });

/** 1, 2, 4, 6 or 8 CPU with memory within the documented bounds. */
const wholeRuntime: fc.Arbitrary<Runtime> = fc
  .record({
    cores: fc.constantFrom(1, 2, 4, 6, 8),
    form: fc.constantFrom("plain", "milli", "decimal"),
    environment: fc.constantFrom(undefined, "GEN1", "GEN2"),
    memoryFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    useGi: fc.boolean(),
    concurrency: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    cpuIdle: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => {
    const min = Math.max(MIN_MEMORY_MI[r.cores], r.environment === "GEN2" ? 512 : 128);
    const max = MAX_MEMORY_MI[r.cores];
    const mi = min + Math.floor(r.memoryFraction * (max - min));
    const cpu =
      r.form === "milli"
        ? `${r.cores * 1000}m`
        : r.form === "decimal"
          ? `${r.cores}.0`
          : `${r.cores}`;
    const executionEnvironment =
      r.environment === "GEN1"
        ? ExecutionEnvironment.GEN1
        : r.environment === "GEN2"
          ? ExecutionEnvironment.GEN2
          : undefined;
    return {
      cpu,
      memory: memoryText(mi, r.useGi),
      concurrency: r.concurrency,
      cpuIdle: r.cpuIdle,
      executionEnvironment,
      expect: {
        concurrency: r.concurrency ?? 80,
        cpuIdle: r.cpuIdle ?? true,
        executionEnvironment: executionEnvironment?.value,
      },
    };
  });

export const runtime = fc.oneof(fractionalRuntime, wholeRuntime);

// --------------------------------------------------------------------------------------------
// Whole service configurations

export interface ValidConfig {
  readonly options: CloudRunServiceOptions;
  readonly runtime: Runtime;
}

export const validConfig: fc.Arbitrary<ValidConfig> = fc
  .record({
    region,
    serviceName: fc.option(serviceName, { nil: undefined }),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    runtime,
    timeoutSeconds: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
    scaling: fc
      .integer({ min: 1, max: 1000 })
      .chain((max) => fc.tuple(fc.integer({ min: 0, max }), fc.constant(max))),
    labels: fc.option(labels, { nil: undefined }),
    environment: fc.option(fc.dictionary(envName, fc.string({ maxLength: 40 }), { maxKeys: 6 }), {
      nil: undefined,
    }),
    ingress: fc.option(
      fc.constantFrom(
        Ingress.ALL,
        Ingress.INTERNAL_ONLY,
        Ingress.INTERNAL_AND_CLOUD_LOAD_BALANCING,
      ),
      { nil: undefined },
    ),
    description: fc.option(fc.string({ maxLength: 120 }), { nil: undefined }),
    allowUnauthenticated: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => ({
    runtime: r.runtime,
    options: {
      region: r.region,
      serviceName: r.serviceName,
      port: r.port,
      cpu: r.runtime.cpu,
      memory: r.runtime.memory,
      concurrency: r.runtime.concurrency,
      cpuIdle: r.runtime.cpuIdle,
      executionEnvironment: r.runtime.executionEnvironment,
      timeoutSeconds: r.timeoutSeconds,
      minInstances: r.scaling[0],
      maxInstances: r.scaling[1],
      labels: r.labels,
      environment: r.environment,
      ingress: r.ingress,
      description: r.description,
      allowUnauthenticated: r.allowUnauthenticated,
    },
  }));

/**
 * One broken rule: the props to merge into a valid configuration, the property the error must
 * name and the value it must end with.
 */
export interface Breakage {
  readonly patch: Partial<CloudRunServiceOptions>;
  readonly prop: string;
  /** The exact `Got: ...` tail, or undefined when the value is shortened in the message. */
  readonly got?: string;
}

const br = (prop: string, patch: Partial<CloudRunServiceOptions>, value?: unknown): Breakage => ({
  prop,
  patch,
  got: value === undefined ? undefined : got(value),
});

/** A runtime patch: every runtime prop is set, so the valid base cannot interfere. */
const rt = (patch: Partial<CloudRunServiceOptions>): Partial<CloudRunServiceOptions> => ({
  cpu: "1",
  memory: "512Mi",
  concurrency: undefined,
  cpuIdle: undefined,
  executionEnvironment: undefined,
  ...patch,
});

/** A region Cloud Run rejects. */
export const badRegion = fc.oneof(
  fc.constantFrom(
    "global",
    "europe",
    "europe-west",
    "EUROPE-WEST1",
    "europe_west1",
    "",
    " europe-west1",
  ),
  fc.stringMatching(/^[a-z]{2,8}[0-9]$/),
);

/** A service name Cloud Run rejects. */
export const badServiceName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[A-Z_.][a-z0-9]{0,5}$/),
  fc.stringMatching(/^[0-9-][a-z0-9-]{0,10}$/),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}-$/),
  fc.stringMatching(/^[a-z][a-z0-9-]{49,60}[a-z0-9]$/),
);

/** Breakages of the props a `CloudRunService` checks, one rule each. */
export const serviceBreakage: fc.Arbitrary<Breakage> = fc.oneof(
  badRegion.map((v) => br("region", { region: v }, v)),
  badServiceName.map((v) => br("serviceName", { serviceName: v }, v)),
  fc
    .integer({ min: 1, max: 200 })
    .map((n) => br("description", { description: "x".repeat(512 + n) })),
  fc
    .oneof(
      fc.integer({ min: -100000, max: 0 }),
      fc.integer({ min: 65536, max: 1000000 }),
      fc.double({ min: 1.01, max: 65534.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
    )
    .map((v) => br("port", { port: v }, v)),
  fc
    .oneof(
      fc.constantFrom(
        "3",
        "5",
        "7",
        "16",
        "1.5",
        "0.07",
        "79m",
        "0.0795",
        "1000.5",
        "-1",
        "one",
        "",
      ),
      fc
        .integer({ min: 1001, max: 100000 })
        .filter((m) => m % 1000 !== 0 || ![1, 2, 4, 6, 8].includes(m / 1000))
        .map((m) => `${m}m`),
      fc.integer({ min: 0, max: 79 }).map((m) => `${m}m`),
    )
    .map((v) => br("cpu", rt({ cpu: v }), v)),
  fc
    .oneof(
      fc.constantFrom("512", "1Ti", "1 Gi", "-1Gi", "", "512mi", "Gi"),
      fc.integer({ min: 1, max: 127 }).map((m) => `${m}Mi`),
      fc.integer({ min: 33, max: 100 }).map((g) => `${g}Gi`),
    )
    .map((v) => br("memory", rt({ cpu: "8", memory: v }), v)),
  // CPU and memory combinations.
  fc
    .integer({ min: 4097, max: 8192 })
    .map((mi) => br("memory", rt({ cpu: "1", memory: `${mi}Mi` }), `${mi}Mi`)),
  fc
    .integer({ min: 128, max: 2047 })
    .map((mi) => br("memory", rt({ cpu: "4", memory: `${mi}Mi` }), `${mi}Mi`)),
  fc
    .integer({ min: 513, max: 1024 })
    .map((mi) => br("memory", rt({ cpu: "0.25", memory: `${mi}Mi` }), `${mi}Mi`)),
  fc
    .integer({ min: 128, max: 511 })
    .map((mi) =>
      br(
        "memory",
        rt({ memory: `${mi}Mi`, executionEnvironment: ExecutionEnvironment.GEN2 }),
        `${mi}Mi`,
      ),
    ),
  fc
    .oneof(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 1001, max: 100000 }))
    .map((v) => br("concurrency", rt({ concurrency: v }), v)),
  fc
    .integer({ min: 2, max: 1000 })
    .map((v) => br("concurrency", rt({ cpu: "0.5", concurrency: v }), v)),
  fc.constant(br("cpuIdle", rt({ cpu: "0.5", cpuIdle: false }), false)),
  fc.constant(
    br(
      "executionEnvironment",
      rt({ cpu: "0.5", executionEnvironment: ExecutionEnvironment.GEN2 }),
      "EXECUTION_ENVIRONMENT_GEN2",
    ),
  ),
  fc
    .oneof(fc.integer({ min: -100, max: 0 }), fc.integer({ min: 3601, max: 100000 }))
    .map((v) => br("timeoutSeconds", { timeoutSeconds: v }, v)),
  fc
    .integer({ min: 1, max: 1000 })
    .chain((max) => fc.tuple(fc.integer({ min: max + 1, max: max + 1000 }), fc.constant(max)))
    .map(([min, max]) => br("minInstances", { minInstances: min, maxInstances: max }, min)),
  fc
    .integer({ min: -100, max: -1 })
    .map((v) => br("minInstances", { minInstances: v, maxInstances: 10 }, v)),
  fc
    .integer({ min: -100, max: 0 })
    .map((v) => br("maxInstances", { minInstances: 0, maxInstances: v }, v)),
  badLabelKey.map((k) => br("labels", { labels: { [k]: "v" } }, k)),
  fc.tuple(labelKey, badLabelValue).map(([k, v]) => br(`labels.${k}`, { labels: { [k]: v } }, v)),
  fc
    .oneof(badEnvName, fc.constantFrom(...RESERVED_ENV))
    .map((n) => br("environment", { environment: { [n]: "v" } }, n)),
  fc
    .oneof(
      fc.stringMatching(/^[1-9][0-9]{5,11}-compute@developer\.gserviceaccount\.com$/),
      fc.stringMatching(/^[a-z][a-z0-9-]{5,20}@appspot\.gserviceaccount\.com$/),
      fc.constantFrom("not-an-email", "serviceAccount:a@p.iam.gserviceaccount.com", ""),
    )
    .map((v) => br("serviceAccountEmail", { serviceAccountEmail: v }, v)),
);

/** True when no two breakages touch the same prop (so each stays broken when merged). */
export function disjoint(breakages: Breakage[]): boolean {
  const seen = new Set<string>();
  for (const b of breakages) {
    for (const key of Object.keys(b.patch)) {
      if (seen.has(key)) {
        return false;
      }
    }
    for (const key of Object.keys(b.patch)) {
      seen.add(key);
    }
  }
  return true;
}

/** The error names the broken property and ends with the value given. */
export function namesBreakage(message: string, b: Breakage): boolean {
  return (
    message.includes(`: invalid ${b.prop}: `) && (b.got === undefined || message.endsWith(b.got))
  );
}
