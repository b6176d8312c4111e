import type { CaseEvent, Evidence, HazardCaseRow } from '../db/entities';

const iso = (value: Date | number | null | undefined) =>
  value == null ? null : new Date(value).toISOString();

export function hazardView(row: HazardCaseRow, now = Date.now()) {
  const deadline = row.stepDeadline;
  return {
    caseNo: row.caseNo,
    level: row.level,
    status: row.status,
    title: row.title,
    description: row.description,
    location: row.location,
    source: row.source,
    enterpriseId: row.enterpriseId,
    departmentId: row.departmentId,
    policyVersion: row.policyVersion,
    foundAt: iso(row.foundAt)!,
    registeredAt: iso(row.registeredAt)!,
    lateRegistration: row.lateRegistration,
    confirmedAt: iso(row.confirmedAt),
    closedAt: iso(row.closedAt),
    round: row.round,
    step:
      row.stepKind && deadline
        ? { kind: row.stepKind, round: row.round, deadline: iso(deadline)! }
        : null,
    overdue: deadline !== null && deadline.getTime() < now,
    rung: row.rung,
    extension: row.pendingExtension
      ? {
          reason: row.pendingExtension.reason,
          requestedDeadline: iso(row.pendingExtension.requestedDeadline)!,
          requestedAt: iso(row.pendingExtension.requestedAt)!,
        }
      : null,
    grading: row.grading,
    plan: row.plan,
    stopOrder: row.stopOrder ? { ...row.stopOrder, issuedAt: iso(row.stopOrder.issuedAt)! } : null,
    inspectionId: row.inspectionId,
    assessment:
      row.assessmentId && row.assessorBodyId
        ? { id: row.assessmentId, bodyId: row.assessorBodyId }
        : null,
  };
}

export function eventView(event: CaseEvent) {
  return {
    id: String(event.id),
    type: event.type,
    occurredAt: iso(event.occurredAt)!,
    actor: event.actorId
      ? { id: event.actorId, role: event.actorRole ?? '', name: event.actorName ?? '' }
      : null,
    stepKey: event.stepKey,
    rung: event.rung,
    data: event.data,
  };
}

export function evidenceView(evidence: Evidence) {
  return {
    id: evidence.id,
    kind: evidence.kind,
    sha256: evidence.sha256,
    mediaType: evidence.mediaType,
    sizeBytes: evidence.sizeBytes,
    originalName: evidence.originalName,
    uploadedBy: evidence.uploadedBy,
    uploadedAt: iso(evidence.uploadedAt)!,
  };
}
