import * as fs from "fs";
import * as path from "path";
import { Annotations, Aspects, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { invalidProp, isUnresolved, ownerName } from "../util/check";
import { perStack } from "../util/singletons";
import { afterStackSynthesis } from "../util/stack-synthesis";
import { StackModel, inspectStack } from "./internal/inspect";
import { renderReport } from "./internal/report";
import { evaluate, ruleLabel } from "./internal/rules";
import { PostureFinding, PostureRule } from "./posture-rule";
import { PostureWorkload } from "./workload";

const POSTURE_MARK = Symbol.for("cdktf-cloud-run.SecurityPosture.mark");
const REPORT_FILE = "security-report.md";

/** The stack model of one synth pass, computed by the validation and reused by the report. */
interface SynthPass {
  checked?: CheckedModel;
  /** The number of constructs in the stack when `checked` was computed. */
  size?: number;
  /** The number of acknowledgements when `checked` was computed. */
  acknowledgements?: number;
}

interface CheckedModel {
  readonly model: StackModel;
  readonly results: Array<{ finding: PostureFinding; construct: IConstruct }>;
}

interface Acknowledgement {
  readonly rule: PostureRule;
  readonly reason: string;
  /** Construct path the acknowledgement is limited to; undefined for the whole stack. */
  readonly scopePath?: string;
}

/**
 * The security posture check of one stack, and its report.
 *
 * Created on first use by every `CloudRunService`, `CloudRunJob` and `WorkerPool` (or by
 * `SecurityPosture.of(stack)`), it
 * validates the whole stack at synth (`app.synth()`, `cdktf synth`,
 * `Testing.synth(stack, true)`), including resources written by hand next to the library's
 * constructs, and fails with one message per violation naming the rule, the construct path and
 * the fix. The rules are the `PostureRule` values:
 *
 * - SEC001 `PUBLIC_INVOKER`: `allUsers` / `allAuthenticatedUsers` on a Cloud Run service (v2 or
 *   v1 IAM member, binding or policy) that was not created with `allowUnauthenticated: true`,
 *   or `invoker_iam_disabled`;
 * - SEC002 `PRIVILEGED_SERVICE_ACCOUNT`: a service's runtime service account holds a basic
 *   (owner, editor, viewer), admin or impersonation role on a project, folder, organization or
 *   service account;
 * - SEC003 `SERVICE_ACCOUNT_KEY`: a `google_service_account_key`;
 * - SEC004 `DEFAULT_SERVICE_ACCOUNT`: a Cloud Run service running as a default compute or App
 *   Engine service account, or with no service account;
 * - SEC005 `UNPROVEN_NON_ROOT_IMAGE`: a Cloud Run service running an image that no
 *   `ContainerImage` of this library proved to run as a non-root user.
 *
 * A rule can be acknowledged, explicitly and visibly: `acknowledge(rule, reason)` turns its
 * violations into warnings that carry the reason, and the report lists them.
 *
 * The rules cover Cloud Run jobs (and the accounts of their schedules) and worker pools as
 * they cover services: no public member on them, no privileged roles for their accounts, no
 * default service account, only images proven non-root.
 *
 * At synth, `security-report.md` is written next to the stack's Terraform JSON
 * (`cdktf.out/stacks/<stack>/security-report.md`): one row per Cloud Run service (image,
 * runtime user and how it was proven, public or private, ingress, service account and its
 * roles, secrets), per job (who may run it, its schedules) and per worker pool, and the result
 * of every rule.
 */
export class SecurityPosture extends Construct {
  /**
   * The security posture of the stack that contains `scope`, created on first use.
   */
  public static of(scope: IConstruct): SecurityPosture {
    let stack: TerraformStack;
    try {
      stack = TerraformStack.of(scope);
    } catch {
      throw invalidProp(
        "SecurityPosture.of",
        "scope",
        "must be a construct inside a TerraformStack",
        scope?.node?.path ?? scope,
      );
    }
    return perStack(stack, "SecurityPosture", () => {
      let id = "SecurityPosture";
      for (let n = 2; stack.node.tryFindChild(id) !== undefined; n++) {
        id = `SecurityPosture${n}`;
      }
      return new SecurityPosture(stack, id);
    });
  }

  /**
   * True when `x` is a SecurityPosture (also across copies of this library).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static isSecurityPosture(x: any): x is SecurityPosture {
    return typeof x === "object" && x !== null && POSTURE_MARK in x;
  }

  /** The stack this posture checks. */
  public readonly stack: TerraformStack;

  private readonly owner: string;
  private readonly acknowledgements: Acknowledgement[] = [];
  private readonly warned = new Set<string>();
  private readonly workloads = new Map<IConstruct, PostureWorkload>();
  /** Set when a synth starts (its aspects run before its validations and report). */
  private synthPass?: SynthPass;

  private constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    Object.defineProperty(this, POSTURE_MARK, { value: true });
    this.stack = stack;
    this.owner = ownerName("SecurityPosture", stack.node.path);
    stack.node.addValidation({ validate: () => this.validate() });
    // A synth runs the aspects, then the validations, then writes the files: the model the
    // validation computed is reused by the report when no construct was added in between.
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) {
          this.synthPass = {};
        }
      },
    });
    afterStackSynthesis(stack, (_session, directory) => {
      const pass = this.synthPass;
      this.synthPass = undefined;
      const reusable =
        pass?.checked !== undefined &&
        pass.size === this.stack.node.findAll().length &&
        pass.acknowledgements === this.acknowledgements.length;
      const checked = reusable && pass.checked !== undefined ? pass.checked : this.checkNow();
      fs.mkdirSync(directory, { recursive: true });
      fs.writeFileSync(
        path.join(directory, REPORT_FILE),
        renderReport(
          checked.model,
          checked.results.map((c) => c.finding),
        ),
      );
    });
  }

  /**
   * Accepts the risk of a rule: its violations become warnings that carry `reason`, and the
   * report lists them as acknowledged.
   *
   * @param rule the rule
   * @param reason why the risk is accepted (shown in the warning and the report)
   * @param scope limit the acknowledgement to violations of this construct or below it, or
   * about it (e.g. a `CloudRunService`: grants on it and on its service account)
   */
  public acknowledge(rule: PostureRule, reason: string, scope?: IConstruct): void {
    if (!Object.values(PostureRule).includes(rule)) {
      throw invalidProp(
        this.owner,
        "rule",
        `must be one of the PostureRule values (${Object.values(PostureRule).join(", ")})`,
        rule,
      );
    }
    if (typeof reason !== "string" || reason.trim() === "" || isUnresolved(reason)) {
      throw invalidProp(
        this.owner,
        "reason",
        "must be a sentence saying why the risk is accepted (it is shown in the warning and the report)",
        reason,
      );
    }
    let scopePath: string | undefined;
    if (scope !== undefined) {
      const ok =
        typeof scope === "object" &&
        scope !== null &&
        scope.node !== undefined &&
        (scope === this.stack || scope.node.scopes.includes(this.stack));
      if (!ok) {
        throw invalidProp(
          this.owner,
          "scope",
          `must be a construct in stack '${this.stack.node.path}'`,
          scope?.node?.path ?? scope,
        );
      }
      scopePath = scope === this.stack ? undefined : scope.node.path;
    }
    this.acknowledgements.push({ rule, reason: reason.trim(), scopePath });
  }

  /**
   * Checks the stack now: every violation of a rule, acknowledged or not, in rule order.
   */
  public findings(): PostureFinding[] {
    return this.check(inspectStack(this.stack, this.workloads)).map((c) => c.finding);
  }

  /**
   * Registers a workload of the library (a `CloudRunService`, `CloudRunJob` or `WorkerPool`), which the rules and the report
   * then know as such: created public on purpose or not, its image, its own service account.
   * @internal
   */
  public _addWorkload(workload: PostureWorkload): void {
    this.workloads.set(workload.construct, workload);
  }

  /**
   * The security posture report of the stack (the text of `security-report.md`).
   */
  public renderReport(): string {
    const { model, results } = this.checkNow();
    return renderReport(
      model,
      results.map((c) => c.finding),
    );
  }

  private checkNow(): CheckedModel {
    const model = inspectStack(this.stack, this.workloads);
    return { model, results: this.check(model) };
  }

  private check(model: StackModel): Array<{ finding: PostureFinding; construct: IConstruct }> {
    return evaluate(model).map((v) => {
      const path = v.construct.node.path;
      const rule = v.ruleId as PostureRule;
      const ack = this.acknowledgementFor(
        rule,
        v.subjects.map((s) => s.node.path),
      );
      const finding: PostureFinding = {
        rule,
        path,
        message: `[${ruleLabel(rule)}] ${path}: ${v.what} Fix: ${v.fix}`,
        acknowledged: ack !== undefined,
        reason: ack?.reason,
      };
      return { finding, construct: v.construct };
    });
  }

  /** The most specific acknowledgement of `rule` that covers one of the paths. */
  private acknowledgementFor(rule: PostureRule, paths: string[]): Acknowledgement | undefined {
    let best: Acknowledgement | undefined;
    for (const ack of this.acknowledgements) {
      if (ack.rule !== rule) {
        continue;
      }
      const covers =
        ack.scopePath === undefined ||
        paths.some((p) => p === ack.scopePath || p.startsWith(`${ack.scopePath}/`));
      if (!covers) {
        continue;
      }
      if (best === undefined || (ack.scopePath ?? "").length > (best.scopePath ?? "").length) {
        best = ack;
      }
    }
    return best;
  }

  private validate(): string[] {
    const errors: string[] = [];
    const checked = this.checkNow();
    if (this.synthPass !== undefined) {
      this.synthPass.checked = checked;
      this.synthPass.size = this.stack.node.findAll().length;
      this.synthPass.acknowledgements = this.acknowledgements.length;
    }
    for (const { finding, construct } of checked.results) {
      if (!finding.acknowledged) {
        errors.push(finding.message);
        continue;
      }
      const warning = `${finding.message.replace(/ Fix: .*$/s, "")} Acknowledged: ${finding.reason}`;
      // Validations may run more than once per synth; warn once.
      if (!this.warned.has(warning)) {
        this.warned.add(warning);
        Annotations.of(construct).addWarning(warning);
      }
    }
    return errors;
  }
}
