import { log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AssessmentBodySchema,
  DepartmentSchema,
  EnterpriseSchema,
  HazardCaseSchema,
} from '../db/entities';
import { composeAssignment } from '../domain/escalation-mail';
import { recordAndSend } from './mail-ledger';
import type { EscalationDeps } from './send-escalation';
import type { AssessmentRecord } from './types';

/** Puts an assignment on the record once; the case's transition and the sign-off both call it. */
export async function insertAssignment(
  tx: EntityManager,
  a: {
    assessmentId: string;
    caseNo: string;
    bodyId: string;
    round: number;
    assignedAt: number;
    deadline: number;
  },
): Promise<void> {
  await tx.execute(
    `insert into assessment (id, case_no, body_id, round, status, assigned_at, deadline)
     values (?, ?, ?, ?, 'assigned', ?, ?) on conflict (id) do nothing`,
    [a.assessmentId, a.caseNo, a.bodyId, a.round, new Date(a.assignedAt), new Date(a.deadline)],
  );
}

/** Writes an assessment's state; a retried or late write never moves it backwards. */
export async function recordAssessment(em: EntityManager, record: AssessmentRecord): Promise<void> {
  const concluded = record.status === 'assigned' ? null : new Date(record.at);
  await em.transactional(async (tx) => {
    await insertAssignment(tx, record);
    if (record.status !== 'assigned') {
      await tx.execute(
        `update assessment set status = ?, concluded_at = ?, findings = ?, report_evidence_id = ?,
           signed_by = ? where id = ? and status = 'assigned'`,
        [
          record.status,
          concluded,
          record.findings ?? null,
          record.reportEvidenceId ?? null,
          record.signedBy ?? null,
          record.assessmentId,
        ],
      );
    }
  });
}

/** Emails the assessment body its commission, once, with the links it needs. */
export async function notifyAssessor(
  em: EntityManager,
  deps: EscalationDeps,
  request: { caseNo: string; assessmentId: string; bodyId: string; deadline: number },
): Promise<void> {
  const hazard = await em.findOneOrFail(HazardCaseSchema, { caseNo: request.caseNo });
  const body = await em.findOneOrFail(AssessmentBodySchema, { id: request.bodyId });
  const enterprise = await em.findOneOrFail(EnterpriseSchema, { id: hazard.enterpriseId });
  const department = await em.findOneOrFail(DepartmentSchema, { id: hazard.departmentId });
  const mail = {
    caseNo: request.caseNo,
    key: `${request.caseNo}/${request.assessmentId}/commission`,
    recipients: [body.email],
    ...composeAssignment({
      caseNo: request.caseNo,
      assessmentId: request.assessmentId,
      title: hazard.title,
      enterpriseName: enterprise.name,
      departmentName: department.name,
      bodyName: body.name,
      deadline: request.deadline,
      caseUrl: `${deps.publicBaseUrl}/cases/${encodeURIComponent(request.caseNo)}`,
      signOffUrl: `${deps.publicBaseUrl}/api/v1/assessments/${encodeURIComponent(request.assessmentId)}/sign-off`,
    }),
  };
  const sent = await recordAndSend(em, deps, mail);
  log.info('Emails sent', { key: mail.key, recipients: mail.recipients.length, sent });
}
