import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudRunServiceIamBinding } from "@cdktf/provider-google/lib/cloud-run-service-iam-binding";
import { CloudRunServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-service-iam-member";
import { CloudRunService as CloudRunV1Service } from "@cdktf/provider-google/lib/cloud-run-service";
import {
  CloudRunV2Service,
  CloudRunV2ServiceTemplateContainers,
} from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamBinding } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-binding";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { CloudRunV2ServiceIamPolicy } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-policy";
import { DataGoogleComputeDefaultServiceAccount } from "@cdktf/provider-google/lib/data-google-compute-default-service-account";
import { DataGoogleIamPolicy } from "@cdktf/provider-google/lib/data-google-iam-policy";
import { FolderIamMember } from "@cdktf/provider-google/lib/folder-iam-member";
import { OrganizationIamBinding } from "@cdktf/provider-google/lib/organization-iam-binding";
import { ProjectIamBinding } from "@cdktf/provider-google/lib/project-iam-binding";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectIamPolicy } from "@cdktf/provider-google/lib/project-iam-policy";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ServiceAccountKey } from "@cdktf/provider-google/lib/service-account-key";
import { App, Lazy, TerraformStack, Testing, Token } from "cdktf";
import {
  CloudRunApp,
  CloudRunService,
  CloudRunServiceOptions,
  ContainerImage,
  DockerRepository,
  Ingress,
  PostureRule,
  SecurityPosture,
} from "../../src";
import { warnings } from "../support/annotations";
import { tempDir as newTempDir } from "../support/temp";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const NONROOT = path.join(FIXTURES, "cloud-run-nonroot");
const REGION = "europe-west1";

function tempDir(): string {
  return newTempDir("posture-");
}

interface Setup {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly image: ContainerImage;
  readonly api: CloudRunService;
}

/** A stack with one private CloudRunService `api` (and whatever the options add). */
function setup(options: Partial<CloudRunServiceOptions> = {}, outdir?: string): Setup {
  const app = outdir !== undefined ? new App({ outdir }) : Testing.app();
  const stack = new TerraformStack(app, "Stack");
  new GoogleProvider(stack, "google", { project: "my-project" });
  const repository = new DockerRepository(stack, "Repo", {
    location: REGION,
    repositoryId: "images",
  });
  const image = new ContainerImage(stack, "Image", {
    repository,
    directory: NONROOT,
    imageName: "api",
  });
  const api = new CloudRunService(stack, "api", { image, region: REGION, ...options });
  return { app, stack, image, api };
}

/** The synth error (with validations), or "" when synth passes. */
function synthError(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
    return "";
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
}

function violated(stack: TerraformStack): string[] {
  return SecurityPosture.of(stack)
    .findings()
    .filter((f) => !f.acknowledged)
    .map((f) => `${f.rule} ${f.path}`);
}

/** A hand-written Cloud Run v2 service with a dedicated account running the library's image. */
function handWritten(
  s: Setup,
  id: string,
  image?: string,
  serviceAccount?: string,
): CloudRunV2Service {
  const account = new ServiceAccount(s.stack, `${id}-sa`, { accountId: `${id}-runtime` });
  return new CloudRunV2Service(s.stack, id, {
    name: id,
    location: REGION,
    template: {
      serviceAccount: serviceAccount ?? account.email,
      containers: [{ image: image ?? s.image.imageRef }],
    },
  });
}

describe("SecurityPosture", () => {
  test("one per stack, created by the first CloudRunService", () => {
    const s = setup();
    new CloudRunService(s.stack, "worker", { image: s.image, region: REGION });
    const postures = s.stack.node.findAll().filter((c) => SecurityPosture.isSecurityPosture(c));
    expect(postures).toHaveLength(1);
    expect(postures[0].node.path).toBe("Stack/SecurityPosture");
    expect(SecurityPosture.of(s.api)).toBe(postures[0]);
    expect(SecurityPosture.of(s.stack).stack).toBe(s.stack);
  });

  test("a stack without the library's constructs gets one on request, and it adds nothing to the JSON", () => {
    const stack = new TerraformStack(Testing.app(), "Plain");
    new GoogleProvider(stack, "google", { project: "p" });
    const before = Testing.synth(stack, true);
    const posture = SecurityPosture.of(stack);
    expect(SecurityPosture.of(stack)).toBe(posture);
    expect(Testing.synth(stack, true)).toBe(before);
    expect(posture.findings()).toEqual([]);
  });

  test("of() needs a construct inside a stack", () => {
    expect(() => SecurityPosture.of(Testing.app())).toThrow(
      'SecurityPosture.of: invalid scope: must be a construct inside a TerraformStack. Got: ""',
    );
    expect(() => SecurityPosture.of(undefined as unknown as TerraformStack)).toThrow(
      "SecurityPosture.of: invalid scope: must be a construct inside a TerraformStack. Got: undefined",
    );
  });

  test("a construct id already taken is not a problem", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    new ServiceAccount(stack, "SecurityPosture", { accountId: "security-posture" });
    expect(SecurityPosture.of(stack).node.path).toBe("Stack/SecurityPosture2");
  });

  test("the library's defaults pass every rule (CloudRunApp, two services, secrets, invokers)", () => {
    const s = setup({ secrets: { TOKEN: { secret: "token", version: "2" } } });
    const app = new CloudRunApp(s.stack, "web", {
      region: REGION,
      directory: NONROOT,
      allowUnauthenticated: true,
    });
    s.api.grantInvoke(app.service.serviceAccountMember);
    new SecretManagerSecretIamMember(s.stack, "extra", {
      secretId: "other",
      role: "roles/secretmanager.secretAccessor",
      member: s.api.serviceAccountMember,
    });
    expect(SecurityPosture.of(s.stack).findings()).toEqual([]);
    expect(synthError(s.stack)).toBe("");
  });
});

describe("SEC001 PUBLIC_INVOKER", () => {
  test("allowUnauthenticated: true is accepted", () => {
    const s = setup({ allowUnauthenticated: true });
    expect(synthError(s.stack)).toBe("");
  });

  test("grantInvoke('allUsers') without allowUnauthenticated fails synth with the rule, the path and the fix", () => {
    const s = setup();
    s.api.grantInvoke("allUsers");
    const invoker = s.api.node.children.find((c) => c.node.id.startsWith("Invoker-"))!;
    const message = synthError(s.stack);
    expect(message).toContain(
      `[Stack] [SEC001 PUBLIC_INVOKER] ${invoker.node.path}: grants roles/run.invoker to allUsers on CloudRunService 'Stack/api', which was not created with allowUnauthenticated: true, so anyone can call it. Fix: to make the service public on purpose, set allowUnauthenticated: true on it; otherwise grant roles/run.invoker to specific principals (grantInvoke("serviceAccount:…")). If the risk is intended, acknowledge it: SecurityPosture.of(stack).acknowledge(PostureRule.PUBLIC_INVOKER, "<why>").`,
    );
  });

  test("allAuthenticatedUsers counts as public", () => {
    const s = setup();
    s.api.grantInvoke("allAuthenticatedUsers");
    expect(violated(s.stack)).toEqual([
      expect.stringMatching(/^SEC001 Stack\/api\/Invoker-[0-9a-f]{12}$/),
    ]);
  });

  test("a hand-written v2 IAM member on the service's name reference", () => {
    const s = setup();
    new CloudRunV2ServiceIamMember(s.stack, "public", {
      name: s.api.resource.name,
      location: REGION,
      role: "roles/run.invoker",
      member: "allUsers",
    });
    expect(violated(s.stack)).toEqual(["SEC001 Stack/public"]);
    expect(synthError(s.stack)).toContain("on CloudRunService 'Stack/api', which was not created");
  });

  test("a hand-written grant by literal name, by full name and by id reference", () => {
    const s = setup();
    new CloudRunV2ServiceIamMember(s.stack, "byName", {
      name: "api",
      role: "roles/run.invoker",
      member: "allUsers",
    });
    new CloudRunV2ServiceIamMember(s.stack, "byFullName", {
      name: "projects/my-project/locations/europe-west1/services/api",
      role: "roles/run.invoker",
      member: "allAuthenticatedUsers",
    });
    new CloudRunV2ServiceIamBinding(s.stack, "byId", {
      name: s.api.resource.id,
      role: "roles/run.invoker",
      members: ["group:team@example.com", "allUsers"],
    });
    const findings = SecurityPosture.of(s.stack).findings();
    expect(findings.map((f) => f.path)).toEqual(["Stack/byName", "Stack/byFullName", "Stack/byId"]);
    expect(findings.every((f) => f.message.includes("CloudRunService 'Stack/api'"))).toBe(true);
  });

  test("a hand-written public invoker on a service created with allowUnauthenticated is accepted", () => {
    const s = setup({ allowUnauthenticated: true });
    new CloudRunV2ServiceIamMember(s.stack, "also", {
      name: s.api.resource.name,
      role: "roles/run.invoker",
      member: "allAuthenticatedUsers",
    });
    expect(synthError(s.stack)).toBe("");
  });

  test("allowUnauthenticated allows roles/run.invoker only", () => {
    const s = setup({ allowUnauthenticated: true });
    new CloudRunV2ServiceIamMember(s.stack, "dev", {
      name: s.api.resource.name,
      role: "roles/run.developer",
      member: "allUsers",
    });
    expect(synthError(s.stack)).toContain(
      "[SEC001 PUBLIC_INVOKER] Stack/dev: grants roles/run.developer to allUsers on CloudRunService 'Stack/api': allowUnauthenticated makes a service public with roles/run.invoker only. Fix: grant public members nothing but roles/run.invoker.",
    );
  });

  test("an IAM policy from a google_iam_policy data source, and a literal JSON policy", () => {
    const s = setup();
    const policy = new DataGoogleIamPolicy(s.stack, "policy", {
      binding: [{ role: "roles/run.invoker", members: ["allUsers"] }],
    });
    new CloudRunV2ServiceIamPolicy(s.stack, "fromData", {
      name: s.api.resource.name,
      policyData: policy.policyData,
    });
    new CloudRunV2ServiceIamPolicy(s.stack, "literal", {
      name: "api",
      policyData: JSON.stringify({
        bindings: [{ role: "roles/run.invoker", members: ["allAuthenticatedUsers"] }],
      }),
    });
    expect(violated(s.stack)).toEqual(["SEC001 Stack/fromData", "SEC001 Stack/literal"]);
  });

  test("the v1 IAM resources (google_cloud_run_service_iam_*) count too", () => {
    const s = setup();
    new CloudRunServiceIamMember(s.stack, "v1member", {
      service: s.api.resource.name,
      location: REGION,
      role: "roles/run.invoker",
      member: "allUsers",
    });
    new CloudRunServiceIamBinding(s.stack, "v1binding", {
      service: "api",
      location: REGION,
      role: "roles/run.invoker",
      members: ["allAuthenticatedUsers"],
    });
    expect(violated(s.stack)).toEqual(["SEC001 Stack/v1member", "SEC001 Stack/v1binding"]);
  });

  test("a public grant on a service outside the stack", () => {
    const s = setup();
    new CloudRunV2ServiceIamMember(s.stack, "elsewhere", {
      name: "legacy",
      location: REGION,
      role: "roles/run.invoker",
      member: "allUsers",
    });
    expect(synthError(s.stack)).toContain(
      `Stack/elsewhere: grants roles/run.invoker to allUsers on the Cloud Run service "legacy", which is not a CloudRunService created with allowUnauthenticated: true, so anyone can call it.`,
    );
  });

  test("private grants written by hand are accepted", () => {
    const s = setup();
    new CloudRunV2ServiceIamMember(s.stack, "caller", {
      name: s.api.resource.name,
      role: "roles/run.invoker",
      member: "serviceAccount:caller@my-project.iam.gserviceaccount.com",
    });
    expect(synthError(s.stack)).toBe("");
  });

  test("invoker_iam_disabled through an escape hatch", () => {
    const s = setup();
    s.api.resource.addOverride("invoker_iam_disabled", true);
    expect(synthError(s.stack)).toContain(
      "[SEC001 PUBLIC_INVOKER] Stack/api/Resource: sets invoker_iam_disabled = true on CloudRunService 'Stack/api': the IAM invoker check is off, so anyone can call it.",
    );
    const open = setup({ allowUnauthenticated: true });
    open.api.resource.invokerIamDisabled = true;
    expect(synthError(open.stack)).toBe("");
  });
});

describe("SEC002 PRIVILEGED_SERVICE_ACCOUNT", () => {
  test.each([
    "roles/owner",
    "roles/editor",
    "roles/viewer",
    "roles/run.admin",
    "roles/iam.securityAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "projects/my-project/roles/deployAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.workloadIdentityUser",
    "roles/iam.serviceAccountKeyAdmin",
  ])("%s on the project is refused", (role) => {
    const s = setup();
    new ProjectIamMember(s.stack, "grant", {
      project: "my-project",
      role,
      member: s.api.serviceAccountMember,
    });
    expect(synthError(s.stack)).toContain(
      `[SEC002 PRIVILEGED_SERVICE_ACCOUNT] Stack/grant: grants ${role} on project "my-project" to the runtime service account of CloudRunService 'Stack/api' (\${google_service_account.api_ServiceAccount_`,
    );
  });

  test.each(["roles/logging.logWriter", "roles/cloudtrace.agent", "roles/run.invoker"])(
    "%s on the project is accepted",
    (role) => {
      const s = setup();
      new ProjectIamMember(s.stack, "grant", {
        project: "p",
        role,
        member: s.api.serviceAccountMember,
      });
      expect(synthError(s.stack)).toBe("");
    },
  );

  test("the member may name the account by its email or member attribute", () => {
    const s = setup();
    const account = s.api.serviceAccount!;
    new ProjectIamMember(s.stack, "byEmail", {
      project: "p",
      role: "roles/editor",
      member: `serviceAccount:${account.email}`,
    });
    new ProjectIamMember(s.stack, "byMember", {
      project: "p",
      role: "roles/owner",
      member: account.member,
    });
    expect(violated(s.stack)).toEqual(["SEC002 Stack/byEmail", "SEC002 Stack/byMember"]);
  });

  test("a given serviceAccountEmail is matched case-insensitively", () => {
    const s = setup({ serviceAccountEmail: "Runtime@My-Project.iam.gserviceaccount.com" });
    new ProjectIamMember(s.stack, "grant", {
      project: "p",
      role: "roles/editor",
      member: "serviceAccount:runtime@my-project.iam.gserviceaccount.com",
    });
    expect(violated(s.stack)).toEqual(["SEC002 Stack/grant"]);
  });

  test("bindings, policies, folders, organizations and service-account-level impersonation", () => {
    const s = setup();
    const member = s.api.serviceAccountMember;
    new ProjectIamBinding(s.stack, "binding", {
      project: "p",
      role: "roles/editor",
      members: ["group:ops@example.com", member],
    });
    const policy = new DataGoogleIamPolicy(s.stack, "policy", {
      binding: [{ role: "roles/owner", members: [member] }],
    });
    new ProjectIamPolicy(s.stack, "projectPolicy", { project: "p", policyData: policy.policyData });
    new FolderIamMember(s.stack, "folder", {
      folder: "folders/123",
      role: "roles/viewer",
      member,
    });
    new OrganizationIamBinding(s.stack, "org", {
      orgId: "456",
      role: "roles/resourcemanager.organizationAdmin",
      members: [member],
    });
    new ServiceAccountIamMember(s.stack, "impersonate", {
      serviceAccountId: "projects/p/serviceAccounts/deployer@p.iam.gserviceaccount.com",
      role: "roles/iam.serviceAccountTokenCreator",
      member,
    });
    const findings = SecurityPosture.of(s.stack).findings();
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      "SEC002 Stack/binding",
      "SEC002 Stack/projectPolicy",
      "SEC002 Stack/folder",
      "SEC002 Stack/org",
      "SEC002 Stack/impersonate",
    ]);
    expect(findings[2].message).toContain('grants roles/viewer on folder "folders/123"');
    expect(findings[3].message).toContain('on organization "456"');
    expect(findings[4].message).toContain(
      'grants roles/iam.serviceAccountTokenCreator on service account "projects/p/serviceAccounts/deployer@p.iam.gserviceaccount.com"',
    );
  });

  test("privileged roles of other principals are not this rule's business", () => {
    const s = setup();
    new ProjectIamMember(s.stack, "ci", {
      project: "p",
      role: "roles/run.admin",
      member: "serviceAccount:ci@p.iam.gserviceaccount.com",
    });
    expect(synthError(s.stack)).toBe("");
  });

  test("a role only known at apply is not judged", () => {
    const s = setup();
    const other = new ServiceAccount(s.stack, "other", { accountId: "other-account" });
    new ProjectIamMember(s.stack, "grant", {
      project: "p",
      role: other.name,
      member: s.api.serviceAccountMember,
    });
    expect(synthError(s.stack)).toBe("");
  });
});

describe("SEC003 SERVICE_ACCOUNT_KEY", () => {
  test("any key fails synth", () => {
    const s = setup();
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: "ci@p.iam.gserviceaccount.com" });
    expect(synthError(s.stack)).toContain(
      '[SEC003 SERVICE_ACCOUNT_KEY] Stack/key: creates a service account key (google_service_account_key) for "ci@p.iam.gserviceaccount.com": a long-lived credential that can leak and never expires by itself. Fix: use attached identities instead',
    );
  });
});

describe("SEC004 DEFAULT_SERVICE_ACCOUNT", () => {
  test("a hand-written service with its own account and the library's image is accepted", () => {
    const s = setup();
    handWritten(s, "hand");
    expect(synthError(s.stack)).toBe("");
  });

  test("no service account set", () => {
    const s = setup();
    new CloudRunV2Service(s.stack, "hand", {
      name: "hand",
      location: REGION,
      template: { containers: [{ image: s.image.imageRef }] },
    });
    expect(synthError(s.stack)).toContain(
      "[SEC004 DEFAULT_SERVICE_ACCOUNT] Stack/hand: google_cloud_run_v2_service 'Stack/hand' has no service account set, so it runs as the project's default compute service account (which holds the Editor role by default).",
    );
  });

  test.each([
    "123456789-compute@developer.gserviceaccount.com",
    "my-project@appspot.gserviceaccount.com",
  ])("the default account %s", (email) => {
    const s = setup();
    handWritten(s, "hand", undefined, email);
    expect(synthError(s.stack)).toContain(
      `google_cloud_run_v2_service 'Stack/hand' runs as the default service account "${email}"`,
    );
  });

  test("the default account from its data source", () => {
    const s = setup();
    const compute = new DataGoogleComputeDefaultServiceAccount(s.stack, "default");
    handWritten(s, "hand", undefined, compute.email);
    expect(violated(s.stack)).toEqual(["SEC004 Stack/hand"]);
  });

  test("an escape hatch on a CloudRunService", () => {
    const s = setup();
    s.api.resource.addOverride(
      "template.service_account",
      "123-compute@developer.gserviceaccount.com",
    );
    expect(violated(s.stack)).toEqual(["SEC004 Stack/api/Resource"]);
  });

  test("a v1 google_cloud_run_service without a service account", () => {
    const s = setup();
    new CloudRunV1Service(s.stack, "v1", {
      name: "v1",
      location: REGION,
      template: { spec: { containers: [{ image: s.image.imageRef }] } },
    });
    expect(violated(s.stack)).toEqual(["SEC004 Stack/v1"]);
  });
});

describe("SEC005 UNPROVEN_NON_ROOT_IMAGE", () => {
  test("an image not built by a ContainerImage", () => {
    const s = setup();
    handWritten(s, "hand", "nginx:1.27");
    expect(synthError(s.stack)).toContain(
      `[SEC005 UNPROVEN_NON_ROOT_IMAGE] Stack/hand: google_cloud_run_v2_service 'Stack/hand' runs the image "nginx:1.27", which was not built by a ContainerImage of this library, so its user is not proven non-root. Fix: build the image with ContainerImage or CloudRunApp (the Dockerfile analysis proves a non-root USER) and run its imageRef. If you verified the image's user yourself, acknowledge it: SecurityPosture.of(stack).acknowledge(PostureRule.UNPROVEN_NON_ROOT_IMAGE, "<why>").`,
    );
  });

  test("a sidecar with another image", () => {
    const s = setup();
    const account = new ServiceAccount(s.stack, "sa", { accountId: "sidecar-runtime" });
    new CloudRunV2Service(s.stack, "hand", {
      name: "hand",
      location: REGION,
      template: {
        serviceAccount: account.email,
        containers: [{ image: s.image.imageRef }, { image: "envoyproxy/envoy:v1.31" }],
      },
    });
    expect(synthError(s.stack)).toContain(
      `Stack/hand: container #1 of google_cloud_run_v2_service 'Stack/hand' runs the image "envoyproxy/envoy:v1.31"`,
    );
  });

  test("an escape hatch that swaps the image of a CloudRunService", () => {
    const s = setup();
    s.api.resource.addOverride("template.containers.0.image", "busybox");
    expect(violated(s.stack)).toEqual(["SEC005 Stack/api/Resource"]);
  });

  test("containers given as a list token are read", () => {
    const s = setup();
    const account = new ServiceAccount(s.stack, "sa", { accountId: "listed-runtime" });
    new CloudRunV2Service(s.stack, "listed", {
      name: "listed",
      location: REGION,
      template: {
        serviceAccount: account.email,
        containers: Token.asList(
          Lazy.anyValue({ produce: () => [{ image: "nginx:1.27" }] }),
        ) as unknown as CloudRunV2ServiceTemplateContainers[],
      },
    });
    expect(synthError(s.stack)).toContain(
      `Stack/listed: google_cloud_run_v2_service 'Stack/listed' runs the image "nginx:1.27"`,
    );
  });

  test("numbers written into an image string are resolved", () => {
    const s = setup();
    const version = Token.asNumber(Lazy.numberValue({ produce: () => 7 }));
    handWritten(s, "numbered", `nginx:v${version}`);
    expect(synthError(s.stack)).toContain(`runs the image "nginx:v7"`);
  });

  test("a v1 service running the library's image with a dedicated account is accepted", () => {
    const s = setup();
    const account = new ServiceAccount(s.stack, "sa", { accountId: "v1-runtime" });
    new CloudRunV1Service(s.stack, "v1", {
      name: "v1",
      location: REGION,
      template: {
        spec: { serviceAccountName: account.email, containers: [{ image: s.image.imageRef }] },
      },
    });
    expect(synthError(s.stack)).toBe("");
  });
});

describe("acknowledge", () => {
  test("turns a violation into a warning with the reason, once", () => {
    const s = setup();
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: "ci@p.iam.gserviceaccount.com" });
    SecurityPosture.of(s.stack).acknowledge(
      PostureRule.SERVICE_ACCOUNT_KEY,
      "The legacy CI runner needs a key until it moves to Workload Identity Federation.",
    );
    expect(synthError(s.stack)).toBe("");
    expect(synthError(s.stack)).toBe("");
    const sec003 = warnings(s.stack).filter((w) => w.includes("SEC003"));
    expect(sec003).toEqual([
      '[SEC003 SERVICE_ACCOUNT_KEY] Stack/key: creates a service account key (google_service_account_key) for "ci@p.iam.gserviceaccount.com": a long-lived credential that can leak and never expires by itself. Acknowledged: The legacy CI runner needs a key until it moves to Workload Identity Federation.',
    ]);
    const key = s.stack.node.findChild("key");
    expect(key.node.metadata.some((m) => m.type === "@cdktf/warn")).toBe(true);
    expect(SecurityPosture.of(s.stack).findings()).toEqual([
      expect.objectContaining({
        rule: PostureRule.SERVICE_ACCOUNT_KEY,
        path: "Stack/key",
        acknowledged: true,
        reason: "The legacy CI runner needs a key until it moves to Workload Identity Federation.",
      }),
    ]);
  });

  test("covers one rule only", () => {
    const s = setup();
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: "ci@p.iam.gserviceaccount.com" });
    s.api.grantInvoke("allUsers");
    SecurityPosture.of(s.stack).acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "legacy CI");
    expect(violated(s.stack)).toEqual([expect.stringMatching(/^SEC001 /)]);
  });

  test("a scope limits it to a construct and what is about it", () => {
    const s = setup();
    const worker = new CloudRunService(s.stack, "worker", { image: s.image, region: REGION });
    s.api.grantInvoke("allUsers");
    worker.grantInvoke("allUsers");
    new CloudRunV2ServiceIamMember(s.stack, "handOnApi", {
      name: s.api.resource.name,
      role: "roles/run.invoker",
      member: "allAuthenticatedUsers",
    });
    SecurityPosture.of(s.stack).acknowledge(
      PostureRule.PUBLIC_INVOKER,
      "The api is a public webhook receiver; it checks signatures itself.",
      s.api,
    );
    expect(violated(s.stack)).toEqual([expect.stringMatching(/^SEC001 Stack\/worker\/Invoker-/)]);
    const acknowledged = SecurityPosture.of(s.stack)
      .findings()
      .filter((f) => f.acknowledged)
      .map((f) => f.path);
    expect(acknowledged).toEqual([
      expect.stringMatching(/^Stack\/api\/Invoker-/),
      "Stack/handOnApi",
    ]);
  });

  test("the most specific acknowledgement gives the reason", () => {
    const s = setup();
    new ServiceAccountKey(s.stack, "a", { serviceAccountId: "a@p.iam.gserviceaccount.com" });
    const b = new ServiceAccountKey(s.stack, "b", {
      serviceAccountId: "b@p.iam.gserviceaccount.com",
    });
    const posture = SecurityPosture.of(s.stack);
    posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "stack-wide reason");
    posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "reason for b", b);
    expect(posture.findings().map((f) => [f.path, f.reason])).toEqual([
      ["Stack/a", "stack-wide reason"],
      ["Stack/b", "reason for b"],
    ]);
  });

  test("invalid arguments", () => {
    const s = setup();
    const posture = SecurityPosture.of(s.stack);
    expect(() => posture.acknowledge("SEC999" as PostureRule, "x")).toThrow(
      "SecurityPosture 'Stack': invalid rule: must be one of the PostureRule values (SEC001, SEC002, SEC003, SEC004, SEC005). Got: \"SEC999\"",
    );
    expect(() => posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "  ")).toThrow(
      "SecurityPosture 'Stack': invalid reason: must be a sentence saying why the risk is accepted (it is shown in the warning and the report). Got: \"  \"",
    );
    expect(() =>
      posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, undefined as unknown as string),
    ).toThrow("SecurityPosture 'Stack': invalid reason:");
    const elsewhere = new TerraformStack(Testing.app(), "Elsewhere");
    expect(() => posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "x", elsewhere)).toThrow(
      "SecurityPosture 'Stack': invalid scope: must be a construct in stack 'Stack'. Got: \"Elsewhere\"",
    );
  });
});

describe("app.synth()", () => {
  test("fails with one message per violation", () => {
    const s = setup({}, tempDir());
    s.api.grantInvoke("allUsers");
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: "ci@p.iam.gserviceaccount.com" });
    let message = "";
    try {
      s.app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/\[Stack\] \[SEC00\d /g)).toEqual([
      "[Stack] [SEC001 ",
      "[Stack] [SEC003 ",
    ]);
  });

  test("acknowledged violations are warnings in the manifest", () => {
    const outdir = tempDir();
    const s = setup({}, outdir);
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: "ci@p.iam.gserviceaccount.com" });
    SecurityPosture.of(s.stack).acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "legacy CI");
    s.app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    const annotations = manifest.stacks.Stack.annotations;
    expect(annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          constructPath: "Stack/key",
          level: "@cdktf/warn",
          message: expect.stringMatching(
            /^\[SEC003 SERVICE_ACCOUNT_KEY\] .* Acknowledged: legacy CI$/,
          ),
        }),
      ]),
    );
  });
});

describe("security-report.md", () => {
  const TAG = /[0-9a-f]{64}/g;

  test("is written next to the stack JSON and matches renderReport()", () => {
    const outdir = tempDir();
    const s = setup(
      {
        secrets: { TOKEN: { secret: "token", version: "2" }, DB: { secret: "db", version: "1" } },
        ingress: Ingress.INTERNAL_AND_CLOUD_LOAD_BALANCING,
      },
      outdir,
    );
    s.api.grantInvoke("serviceAccount:caller@my-project.iam.gserviceaccount.com");
    new ProjectIamMember(s.stack, "logs", {
      project: "my-project",
      role: "roles/logging.logWriter",
      member: s.api.serviceAccountMember,
    });
    const web = new CloudRunService(s.stack, "web", {
      image: s.image,
      region: "us-central1",
      allowUnauthenticated: true,
      serviceAccountEmail: "web@my-project.iam.gserviceaccount.com",
    });
    new ServiceAccountKey(s.stack, "key", { serviceAccountId: web.serviceAccountEmail });
    SecurityPosture.of(s.stack).acknowledge(
      PostureRule.SERVICE_ACCOUNT_KEY,
      "Needed by the on-premises uploader | until 2027.",
    );
    s.app.synth();
    const file = path.join(outdir, "stacks", "Stack", "security-report.md");
    const report = fs.readFileSync(file, "utf8");
    expect(report).toBe(SecurityPosture.of(s.stack).renderReport());
    const tag = s.image.tag;
    expect(report.replace(TAG, "<tag>")).toBe(
      [
        "# Security posture of stack `Stack`",
        "",
        "Written by cdktf-cloud-run at synth. Values in `${...}` are Terraform references, known at apply.",
        "",
        "## Services",
        "",
        "| Service | Region | Image | Runtime user | Access | Ingress | Service account | Roles of the service account | Secrets |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "| `api` (`Stack/api`) | `europe-west1` | `images/api:<tag>`, pinned by digest | `65532:65532` (uid 65532), proven non-root: " +
          s.image.runtimeUser.reason +
          " | private<br>invokers: `serviceAccount:caller@my-project.iam.gserviceaccount.com` | `INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER` | `${google_service_account.api_ServiceAccount_567BB480.email}` (dedicated) | `roles/logging.logWriter` on project `my-project`<br>`roles/secretmanager.secretAccessor` on secret `db`<br>`roles/secretmanager.secretAccessor` on secret `token` | `DB` → `db` version `1`<br>`TOKEN` → `token` version `2` |",
        "| `web` (`Stack/web`) | `us-central1` | `images/api:<tag>`, pinned by digest | `65532:65532` (uid 65532), proven non-root: " +
          s.image.runtimeUser.reason +
          " | **public** (allUsers)<br>invokers: `allUsers` | `INGRESS_TRAFFIC_ALL` | `web@my-project.iam.gserviceaccount.com` (given) | — | — |",
        "",
        "## Rules",
        "",
        "| Rule | Check | Result |",
        "| --- | --- | --- |",
        "| SEC001 PUBLIC_INVOKER | Public access only to a service with `allowUnauthenticated: true`, never to a job or worker pool | passed |",
        "| SEC002 PRIVILEGED_SERVICE_ACCOUNT | No basic, admin or impersonation roles for runtime service accounts | passed |",
        '| SEC003 SERVICE_ACCOUNT_KEY | No service account keys | acknowledged (1): "Needed by the on-premises uploader \\| until 2027." |',
        "| SEC004 DEFAULT_SERVICE_ACCOUNT | No service, job or worker pool running as a default compute service account | passed |",
        "| SEC005 UNPROVEN_NON_ROOT_IMAGE | Only images proven to run as a non-root user | passed |",
        "",
        "## Findings",
        "",
        '- acknowledged: "Needed by the on-premises uploader | until 2027." — [SEC003 SERVICE_ACCOUNT_KEY] Stack/key: creates a service account key (google_service_account_key) for "web@my-project.iam.gserviceaccount.com": a long-lived credential that can leak and never expires by itself. Fix: use attached identities instead (Cloud Run services get tokens for their service account from the metadata server) or Workload Identity Federation for callers outside Google Cloud. If the risk is intended, acknowledge it: SecurityPosture.of(stack).acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "<why>").',
        "",
      ].join("\n"),
    );
    expect(tag).toMatch(TAG);
  });

  test("lists hand-written services and violations when validation is skipped", () => {
    const outdir = tempDir();
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, "Loose");
    new GoogleProvider(stack, "google", { project: "p" });
    new CloudRunV2Service(stack, "hand", {
      name: "hand",
      location: REGION,
      template: { containers: [{ image: "nginx:1.27" }] },
    });
    SecurityPosture.of(stack);
    app.synth();
    const report = fs.readFileSync(
      path.join(outdir, "stacks", "Loose", "security-report.md"),
      "utf8",
    );
    expect(report).toContain(
      "| `hand` (`Loose/hand`), written by hand | `europe-west1` | `nginx:1.27`, not pinned by digest | not proven: the image was not built by a ContainerImage of this library | private<br>invokers: none | `INGRESS_TRAFFIC_ALL` | none: the default compute service account | — | — |",
    );
    expect(report).toContain(
      "| SEC004 DEFAULT_SERVICE_ACCOUNT | No service, job or worker pool running as a default compute service account | **violated** (1) |",
    );
    expect(report).toContain("- **violated** — [SEC005 UNPROVEN_NON_ROOT_IMAGE] Loose/hand: ");
  });

  test("reflects a grant added after the posture validation ran in the same synth", () => {
    const outdir = tempDir();
    const s = setup({}, outdir);
    SecurityPosture.of(s.stack).acknowledge(PostureRule.PUBLIC_INVOKER, "A public demo.");
    // Runs after the posture's validation (validations run in the order they were added).
    s.stack.node.addValidation({
      validate: () => {
        s.api.grantInvoke("allUsers");
        return [];
      },
    });
    s.app.synth();
    const report = fs.readFileSync(
      path.join(outdir, "stacks", "Stack", "security-report.md"),
      "utf8",
    );
    expect(report).toContain("invokers: `allUsers`");
    expect(report).toBe(SecurityPosture.of(s.stack).renderReport());
  });

  test("reflects changes made after a validation outside synth", () => {
    const outdir = tempDir();
    const s = setup({}, outdir);
    expect(s.stack.node.validate()).toEqual([]);
    s.api.resource.addOverride("ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY");
    s.app.synth();
    const report = fs.readFileSync(
      path.join(outdir, "stacks", "Stack", "security-report.md"),
      "utf8",
    );
    expect(report).toContain("`INGRESS_TRAFFIC_INTERNAL_ONLY`");
  });

  test("a stack without services", () => {
    const stack = new TerraformStack(Testing.app(), "Empty");
    expect(SecurityPosture.of(stack).renderReport()).toContain(
      "## Services\n\nNo Cloud Run services.\n\n## Rules",
    );
  });

  test("is identical for the same program in two output directories, with no machine paths", () => {
    const render = (outdir: string) => {
      const s = setup({ secrets: { A: { secret: "a", version: "1" } } }, outdir);
      s.api.grantInvoke("group:team@example.com");
      s.app.synth();
      return fs.readFileSync(path.join(outdir, "stacks", "Stack", "security-report.md"), "utf8");
    };
    const a = tempDir();
    const b = tempDir();
    const reportA = render(a);
    expect(render(b)).toBe(reportA);
    expect(reportA).not.toContain(a);
    expect(reportA).not.toContain(os.tmpdir());
    expect(reportA).not.toContain(os.homedir());
    expect(reportA).not.toContain(FIXTURES);
    expect(reportA).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

describe("robustness", () => {
  test("an image whose runtime user is not proven non-root is reported, not a crash", () => {
    const s = setup();
    // A ContainerImage whose analysis changed after construction (escape hatch).
    Object.defineProperty(s.image, "runtimeUser", {
      value: { user: "root", isRoot: true, reason: "USER root at line 3." },
    });
    expect(synthError(s.stack)).toContain(
      "[SEC005 UNPROVEN_NON_ROOT_IMAGE] Stack/api/Resource: CloudRunService 'Stack/api' runs ContainerImage 'Stack/Image', which is not proven to run as a non-root user: USER root at line 3.",
    );
    expect(SecurityPosture.of(s.stack).renderReport()).toContain(
      "`root`, NOT proven non-root: USER root at line 3.",
    );
  });

  test("getters that throw and values of odd shapes count as not set", () => {
    const s = setup();
    const hand = handWritten(s, "hand");
    Object.defineProperty(hand, "templateInput", {
      get: () => {
        throw new Error("boom");
      },
    });
    new ProjectIamBinding(s.stack, "odd", {
      project: "p",
      role: "roles/editor",
      members: 42 as unknown as string[],
    });
    const findings = SecurityPosture.of(s.stack).findings();
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      "SEC004 Stack/hand",
      "SEC005 Stack/hand",
    ]);
    expect(() => SecurityPosture.of(s.stack).renderReport()).not.toThrow();
  });
});
