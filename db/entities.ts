import { EntitySchema } from '@mikro-orm/core';

export type DepartmentKind = 'supervising' | 'committee_office' | 'committee' | 'inspection_office';

export interface Department {
  id: string;
  name: string;
  kind: DepartmentKind;
  escalationEmail: string;
  createdAt: Date;
}

export const DepartmentSchema = new EntitySchema<Department>({
  name: 'Department',
  tableName: 'department',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string' },
    kind: { type: 'string' },
    escalationEmail: { type: 'string' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface Enterprise {
  id: string;
  name: string;
  creditCode: string;
  industry: string;
  township: string;
  departmentId: string;
  responsibleName: string;
  responsibleEmail: string;
  safetyManagerName: string;
  safetyManagerEmail: string;
  industryId: string | null;
  size: 'large' | 'medium' | 'small' | 'micro';
  status: 'active' | 'suspended' | 'closed';
  computedTier: 'red' | 'orange' | 'yellow' | 'blue' | null;
  tierOverride: {
    tier: 'red' | 'orange' | 'yellow' | 'blue';
    reason: string;
    expiresAt: number;
    by: string;
  } | null;
  createdAt: Date;
}

export const EnterpriseSchema = new EntitySchema<Enterprise>({
  name: 'Enterprise',
  tableName: 'enterprise',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string' },
    creditCode: { type: 'string', unique: true },
    industry: { type: 'string' },
    township: { type: 'string' },
    departmentId: { type: 'string' },
    responsibleName: { type: 'string' },
    responsibleEmail: { type: 'string' },
    safetyManagerName: { type: 'string' },
    safetyManagerEmail: { type: 'string' },
    industryId: { type: 'string', nullable: true },
    size: { type: 'string', default: 'small' },
    status: { type: 'string', default: 'active' },
    computedTier: { type: 'string', nullable: true },
    tierOverride: { type: 'json', nullable: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface IndustryRow {
  id: string;
  name: string;
  baseRisk: number;
  checklist: { id: string; text: string }[];
}

export const IndustrySchema = new EntitySchema<IndustryRow>({
  name: 'IndustryRow',
  tableName: 'industry',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string' },
    baseRisk: { type: 'integer' },
    checklist: { type: 'json' },
  },
});

export interface Accident {
  id: string;
  enterpriseId: string;
  occurredOn: string;
  severity: 'fatal' | 'serious' | 'minor';
  description: string;
  recordedBy: string;
  recordedAt: Date;
}

export const AccidentSchema = new EntitySchema<Accident>({
  name: 'Accident',
  tableName: 'accident',
  properties: {
    id: { type: 'uuid', primary: true },
    enterpriseId: { type: 'string' },
    occurredOn: { type: 'date' },
    severity: { type: 'string' },
    description: { type: 'text' },
    recordedBy: { type: 'string' },
    recordedAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface InspectionRow {
  id: string;
  enterpriseId: string;
  departmentId: string;
  inspectorId: string;
  inspectedAt: Date;
  results: { itemId: string; text: string; passed: boolean; note: string; caseNo: string | null }[];
  failed: number;
  recordedAt: Date;
}

export const InspectionSchema = new EntitySchema<InspectionRow>({
  name: 'InspectionRow',
  tableName: 'inspection',
  properties: {
    id: { type: 'uuid', primary: true },
    enterpriseId: { type: 'string' },
    departmentId: { type: 'string' },
    inspectorId: { type: 'string' },
    inspectedAt: { type: 'Date' },
    results: { type: 'json' },
    failed: { type: 'integer' },
    recordedAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface EnterpriseEvent {
  id: string;
  enterpriseId: string;
  idempotencyKey: string;
  type: string;
  actorId: string | null;
  occurredAt: Date;
  rung: number | null;
  data: Record<string, unknown>;
}

export const EnterpriseEventSchema = new EntitySchema<EnterpriseEvent>({
  name: 'EnterpriseEvent',
  tableName: 'enterprise_event',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    enterpriseId: { type: 'string' },
    idempotencyKey: { type: 'string', unique: true },
    type: { type: 'string' },
    actorId: { type: 'string', nullable: true },
    occurredAt: { type: 'Date' },
    rung: { type: 'integer', nullable: true },
    data: { type: 'json' },
  },
});

export interface HazardCaseRow {
  caseNo: string;
  workflowId: string;
  level: string;
  status: string;
  title: string;
  description: string;
  location: string;
  source: string;
  enterpriseId: string;
  departmentId: string;
  policyVersion: string;
  foundAt: Date;
  registeredAt: Date;
  lateRegistration: boolean;
  confirmedAt: Date | null;
  closedAt: Date | null;
  round: number;
  stepKind: string | null;
  stepKey: string | null;
  stepDeadline: Date | null;
  rung: number | null;
  pendingExtension: { reason: string; requestedDeadline: number; requestedAt: number } | null;
  grading: { standard: string; edition: string; item: string } | null;
  plan: Record<string, unknown> | null;
  stopOrder: { scope: string; description: string; issuedAt: number; issuedBy: string } | null;
  assessmentId: string | null;
  assessorBodyId: string | null;
  inspectionId: string | null;
  openedBy: string;
  lastSeq: number;
  updatedAt: Date;
}

export const HazardCaseSchema = new EntitySchema<HazardCaseRow>({
  name: 'HazardCaseRow',
  tableName: 'hazard_case',
  properties: {
    caseNo: { type: 'string', primary: true },
    workflowId: { type: 'string' },
    level: { type: 'string' },
    status: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'text' },
    location: { type: 'string' },
    source: { type: 'string' },
    enterpriseId: { type: 'string' },
    departmentId: { type: 'string' },
    policyVersion: { type: 'string' },
    foundAt: { type: 'Date' },
    registeredAt: { type: 'Date' },
    lateRegistration: { type: 'boolean' },
    confirmedAt: { type: 'Date', nullable: true },
    closedAt: { type: 'Date', nullable: true },
    round: { type: 'integer' },
    stepKind: { type: 'string', nullable: true },
    stepKey: { type: 'string', nullable: true },
    stepDeadline: { type: 'Date', nullable: true },
    rung: { type: 'integer', nullable: true },
    pendingExtension: { type: 'json', nullable: true },
    grading: { type: 'json', nullable: true },
    plan: { type: 'json', nullable: true },
    stopOrder: { type: 'json', nullable: true },
    assessmentId: { type: 'string', nullable: true },
    assessorBodyId: { type: 'string', nullable: true },
    inspectionId: { type: 'uuid', nullable: true },
    openedBy: { type: 'string' },
    lastSeq: { type: 'integer' },
    updatedAt: { type: 'Date' },
  },
});

export interface CaseEvent {
  id: string;
  caseNo: string;
  idempotencyKey: string;
  type: string;
  actorId: string | null;
  actorRole: string | null;
  actorName: string | null;
  occurredAt: Date;
  stepKey: string | null;
  rung: number | null;
  data: Record<string, unknown>;
  recordedAt: Date;
}

export const CaseEventSchema = new EntitySchema<CaseEvent>({
  name: 'CaseEvent',
  tableName: 'case_event',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    caseNo: { type: 'string' },
    idempotencyKey: { type: 'string', unique: true },
    type: { type: 'string' },
    actorId: { type: 'string', nullable: true },
    actorRole: { type: 'string', nullable: true },
    actorName: { type: 'string', nullable: true },
    occurredAt: { type: 'Date' },
    stepKey: { type: 'string', nullable: true },
    rung: { type: 'integer', nullable: true },
    data: { type: 'json' },
    recordedAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface Evidence {
  id: string;
  caseNo: string;
  kind: string;
  sha256: string;
  mediaType: string;
  sizeBytes: number;
  originalName: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export const EvidenceSchema = new EntitySchema<Evidence>({
  name: 'Evidence',
  tableName: 'evidence',
  properties: {
    id: { type: 'uuid', primary: true },
    caseNo: { type: 'string' },
    kind: { type: 'string' },
    sha256: { type: 'string' },
    mediaType: { type: 'string' },
    sizeBytes: { type: 'integer' },
    originalName: { type: 'string' },
    uploadedBy: { type: 'string' },
    uploadedAt: { type: 'Date' },
  },
});

export interface EmailLedgerEntry {
  idempotencyKey: string;
  caseNo: string;
  messageId: string;
  recipient: string;
  subject: string;
  status: 'claimed' | 'sent';
  attempts: number;
  claimedAt: Date;
  sentAt: Date | null;
}

export const EmailLedgerSchema = new EntitySchema<EmailLedgerEntry>({
  name: 'EmailLedgerEntry',
  tableName: 'email_ledger',
  properties: {
    idempotencyKey: { type: 'string', primary: true },
    caseNo: { type: 'string' },
    messageId: { type: 'string', unique: true },
    recipient: { type: 'string' },
    subject: { type: 'string' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    claimedAt: { type: 'Date' },
    sentAt: { type: 'Date', nullable: true },
  },
});

export interface AssessmentBody {
  id: string;
  name: string;
  accreditationNo: string;
  email: string;
  createdAt: Date;
}

export const AssessmentBodySchema = new EntitySchema<AssessmentBody>({
  name: 'AssessmentBody',
  tableName: 'assessment_body',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string' },
    accreditationNo: { type: 'string', unique: true },
    email: { type: 'string' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface AssessmentRow {
  id: string;
  caseNo: string;
  bodyId: string;
  round: number;
  status: 'assigned' | 'passed' | 'failed' | 'withdrawn';
  assignedAt: Date;
  deadline: Date;
  concludedAt: Date | null;
  findings: string | null;
  reportEvidenceId: string | null;
  signedBy: string | null;
}

export const AssessmentSchema = new EntitySchema<AssessmentRow>({
  name: 'AssessmentRow',
  tableName: 'assessment',
  properties: {
    id: { type: 'string', primary: true },
    caseNo: { type: 'string' },
    bodyId: { type: 'string' },
    round: { type: 'integer' },
    status: { type: 'string' },
    assignedAt: { type: 'Date' },
    deadline: { type: 'Date' },
    concludedAt: { type: 'Date', nullable: true },
    findings: { type: 'text', nullable: true },
    reportEvidenceId: { type: 'uuid', nullable: true },
    signedBy: { type: 'string', nullable: true },
  },
});

export const entities = [
  IndustrySchema,
  AccidentSchema,
  InspectionSchema,
  EnterpriseEventSchema,
  AssessmentBodySchema,
  AssessmentSchema,
  DepartmentSchema,
  EnterpriseSchema,
  HazardCaseSchema,
  CaseEventSchema,
  EvidenceSchema,
  EmailLedgerSchema,
];
