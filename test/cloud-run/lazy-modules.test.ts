/**
 * The provider modules of jobs, schedules and worker pools load on first use: importing the
 * library loads none of them, so programs without these workloads pay nothing for them.
 */
import * as path from "path";

const MODULES = [
  "@cdktf/provider-google/lib/cloud-run-v2-job",
  "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member",
  "@cdktf/provider-google/lib/cloud-scheduler-job",
  "@cdktf/provider-google/lib/cloud-run-v2-worker-pool",
];

test("importing the library loads no job, scheduler or worker pool module; using them does", () => {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const name of MODULES) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    const lib = require("../../src") as typeof import("../../src");
    const { TerraformStack, Testing } = require("cdktf") as typeof import("cdktf");
    const { GoogleProvider } =
      require("@cdktf/provider-google/lib/provider") as typeof import("@cdktf/provider-google/lib/provider");
    expect(loaded).toEqual([]);

    const stack = new TerraformStack(Testing.app(), "Stack");
    new GoogleProvider(stack, "google", { project: "my-project" });
    const repository = new lib.DockerRepository(stack, "Repo", { location: "europe-west1" });
    const image = new lib.ContainerImage(stack, "Image", {
      repository,
      directory: path.join(__dirname, "..", "fixtures", "cloud-run-nonroot"),
    });
    new lib.CloudRunService(stack, "api", { image, region: "europe-west1" });
    expect(loaded).toEqual([]);

    const job = new lib.CloudRunJob(stack, "job", { image, region: "europe-west1" });
    expect(loaded).toEqual([MODULES[0]]);
    job.schedule("nightly", { cron: "0 3 * * *" });
    expect(loaded).toEqual(MODULES.slice(0, 3));
    new lib.WorkerPool(stack, "pool", { image, region: "europe-west1" });
    expect(loaded).toEqual(MODULES);
  });
});
