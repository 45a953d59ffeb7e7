/**
 * The program of the determinism tests: two stacks using every construct of the library,
 * composed with each other. Run as a script, it synthesizes into an output directory:
 *
 *   node -r ./test/hardening/support/swc-register.js test/hardening/support/program.ts <checkout> <outdir>
 */
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { CloudRunApp, CloudRunService, Dockerfile, DockerRepository, Probe } from "../../../src";

/** The program: two stacks, every construct of the library, composed with hand-written parts. */
export function program(root: string, outdir: string): App {
  const app = new App({ outdir });
  const cloud = new TerraformStack(app, "cloud");
  new GoogleProvider(cloud, "google", { project: "my-project", region: "europe-west1" });
  const repository = new DockerRepository(cloud, "images", {
    location: "europe-west1",
    labels: { team: "platform", env: "prod" },
  });
  const api = new CloudRunApp(cloud, "api", {
    region: "europe-west1",
    directory: path.join(root, "services", "api"),
    repository,
    allowUnauthenticated: true,
    environment: { LOG_LEVEL: "info", FEATURE_X: "on" },
    labels: { tier: "frontend", app: "api" },
    startupProbe: Probe.http({ path: "/healthz" }),
  });
  const jobs = new CloudRunApp(cloud, "jobs", {
    region: "europe-west1",
    directory: path.join(root, "services", "jobs"),
    repository,
    secrets: { TOKEN: { secret: "jobs-token", version: "3" } },
    cpu: "0.5",
  });
  const worker = new CloudRunApp(cloud, "worker", {
    region: "europe-west1",
    directory: path.join(root, "services", "worker"),
    generatedDockerfile: Dockerfile.rustCargoChef(),
    repository,
  });
  const extra = new CloudRunService(cloud, "extra", {
    image: api.image,
    region: "us-central1",
    serviceName: "api-us",
  });
  worker.service.grantInvoke(api.service.serviceAccountMember);
  jobs.service.grantInvoke(worker.service.serviceAccountMember);
  extra.grantInvoke("group:ops@example.com");
  new TerraformOutput(cloud, "url", { value: api.url });

  const local = new TerraformStack(app, "local");
  CloudRunApp.local(local, "api", {
    region: "europe-west1",
    directory: path.join(root, "services", "api"),
    environment: { LOG_LEVEL: "debug" },
  });
  return app;
}

if (require.main === module) {
  const [root, outdir] = process.argv.slice(2);
  program(root, outdir).synth();
}
