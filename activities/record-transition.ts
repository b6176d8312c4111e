import type { EntityManager } from '@mikro-orm/postgresql';
import { HazardCase, stepKey } from '../domain/hazard';
import { hazardWorkflowId } from '../contracts/hazard';
import { insertAssignment } from './assessment';
import type { TransitionRecord } from './types';

const toDate = (ms: number | null | undefined) => (ms == null ? null : new Date(ms));

function stateColumns(state: HazardCase) {
  return {
    status: state.status,
    confirmed_at: toDate(state.confirmedAt),
    closed_at: toDate(state.closedAt),
    round: state.round,
    step_kind: state.step?.kind ?? null,
    step_key: state.step ? stepKey(state.step) : null,
    step_deadline: toDate(state.step?.deadline),
    rung: state.rung,
    pending_extension: state.extension ? JSON.stringify(state.extension) : null,
    grading: state.grading ? JSON.stringify(state.grading) : null,
    plan: state.plan ? JSON.stringify(state.plan) : null,
    stop_order: state.stopOrder ? JSON.stringify(state.stopOrder) : null,
    assessment_id: state.assessment?.id ?? null,
    assessor_body_id: state.assessment?.bodyId ?? null,
  };
}

/**
 * Writes one transition in one transaction: the case row (created on the first transition) and
 * its events. Safe to repeat: events are keyed by case and sequence, and the row only moves
 * forward, so a retried or late write never overwrites a newer state.
 */
export async function recordTransition(em: EntityManager, record: TransitionRecord): Promise<void> {
  const { caseNo, seq, state, opening, actor } = record;
  const columns = stateColumns(state);

  await em.transactional(async (tx) => {
    const q = (sql: string, params: unknown[]) => tx.execute(sql, params);

    if (opening) {
      await q(
        `insert into hazard_case (case_no, workflow_id, level, status, title, description,
           location, source, enterprise_id, department_id, policy_version, found_at,
           registered_at, late_registration, round, step_kind, step_key, step_deadline, rung,
           opened_by, inspection_id, last_seq, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now())
         on conflict (case_no) do nothing`,
        [
          caseNo,
          hazardWorkflowId(caseNo),
          opening.level,
          columns.status,
          opening.title,
          opening.description,
          opening.location,
          opening.source,
          opening.enterpriseId,
          opening.departmentId,
          state.policyVersion,
          new Date(opening.foundAt),
          new Date(opening.registeredAt),
          state.lateRegistration,
          columns.round,
          columns.step_kind,
          columns.step_key,
          columns.step_deadline,
          columns.rung,
          actor?.id ?? 'system',
          opening.inspectionId ?? null,
        ],
      );
    }

    for (const [index, event] of record.events.entries()) {
      await q(
        `insert into case_event (case_no, idempotency_key, type, actor_id, actor_role,
           actor_name, occurred_at, step_key, data)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (idempotency_key) do nothing`,
        [
          caseNo,
          `${caseNo}#${seq}.${index}`,
          event.type,
          actor?.id ?? null,
          actor?.role ?? null,
          actor?.name ?? null,
          new Date(record.occurredAt),
          columns.step_key,
          JSON.stringify(event.data),
        ],
      );
    }

    // the assignment is on the record before the API answers, so the body can sign off at once
    for (const event of record.events.filter((e) => e.type === 'assessor_assigned')) {
      const { assessmentId, bodyId, deadline } = event.data as {
        assessmentId: string;
        bodyId: string;
        deadline: number;
      };
      await insertAssignment(tx, {
        assessmentId,
        caseNo,
        bodyId,
        round: state.round,
        assignedAt: record.occurredAt,
        deadline,
      });
    }

    await q(
      `update hazard_case set status = ?, confirmed_at = ?, closed_at = ?, round = ?,
         step_kind = ?, step_key = ?, step_deadline = ?, rung = ?, pending_extension = ?,
         level = ?, grading = ?, plan = ?, stop_order = ?, assessment_id = ?, assessor_body_id = ?,
         last_seq = ?, updated_at = now()
       where case_no = ? and last_seq < ?`,
      [
        columns.status,
        columns.confirmed_at,
        columns.closed_at,
        columns.round,
        columns.step_kind,
        columns.step_key,
        columns.step_deadline,
        columns.rung,
        columns.pending_extension,
        state.level,
        columns.grading,
        columns.plan,
        columns.stop_order,
        columns.assessment_id,
        columns.assessor_body_id,
        seq,
        caseNo,
        seq,
      ],
    );
  });
}
