import type { AssessmentInput, OpenHazardInput } from '../contracts/hazard';
import type { Actor, HazardCase, HazardEventDraft, Step } from '../domain/hazard';
import type { RecipientKind } from '../domain/policy';

/** One accepted transition of a case: its events and the state it leads to. */
export interface TransitionRecord {
  caseNo: string;
  /** The workflow's transition counter; the record keeps only the newest state. */
  seq: number;
  occurredAt: number;
  actor: Actor | null;
  events: HazardEventDraft[];
  state: HazardCase;
  /** Present on the first transition, which creates the case on the record. */
  opening?: Omit<OpenHazardInput, 'policy' | 'openedBy'>;
}

export interface EscalationRequest {
  caseNo: string;
  step: Step;
  stepKey: string;
  rung: number;
  dueAt: number;
  notify: RecipientKind[];
}

export interface EscalationOutcome {
  recipients: string[];
  sent: number;
  alreadySent: number;
}

/** What workflows may call; implemented by activities/index.ts. */
export interface HazardActivities extends AssessmentActivities, InspectionActivities {
  recordTransition(record: TransitionRecord): Promise<void>;
  sendEscalation(request: EscalationRequest): Promise<EscalationOutcome>;
}

/** An assessment's state: the sign-off workflow's input, less its policy, and what became of it. */
export interface AssessmentRecord extends Omit<AssessmentInput, 'policy'> {
  status: 'assigned' | 'passed' | 'failed' | 'withdrawn';
  at: number;
  findings?: string;
  reportEvidenceId?: string;
  signedBy?: string;
}

export interface AssessmentActivities {
  recordAssessment(record: AssessmentRecord): Promise<void>;
  notifyAssessor(request: {
    caseNo: string;
    assessmentId: string;
    bodyId: string;
    deadline: number;
  }): Promise<void>;
}

export interface EnterpriseEventRecord {
  enterpriseId: string;
  key: string;
  type: string;
  actorId: string | null;
  occurredAt: number;
  data: Record<string, unknown>;
  rung?: number;
}

export interface InspectionDue {
  enterpriseId: string;
  windowKey: string;
  tier: string;
  window: { start: number; end: number };
}

export interface InspectionActivities {
  recordEnterpriseEvent(record: EnterpriseEventRecord): Promise<void>;
  announceInspectionDue(due: InspectionDue): Promise<void>;
  sendInspectionEscalation(
    request: InspectionDue & { rung: number; dueAt: number; notify: RecipientKind[] },
  ): Promise<void>;
}
