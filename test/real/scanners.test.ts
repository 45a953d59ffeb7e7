/**
 * Checkov and hadolint, as a reviewer would run them, over what the library produces: the
 * example stacks' Terraform JSON and every Dockerfile the generators write. Each failed check
 * that remains is listed here with its reason, and in the README ("Security posture" →
 * "Scanners").
 *
 * Then the scanners' view of the runtime user next to the library's, on the project's own
 * Dockerfile cases: which root cases each scanner misses.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack } from "cdktf";
import { CloudRunApp, Dockerfile, DockerRepository } from "../../src";
import { NONROOT_CONTEXT } from "../hardening/arbitraries";
import { DOCKERFILE_CASES } from "../fixtures/dockerfile-cases";
import { tempDir } from "../support/temp";
import { synthApp } from "./support/terraform";
import { synthExamples } from "./support/examples";
import { tool, toolchain } from "./support/toolchain";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Failed checks that remain in the default output, each with the reason it stays. */
const ACCEPTED: { [checkId: string]: string } = {
  CKV_GCP_84:
    "Artifact Registry encrypts with Google-managed keys by default; set DockerRepository's kmsKeyName for a customer-managed key",
  DL3008:
    "the musl variant's builder installs musl-tools from its Debian release; pinning exact Debian package versions breaks the build at every point release",
  CKV_DOCKER_2:
    "Cloud Run ignores a Dockerfile HEALTHCHECK (it runs the startup and liveness probes the service declares), and a distroless image has no shell or curl to run one",
};
/** Failed checks on resources the examples' users declare themselves (not the library's). */
const USER_RESOURCES: { [address: string]: string[] } = {
  // composed-stack's own bucket: access logging needs a log bucket the example does not have;
  // versioning is a retention choice.
  "google_storage_bucket.uploads": ["CKV_GCP_62", "CKV_GCP_78"],
};

function checkov(args: string[]): any[] {
  const result = spawnSync(tool("checkov"), [...args, "-o", "json", "--quiet", "--compact"], {
    env: toolchain().env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // Checkov exits 1 when a check fails; its JSON is on stdout either way.
  const parsed = JSON.parse(result.stdout || "[]");
  return Array.isArray(parsed) ? parsed : [parsed];
}

function failedChecks(reports: any[]): { id: string; resource: string; file: string }[] {
  return reports.flatMap((r) =>
    (r.results?.failed_checks ?? []).map((c: any) => ({
      id: c.check_id,
      resource: c.resource,
      file: c.file_path,
    })),
  );
}

function hadolint(text: string): { code: string; line: number }[] {
  const result = spawnSync(tool("hadolint"), ["--no-fail", "--format", "json", "-"], {
    input: text,
    env: toolchain().env,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`hadolint failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout).map((f: any) => ({ code: f.code, line: f.line }));
}

const stacks = synthExamples("real-scanners-");

/** Every Dockerfile the generators write, with the options that change its text. */
const GENERATED: { name: string; dockerfile: Dockerfile }[] = [
  { name: "rustCargoChef()", dockerfile: Dockerfile.rustCargoChef() },
  { name: "rustCargoChef({ musl: true })", dockerfile: Dockerfile.rustCargoChef({ musl: true }) },
  {
    name: "rustCargoChef({ binaryName, features, port, workdir })",
    dockerfile: Dockerfile.rustCargoChef({
      binaryName: "api",
      features: ["tls"],
      port: 9000,
      workdir: "/src",
    }),
  },
  { name: "nodeDistroless()", dockerfile: Dockerfile.nodeDistroless() },
];

describe("Checkov over the example stacks (--framework terraform_json)", () => {
  test.each(stacks.map((s) => [s.name, s] as const))(
    "%s: only the listed checks fail",
    (_name, stack) => {
      const failed = failedChecks(
        checkov(["--framework", "terraform_json", "-f", path.join(stack.dir, "cdk.tf.json")]),
      );
      const unexplained = failed.filter((f) => {
        if (ACCEPTED[f.id] !== undefined) {
          return false;
        }
        const address = f.resource.replace(/^resource\./, "");
        return !Object.entries(USER_RESOURCES).some(
          ([owned, ids]) => address === owned.split(".")[1] && ids.includes(f.id),
        );
      });
      expect(unexplained).toEqual([]);
    },
  );

  test("a repository with a customer-managed key (kmsKeyName) passes CKV_GCP_84", () => {
    const [stack] = synthApp((app) => {
      const s = new TerraformStack(app, "cmek");
      new GoogleProvider(s, "google", { project: "cdktf-cloud-run-test", region: "europe-west1" });
      const repository = new DockerRepository(s, "images", {
        location: "europe-west1",
        kmsKeyName: "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k",
      });
      new CloudRunApp(s, "api", { region: "europe-west1", directory: NONROOT_CONTEXT, repository });
    }, "real-scanners-cmek-");
    const failed = failedChecks(
      checkov(["--framework", "terraform_json", "-f", path.join(stack.dir, "cdk.tf.json")]),
    );
    expect(failed).toEqual([]);
  });
});

describe("every generated Dockerfile", () => {
  const dir = tempDir("real-generated-dockerfiles-");
  GENERATED.forEach((g, i) => {
    fs.mkdirSync(path.join(dir, `g${i}`));
    fs.writeFileSync(path.join(dir, `g${i}`, "Dockerfile"), g.dockerfile.render());
  });

  test("hadolint: only the listed rules", () => {
    for (const g of GENERATED) {
      const findings = hadolint(g.dockerfile.render()).filter(
        (f) => ACCEPTED[f.code] === undefined,
      );
      expect([g.name, findings]).toEqual([g.name, []]);
    }
  });

  test("Checkov (--framework dockerfile): only the listed checks fail", () => {
    const failed = failedChecks(checkov(["--framework", "dockerfile", "-d", dir]));
    expect(failed.filter((f) => ACCEPTED[f.id] === undefined)).toEqual([]);
  });

  test("the example's Dockerfile is one of them", () => {
    const example = fs.readFileSync(
      path.join(__dirname, "..", "..", "examples", "rust-service", "Dockerfile"),
      "utf8",
    );
    expect(hadolint(example)).toEqual([]);
  });
});

describe("the scanners' view of the runtime user, on the project's Dockerfile cases", () => {
  const dir = tempDir("real-user-cases-");
  DOCKERFILE_CASES.forEach((c, i) => {
    fs.mkdirSync(path.join(dir, `c${i}`));
    fs.writeFileSync(path.join(dir, `c${i}`, "Dockerfile"), c.text);
  });
  const checkovFailed = failedChecks(
    checkov(["--framework", "dockerfile", "-d", dir, "--check", "CKV_DOCKER_3,CKV_DOCKER_8"]),
  );

  const rows = DOCKERFILE_CASES.map((c, i) => {
    const file = `/c${i}/Dockerfile`;
    const checkovIds = new Set(checkovFailed.filter((f) => f.file.endsWith(file)).map((f) => f.id));
    return {
      name: c.name,
      root: c.root,
      library: Dockerfile.parse(c.text).runtimeUser.isRoot,
      DL3002: hadolint(c.text).some((f) => f.code === "DL3002"),
      CKV_DOCKER_3: checkovIds.has("CKV_DOCKER_3"),
      CKV_DOCKER_8: checkovIds.has("CKV_DOCKER_8"),
    };
  });

  afterAll(() => {
    const mark = (flag: boolean, root: boolean) =>
      flag === root ? (root ? "flags it" : "passes") : root ? "**misses it**" : "false alarm";
    const table = [
      "| Dockerfile case | runs as | cdktf-cloud-run | hadolint DL3002 | Checkov CKV_DOCKER_3 | Checkov CKV_DOCKER_8 |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.root ? "root" : "non-root"} | ${mark(r.library, r.root)} | ${mark(r.DL3002, r.root)} | ${mark(r.CKV_DOCKER_3, r.root)} | ${mark(r.CKV_DOCKER_8, r.root)} |`,
      ),
    ].join("\n");
    const out = path.join(__dirname, "..", "..", "cdktf.out", "scanner-comparison.md");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${table}\n`);
  });

  test("the library's verdict is the case's", () => {
    expect(rows.filter((r) => r.library !== r.root).map((r) => r.name)).toEqual([]);
  });

  test("every root case is missed by at least one scanner, and the misses are the known ones", () => {
    const missed = rows.filter((r) => r.root && !(r.DL3002 && r.CKV_DOCKER_3 && r.CKV_DOCKER_8));
    expect(missed.length).toBeGreaterThan(0);
    expect(
      Object.fromEntries(
        rows.map((r) => [
          r.name,
          { DL3002: r.DL3002, CKV_DOCKER_3: r.CKV_DOCKER_3, CKV_DOCKER_8: r.CKV_DOCKER_8 },
        ]),
      ),
    ).toMatchSnapshot();
  });
});
