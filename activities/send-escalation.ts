import { ApplicationFailure, log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AssessmentBodySchema,
  Department,
  DepartmentSchema,
  Enterprise,
  EnterpriseSchema,
  HazardCaseRow,
  HazardCaseSchema,
} from '../db/entities';
import { composeEscalation } from '../domain/escalation-mail';
import { responsibleFor } from '../domain/hazard';
import type { RecipientKind } from '../domain/policy';
import { claimMail, sendClaimed } from './mail-ledger';
import type { Mailer } from './mailer';
import type { EscalationOutcome, EscalationRequest } from './types';

export interface EscalationDeps {
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
}

function enterpriseAddresses(enterprise: Enterprise): string[] {
  return [...new Set([enterprise.responsibleEmail, enterprise.safetyManagerEmail])];
}

async function resolveRecipients(
  em: EntityManager,
  kinds: RecipientKind[],
  request: EscalationRequest,
  hazard: HazardCaseRow,
  enterprise: Enterprise,
  department: Department,
): Promise<string[]> {
  const addresses: string[] = [];
  for (const kind of kinds) {
    const target = kind === 'responsible' ? responsibleFor(request.step.kind) : kind;
    if (target === 'enterprise') addresses.push(...enterpriseAddresses(enterprise));
    else if (target === 'department') addresses.push(department.escalationEmail);
    else if (target === 'assessor') {
      const body = hazard.assessorBodyId
        ? await em.findOne(AssessmentBodySchema, { id: hazard.assessorBodyId })
        : null;
      if (!body)
        throw ApplicationFailure.retryable(`case ${hazard.caseNo} has no assessor on record`);
      addresses.push(body.email);
    } else {
      const bodies = await em.find(DepartmentSchema, { kind: target }, { orderBy: { id: 'asc' } });
      if (bodies.length === 0) {
        throw ApplicationFailure.retryable(
          `no ${target} is on the record to receive rung ${request.rung}`,
        );
      }
      addresses.push(...bodies.map((body) => body.escalationEmail));
    }
  }
  return [...new Set(addresses)];
}

/**
 * Sends one rung of a ladder and puts it on the record. Each recipient's email is claimed in
 * the ledger under a key derived from case, step and rung before it is sent and marked after,
 * so a retry sends only what was not sent; the Message-ID comes from the same key.
 */
export async function sendEscalation(
  em: EntityManager,
  deps: EscalationDeps,
  request: EscalationRequest,
): Promise<EscalationOutcome> {
  const { caseNo, stepKey, rung } = request;
  const hazard = await em.findOneOrFail(HazardCaseSchema, { caseNo });
  const enterprise = await em.findOneOrFail(EnterpriseSchema, { id: hazard.enterpriseId });
  const department = await em.findOneOrFail(DepartmentSchema, { id: hazard.departmentId });
  const recipients = await resolveRecipients(
    em,
    request.notify,
    request,
    hazard,
    enterprise,
    department,
  );

  const now = Date.now();
  const mail = composeEscalation({
    caseNo,
    title: hazard.title,
    location: hazard.location,
    enterpriseName: enterprise.name,
    responsibleName: enterprise.responsibleName,
    responsibleEmail: enterprise.responsibleEmail,
    departmentName: department.name,
    step: request.step.kind,
    round: request.step.round,
    deadline: request.step.deadline,
    rung,
    now,
    caseUrl: `${deps.publicBaseUrl}/cases/${encodeURIComponent(caseNo)}`,
  });
  const rungKey = `${caseNo}/${stepKey}/rung-${rung}`;

  const ledgerMail = { caseNo, key: rungKey, recipients, ...mail };
  const pending = await em.transactional(async (tx) => {
    await tx.execute(
      `insert into case_event (case_no, idempotency_key, type, occurred_at, step_key, rung, data)
       values (?, ?, 'escalated', ?, ?, ?, ?) on conflict (idempotency_key) do nothing`,
      [
        caseNo,
        rungKey,
        new Date(request.dueAt),
        stepKey,
        rung,
        JSON.stringify({ recipients, subject: mail.subject, deadline: request.step.deadline }),
      ],
    );
    await tx.execute(
      `update hazard_case set rung = ?, updated_at = now()
       where case_no = ? and step_key = ? and coalesce(rung, -1) < ?`,
      [rung, caseNo, stepKey, rung],
    );
    return claimMail(tx, ledgerMail, deps.mailFrom);
  });

  await sendClaimed(em, deps.mailer, ledgerMail, pending);
  log.info('Escalation sent', { caseNo, stepKey, rung, recipients: recipients.length });

  return { recipients, sent: pending.length, alreadySent: recipients.length - pending.length };
}
