import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, HazardCase, HazardCommand, HazardLevel } from '../domain/hazard';
import type { Policy } from '../domain/policy';

/** The contract between the API and the worker for hazard cases. */
export const HAZARD_TASK_QUEUE = 'hazard-cases';

export function hazardWorkflowId(caseNo: string): string {
  return `hazard/${caseNo}`;
}

export interface OpenHazardInput {
  caseNo: string;
  level: HazardLevel;
  enterpriseId: string;
  departmentId: string;
  title: string;
  description: string;
  location: string;
  source: string;
  foundAt: number;
  registeredAt: number;
  openedBy: Actor;
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
} as const satisfies Record<HazardCommand['type'], unknown>;
export const stateQuery = defineQuery<HazardCase>('state');

/** Failure types an update validator raises, mapped to HTTP statuses by the API. */
export const REFUSAL_TYPES = {
  forbidden: 'CommandForbidden',
  conflict: 'TransitionRefused',
  invalid: 'CommandInvalid',
} as const;
