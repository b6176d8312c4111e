import { ApplicationFailure, log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DepartmentSchema, EnterpriseSchema } from '../db/entities';
import { composeInspectionMail } from '../domain/escalation-mail';
import { responsibleFor } from '../domain/hazard';
import type { RecipientKind } from '../domain/policy';
import { recordAndSend } from './mail-ledger';
import type { EscalationDeps } from './send-escalation';
import type { EnterpriseEventRecord, InspectionDue } from './types';

/** Appends an event to the enterprise's record, once per key. */
export async function recordEnterpriseEvent(
  em: EntityManager,
  record: EnterpriseEventRecord,
): Promise<void> {
  await em.execute(
    `insert into enterprise_event (enterprise_id, idempotency_key, type, actor_id, occurred_at,
       rung, data) values (?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing`,
    [
      record.enterpriseId,
      record.key,
      record.type,
      record.actorId,
      new Date(record.occurredAt),
      record.rung ?? null,
      JSON.stringify(record.data),
    ],
  );
}

async function facts(em: EntityManager, due: InspectionDue) {
  const enterprise = await em.findOneOrFail(EnterpriseSchema, { id: due.enterpriseId });
  const department = await em.findOneOrFail(DepartmentSchema, { id: enterprise.departmentId });
  return { enterprise, department };
}

async function recipientsFor(
  em: EntityManager,
  kinds: RecipientKind[],
  enterprise: { responsibleEmail: string; safetyManagerEmail: string },
  departmentEmail: string,
): Promise<string[]> {
  const addresses: string[] = [];
  for (const kind of kinds) {
    const target = kind === 'responsible' ? responsibleFor('inspection') : kind;
    if (target === 'department') addresses.push(departmentEmail);
    else if (target === 'enterprise') {
      addresses.push(enterprise.responsibleEmail, enterprise.safetyManagerEmail);
    } else {
      const bodies = await em.find(
        DepartmentSchema,
        { kind: target as 'committee' },
        { orderBy: { id: 'asc' } },
      );
      if (bodies.length === 0) throw ApplicationFailure.retryable(`no ${target} is on the record`);
      addresses.push(...bodies.map((body) => body.escalationEmail));
    }
  }
  return [...new Set(addresses)];
}

type Facts = Awaited<ReturnType<typeof facts>>;

function inspectionMail(
  due: InspectionDue,
  key: string,
  recipients: string[],
  rung: number | null,
  { enterprise, department }: Facts,
) {
  return {
    caseNo: null,
    enterpriseId: enterprise.id,
    key,
    recipients,
    ...composeInspectionMail({
      enterpriseName: enterprise.name,
      creditCode: enterprise.creditCode,
      industry: enterprise.industry,
      township: enterprise.township,
      departmentName: department.name,
      tier: due.tier,
      windowStart: due.window.start,
      windowEnd: due.window.end,
      rung,
      now: Date.now(),
    }),
  };
}

/** Tells the department that a window opened: what falls due and by when. */
export async function announceInspectionDue(
  em: EntityManager,
  deps: EscalationDeps,
  due: InspectionDue,
): Promise<void> {
  const { enterprise, department } = await facts(em, due);
  const mail = inspectionMail(due, `${due.windowKey}/due`, [department.escalationEmail], null, {
    enterprise,
    department,
  });
  const sent = await recordAndSend(em, deps, mail, (tx) =>
    recordEnterpriseEvent(tx, {
      enterpriseId: enterprise.id,
      key: mail.key,
      type: 'inspection_due',
      actorId: null,
      occurredAt: due.window.start,
      data: { tier: due.tier, window: due.window },
    }),
  );
  log.info('Emails sent', { key: mail.key, recipients: mail.recipients.length, sent });
}

/** One rung of a missed inspection's ladder: email and an event, once per rung and recipient. */
export async function sendInspectionEscalation(
  em: EntityManager,
  deps: EscalationDeps,
  request: InspectionDue & { rung: number; dueAt: number; notify: RecipientKind[] },
): Promise<void> {
  const { enterprise, department } = await facts(em, request);
  const recipients = await recipientsFor(
    em,
    request.notify,
    enterprise,
    department.escalationEmail,
  );
  const key = `${request.windowKey}/rung-${request.rung}`;
  const mail = inspectionMail(request, key, recipients, request.rung, { enterprise, department });
  const sent = await recordAndSend(em, deps, mail, (tx) =>
    recordEnterpriseEvent(tx, {
      enterpriseId: enterprise.id,
      key: mail.key,
      type: 'escalated',
      actorId: null,
      occurredAt: request.dueAt,
      rung: request.rung,
      data: { recipients, subject: mail.subject, window: request.window },
    }),
  );
  log.info('Emails sent', { key: mail.key, recipients: mail.recipients.length, sent });
}
