/**
 * The security posture rules over a `StackModel`, in rule order. Each rule is the library's one
 * rule type (see `util/rule`): its id (a `PostureRule` value), severity and title are written
 * once, and its check reports its violations.
 * @internal
 */
import { IConstruct } from "constructs";
import { FindingSeverity } from "../../dockerfile/types";
import { RUN_INVOKER_ROLE } from "../../iam/member-bindings";
import { PUBLIC_MEMBERS, isDefaultServiceAccount } from "../../iam/members";
import { defineRule, Rule, RuleFinding, RuleSpec, runRules } from "../../util/rule";
import { PostureRule } from "../posture-rule";
import { PostureWorkload, workloadName } from "../workload";
import { Grant } from "./grants";
import { StackModel, WorkloadEntry } from "./inspect";
import { grantOn, RunResource } from "./run-resources";

/** What a posture rule reports. @internal */
export interface ViolationDetails {
  /** The offending construct (the message names its path). */
  readonly construct: IConstruct;
  /** Constructs the violation is about (an acknowledgement scoped to one of them covers it). */
  readonly subjects: IConstruct[];
  /** What is wrong. */
  readonly what: string;
  /** How to fix it (the rule adds how to acknowledge it). */
  readonly fix: string;
}

/** One violation, before acknowledgements are applied. @internal */
export type Violation = RuleFinding<ViolationDetails, FindingSeverity>;

/** A posture rule. @internal */
export type PostureRuleCheck = Rule<StackModel, ViolationDetails, FindingSeverity>;

/** The name of a rule's `PostureRule` member, e.g. `PUBLIC_INVOKER` for `SEC001`. @internal */
export function ruleName(id: string): string {
  return Object.entries(PostureRule).find(([, value]) => value === id)?.[0] ?? id;
}

/** `SEC001 PUBLIC_INVOKER` @internal */
export function ruleLabel(id: string): string {
  const name = ruleName(id);
  return name === id ? id : `${id} ${name}`;
}

/**
 * A posture rule: every fix it reports ends with how to accept the risk, `acknowledgeWhen`
 * ("If the risk is intended") followed by the `acknowledge` call for this rule.
 */
function postureRule(
  spec: RuleSpec<StackModel, ViolationDetails, FindingSeverity> & {
    readonly acknowledgeWhen?: string;
  },
): PostureRuleCheck {
  const hint =
    ` ${spec.acknowledgeWhen ?? "If the risk is intended"}, acknowledge it: ` +
    `SecurityPosture.of(stack).acknowledge(PostureRule.${ruleName(spec.id)}, "<why>").`;
  return defineRule({
    ...spec,
    check: (model, found) => spec.check(model, (d) => found({ ...d, fix: d.fix + hint })),
  });
}

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

function runName(run: RunResource): string {
  return run.workload !== undefined
    ? workloadName(run.workload)
    : `${run.type} '${run.construct.node.path}'`;
}

/** SEC001: public members on a Cloud Run service, job or worker pool. @internal */
export const publicInvoker = postureRule({
  id: PostureRule.PUBLIC_INVOKER,
  severity: FindingSeverity.ERROR,
  title:
    "Public access only to a service with `allowUnauthenticated: true`, never to a job or worker pool",
  check(model, found) {
    const allowed = (workload?: PostureWorkload) =>
      workload !== undefined &&
      model.workloads.some((w) => w.workload === workload && w.allowUnauthenticated);
    for (const grant of model.grants) {
      if (grant.level === "job" || grant.level === "workerPool") {
        publicOnJobOrPool(model, grant, found);
        continue;
      }
      if (grant.level !== "service") {
        continue;
      }
      const publicMembers = grant.members.filter((m) => PUBLIC_MEMBERS.includes(m));
      if (publicMembers.length === 0) {
        continue;
      }
      const run = model.runResources.find((r) => grantOn(grant, r));
      const service = run?.workload;
      const role = grant.role ?? "(a role only known at apply)";
      const who = publicMembers.join(" and ");
      if (allowed(service) && grant.role === RUN_INVOKER_ROLE) {
        continue;
      }
      let what: string;
      let fix: string;
      if (allowed(service)) {
        what = `grants ${role} to ${who} on ${workloadName(service!)}: allowUnauthenticated makes a service public with ${RUN_INVOKER_ROLE} only.`;
        fix = `grant public members nothing but ${RUN_INVOKER_ROLE}.`;
      } else {
        const on =
          run !== undefined
            ? service !== undefined
              ? `${workloadName(service)}, which was not created with allowUnauthenticated: true`
              : `${runName(run)}, which is not a CloudRunService created with allowUnauthenticated: true`
            : `the Cloud Run service ${quote(grant.target)}, which is not a CloudRunService created with allowUnauthenticated: true`;
        what = `grants ${role} to ${who} on ${on}, so anyone can call it.`;
        fix =
          service !== undefined
            ? `to make the service public on purpose, set allowUnauthenticated: true on it; otherwise grant ${RUN_INVOKER_ROLE} to specific principals (grantInvoke("serviceAccount:…")).`
            : `grant ${RUN_INVOKER_ROLE} to specific principals, or create the service with CloudRunService and allowUnauthenticated: true.`;
      }
      found({
        construct: grant.construct,
        subjects: [
          grant.construct,
          ...(run !== undefined ? [run.construct] : []),
          ...(service ? [service.construct] : []),
        ],
        what,
        fix,
      });
    }
    for (const run of model.runResources) {
      if (run.invokerIamDisabled && !allowed(run.workload)) {
        found({
          construct: run.construct,
          subjects: [run.construct, ...(run.workload ? [run.workload.construct] : [])],
          what: `sets invoker_iam_disabled = true on ${runName(run)}: the IAM invoker check is off, so anyone can call it.`,
          fix: `remove invoker_iam_disabled and grant ${RUN_INVOKER_ROLE} to specific principals, or use allowUnauthenticated: true to make the service public on purpose.`,
        });
      }
    }
  },
});

/**
 * SEC001 on a job or a worker pool: neither is ever public on purpose, so a public member in any
 * role is a violation (on a job, `roles/run.invoker` lets anyone start executions).
 */
function publicOnJobOrPool(
  model: StackModel,
  grant: Grant,
  found: (details: ViolationDetails) => void,
): void {
  const publicMembers = grant.members.filter((m) => PUBLIC_MEMBERS.includes(m));
  if (publicMembers.length === 0) {
    return;
  }
  const job = grant.level === "job";
  const run = model.runResources.find((r) => grantOn(grant, r));
  const workload = run?.workload;
  const role = grant.role ?? "(a role only known at apply)";
  const on =
    run !== undefined
      ? runName(run)
      : `the Cloud Run ${job ? "job" : "worker pool"} ${quote(grant.target)}`;
  const consequence = job
    ? grant.role === RUN_INVOKER_ROLE
      ? "so anyone can execute it"
      : "so anyone holds that role on it"
    : "so anyone holds that role on it";
  found({
    construct: grant.construct,
    subjects: [
      grant.construct,
      ...(run !== undefined ? [run.construct] : []),
      ...(workload ? [workload.construct] : []),
    ],
    what: `grants ${role} to ${publicMembers.join(" and ")} on ${on}, ${consequence}; a ${job ? "job" : "worker pool"} is never public on purpose.`,
    fix: job
      ? `grant ${RUN_INVOKER_ROLE} on the job to specific principals (CloudRunJob.grantRun("serviceAccount:…"), or schedule() for a scheduled run).`
      : "grant roles on the worker pool to specific principals only.",
  });
}

const LEVEL_TEXT: { [level: string]: string } = {
  project: "project",
  folder: "folder",
  organization: "organization",
  serviceAccount: "service account",
};

/** SEC002: runtime service accounts with basic, admin or impersonation roles. @internal */
export const privilegedServiceAccount = postureRule({
  id: PostureRule.PRIVILEGED_SERVICE_ACCOUNT,
  severity: FindingSeverity.ERROR,
  title: "No basic, admin or impersonation roles for runtime service accounts",
  check(model, found) {
    for (const grant of model.grants) {
      const level = LEVEL_TEXT[grant.level];
      if (level === undefined || grant.role === undefined || grant.role.includes("${")) {
        continue;
      }
      if (!isPrivilegedRole(grant.role)) {
        continue;
      }
      const on =
        grant.target !== undefined
          ? `${level} ${quote(grant.target)}`
          : `the provider's ${level === "project" ? "project" : level}`;
      for (const entry of holders(model.workloads, grant)) {
        found({
          construct: grant.construct,
          subjects: [grant.construct, entry.workload.construct],
          what: `grants ${grant.role} on ${on} to the runtime service account of ${workloadName(entry.workload)} (${entry.email ?? "its service account"}).`,
          fix: "grant the service account only the roles it needs, on the resources it uses (e.g. roles/secretmanager.secretAccessor on one secret, roles/storage.objectViewer on one bucket); never basic (owner, editor, viewer), admin or impersonation roles.",
        });
      }
      for (const entry of model.schedules) {
        if (!entry.identities.some((id) => grant.members.includes(id))) {
          continue;
        }
        found({
          construct: grant.construct,
          subjects: [grant.construct, entry.schedule.construct, entry.workload.construct],
          what: `grants ${grant.role} on ${on} to the scheduler service account of ${workloadName(entry.workload)} (${entry.email ?? "its service account"}), which needs only ${RUN_INVOKER_ROLE} on that job.`,
          fix: `leave the scheduler's account with ${RUN_INVOKER_ROLE} on its job only (what schedule() grants); never basic, admin or impersonation roles.`,
        });
      }
    }
  },
});

/** The library workloads whose runtime identity is among the grant's members. @internal */
export function holders(workloads: WorkloadEntry[], grant: Grant): WorkloadEntry[] {
  return workloads.filter((w) => w.identities.some((id) => grant.members.includes(id)));
}

/** SEC003: service account keys. @internal */
export const serviceAccountKey = postureRule({
  id: PostureRule.SERVICE_ACCOUNT_KEY,
  severity: FindingSeverity.ERROR,
  title: "No service account keys",
  check(model, found) {
    for (const key of model.keys) {
      found({
        construct: key.construct,
        subjects: [key.construct],
        what: `creates a service account key (google_service_account_key) for ${quote(key.target)}: a long-lived credential that can leak and never expires by itself.`,
        fix: "use attached identities instead (Cloud Run services get tokens for their service account from the metadata server) or Workload Identity Federation for callers outside Google Cloud.",
      });
    }
  },
});

const DEFAULT_ACCOUNT_DATA =
  /\$\{data\.google_(compute|app_engine)_default_service_account\.[^.}]+\.(email|member|name|id)\}/;

/** SEC004: services, jobs and worker pools running as a default service account. @internal */
export const defaultServiceAccount = postureRule({
  id: PostureRule.DEFAULT_SERVICE_ACCOUNT,
  severity: FindingSeverity.ERROR,
  title: "No service, job or worker pool running as a default compute service account",
  check(model, found) {
    for (const run of model.runResources) {
      const sa = run.serviceAccount;
      let what: string | undefined;
      if (sa === undefined) {
        what = `${runName(run)} has no service account set, so it runs as the project's default compute service account (which holds the Editor role by default).`;
      } else if (isDefaultServiceAccount(sa) || DEFAULT_ACCOUNT_DATA.test(sa)) {
        what = `${runName(run)} runs as the default service account ${quote(sa)}, which holds the Editor role by default.`;
      }
      if (what !== undefined) {
        found({
          construct: run.construct,
          subjects: [run.construct, ...(run.workload ? [run.workload.construct] : [])],
          what,
          fix: "run it as a dedicated service account with no project roles: CloudRunService, CloudRunJob and WorkerPool create one when serviceAccountEmail is omitted; for a hand-written resource set template.service_account (template.template.service_account for a job).",
        });
      }
    }
  },
});

/** SEC005: images not proven to run as a non-root user. @internal */
export const unprovenNonRootImage = postureRule({
  id: PostureRule.UNPROVEN_NON_ROOT_IMAGE,
  severity: FindingSeverity.ERROR,
  title: "Only images proven to run as a non-root user",
  acknowledgeWhen: "If you verified the image's user yourself",
  check(model, found) {
    const fix =
      "build the image with ContainerImage or CloudRunApp (the Dockerfile analysis proves a non-root USER) and run its imageRef.";
    for (const run of model.runResources) {
      const subjects = [run.construct, ...(run.workload ? [run.workload.construct] : [])];
      if (run.containers.length === 0) {
        found({
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
        const which =
          run.containers.length <= 1
            ? ""
            : container.name !== undefined
              ? `container ${quote(container.name)} of `
              : `container #${index} of `;
        if (image === undefined) {
          found({
            construct: run.construct,
            subjects,
            what: `${which}${runName(run)} runs the image ${quote(container.image)}, which was not built by a ContainerImage of this library, so its user is not proven non-root.`,
            fix,
          });
        } else if (image.runtimeUser?.isRoot !== false) {
          found({
            construct: run.construct,
            subjects: image.node !== undefined ? [...subjects, image] : subjects,
            what: `${which}${runName(run)} runs ContainerImage '${image.node?.path ?? image.imageRef}', which is not proven to run as a non-root user: ${image.runtimeUser?.reason ?? "its runtime user is unknown."}`,
            fix,
          });
        }
      });
    }
  },
});

/** All rules, in rule order. @internal */
export const POSTURE_RULES: readonly PostureRuleCheck[] = [
  publicInvoker,
  privilegedServiceAccount,
  serviceAccountKey,
  defaultServiceAccount,
  unprovenNonRootImage,
];

/** The violations of every rule, in rule order. @internal */
export function evaluate(model: StackModel): Violation[] {
  return runRules(POSTURE_RULES, model);
}
