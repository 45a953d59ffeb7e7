/**
 * The security posture rules over a `StackModel`. Each rule is a small pure function that
 * returns its violations.
 * @internal
 */
import { IConstruct } from "constructs";
import type { CloudRunService } from "../../cloud-run/cloud-run-service";
import { PUBLIC_MEMBERS, isDefaultServiceAccount } from "../../iam/members";
import { PostureRule } from "../posture-rule";
import { Grant, RunResource, ServiceEntry, StackModel, targetsRun } from "./inspect";

/** One violation, before acknowledgements are applied. @internal */
export interface Violation {
  readonly rule: PostureRule;
  /** The offending construct (the message names its path). */
  readonly construct: IConstruct;
  /** Constructs the violation is about (an acknowledgement scoped to one of them covers it). */
  readonly subjects: IConstruct[];
  /** What is wrong. */
  readonly what: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Names, titles of the rules, in rule order. @internal */
export const RULE_INFO: ReadonlyArray<{
  readonly rule: PostureRule;
  readonly name: string;
  readonly title: string;
}> = [
  {
    rule: PostureRule.PUBLIC_INVOKER,
    name: "PUBLIC_INVOKER",
    title: "Public access to a service only with `allowUnauthenticated: true`",
  },
  {
    rule: PostureRule.PRIVILEGED_SERVICE_ACCOUNT,
    name: "PRIVILEGED_SERVICE_ACCOUNT",
    title: "No basic, admin or impersonation roles for runtime service accounts",
  },
  {
    rule: PostureRule.SERVICE_ACCOUNT_KEY,
    name: "SERVICE_ACCOUNT_KEY",
    title: "No service account keys",
  },
  {
    rule: PostureRule.DEFAULT_SERVICE_ACCOUNT,
    name: "DEFAULT_SERVICE_ACCOUNT",
    title: "No service running as a default compute service account",
  },
  {
    rule: PostureRule.UNPROVEN_NON_ROOT_IMAGE,
    name: "UNPROVEN_NON_ROOT_IMAGE",
    title: "Only images proven to run as a non-root user",
  },
];

/** `SEC001 PUBLIC_INVOKER` @internal */
export function ruleLabel(rule: PostureRule): string {
  const info = RULE_INFO.find((i) => i.rule === rule);
  return info === undefined ? String(rule) : `${rule} ${info.name}`;
}

const INVOKER_ROLE = "roles/run.invoker";
const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];
/** Roles that let the holder act as (or mint credentials for) a service account. @internal */
export const IMPERSONATION_ROLES: readonly string[] = [
  "roles/iam.serviceAccountUser",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.workloadIdentityUser",
  "roles/iam.serviceAccountKeyAdmin",
];

/**
 * True for a basic role, an admin role (predefined or custom: "admin" in the role id) or an
 * impersonation role.
 * @internal
 */
export function isPrivilegedRole(role: string): boolean {
  const id = role.split("/").pop() ?? role;
  return BASIC_ROLES.includes(role) || IMPERSONATION_ROLES.includes(role) || /admin/i.test(id);
}

function quote(value: string | undefined): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}

function serviceName(service: CloudRunService): string {
  return `CloudRunService '${service.node.path}'`;
}

function runName(run: RunResource): string {
  return run.service !== undefined
    ? serviceName(run.service)
    : `${run.type} '${run.construct.node.path}'`;
}

const ACK_HINT = (rule: string, when = "If the risk is intended") =>
  ` ${when}, acknowledge it: SecurityPosture.of(stack).acknowledge(PostureRule.${rule}, "<why>").`;

/** SEC001: public members on a Cloud Run service. @internal */
export function publicInvoker(model: StackModel): Violation[] {
  const violations: Violation[] = [];
  const allowed = (service?: CloudRunService) =>
    service !== undefined &&
    model.services.some((s) => s.service === service && s.allowUnauthenticated);
  for (const grant of model.grants) {
    if (grant.level !== "service") {
      continue;
    }
    const publicMembers = grant.members.filter((m) => PUBLIC_MEMBERS.includes(m));
    if (publicMembers.length === 0) {
      continue;
    }
    const run = model.runResources.find((r) => targetsRun(grant.target, r));
    const service = run?.service;
    const role = grant.role ?? "(a role only known at apply)";
    const who = publicMembers.join(" and ");
    if (allowed(service) && grant.role === INVOKER_ROLE) {
      continue;
    }
    let what: string;
    let fix: string;
    if (allowed(service)) {
      what = `grants ${role} to ${who} on ${serviceName(service!)}: allowUnauthenticated makes a service public with ${INVOKER_ROLE} only.`;
      fix = `grant public members nothing but ${INVOKER_ROLE}.`;
    } else {
      const on =
        run !== undefined
          ? service !== undefined
            ? `${serviceName(service)}, which was not created with allowUnauthenticated: true`
            : `${runName(run)}, which is not a CloudRunService created with allowUnauthenticated: true`
          : `the Cloud Run service ${quote(grant.target)}, which is not a CloudRunService created with allowUnauthenticated: true`;
      what = `grants ${role} to ${who} on ${on}, so anyone can call it.`;
      fix =
        service !== undefined
          ? `to make the service public on purpose, set allowUnauthenticated: true on it; otherwise grant ${INVOKER_ROLE} to specific principals (grantInvoke("serviceAccount:…")).`
          : `grant ${INVOKER_ROLE} to specific principals, or create the service with CloudRunService and allowUnauthenticated: true.`;
    }
    violations.push({
      rule: PostureRule.PUBLIC_INVOKER,
      construct: grant.construct,
      subjects: [
        grant.construct,
        ...(run !== undefined ? [run.construct] : []),
        ...(service ? [service] : []),
      ],
      what,
      fix: fix + ACK_HINT("PUBLIC_INVOKER"),
    });
  }
  for (const run of model.runResources) {
    if (run.invokerIamDisabled && !allowed(run.service)) {
      violations.push({
        rule: PostureRule.PUBLIC_INVOKER,
        construct: run.construct,
        subjects: [run.construct, ...(run.service ? [run.service] : [])],
        what: `sets invoker_iam_disabled = true on ${runName(run)}: the IAM invoker check is off, so anyone can call it.`,
        fix:
          `remove invoker_iam_disabled and grant ${INVOKER_ROLE} to specific principals, or use allowUnauthenticated: true to make the service public on purpose.` +
          ACK_HINT("PUBLIC_INVOKER"),
      });
    }
  }
  return violations;
}

const LEVEL_TEXT: { [level: string]: string } = {
  project: "project",
  folder: "folder",
  organization: "organization",
  serviceAccount: "service account",
};

/** SEC002: runtime service accounts with basic, admin or impersonation roles. @internal */
export function privilegedServiceAccount(model: StackModel): Violation[] {
  const violations: Violation[] = [];
  for (const grant of model.grants) {
    const level = LEVEL_TEXT[grant.level];
    if (level === undefined || grant.role === undefined || grant.role.includes("${")) {
      continue;
    }
    if (!isPrivilegedRole(grant.role)) {
      continue;
    }
    for (const entry of holders(model.services, grant)) {
      const on =
        grant.target !== undefined
          ? `${level} ${quote(grant.target)}`
          : `the provider's ${level === "project" ? "project" : level}`;
      violations.push({
        rule: PostureRule.PRIVILEGED_SERVICE_ACCOUNT,
        construct: grant.construct,
        subjects: [grant.construct, entry.service],
        what: `grants ${grant.role} on ${on} to the runtime service account of ${serviceName(entry.service)} (${entry.email ?? "its service account"}).`,
        fix:
          "grant the service account only the roles it needs, on the resources it uses (e.g. roles/secretmanager.secretAccessor on one secret, roles/storage.objectViewer on one bucket); never basic (owner, editor, viewer), admin or impersonation roles." +
          ACK_HINT("PRIVILEGED_SERVICE_ACCOUNT"),
      });
    }
  }
  return violations;
}

/** The library services whose runtime identity is among the grant's members. @internal */
export function holders(services: ServiceEntry[], grant: Grant): ServiceEntry[] {
  return services.filter((s) => s.identities.some((id) => grant.members.includes(id)));
}

/** SEC003: service account keys. @internal */
export function serviceAccountKey(model: StackModel): Violation[] {
  return model.keys.map((key) => ({
    rule: PostureRule.SERVICE_ACCOUNT_KEY,
    construct: key.construct,
    subjects: [key.construct],
    what: `creates a service account key (google_service_account_key) for ${quote(key.target)}: a long-lived credential that can leak and never expires by itself.`,
    fix:
      "use attached identities instead (Cloud Run services get tokens for their service account from the metadata server) or Workload Identity Federation for callers outside Google Cloud." +
      ACK_HINT("SERVICE_ACCOUNT_KEY"),
  }));
}

const DEFAULT_ACCOUNT_DATA =
  /\$\{data\.google_(compute|app_engine)_default_service_account\.[^.}]+\.(email|member|name|id)\}/;

/** SEC004: services running as a default service account. @internal */
export function defaultServiceAccount(model: StackModel): Violation[] {
  const violations: Violation[] = [];
  for (const run of model.runResources) {
    const sa = run.serviceAccount;
    let what: string | undefined;
    if (sa === undefined) {
      what = `${runName(run)} has no service account set, so it runs as the project's default compute service account (which holds the Editor role by default).`;
    } else if (isDefaultServiceAccount(sa) || DEFAULT_ACCOUNT_DATA.test(sa)) {
      what = `${runName(run)} runs as the default service account ${quote(sa)}, which holds the Editor role by default.`;
    }
    if (what !== undefined) {
      violations.push({
        rule: PostureRule.DEFAULT_SERVICE_ACCOUNT,
        construct: run.construct,
        subjects: [run.construct, ...(run.service ? [run.service] : [])],
        what,
        fix:
          "run the service as a dedicated service account with no project roles: CloudRunService creates one when serviceAccountEmail is omitted; for a hand-written service set template.service_account." +
          ACK_HINT("DEFAULT_SERVICE_ACCOUNT"),
      });
    }
  }
  return violations;
}

/** SEC005: images not proven to run as a non-root user. @internal */
export function unprovenNonRootImage(model: StackModel): Violation[] {
  const violations: Violation[] = [];
  const fix =
    "build the image with ContainerImage or CloudRunApp (the Dockerfile analysis proves a non-root USER) and run its imageRef." +
    ACK_HINT("UNPROVEN_NON_ROOT_IMAGE", "If you verified the image's user yourself");
  for (const run of model.runResources) {
    const subjects = [run.construct, ...(run.service ? [run.service] : [])];
    if (run.containers.length === 0) {
      violations.push({
        rule: PostureRule.UNPROVEN_NON_ROOT_IMAGE,
        construct: run.construct,
        subjects,
        what: `${runName(run)} has no container image this check can read, so its user is not proven non-root.`,
        fix,
      });
      continue;
    }
    run.containers.forEach((container, index) => {
      const image =
        (container.rawImage !== undefined
          ? model.imagesByRef.get(container.rawImage)
          : undefined) ??
        (container.image !== undefined ? model.imagesByRef.get(container.image) : undefined);
      const which = run.containers.length > 1 ? `container #${index} of ` : "";
      if (image === undefined) {
        violations.push({
          rule: PostureRule.UNPROVEN_NON_ROOT_IMAGE,
          construct: run.construct,
          subjects,
          what: `${which}${runName(run)} runs the image ${quote(container.image)}, which was not built by a ContainerImage of this library, so its user is not proven non-root.`,
          fix,
        });
      } else if (image.runtimeUser?.isRoot !== false) {
        violations.push({
          rule: PostureRule.UNPROVEN_NON_ROOT_IMAGE,
          construct: run.construct,
          subjects: image.node !== undefined ? [...subjects, image] : subjects,
          what: `${which}${runName(run)} runs ContainerImage '${image.node?.path ?? image.imageRef}', which is not proven to run as a non-root user: ${image.runtimeUser?.reason ?? "its runtime user is unknown."}`,
          fix,
        });
      }
    });
  }
  return violations;
}

/** All rules, in rule order. @internal */
export function evaluate(model: StackModel): Violation[] {
  return [
    ...publicInvoker(model),
    ...privilegedServiceAccount(model),
    ...serviceAccountKey(model),
    ...defaultServiceAccount(model),
    ...unprovenNonRootImage(model),
  ];
}
