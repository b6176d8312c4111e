import { ApplicationFailure, log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DepartmentSchema } from '../db/entities';
import { composeEscalation } from '../domain/escalation-mail';
import { responsibleFor } from '../domain/hazard';
import type { RecipientKind } from '../domain/policy';
import { recordAndSend } from './mail-ledger';
import type { Mailer } from './mailer';
import type { EscalationOutcome, EscalationRequest } from './types';

export interface EscalationDeps {
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
}

/** What one rung's email needs of the record, read in one statement. */
interface RungContext {
  title: string;
  location: string;
  enterprise_name: string;
  responsible_name: string;
  responsible_email: string;
  safety_manager_email: string;
  department_name: string;
  department_email: string;
  assessor_email: string | null;
}

function loadRungContext(em: EntityManager, caseNo: string): Promise<RungContext[]> {
  return em.execute<RungContext[]>(
    `select h.title, h.location, e.name as enterprise_name, e.responsible_name,
       e.responsible_email, e.safety_manager_email, d.name as department_name,
       d.escalation_email as department_email, b.email as assessor_email
     from hazard_case h
       join enterprise e on e.id = h.enterprise_id
       join department d on d.id = h.department_id
       left join assessment_body b on b.id = h.assessor_body_id
     where h.case_no = ?`,
    [caseNo],
  );
}

async function resolveRecipients(
  em: EntityManager,
  kinds: RecipientKind[],
  request: EscalationRequest,
  context: RungContext,
): Promise<string[]> {
  const addresses: string[] = [];
  for (const kind of kinds) {
    const target = kind === 'responsible' ? responsibleFor(request.step.kind) : kind;
    if (target === 'enterprise') {
      addresses.push(context.responsible_email, context.safety_manager_email);
    } else if (target === 'department') addresses.push(context.department_email);
    else if (target === 'assessor') {
      if (!context.assessor_email) {
        throw ApplicationFailure.retryable(`case ${request.caseNo} has no assessor on record`);
      }
      addresses.push(context.assessor_email);
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
  const [context] = await loadRungContext(em, caseNo);
  if (!context) throw ApplicationFailure.retryable(`case ${caseNo} is not on the record yet`);
  const recipients = await resolveRecipients(em, request.notify, request, context);

  const now = Date.now();
  const mail = composeEscalation({
    caseNo,
    title: context.title,
    location: context.location,
    enterpriseName: context.enterprise_name,
    responsibleName: context.responsible_name,
    responsibleEmail: context.responsible_email,
    departmentName: context.department_name,
    step: request.step.kind,
    round: request.step.round,
    deadline: request.step.deadline,
    rung,
    now,
    caseUrl: `${deps.publicBaseUrl}/cases/${encodeURIComponent(caseNo)}`,
  });
  const rungKey = `${caseNo}/${stepKey}/rung-${rung}`;

  const ledgerMail = { caseNo, key: rungKey, recipients, ...mail };
  const sent = await recordAndSend(em, deps, ledgerMail, async (tx) => {
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
  });
  log.info('Escalation sent', { caseNo, stepKey, rung, recipients: recipients.length, sent });

  return { recipients, sent, alreadySent: recipients.length - sent };
}
