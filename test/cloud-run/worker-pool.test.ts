import { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { CloudRunV2WorkerPoolIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool-iam-member";
import { TerraformVariable } from "cdktf";
import { SecurityPosture, Volume, VpcEgress, WorkerPool, WorkerPoolProps } from "../../src";
import { fixture, only, REGION, resources, synth, warnings } from "./helpers";

const OWNER = "WorkerPool 'Stack/consumer'";

function pool(props: Partial<WorkerPoolProps> = {}, id = "consumer") {
  const f = fixture();
  const p = new WorkerPool(f.stack, id, { image: f.image, region: REGION, ...props });
  return { ...f, pool: p };
}

describe("defaults", () => {
  const { stack, pool: p } = pool();
  const out = synth(stack);
  const res = only(out, "google_cloud_run_v2_worker_pool");
  const c = res.template.containers[0];

  test("name from the construct id, in the region, one instance by manual scaling", () => {
    expect(res.name).toBe("consumer");
    expect(res.location).toBe(REGION);
    expect(res.project).toBeUndefined();
    expect(res.scaling).toEqual({ scaling_mode: "MANUAL", manual_instance_count: 1 });
    expect(p.workerPoolName).toBe("consumer");
    expect(p.instanceCount).toBe(1);
  });

  test("declared with launch_stage BETA (a preview feature of the pinned provider), then ignored", () => {
    expect(res.launch_stage).toBe("BETA");
    expect(res.lifecycle.ignore_changes).toEqual(["client", "client_version", "launch_stage"]);
    expect(res.deletion_protection).toBe(true);
  });

  test("no port, no URL, no probes: the pushed image pinned by digest, 1 CPU, 512Mi", () => {
    expect(c.image).toMatch(/@\$\{docker_registry_image\.[^.]+\.sha256_digest\}$/);
    expect(c.resources).toEqual({ limits: { cpu: "1", memory: "512Mi" } });
    expect(c.ports).toBeUndefined();
    expect(c.startup_probe).toBeUndefined();
    expect(c.liveness_probe).toBeUndefined();
    expect(res.template.volumes).toBeUndefined();
    expect(c.volume_mounts).toBeUndefined();
  });

  test("a dedicated service account with no roles anywhere", () => {
    const sa = only(out, "google_service_account");
    expect(sa.account_id).toMatch(/^consumer-[0-9a-f]{8}$/);
    expect(sa.display_name).toBe("Cloud Run worker pool consumer");
    const [saId] = Object.keys(resources(out, "google_service_account"));
    expect(res.template.service_account).toBe(`\${google_service_account.${saId}.email}`);
    expect(Object.keys(out.resource).filter((t) => t.includes("_iam_"))).toEqual([]);
    expect(p.serviceAccountMember).toBe(`serviceAccount:${p.serviceAccountEmail}`);
  });
});

describe("prop mapping", () => {
  test("project, name, description, labels, instances, cpu, memory, command, args, VPC", () => {
    const out = synth(
      pool({
        project: "other-project",
        workerPoolName: "orders-consumer",
        description: "Consumes the orders queue",
        labels: { team: "payments" },
        instanceCount: 3,
        cpu: "2",
        memory: "2Gi",
        command: ["/app/consume"],
        args: ["--queue", "orders"],
        vpcAccess: { subnetwork: "private", egress: VpcEgress.ALL_TRAFFIC },
        deletionProtection: false,
      }).stack,
    );
    const res = only(out, "google_cloud_run_v2_worker_pool");
    expect(res).toMatchObject({
      project: "other-project",
      name: "orders-consumer",
      description: "Consumes the orders queue",
      labels: { team: "payments" },
      deletion_protection: false,
      scaling: { scaling_mode: "MANUAL", manual_instance_count: 3 },
      template: {
        vpc_access: { egress: "ALL_TRAFFIC", network_interfaces: [{ subnetwork: "private" }] },
      },
    });
    expect(res.template.containers[0]).toMatchObject({
      command: ["/app/consume"],
      args: ["--queue", "orders"],
      resources: { limits: { cpu: "2", memory: "2Gi" } },
    });
  });

  test("0 instances stops the pool", () => {
    expect(
      only(synth(pool({ instanceCount: 0 }).stack), "google_cloud_run_v2_worker_pool").scaling,
    ).toEqual({ scaling_mode: "MANUAL", manual_instance_count: 0 });
  });

  test("an instance count only known at apply", () => {
    const f = fixture();
    const count = new TerraformVariable(f.stack, "count", { type: "number" });
    new WorkerPool(f.stack, "consumer", {
      image: f.image,
      region: REGION,
      instanceCount: count.numberValue,
    });
    expect(only(synth(f.stack), "google_cloud_run_v2_worker_pool").scaling).toEqual({
      scaling_mode: "MANUAL",
      manual_instance_count: "${var.count}",
    });
  });

  test("secrets are granted to the pool's account, before the pool", () => {
    const { stack, pool: p } = pool({ secrets: { TOKEN: { secret: "token", version: "2" } } });
    p.addEnvironment("QUEUE", "orders");
    const out = synth(stack);
    const res = only(out, "google_cloud_run_v2_worker_pool");
    expect(res.template.containers[0].env).toEqual([
      { name: "TOKEN", value_source: { secret_key_ref: { secret: "token", version: "2" } } },
      { name: "QUEUE", value: "orders" },
    ]);
    const [grantId] = Object.keys(resources(out, "google_secret_manager_secret_iam_member"));
    expect(res.depends_on).toEqual([`google_secret_manager_secret_iam_member.${grantId}`]);
    expect(p.secretEnvironment).toEqual(["TOKEN"]);
    expect(p.environmentNames).toEqual(["TOKEN", "QUEUE"]);
  });
});

describe("validation", () => {
  test.each([
    [
      { instanceCount: -1 },
      `${OWNER}: invalid instanceCount: must be an integer at least 0 (0 stops every instance). Got: -1`,
    ],
    [
      { instanceCount: 1.5 },
      "invalid instanceCount: must be an integer at least 0 (0 stops every instance). Got: 1.5",
    ],
    [
      { workerPoolName: "a".repeat(50) },
      "invalid workerPoolName: must be 1 to 49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen.",
    ],
    [{ workerPoolName: "Consumer" }, "invalid workerPoolName: must be 1 to 49"],
    [
      { cpu: "0.5" },
      `${OWNER}: invalid cpu: must be "1", "2", "4", "6" or "8": a worker pool takes at least one whole CPU. Got: "0.5"`,
    ],
    [
      { memory: "256Mi" },
      "invalid memory: must be at least 512Mi in the second generation execution environment",
    ],
    [{ description: "x".repeat(513) }, "invalid description: must be at most 512 characters"],
    [
      { environment: { K_SERVICE: "x" } },
      "invalid environment: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION are reserved",
    ],
    [{ command: [] }, "invalid command: must be a non-empty list of strings"],
    [
      { volumes: "x" as unknown as [] },
      `${OWNER}: invalid volumes: must be a list of volume mounts { path, volume } known at synth. Got: "x"`,
    ],
  ])("%j", (props, message) => {
    expect(() => pool(props as Partial<WorkerPoolProps>)).toThrow(message);
  });

  test("two pools with one name in one region fail at synth", () => {
    const f = fixture();
    new WorkerPool(f.stack, "a", { image: f.image, region: REGION, workerPoolName: "same" });
    new WorkerPool(f.stack, "b", { image: f.image, region: REGION, workerPoolName: "same" });
    expect(() => synth(f.stack)).toThrow(
      "WorkerPool 'Stack/b': invalid workerPoolName: must be unique per project and region, but WorkerPool 'Stack/a' uses it too.",
    );
  });

  test("isWorkerPool", () => {
    const { pool: p, repository } = pool();
    expect(WorkerPool.isWorkerPool(p)).toBe(true);
    expect(WorkerPool.isWorkerPool(repository)).toBe(false);
  });
});

describe("volumes", () => {
  test("each kind renders into the template and the container, granting exactly its resource", () => {
    const { stack, pool: p } = pool({
      memory: "1Gi",
      volumes: [
        { path: "/secrets", volume: Volume.secret({ secret: "config", version: "4" }) },
        { path: "/cache", volume: Volume.emptyDir({ sizeLimit: "256Mi" }) },
        { path: "/data", volume: Volume.cloudStorage({ bucket: "orders-data" }) },
      ],
    });
    p.addVolume("/cloudsql", Volume.cloudSql({ instances: ["db-project:europe-west1:orders"] }));
    const out = synth(stack);
    const res = only(out, "google_cloud_run_v2_worker_pool");
    expect(res.template.volumes.map((v: { name: string }) => v.name)).toHaveLength(4);
    expect(res.template.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ gcs: { bucket: "orders-data", read_only: true } }),
        expect.objectContaining({ empty_dir: { medium: "MEMORY", size_limit: "256Mi" } }),
        expect.objectContaining({
          cloud_sql_instance: { instances: ["db-project:europe-west1:orders"] },
        }),
      ]),
    );
    expect(
      res.template.containers[0].volume_mounts.map((m: { mount_path: string }) => m.mount_path),
    ).toEqual(["/secrets", "/cache", "/data", "/cloudsql"]);
    expect(Object.values(resources(out, "google_secret_manager_secret_iam_member"))).toEqual([
      expect.objectContaining({ secret_id: "config", role: "roles/secretmanager.secretAccessor" }),
    ]);
    expect(Object.values(resources(out, "google_storage_bucket_iam_member"))).toEqual([
      expect.objectContaining({ bucket: "orders-data", role: "roles/storage.objectViewer" }),
    ]);
    expect(Object.values(resources(out, "google_project_iam_member"))).toEqual([
      expect.objectContaining({ project: "db-project", role: "roles/cloudsql.client" }),
    ]);
    expect(res.depends_on).toHaveLength(3);
    expect(SecurityPosture.of(stack).findings()).toEqual([]);
  });

  test("in-memory sizes count against the container's memory", () => {
    expect(() =>
      pool({ volumes: [{ path: "/cache", volume: Volume.emptyDir({ sizeLimit: "512Mi" }) }] }),
    ).toThrow(
      `${OWNER}: invalid volumes[0].volume: the size limits of the in-memory volumes the worker pool's container mounts`,
    );
  });

  test("mount paths are checked", () => {
    expect(() => pool({ volumes: [{ path: "/", volume: Volume.emptyDir() }] })).toThrow(
      `${OWNER}: invalid volumes[0].path`,
    );
  });

  test("an unsized emptyDir is a warning only when it could fill the container's memory", () => {
    const { stack } = pool({ volumes: [{ path: "/cache", volume: Volume.emptyDir() }] });
    synth(stack);
    expect(warnings(stack)).toEqual([]);
  });
});

describe("posture", () => {
  test("the report lists worker pools in their own section", () => {
    const { stack } = pool();
    const report = SecurityPosture.of(stack).renderReport();
    expect(report).toContain(
      "## Worker pools\n\n| Worker pool | Region | Image | Runtime user | Access | Service account | Roles of the service account | Secrets |",
    );
    expect(report).toMatch(
      /\| `consumer` \(`Stack\/consumer`\) \| `europe-west1` \| .* \| private<br>roles: none \| `\$\{google_service_account\.[^}]+\.email\}` \(dedicated\) \| — \| — \|/,
    );
    expect(report).not.toContain("## Jobs");
  });

  test("SEC001: a public member on a worker pool", () => {
    const { stack, pool: p } = pool();
    new CloudRunV2WorkerPoolIamMember(stack, "viewers", {
      name: p.resource.name,
      location: REGION,
      role: "roles/run.viewer",
      member: "allUsers",
    });
    expect(
      SecurityPosture.of(stack)
        .findings()
        .map((f) => f.message),
    ).toEqual([
      expect.stringContaining(
        "[SEC001 PUBLIC_INVOKER] Stack/viewers: grants roles/run.viewer to allUsers on WorkerPool 'Stack/consumer', so anyone holds that role on it; a worker pool is never public on purpose. Fix: grant roles on the worker pool to specific principals only.",
      ),
    ]);
  });

  test("SEC004 and SEC005 cover hand-written worker pools", () => {
    const f = fixture();
    new CloudRunV2WorkerPool(f.stack, "hand", {
      name: "hand",
      location: REGION,
      template: {
        serviceAccount: "123456-compute@developer.gserviceaccount.com",
        containers: [{ image: "busybox:1.36" }],
      },
    });
    const messages = SecurityPosture.of(f.stack)
      .findings()
      .map((x) => x.message);
    expect(messages).toEqual([
      expect.stringContaining(
        "[SEC004 DEFAULT_SERVICE_ACCOUNT] Stack/hand: google_cloud_run_v2_worker_pool 'Stack/hand' runs as the default service account \"123456-compute@developer.gserviceaccount.com\"",
      ),
      expect.stringContaining(
        "[SEC005 UNPROVEN_NON_ROOT_IMAGE] Stack/hand: google_cloud_run_v2_worker_pool 'Stack/hand' runs the image \"busybox:1.36\"",
      ),
    ]);
  });
});
