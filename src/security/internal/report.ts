/**
 * The security posture report (`security-report.md`): one row per Cloud Run service (and, when
 * the stack has any, per job and per worker pool) and the result of every rule. The content depends only on the construct tree (no time stamps, no
 * machine paths) and every list is sorted, so the same program gives the same report.
 * @internal
 */
import { RUN_INVOKER_ROLE } from "../../iam/member-bindings";
import { PUBLIC_MEMBERS } from "../../iam/members";
import { PostureFinding } from "../posture-rule";
import { PostureImage, PostureWorkload } from "../workload";
import { config, TokenResolver } from "./config-reader";
import { Grant } from "./grants";
import { StackModel } from "./inspect";
import { grantOn, RunKind, RunResource } from "./run-resources";
import { POSTURE_RULES, holders, ruleLabel } from "./rules";

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

/** The cells every kind of workload has: account, roles of the account, secrets, name. */
function commonCells(model: StackModel, run: RunResource) {
  const workload = run.workload;
  const entry = model.workloads.find((w) => w.workload === workload);
  let account: string;
  if (run.serviceAccount === undefined) {
    account = "none: the default compute service account";
  } else if (workload !== undefined) {
    account = `${code(run.serviceAccount)} (${workload.dedicatedServiceAccount ? "dedicated" : "given"})`;
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
  const path = (workload?.construct ?? run.construct).node.path;
  const name = `${code(run.name)} (${code(path)})${workload === undefined ? ", written by hand" : ""}`;
  return { path, name, account, held: cell(held), secrets: cell(secrets) };
}

/**
 * Who may do what on a resource: its public members, the members of `role` (when given) and
 * every other role with its members.
 */
function accessCells(
  model: StackModel,
  run: RunResource,
  role?: string,
): { publicMembers: string[]; members: string[]; other: string[] } {
  const on = model.grants.filter((g) => grantOn(g, run));
  return {
    publicMembers: sortedUnique(
      on.flatMap((g) => g.members.filter((m) => PUBLIC_MEMBERS.includes(m))),
    ),
    members: sortedUnique(on.filter((g) => g.role === role).flatMap((g) => g.members)),
    other: sortedUnique(
      on
        .filter((g) => role === undefined || g.role !== role)
        .flatMap((g) => g.members.map((m) => `${code(g.role ?? "(unknown role)")} for ${code(m)}`)),
    ),
  };
}

function serviceRow(model: StackModel, r: TokenResolver, run: RunResource): Row {
  const { publicMembers, members: invokers, other } = accessCells(model, run, RUN_INVOKER_ROLE);
  const access = accessCell(
    [...publicMembers, ...(run.invokerIamDisabled ? ["invoker_iam_disabled"] : [])],
    [membersLine("invokers", invokers), ...otherRolesLine(other)],
  );
  return workloadRow(model, r, run, access, [code(run.ingress ?? "INGRESS_TRAFFIC_ALL")]);
}

/** The schedules of a job: cron, time zone and the scheduler's account. */
function schedulesCell(model: StackModel, r: TokenResolver, run: RunResource): string {
  const schedules = model.schedules.filter((s) => s.workload === run.workload);
  return cell(
    schedules
      .map((s) => {
        const cron = r.text(config(s.schedule.construct, "scheduleInput", ["schedule"]));
        const zone = r.text(config(s.schedule.construct, "timeZoneInput", ["time_zone"]));
        const account = `${code(s.email)} (${s.schedule.dedicatedServiceAccount ? "dedicated" : "given"})`;
        return `${code(cron)} ${code(zone ?? "Etc/UTC")} as ${account}`;
      })
      .sort(byText),
  );
}

function jobRow(model: StackModel, r: TokenResolver, run: RunResource): Row {
  const { publicMembers, members: runners, other } = accessCells(model, run, RUN_INVOKER_ROLE);
  const access = accessCell(publicMembers, [
    membersLine("runners", runners),
    ...otherRolesLine(other),
  ]);
  return workloadRow(model, r, run, access, [schedulesCell(model, r, run)]);
}

function workerPoolRow(model: StackModel, r: TokenResolver, run: RunResource): Row {
  const { publicMembers, other } = accessCells(model, run);
  const access = accessCell(publicMembers, [
    other.length > 0 ? `roles: ${other.join(", ")}` : "roles: none",
  ]);
  return workloadRow(model, r, run, access, []);
}

/** "**public** (why)" or "private", then `lines`. */
function accessCell(publicReasons: string[], lines: string[]): string {
  const visibility =
    publicReasons.length > 0 ? `**public** (${publicReasons.join(", ")})` : "private";
  return cell([visibility, ...lines]);
}

/** `label: member, member` or `label: none`. */
function membersLine(label: string, members: string[]): string {
  return members.length > 0
    ? `${label}: ${members.map((m) => code(m)).join(", ")}`
    : `${label}: none`;
}

/** `other roles: ...` when there are any. */
function otherRolesLine(other: string[]): string[] {
  return other.length > 0 ? [`other roles: ${other.join(", ")}`] : [];
}

/**
 * A workload's row: name, region, image, runtime user, access, the columns of its kind
 * (`specific`), then its account, the account's roles and its secrets.
 */
function workloadRow(
  model: StackModel,
  r: TokenResolver,
  run: RunResource,
  access: string,
  specific: string[],
): Row {
  const common = commonCells(model, run);
  return {
    path: common.path,
    cells: [
      common.name,
      code(run.location),
      imageCell(r, run, run.workload),
      userCell(run.workload),
      access,
      ...specific,
      common.account,
      common.held,
      common.secrets,
    ],
  };
}

/** The table of one kind of workload: its heading, columns and rows. */
interface Section {
  readonly kind: RunKind;
  readonly heading: string;
  readonly columns: string[];
  readonly row: (model: StackModel, r: TokenResolver, run: RunResource) => Row;
  /** Written when there are none; undefined to leave the section out. */
  readonly none?: string;
}

const SECTIONS: readonly Section[] = [
  {
    kind: "service",
    heading: "Services",
    columns: [
      "Service",
      "Region",
      "Image",
      "Runtime user",
      "Access",
      "Ingress",
      "Service account",
      "Roles of the service account",
      "Secrets",
    ],
    row: serviceRow,
    none: "No Cloud Run services.",
  },
  {
    kind: "job",
    heading: "Jobs",
    columns: [
      "Job",
      "Region",
      "Image",
      "Runtime user",
      "Access",
      "Schedules",
      "Service account",
      "Roles of the service account",
      "Secrets",
    ],
    row: jobRow,
  },
  {
    kind: "workerPool",
    heading: "Worker pools",
    columns: [
      "Worker pool",
      "Region",
      "Image",
      "Runtime user",
      "Access",
      "Service account",
      "Roles of the service account",
      "Secrets",
    ],
    row: workerPoolRow,
  },
];

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
  const r = new TokenResolver(model.stack);
  for (const section of SECTIONS) {
    const rows = model.runResources
      .filter((run) => run.kind === section.kind)
      .map((run) => section.row(model, r, run))
      .sort((a, b) => byText(a.path, b.path));
    if (rows.length === 0 && section.none === undefined) {
      continue;
    }
    lines.push(`## ${section.heading}`);
    lines.push("");
    if (rows.length === 0) {
      lines.push(section.none ?? "");
    } else {
      lines.push(`| ${section.columns.join(" | ")} |`);
      lines.push(`| ${section.columns.map(() => "---").join(" | ")} |`);
      for (const row of rows) {
        lines.push(`| ${row.cells.join(" | ")} |`);
      }
    }
    lines.push("");
  }
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
