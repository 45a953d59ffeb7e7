/**
 * The one rule type of the library: Dockerfile rules (`src/dockerfile/rules`) and security
 * posture rules (`src/security/rules`) are both a {@link Rule}: an id, a severity and a title,
 * written once, and a check from a subject (a Dockerfile analysis, a stack model) to findings.
 * A check reports with `found(details)`; the id and severity are added to each finding from the
 * rule, so no rule writes its id twice. This module is not re-exported by `src/index.ts`.
 * @internal
 */

/**
 * A finding: what the rule's check reported (`details`), with the rule's id and severity.
 * @internal
 */
export type RuleFinding<D, Severity extends string> = {
  readonly ruleId: string;
  readonly severity: Severity;
} & D;

/**
 * Reports a finding; `severity` overrides the rule's own (a rule that relays another tool's
 * verdicts, as CR007 relays dockerfile-utils').
 * @internal
 */
export type Report<D, Severity extends string> = (details: D, severity?: Severity) => void;

/** What a rule is made of. @internal */
export interface RuleSpec<S, D, Severity extends string> {
  /** The stable id, e.g. "CR001" or "SEC001" (from the public constants that name it). */
  readonly id: string;
  /** The severity of its findings. */
  readonly severity: Severity;
  /** What the rule checks, one line. */
  readonly title: string;
  /** Reports every problem of `subject`. Never throws for odd input: skips what it cannot judge. */
  readonly check: (subject: S, found: Report<D, Severity>) => void;
}

/** A rule: its id, severity and title, and its check. @internal */
export interface Rule<S, D, Severity extends string> {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** The findings of the rule for `subject`, in the order the check reported them. */
  check(subject: S): RuleFinding<D, Severity>[];
}

/**
 * Makes a rule from its spec.
 * @internal
 */
export function defineRule<S, D, Severity extends string>(
  spec: RuleSpec<S, D, Severity>,
): Rule<S, D, Severity> {
  return {
    id: spec.id,
    severity: spec.severity,
    title: spec.title,
    check(subject: S): RuleFinding<D, Severity>[] {
      const findings: RuleFinding<D, Severity>[] = [];
      spec.check(subject, (details, severity) => {
        findings.push({ ruleId: spec.id, severity: severity ?? spec.severity, ...details });
      });
      return findings;
    },
  };
}

/**
 * The findings of every rule for `subject`, rule by rule in the order given. An exception
 * thrown by a check is passed to `failed`, which returns the error to throw (e.g. one naming
 * the rule).
 * @internal
 */
export function runRules<S, D, Severity extends string>(
  rules: readonly Rule<S, D, Severity>[],
  subject: S,
  failed: (rule: Rule<S, D, Severity>, error: unknown) => Error = (_rule, error) =>
    error instanceof Error ? error : new Error(String(error)),
): RuleFinding<D, Severity>[] {
  const findings: RuleFinding<D, Severity>[] = [];
  for (const rule of rules) {
    try {
      findings.push(...rule.check(subject));
    } catch (error) {
      throw failed(rule, error);
    }
  }
  return findings;
}
