import { ApplicationFailure, log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Department, DepartmentSchema, Enterprise, EnterpriseSchema } from '../db/entities';
import { HazardCaseSchema } from '../db/entities';
import { composeEscalation } from '../domain/escalation-mail';
import { responsibleFor } from '../domain/hazard';
import type { RecipientKind } from '../domain/policy';
import { Mailer, messageIdFor } from './mailer';
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
  enterprise: Enterprise,
  department: Department,
): Promise<string[]> {
  const addresses: string[] = [];
  for (const kind of kinds) {
    const target = kind === 'responsible' ? responsibleFor(request.step.kind) : kind;
    if (target === 'enterprise') addresses.push(...enterpriseAddresses(enterprise));
    else if (target === 'department') addresses.push(department.escalationEmail);
    else {
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
  const recipients = await resolveRecipients(em, request.notify, request, enterprise, department);

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
    const claimed: { key: string; messageId: string; recipient: string }[] = [];
    for (const recipient of recipients) {
      const key = `${rungKey}/${recipient}`;
      await tx.execute(
        `insert into email_ledger (idempotency_key, case_no, message_id, recipient, subject,
           status, claimed_at) values (?, ?, ?, ?, ?, 'claimed', now())
         on conflict (idempotency_key) do nothing`,
        [key, caseNo, messageIdFor(key, deps.mailFrom), recipient, mail.subject],
      );
      const [entry] = await tx.execute<{ status: string; message_id: string }[]>(
        'select status, message_id from email_ledger where idempotency_key = ?',
        [key],
      );
      if (entry?.status === 'claimed')
        claimed.push({ key, messageId: entry.message_id, recipient });
    }
    return claimed;
  });

  for (const entry of pending) {
    await em.execute('update email_ledger set attempts = attempts + 1 where idempotency_key = ?', [
      entry.key,
    ]);
    await deps.mailer.send({
      to: entry.recipient,
      subject: mail.subject,
      text: mail.text,
      messageId: entry.messageId,
    });
    await em.execute(
      `update email_ledger set status = 'sent', sent_at = now() where idempotency_key = ?`,
      [entry.key],
    );
    log.info('Escalation sent', { caseNo, stepKey, rung, recipient: entry.recipient });
  }

  return { recipients, sent: pending.length, alreadySent: recipients.length - pending.length };
}
