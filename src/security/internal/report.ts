/**
 * The security posture report (`security-report.md`): one row per Cloud Run service and the
 * result of every rule. The content depends only on the construct tree (no time stamps, no
 * machine paths) and every list is sorted, so the same program gives the same report.
 * @internal
 */
import { PUBLIC_MEMBERS } from "../../iam/members";
import { PostureFinding } from "../posture-rule";
import { PostureImage, PostureWorkload } from "../workload";
import { TokenResolver } from "./config-reader";
import { Grant } from "./grants";
import { StackModel } from "./inspect";
import { RunResource, targetsRun } from "./run-resources";
import { POSTURE_RULES, holders, ruleLabel } from "./rules";

const INVOKER_ROLE = "roles/run.invoker";

/** Compares by UTF-16 code units: the same order on every machine and locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort(byText);
}

/** Inline code, safe inside a table cell. */
function code(value: string | undefined): string {
  if (value === undefined || value === "") {
    return "—";
  }
  return "`" + value.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\s+/g, " ") + "`";
}

/** Prose, safe inside a table cell. */
function text(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

function cell(items: string[]): string {
  return items.length === 0 ? "—" : items.join("<br>");
}

function grantTarget(grant: Grant): string {
  return `${grant.targetKind} ${code(grant.target ?? "(provider default)")}`;
}

/** The containers of a library workload: the main one, then its sidecars ("sidecar <name>: "). */
function containersOf(service: PostureWorkload): Array<{ prefix: string; image: PostureImage }> {
  const sidecars = service.sidecars ?? [];
  return [
    { prefix: sidecars.length > 0 ? "main: " : "", image: service.image },
    ...sidecars.map((s) => ({ prefix: `sidecar ${code(s.name)}: `, image: s.image })),
  ];
}

function imageCell(r: TokenResolver, run: RunResource, service?: PostureWorkload): string {
  if (service !== undefined) {
    return cell(
      containersOf(service).map(({ prefix, image }) => {
        const repository =
          image.repository !== undefined
            ? `${r.text(image.repository.repositoryId) ?? "(repository)"}/`
            : "";
        const name = r.text(image.imageName) ?? image.imageName;
        return `${prefix}${code(`${repository}${name}:${image.tag}`)}, pinned by digest`;
      }),
    );
  }
  return cell(
    run.containers.map((c) => {
      const pinned =
        c.image !== undefined && (/@sha256:/.test(c.image) || /sha256_digest\}/.test(c.image));
      return `${code(c.image)}, ${pinned ? "pinned by digest" : "not pinned by digest"}`;
    }),
  );
}

function userCell(service?: PostureWorkload): string {
  if (service === undefined) {
    return "not proven: the image was not built by a ContainerImage of this library";
  }
  return cell(containersOf(service).map(({ prefix, image }) => prefix + userText(image)));
}

function userText(image: PostureImage): string {
  const user = image.runtimeUser;
  if (user === undefined || user === null) {
    return "not proven: the image's runtime user is unknown";
  }
  const uid = user.uid !== undefined ? ` (uid ${user.uid})` : "";
  const verdict = user.isRoot ? "NOT proven non-root" : "proven non-root";
  return `${code(user.user)}${uid}, ${verdict}: ${text(user.reason)}`;
}

interface Row {
  readonly path: string;
  readonly cells: string[];
}

function serviceRow(model: StackModel, r: TokenResolver, run: RunResource): Row {
  const service = run.workload;
  const entry = model.workloads.find((w) => w.workload === service);
  const onService = model.grants.filter((g) => g.level === "service" && targetsRun(g.target, run));
  const publicMembers = sortedUnique(
    onService.flatMap((g) => g.members.filter((m) => PUBLIC_MEMBERS.includes(m))),
  );
  const invokers = sortedUnique(
    onService.filter((g) => g.role === INVOKER_ROLE).flatMap((g) => g.members),
  );
  const otherRoles = sortedUnique(
    onService
      .filter((g) => g.role !== INVOKER_ROLE)
      .flatMap((g) => g.members.map((m) => `${code(g.role ?? "(unknown role)")} for ${code(m)}`)),
  );
  const access: string[] = [];
  if (publicMembers.length > 0 || run.invokerIamDisabled) {
    const why = [...publicMembers, ...(run.invokerIamDisabled ? ["invoker_iam_disabled"] : [])];
    access.push(`**public** (${why.join(", ")})`);
  } else {
    access.push("private");
  }
  access.push(
    invokers.length > 0 ? `invokers: ${invokers.map((m) => code(m)).join(", ")}` : "invokers: none",
  );
  if (otherRoles.length > 0) {
    access.push(`other roles: ${otherRoles.join(", ")}`);
  }

  let account: string;
  if (run.serviceAccount === undefined) {
    account = "none: the default compute service account";
  } else if (service !== undefined) {
    account = `${code(run.serviceAccount)} (${service.dedicatedServiceAccount ? "dedicated" : "given"})`;
  } else {
    account = code(run.serviceAccount);
  }

  const held =
    entry !== undefined
      ? sortedUnique(
          model.grants
            .filter((g) => g.level !== "service" && holders([entry], g).length > 0)
            .map((g) => `${code(g.role ?? "(unknown role)")} on ${grantTarget(g)}`),
        )
      : [];
  const secrets = sortedUnique(
    run.containers.flatMap((c) =>
      c.secrets.map((s) => `${code(s.name)} → ${code(s.secret)} version ${code(s.version)}`),
    ),
  );
  const path = (service?.construct ?? run.construct).node.path;
  const name = `${code(run.name)} (${code(path)})${service === undefined ? ", written by hand" : ""}`;
  return {
    path,
    cells: [
      name,
      code(run.location),
      imageCell(r, run, service),
      userCell(service),
      cell(access),
      code(run.ingress ?? "INGRESS_TRAFFIC_ALL"),
      account,
      cell(held),
      cell(secrets),
    ],
  };
}

/**
 * Renders the report.
 * @internal
 */
export function renderReport(model: StackModel, findings: PostureFinding[]): string {
  const lines: string[] = [];
  lines.push(`# Security posture of stack \`${model.stack.node.id}\``);
  lines.push("");
  lines.push(
    "Written by cdktf-cloud-run at synth. Values in `${...}` are Terraform references, known at apply.",
  );
  lines.push("");
  lines.push("## Services");
  lines.push("");
  const r = new TokenResolver(model.stack);
  const rows = model.runResources
    .map((run) => serviceRow(model, r, run))
    .sort((a, b) => byText(a.path, b.path));
  if (rows.length === 0) {
    lines.push("No Cloud Run services.");
  } else {
    lines.push(
      "| Service | Region | Image | Runtime user | Access | Ingress | Service account | Roles of the service account | Secrets |",
    );
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const row of rows) {
      lines.push(`| ${row.cells.join(" | ")} |`);
    }
  }
  lines.push("");
  lines.push("## Rules");
  lines.push("");
  lines.push("| Rule | Check | Result |");
  lines.push("| --- | --- | --- |");
  for (const rule of POSTURE_RULES) {
    lines.push(`| ${ruleLabel(rule.id)} | ${text(rule.title)} | ${result(rule.id, findings)} |`);
  }
  lines.push("");
  lines.push("## Findings");
  lines.push("");
  const sorted = [...findings].sort(
    (a, b) => byText(a.rule, b.rule) || byText(a.path, b.path) || byText(a.message, b.message),
  );
  if (sorted.length === 0) {
    lines.push("None.");
  }
  for (const f of sorted) {
    const status = f.acknowledged ? `acknowledged: ${JSON.stringify(f.reason)}` : "**violated**";
    lines.push(`- ${status} — ${text(f.message)}`);
  }
  lines.push("");
  return lines.join("\n");
}

function result(rule: string, findings: PostureFinding[]): string {
  const mine = findings.filter((f) => f.rule === rule);
  if (mine.length === 0) {
    return "passed";
  }
  const violated = mine.filter((f) => !f.acknowledged).length;
  const reasons = sortedUnique(
    mine.filter((f) => f.acknowledged).map((f) => JSON.stringify(f.reason ?? "")),
  );
  const parts: string[] = [];
  if (violated > 0) {
    parts.push(`**violated** (${violated})`);
  }
  if (mine.length - violated > 0) {
    parts.push(`acknowledged (${mine.length - violated}): ${text(reasons.join(", "))}`);
  }
  return parts.join("; ");
}
