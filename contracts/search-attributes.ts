import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered on the dev server by infra/temporal-dev-server and in docker-compose.
export const searchAttributeTypes = {
  CaseNo: 'Keyword',
  HazardLevel: 'Keyword',
  HazardState: 'Keyword',
  EnterpriseId: 'Keyword',
  DepartmentId: 'Keyword',
  StepDeadline: 'Datetime',
} as const;

export const CASE_NO = defineSearchAttributeKey('CaseNo', SearchAttributeType.KEYWORD);
export const HAZARD_LEVEL = defineSearchAttributeKey('HazardLevel', SearchAttributeType.KEYWORD);
export const HAZARD_STATE = defineSearchAttributeKey('HazardState', SearchAttributeType.KEYWORD);
export const ENTERPRISE_ID = defineSearchAttributeKey('EnterpriseId', SearchAttributeType.KEYWORD);
export const DEPARTMENT_ID = defineSearchAttributeKey('DepartmentId', SearchAttributeType.KEYWORD);
export const STEP_DEADLINE = defineSearchAttributeKey('StepDeadline', SearchAttributeType.DATETIME);
