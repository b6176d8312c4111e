import { countyDate } from './county-time';
import { parseDuration } from './duration';
import { dayCounter } from './calendar';
import * as major from './major-hazard';
import type { Policy, PolicyStepKind } from './policy';

export const hazardLevels = ['general', 'major'] as const;
export type HazardLevel = (typeof hazardLevels)[number];

export const hazardSources = [
  'inspection',
  'self_check',
  'public_report',
  'sensor',
  'cross_inspection',
] as const;
export type HazardSource = (typeof hazardSources)[number];

export const hazardStatuses = [
  'registered',
  'planning',
  'plan_review',
  'rectifying',
  'under_review',
  'awaiting_assessment',
  'assessing',
  'awaiting_closure',
  'closed',
] as const;
export type HazardStatus = (typeof hazardStatuses)[number];

/** The step of a case that has a deadline, and so an escalation ladder. */
export type StepKind = PolicyStepKind;

export const roles = [
  'inspector',
  'enterprise',
  'department',
  'committee_office',
  'committee',
  'assessor',
  'expert',
  'public',
  'admin',
] as const;
export type Role = (typeof roles)[number];

/** Whoever issues a command, as the API authenticated them. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
  departmentId?: string;
  enterpriseId?: string;
  /** The assessment body an assessor acts for. */
  assessorId?: string;
}

export interface Step {
  kind: StepKind;
  /** Rectification round: 1, then one more after each failed re-inspection. */
  round: number;
  /** Bumped whenever the deadline moves, so the moved deadline gets a ladder of its own. */
  revision: number;
  startedAt: number;
  deadline: number;
}

export interface ExtensionRequest {
  reason: string;
  requestedDeadline: number;
  requestedAt: number;
  requestedBy: string;
}

/** The standard a major grading was judged against: standards change while cases are open. */
export interface Grading {
  standard: string;
  edition: string;
  item: string;
}

/** The six required parts of a governance plan (治理方案). */
export interface GovernancePlan {
  goalAndTasks: string;
  methodsAndMeasures: string;
  fundingAndMaterials: string;
  responsibleBodyAndPeople: string;
  timeLimit: { deadline: number; requirements: string };
  safetyMeasuresAndEmergencyPlan: string;
}

export interface StopOrder {
  scope: 'whole' | 'partial';
  description: string;
  issuedAt: number;
  issuedBy: string;
}

export interface Assessment {
  id: string;
  bodyId: string;
  assignedAt: number;
  deadline: number;
}

/** The live state of one hazard case, as its workflow holds it. */
export interface HazardCase {
  caseNo: string;
  level: HazardLevel;
  status: HazardStatus;
  enterpriseId: string;
  departmentId: string;
  policyVersion: string;
  foundAt: number;
  registeredAt: number;
  lateRegistration: boolean;
  round: number;
  step: Step | null;
  extension: ExtensionRequest | null;
  /** The highest rung sent for the current step, or null. */
  rung: number | null;
  confirmedAt: number | null;
  closedAt: number | null;
  grading: Grading | null;
  plan: GovernancePlan | null;
  /** The plan step, kept while the plan is reviewed so a returned plan resumes its ladder. */
  planStep: Step | null;
  stopOrder: StopOrder | null;
  assessment: Assessment | null;
  assessments: number;
}

export type HazardCommand =
  | { type: 'confirm'; signatory: string; signature: string }
  | { type: 'request_extension'; reason: string; requestedDeadline: number }
  | { type: 'decide_extension'; approved: boolean; comment: string }
  | { type: 'report_rectification'; summary: string; evidenceIds: string[] }
  | { type: 'reinspect'; passed: boolean; findings: string; rectificationLimit?: string }
  | { type: 'submit_plan'; plan: GovernancePlan }
  | { type: 'review_plan'; accepted: boolean; reasons: string }
  | { type: 'issue_stop_order'; scope: StopOrder['scope']; description: string }
  | { type: 'lift_stop_order'; reason: string }
  | { type: 'assign_assessor'; bodyId: string }
  | {
      type: 'conclude_assessment';
      assessmentId: string;
      passed: boolean;
      findings: string;
      reportEvidenceId: string;
    }
  | { type: 'confirm_closure'; comment: string }
  | { type: 'regrade'; level: HazardLevel; reason: string; grading?: Grading };

export type HazardEventType =
  | 'registered'
  | 'confirmed'
  | 'extension_requested'
  | 'extension_approved'
  | 'extension_refused'
  | 'rectification_reported'
  | 'reinspection_passed'
  | 'reinspection_failed'
  | 'closed'
  | 'escalated'
  | 'evidence_added'
  | 'plan_submitted'
  | 'plan_accepted'
  | 'plan_returned'
  | 'stop_order_issued'
  | 'stop_order_lifted'
  | 'assessor_assigned'
  | 'assessment_passed'
  | 'assessment_failed'
  | 'closure_confirmed'
  | 'regraded';

export interface HazardEventDraft {
  type: HazardEventType;
  data: Record<string, unknown>;
}

export type Refusal = { ok: false; reason: 'forbidden' | 'conflict' | 'invalid'; message: string };
export type Decision = { ok: true; next: HazardCase; events: HazardEventDraft[] } | Refusal;

export function stepKey(step: Step): string {
  return `${step.kind}-${step.round}.${step.revision}`;
}

export function currentDeadline(hazard: HazardCase): number | null {
  return hazard.step?.deadline ?? null;
}

export interface Registration {
  caseNo: string;
  level: HazardLevel;
  grading?: Grading | null;
  enterpriseId: string;
  departmentId: string;
  foundAt: number;
  registeredAt: number;
}

/** A newly registered case, awaiting the enterprise's confirmation. */
export function register(input: Registration, policy: Policy): HazardCase {
  const limit = parseDuration(policy.general.confirmation);
  const deadline = dayCounter(policy).dueAfter(input.registeredAt, limit);
  return {
    ...input,
    status: 'registered',
    policyVersion: policy.version,
    lateRegistration: countyDate(input.foundAt) !== countyDate(input.registeredAt),
    round: 1,
    step: { kind: 'confirmation', round: 1, revision: 0, startedAt: input.registeredAt, deadline },
    extension: null,
    rung: null,
    confirmedAt: null,
    closedAt: null,
    grading: input.grading ?? null,
    plan: null,
    planStep: null,
    stopOrder: null,
    assessment: null,
    assessments: 0,
  };
}

export function refuse(reason: Refusal['reason'], message: string): Refusal {
  return { ok: false, reason, message };
}

const byEnterprise: HazardCommand['type'][] = [
  'confirm',
  'request_extension',
  'report_rectification',
  'submit_plan',
];

/**
 * Who may issue each command: the case's own enterprise, its department's staff, the assigned
 * assessment body, or for closure the committee office.
 */
export function authorize(
  hazard: HazardCase,
  command: HazardCommand,
  actor: Actor,
): Refusal | null {
  if (byEnterprise.includes(command.type)) {
    if (actor.role !== 'enterprise' || actor.enterpriseId !== hazard.enterpriseId) {
      return refuse('forbidden', '只有本案企业可以执行此操作');
    }
    return null;
  }
  if (command.type === 'conclude_assessment') {
    if (
      actor.role !== 'assessor' ||
      !hazard.assessment ||
      actor.assessorId !== hazard.assessment.bodyId
    ) {
      return refuse('forbidden', '只有受委托的第三方技术机构可以签署评估意见');
    }
    return null;
  }
  if (command.type === 'confirm_closure') {
    if (actor.role !== 'committee_office') return refuse('forbidden', '只有县安委办可以确认销号');
    return null;
  }
  const staff = actor.role === 'inspector' || actor.role === 'department';
  if (!staff || actor.departmentId !== hazard.departmentId) {
    return refuse('forbidden', '只有本案监管部门的人员可以执行此操作');
  }
  return null;
}

/**
 * Decides a command against a case at `now`: the new state and the events to record, or why
 * it is refused. Pure, so the workflow's update validator and handler run the same rules.
 */
export function decide(
  hazard: HazardCase,
  command: HazardCommand,
  actor: Actor,
  now: number,
  policy: Policy,
): Decision {
  const denied = authorize(hazard, command, actor);
  if (denied) return denied;
  if (hazard.status === 'closed') return refuse('conflict', '隐患已销号，不能再变更');
  const counter = dayCounter(policy);

  switch (command.type) {
    case 'confirm': {
      if (hazard.status !== 'registered') return refuse('conflict', '隐患已经确认');
      if (hazard.level === 'major') return major.confirm(hazard, command, now, policy);
      const limit = parseDuration(policy.general.rectification);
      const deadline = counter.dueAfter(hazard.registeredAt, limit);
      const step: Step = { kind: 'rectification', round: 1, revision: 0, startedAt: now, deadline };
      return accept({ ...hazard, status: 'rectifying', confirmedAt: now, step, rung: null }, [
        {
          type: 'confirmed',
          data: { signatory: command.signatory, signature: command.signature, deadline },
        },
      ]);
    }

    case 'request_extension': {
      const step = hazard.step;
      if (hazard.status !== 'rectifying' || !step)
        return refuse('conflict', '只有整改期间可以申请延期');
      if (hazard.extension) return refuse('conflict', '已有待审批的延期申请');
      if (now >= step.deadline) return refuse('conflict', '整改期限已过，不能再申请延期');
      if (command.requestedDeadline <= step.deadline) {
        return refuse('invalid', '申请的期限必须晚于当前整改期限');
      }
      const cap = counter.shift(step.deadline, parseDuration(policy.general.maxExtension), 1);
      if (command.requestedDeadline > cap) {
        return refuse('invalid', `延期不得超过 ${policy.general.maxExtension}`);
      }
      const extension: ExtensionRequest = {
        reason: command.reason,
        requestedDeadline: command.requestedDeadline,
        requestedAt: now,
        requestedBy: actor.id,
      };
      return accept({ ...hazard, extension }, [
        {
          type: 'extension_requested',
          data: { reason: command.reason, requestedDeadline: command.requestedDeadline },
        },
      ]);
    }

    case 'decide_extension': {
      const { extension, step } = hazard;
      if (!extension || !step) return refuse('conflict', '没有待审批的延期申请');
      if (!command.approved) {
        return accept({ ...hazard, extension: null }, [
          { type: 'extension_refused', data: { comment: command.comment } },
        ]);
      }
      const moved: Step = {
        ...step,
        revision: step.revision + 1,
        deadline: extension.requestedDeadline,
      };
      return accept({ ...hazard, extension: null, step: moved, rung: null }, [
        {
          type: 'extension_approved',
          data: {
            comment: command.comment,
            previousDeadline: step.deadline,
            deadline: moved.deadline,
          },
        },
      ]);
    }

    case 'report_rectification': {
      if (hazard.status !== 'rectifying') return refuse('conflict', '当前不在整改阶段');
      if (command.evidenceIds.length === 0) return refuse('invalid', '整改报告至少需要一份证据');
      if (hazard.level === 'major') return major.reportRectification(hazard, command, now, policy);
      const limit = parseDuration(policy.general.reinspection);
      const step: Step = {
        kind: 'reinspection',
        round: hazard.round,
        revision: 0,
        startedAt: now,
        deadline: counter.dueAfter(now, limit),
      };
      const next: HazardCase = {
        ...hazard,
        status: 'under_review',
        step,
        extension: null,
        rung: null,
      };
      return accept(next, [
        {
          type: 'rectification_reported',
          data: {
            summary: command.summary,
            evidenceIds: command.evidenceIds,
            reinspectionDeadline: step.deadline,
            withdrawnExtension: hazard.extension !== null,
          },
        },
      ]);
    }

    case 'reinspect': {
      if (hazard.status !== 'under_review') return refuse('conflict', '当前没有待复查的整改');
      if (command.passed) {
        const closed: HazardCase = {
          ...hazard,
          status: 'closed',
          step: null,
          rung: null,
          closedAt: now,
        };
        return accept(closed, [
          { type: 'reinspection_passed', data: { findings: command.findings } },
          { type: 'closed', data: {} },
        ]);
      }
      const limitText = command.rectificationLimit ?? policy.general.rectification;
      const round = hazard.round + 1;
      const deadline = counter.dueAfter(now, parseDuration(limitText));
      const step: Step = { kind: 'rectification', round, revision: 0, startedAt: now, deadline };
      return accept({ ...hazard, status: 'rectifying', round, step, rung: null }, [
        {
          type: 'reinspection_failed',
          data: { findings: command.findings, rectificationLimit: limitText, deadline },
        },
      ]);
    }

    case 'submit_plan':
      return major.submitPlan(hazard, command, now, policy);
    case 'review_plan':
      return major.reviewPlan(hazard, command, now, policy);
    case 'issue_stop_order':
      return major.issueStopOrder(hazard, command, actor, now);
    case 'lift_stop_order':
      return major.liftStopOrder(hazard, command);
    case 'assign_assessor':
      return major.assignAssessor(hazard, command, now, policy);
    case 'conclude_assessment':
      return major.concludeAssessment(hazard, command, now, policy);
    case 'confirm_closure':
      return major.confirmClosure(hazard, command, now);
    case 'regrade':
      return major.regrade(hazard, command, now, policy);
  }
}

export function accept(next: HazardCase, events: HazardEventDraft[]): Decision {
  return { ok: true, next, events };
}

export type Responsible = 'enterprise' | 'department' | 'assessor' | 'committee_office';

/** Who owes a step, and so receives its reminder. */
export function responsibleFor(step: StepKind): Responsible {
  switch (step) {
    case 'confirmation':
    case 'plan':
    case 'rectification':
      return 'enterprise';
    case 'assessment':
      return 'assessor';
    case 'closure':
      return 'committee_office';
    default:
      return 'department';
  }
}
