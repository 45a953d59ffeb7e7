/**
 * Valid configurations drawn from the property-test arbitraries (test/hardening/arbitraries.ts),
 * extended to every prop of CloudRunApp, CloudRunService, DockerRepository and LocalService, and
 * laid out as a few stacks so that Terraform validates and plans many of them per run.
 */
import fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack } from "cdktf";
import {
  CloudRunApp,
  CloudRunService,
  CloudRunServiceOptions,
  ContainerImage,
  DockerRepository,
  DockerRepositoryProps,
  LocalService,
  LocalServiceProps,
  Probe,
  RestartPolicy,
  VpcAccess,
  VpcEgress,
} from "../../../src";
import {
  envName,
  NONROOT_CONTEXT,
  repositoryProps,
  runtime,
  validConfig,
  ValidConfig,
} from "../../hardening/arbitraries";

const timing = (startup: boolean) =>
  fc.integer({ min: 1, max: 24 }).chain((period) =>
    fc.record({
      periodSeconds: fc.option(fc.constant(period), { nil: undefined }),
      timeoutSeconds: fc.option(fc.integer({ min: 1, max: Math.min(period, 10) }), {
        nil: undefined,
      }),
      failureThreshold: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      initialDelaySeconds: fc.option(fc.integer({ min: 0, max: startup ? 240 : 3600 }), {
        nil: undefined,
      }),
    }),
  );

/** Every probe kind (TCP for startup probes only, as Cloud Run), every timing field exercised. */
const probe = (startup: boolean): fc.Arbitrary<Probe> => {
  const kinds: fc.Arbitrary<Probe>[] = [
    fc
      .record({
        t: timing(startup),
        path: fc.option(fc.stringMatching(/^\/[a-z0-9/_-]{0,20}$/), { nil: undefined }),
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        httpHeaders: fc.option(
          fc.dictionary(
            fc.stringMatching(/^X-[A-Za-z]{1,10}$/),
            fc.stringMatching(/^[a-z0-9]{1,10}$/),
            {
              maxKeys: 2,
            },
          ),
          { nil: undefined },
        ),
      })
      .map((r) => Probe.http({ ...r.t, path: r.path, port: r.port, httpHeaders: r.httpHeaders })),
    fc
      .record({
        t: timing(startup),
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        service: fc.option(fc.stringMatching(/^[a-z][a-z0-9.]{0,20}$/), { nil: undefined }),
      })
      .map((r) => Probe.grpc({ ...r.t, port: r.port, service: r.service })),
  ];
  if (startup) {
    kinds.push(
      fc
        .record({
          t: timing(startup),
          port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        })
        .map((r) => Probe.tcp({ ...r.t, port: r.port })),
    );
  }
  return fc.oneof(...kinds);
};

const vpcAccess: fc.Arbitrary<VpcAccess> = fc
  .record({
    network: fc.constantFrom("default", "projects/p/global/networks/shared-vpc"),
    subnetwork: fc.option(fc.constantFrom("default", "run-subnet"), { nil: undefined }),
    networkTags: fc.option(
      fc.uniqueArray(fc.stringMatching(/^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$/), { maxLength: 3 }),
      {
        nil: undefined,
      },
    ),
    egress: fc.option(fc.constantFrom(VpcEgress.ALL_TRAFFIC, VpcEgress.PRIVATE_RANGES_ONLY), {
      nil: undefined,
    }),
  })
  .map((r) => ({
    ...r,
    networkTags: r.networkTags && r.networkTags.length > 0 ? r.networkTags : undefined,
  }));

const secretName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,30}$/);
const secretVersion = fc.constantFrom("latest", "1", "42");

/** The props a `CloudRunService` takes beyond the hardening suite's `validConfig`. */
const serviceExtras = fc.record({
  secrets: fc.option(
    fc.dictionary(
      envName,
      fc.record({ secret: secretName, version: fc.option(secretVersion, { nil: undefined }) }),
      {
        maxKeys: 3,
      },
    ),
    { nil: undefined },
  ),
  startupProbe: fc.option(probe(true), { nil: undefined }),
  livenessProbe: fc.option(probe(false), { nil: undefined }),
  vpcAccess: fc.option(vpcAccess, { nil: undefined }),
  startupCpuBoost: fc.option(fc.boolean(), { nil: undefined }),
  deletionProtection: fc.option(fc.boolean(), { nil: undefined }),
  ignoreClientChanges: fc.option(fc.boolean(), { nil: undefined }),
  ownAccount: fc.boolean(),
  invoker: fc.option(
    fc.constantFrom("serviceAccount:caller@p.iam.gserviceaccount.com", "group:devs@example.com"),
    {
      nil: undefined,
    },
  ),
});

type ServiceExtras = typeof serviceExtras extends fc.Arbitrary<infer T> ? T : never;

function serviceOptions(
  config: ValidConfig,
  extras: ServiceExtras,
  index: number,
): CloudRunServiceOptions {
  // Secrets and plain variables share one namespace: drop secret names the environment uses.
  const environment = config.options.environment ?? {};
  const secrets = Object.fromEntries(
    Object.entries(extras.secrets ?? {}).filter(([name]) => !(name in environment)),
  );
  return {
    ...config.options,
    // Names unique in the stack: the drawn name, suffixed by the configuration's index.
    serviceName: config.options.serviceName
      ? `${config.options.serviceName.slice(0, 40).replace(/-+$/, "")}-c${index}`
      : undefined,
    secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
    startupProbe: extras.startupProbe,
    livenessProbe: extras.livenessProbe,
    vpcAccess: extras.vpcAccess,
    startupCpuBoost: extras.startupCpuBoost,
    deletionProtection: extras.deletionProtection,
    ignoreClientChanges: extras.ignoreClientChanges,
    serviceAccountEmail: extras.ownAccount
      ? undefined
      : `runner-${index}@p.iam.gserviceaccount.com`,
  };
}

const localProps = fc.record({
  runtime,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  environment: fc.option(fc.dictionary(envName, fc.string({ maxLength: 20 }), { maxKeys: 4 }), {
    nil: undefined,
  }),
  hostAddress: fc.option(fc.constantFrom("127.0.0.1", "::1"), { nil: undefined }),
  readOnlyRootFilesystem: fc.option(fc.boolean(), { nil: undefined }),
  restart: fc.option(
    fc.constantFrom(
      RestartPolicy.NO,
      RestartPolicy.ON_FAILURE,
      RestartPolicy.ALWAYS,
      RestartPolicy.UNLESS_STOPPED,
    ),
    { nil: undefined },
  ),
  named: fc.boolean(),
});

/** One configuration: what it is, and how to add it to a stack. */
export interface Configuration {
  readonly kind: "app" | "service" | "local";
  readonly index: number;
  add(stack: TerraformStack): void;
}

/**
 * `count` configurations (a third each of CloudRunApp, CloudRunService with its own
 * DockerRepository, and LocalService), drawn with a fixed seed.
 */
export function configurations(count: number, seed = 20261201): Configuration[] {
  const services = fc.sample(fc.tuple(validConfig, serviceExtras, repositoryProps), {
    seed,
    numRuns: count,
  });
  const locals = fc.sample(localProps, { seed: seed + 1, numRuns: count });
  const result: Configuration[] = [];
  for (let index = 0; index < count; index++) {
    const kind = (["app", "service", "local"] as const)[index % 3];
    const [config, extras, repo] = services[index];
    const local = locals[index];
    result.push({
      kind,
      index,
      add(stack: TerraformStack) {
        const id = `c${index}`;
        if (kind === "app") {
          const app = new CloudRunApp(stack, id, {
            ...serviceOptions(config, extras, index),
            directory: NONROOT_CONTEXT,
          });
          if (extras.invoker) {
            app.service.grantInvoke(extras.invoker);
          }
        } else if (kind === "service") {
          const repoProps: DockerRepositoryProps = {
            ...repo,
            // Repository ids unique in the stack.
            repositoryId: repo.repositoryId
              ? `${repo.repositoryId.slice(0, 50).replace(/-+$/, "")}-r${index}`
              : undefined,
          };
          const repository = new DockerRepository(stack, `${id}-repo`, repoProps);
          const image = new ContainerImage(stack, `${id}-image`, {
            repository,
            directory: NONROOT_CONTEXT,
          });
          const service = new CloudRunService(stack, id, {
            ...serviceOptions(config, extras, index),
            image,
          });
          if (extras.invoker) {
            service.grantInvoke(extras.invoker);
          }
        } else {
          const image = new ContainerImage(stack, `${id}-image`, { directory: NONROOT_CONTEXT });
          const props: LocalServiceProps = {
            image,
            port: local.port,
            hostPort: 20000 + index,
            hostAddress: local.hostAddress,
            environment: local.environment,
            cpu: local.runtime.cpu,
            memory: local.runtime.memory,
            readOnlyRootFilesystem: local.readOnlyRootFilesystem,
            restart: local.restart,
            serviceName: local.named ? `local-svc-${index}` : undefined,
            containerName: local.named ? `cdktf-cloud-run-test-${index}` : undefined,
          };
          new LocalService(stack, id, props);
        }
      },
    });
  }
  return result;
}

/** Adds the configurations to stacks of `perStack` each; every stack has a Google provider. */
export function addConfigurationStacks(app: App, all: Configuration[], perStack: number): void {
  for (let start = 0; start < all.length; start += perStack) {
    const stack = new TerraformStack(app, `generated-${start / perStack}`);
    new GoogleProvider(stack, "google", {
      project: "cdktf-cloud-run-test",
      region: "europe-west1",
    });
    for (const configuration of all.slice(start, start + perStack)) {
      configuration.add(stack);
    }
  }
}
