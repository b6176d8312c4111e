import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Grading, HazardCase, HazardCommand, HazardLevel } from '../domain/hazard';
import type { Policy } from '../domain/policy';

/** The contract between the API and the worker for hazard cases. */
export const HAZARD_TASK_QUEUE = 'hazard-cases';

export function hazardWorkflowId(caseNo: string): string {
  return `hazard/${caseNo}`;
}

export interface OpenHazardInput {
  caseNo: string;
  level: HazardLevel;
  grading?: Grading | null;
  enterpriseId: string;
  departmentId: string;
  title: string;
  description: string;
  location: string;
  source: string;
  foundAt: number;
  registeredAt: number;
  openedBy: Actor;
  /** The inspection whose failed item opened the case, if one did. */
  inspectionId?: string | null;
  /** The policy the case keeps for its whole life. */
  policy: Policy;
}

export interface CommandRequest<C extends HazardCommand = HazardCommand> {
  command: C;
  actor: Actor;
}

/** Resolves once the case is on the record; used with update-with-start when opening. */
export const openedUpdate = defineUpdate<HazardCase, []>('opened');

/** One update per command, so the Temporal UI names what was done. */
export const commandUpdates = {
  confirm: defineUpdate<HazardCase, [CommandRequest]>('confirm'),
  request_extension: defineUpdate<HazardCase, [CommandRequest]>('requestExtension'),
  decide_extension: defineUpdate<HazardCase, [CommandRequest]>('decideExtension'),
  report_rectification: defineUpdate<HazardCase, [CommandRequest]>('reportRectification'),
  reinspect: defineUpdate<HazardCase, [CommandRequest]>('reinspect'),
  submit_plan: defineUpdate<HazardCase, [CommandRequest]>('submitPlan'),
  review_plan: defineUpdate<HazardCase, [CommandRequest]>('reviewPlan'),
  issue_stop_order: defineUpdate<HazardCase, [CommandRequest]>('issueStopOrder'),
  lift_stop_order: defineUpdate<HazardCase, [CommandRequest]>('liftStopOrder'),
  assign_assessor: defineUpdate<HazardCase, [CommandRequest]>('assignAssessor'),
  confirm_closure: defineUpdate<HazardCase, [CommandRequest]>('confirmClosure'),
  regrade: defineUpdate<HazardCase, [CommandRequest]>('regrade'),
} as const satisfies Record<ApiCommandType, unknown>;

/** Commands the API sends; an assessment's conclusion comes from its sign-off workflow. */
export type ApiCommandType = Exclude<HazardCommand['type'], 'conclude_assessment'>;

/** Waits until the case has taken in the conclusion of the given assessment. */
export const assessmentConcludedUpdate = defineUpdate<HazardCase, [string]>('assessmentConcluded');

export function assessmentWorkflowId(assessmentId: string): string {
  return `assessment/${assessmentId}`;
}

export interface AssessmentInput {
  caseNo: string;
  assessmentId: string;
  bodyId: string;
  round: number;
  assignedAt: number;
  deadline: number;
  policy: Policy;
}

export interface SignOff {
  passed: boolean;
  findings: string;
  reportEvidenceId: string;
}

export interface AssessmentOutcome extends SignOff {
  assessmentId: string;
  signedBy: Actor;
}

export const signOffUpdate = defineUpdate<AssessmentOutcome, [SignOff & { actor: Actor }]>(
  'signOff',
);
export const assessmentQuery = defineQuery<{
  input: Omit<AssessmentInput, 'policy'>;
  outcome: AssessmentOutcome | null;
}>('assessment');
export const stateQuery = defineQuery<HazardCase>('state');

/** Failure types an update validator raises, mapped to HTTP statuses by the API. */
export const REFUSAL_TYPES = {
  forbidden: 'CommandForbidden',
  conflict: 'TransitionRefused',
  invalid: 'CommandInvalid',
} as const;

/**
 * The patch under which a case writes its record with local activities. Histories from before
 * it replay with the scheduled activity they had.
 */
export const RECORD_LOCALLY_PATCH = 'record-transition-locally';
