/**
 * The example stacks, validated and planned by real Terraform with the real providers:
 * what `npx cdktf synth` writes must be valid, must plan offline, and the plan must carry the
 * values the library wrote (image by digest, service account, ingress, limits, scaling, IAM).
 */
import { compareWithPlan, plannedResources, references } from "./support/plan-values";
import { expectValid, plan, prepare, SynthesizedStack, TfJson } from "./support/terraform";
import { EXAMPLE_VARIABLES, synthExamples } from "./support/examples";

/* eslint-disable @typescript-eslint/no-explicit-any */

const stacks = synthExamples("real-examples-");
const plans = new Map<string, TfJson>();

function stack(name: string): SynthesizedStack {
  const found = stacks.find((s) => s.name === name);
  if (found === undefined) {
    throw new Error(`no stack ${name}`);
  }
  return found;
}

function only(json: TfJson, type: string): [string, any] {
  const entries = Object.entries<any>(json.resource?.[type] ?? {});
  expect(entries).toHaveLength(1);
  return entries[0];
}

describe.each(["rust-service", "rust-service-local", "composed-stack"])("example %s", (name) => {
  test("terraform validate: valid, no warnings", () => {
    const s = stack(name);
    prepare(s);
    expectValid(s.dir);
  });

  test("terraform plan: every resource planned, literal values unchanged", () => {
    const s = stack(name);
    const planned = plan(s.dir, EXAMPLE_VARIABLES);
    plans.set(name, planned);
    const { missing, mismatches } = compareWithPlan(s.json, planned);
    expect(missing).toEqual([]);
    expect(mismatches).toEqual([]);
    for (const change of planned.resource_changes ?? []) {
      expect([change.address, change.change.actions]).toEqual([change.address, ["create"]]);
    }
  });
});

describe("rust-service plan: the key fields", () => {
  test("Cloud Run runs the pushed image by digest, under the dedicated service account", () => {
    const s = stack("rust-service");
    const planned = plans.get("rust-service") ?? plan(s.dir, EXAMPLE_VARIABLES);
    const [serviceName] = only(s.json, "google_cloud_run_v2_service");
    const [pushName] = only(s.json, "docker_registry_image");
    const [accountName, account] = only(s.json, "google_service_account");
    const address = `google_cloud_run_v2_service.${serviceName}`;

    const image = references(planned, address, ["template", "0", "containers", "0", "image"]);
    expect(image).toContain(`docker_registry_image.${pushName}.sha256_digest`);
    const serviceAccount = references(planned, address, ["template", "0", "service_account"]);
    expect(serviceAccount).toContain(`google_service_account.${accountName}.email`);

    const resources = plannedResources(planned);
    const service = resources.get(address)!;
    // The image and the account's email are known only at apply.
    expect(service.afterUnknown.template[0].containers[0].image).toBe(true);
    expect(resources.get(`google_service_account.${accountName}`)!.values.account_id).toBe(
      account.account_id,
    );

    const template = service.values.template[0];
    expect(service.values.ingress).toBe("INGRESS_TRAFFIC_ALL");
    expect(template.containers[0].resources[0].limits).toEqual({ cpu: "1", memory: "512Mi" });
    expect(template.scaling[0].max_instance_count).toBe(3);
    expect(template.containers[0].ports[0].container_port).toBe(8080);
    expect(service.values.deletion_protection).toBe(false);
  });

  test("the push is triggered by the content hash, and the invoker binding is allUsers", () => {
    const s = stack("rust-service");
    const planned = plans.get("rust-service") ?? plan(s.dir, EXAMPLE_VARIABLES);
    const resources = plannedResources(planned);
    const [pushName, push] = only(s.json, "docker_registry_image");
    const [imageName, image] = only(s.json, "docker_image");
    expect(resources.get(`docker_registry_image.${pushName}`)!.values.triggers).toEqual(
      push.triggers,
    );
    // The project in the name is a reference to the repository's project, resolved at plan.
    const name = resources.get(`docker_image.${imageName}`)!.values.name;
    expect(name).toMatch(
      /^europe-west1-docker\.pkg\.dev\/cdktf-cloud-run-test\/[a-z0-9-]+\/cloud-run-app:[0-9a-f]{64}$/,
    );
    expect(name.endsWith(`:${image.triggers.fingerprint}`)).toBe(true);

    const [memberName] = only(s.json, "google_cloud_run_v2_service_iam_member");
    const member = resources.get(`google_cloud_run_v2_service_iam_member.${memberName}`)!;
    expect(member.values.member).toBe("allUsers");
    expect(member.values.role).toBe("roles/run.invoker");
  });
});

describe("composed-stack plan: the jobs, their schedule and the mounted bucket", () => {
  function planned(): { s: SynthesizedStack; plan: TfJson } {
    const s = stack("composed-stack");
    return { s, plan: plans.get("composed-stack") ?? plan(s.dir, EXAMPLE_VARIABLES) };
  }

  function named(json: TfJson, type: string, name: string): string {
    const found = Object.entries<any>(json.resource?.[type] ?? {}).find(([, r]) => r.name === name);
    if (found === undefined) {
      throw new Error(`no ${type} named ${name}`);
    }
    return `${type}.${found[0]}`;
  }

  test("each job runs its subcommand on the uploads bucket, mounted writable, as its own account", () => {
    const { s, plan: p } = planned();
    const resources = plannedResources(p);
    const [bucketName] = only(s.json, "google_storage_bucket");
    for (const [name, args] of [
      ["composed-migrate-uploads", ["migrate", "--dir", "/mnt/uploads"]],
      ["composed-cleanup-uploads", ["cleanup", "--dir", "/mnt/uploads", "--older-than-days", "30"]],
    ] as const) {
      const address = named(s.json, "google_cloud_run_v2_job", name);
      const template = resources.get(address)!.values.template[0].template[0];
      expect(template.containers[0].args).toEqual(args);
      expect(template.containers[0].volume_mounts).toEqual([
        { name: "mnt-uploads", mount_path: "/mnt/uploads" },
      ]);
      expect(template.volumes[0].gcs[0].read_only).toBe(false);
      expect(template.max_retries).toBe(1);
      expect(
        references(p, address, [
          "template",
          "0",
          "template",
          "0",
          "volumes",
          "0",
          "gcs",
          "0",
          "bucket",
        ]),
      ).toContain(`google_storage_bucket.${bucketName}.name`);
      const account = references(p, address, ["template", "0", "template", "0", "service_account"]);
      expect(
        account.some((r) => /^google_service_account\.(migrate|cleanup)_ServiceAccount_/.test(r)),
      ).toBe(true);
    }
    const grants = [...resources.values()].filter(
      (r) => r.type === "google_storage_bucket_iam_member",
    );
    expect(grants.map((g) => g.values.role)).toEqual([
      "roles/storage.objectUser",
      "roles/storage.objectUser",
      "roles/storage.objectUser",
    ]);
  });

  test("the scheduler calls the cleanup job's run method at 03:00 Brussels time", () => {
    const { s, plan: p } = planned();
    const [schedulerName] = only(s.json, "google_cloud_scheduler_job");
    const address = `google_cloud_scheduler_job.${schedulerName}`;
    const scheduler = plannedResources(p).get(address)!.values;
    expect(scheduler.schedule).toBe("0 3 * * *");
    expect(scheduler.time_zone).toBe("Europe/Brussels");
    expect(scheduler.http_target[0].http_method).toBe("POST");
    const job = named(s.json, "google_cloud_run_v2_job", "composed-cleanup-uploads");
    expect(references(p, address, ["http_target", "0", "uri"])).toEqual(
      expect.arrayContaining([`${job}.name`, `${job}.location`, `${job}.project`]),
    );
  });
});
