import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  changeTierUpdate,
  TierChange,
  InspectionCycleInput,
  inspectionCycleWorkflowId,
} from '../contracts/inspection';
import { AccidentSchema, Enterprise, IndustrySchema } from '../db/entities';
import type { Actor } from '../domain/hazard';
import { defaultRiskPolicy, effectiveTier, RiskScore, scoreRisk, Tier } from '../domain/risk';
import type { ApiDeps } from './deps';

export interface RiskView {
  score: RiskScore;
  override: Enterprise['tierOverride'];
  effective: { tier: Tier; source: 'score' | 'override' };
}

/** Scores an enterprise from the record as it stands: industry, size, accidents and cases. */
export async function assessRisk(
  em: EntityManager,
  deps: ApiDeps,
  enterprise: Enterprise,
  now = Date.now(),
): Promise<RiskView> {
  const industry = enterprise.industryId
    ? await em.findOne(IndustrySchema, { id: enterprise.industryId })
    : await em.findOne(IndustrySchema, { name: enterprise.industry });
  const accidents = await em.find(AccidentSchema, { enterpriseId: enterprise.id });
  const [counts] = await em.execute<{ open: string; overdue: string; major: string }[]>(
    `select count(*) filter (where status <> 'closed') as open,
            count(*) filter (where status <> 'closed' and step_deadline < ?) as overdue,
            count(*) filter (where status <> 'closed' and level = 'major') as major
       from hazard_case where enterprise_id = ?`,
    [new Date(now), enterprise.id],
  );
  const score = scoreRisk(
    {
      industry: industry ?? { id: 'unlisted', name: enterprise.industry, baseRisk: 10 },
      size: enterprise.size,
      accidents: accidents.map((a) => ({
        date: String(a.occurredOn).slice(0, 10),
        severity: a.severity,
      })),
      hazards: {
        open: Number(counts?.open ?? 0),
        overdue: Number(counts?.overdue ?? 0),
        major: Number(counts?.major ?? 0),
      },
      asOf: now,
    },
    deps.policy.risk ?? defaultRiskPolicy,
  );
  return {
    score,
    override: enterprise.tierOverride,
    effective: effectiveTier(score.tier, enterprise.tierOverride, now),
  };
}

/** Starts an enterprise's inspection cycle unless one runs; a no-op where the policy sets none. */
export async function ensureInspectionCycle(
  deps: ApiDeps,
  enterprise: Enterprise,
  tier: Tier,
): Promise<void> {
  if (!deps.policy.inspection) return;
  const input: InspectionCycleInput = {
    enterpriseId: enterprise.id,
    departmentId: enterprise.departmentId,
    tier,
    lastInspectionAt: null,
    paused: enterprise.status !== 'active',
    anchor: Date.now(),
    cycle: 1,
    policy: deps.policy,
  };
  await deps.temporal.workflow.start('inspectionCycle', {
    workflowId: inspectionCycleWorkflowId(enterprise.id),
    taskQueue: deps.config.temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * Re-scores an enterprise and puts the tier in force on its record; when the tier in force
 * changes, the change is an event and the inspection cycle re-plans at once.
 */
export async function applyRisk(
  em: EntityManager,
  deps: ApiDeps,
  enterprise: Enterprise,
  actor: Actor,
  reason: string,
  previousOverride: Enterprise['tierOverride'] = enterprise.tierOverride,
): Promise<RiskView> {
  const before = effectiveTier(enterprise.computedTier ?? 'blue', previousOverride, Date.now());
  const view = await assessRisk(em, deps, enterprise);
  const changed = enterprise.computedTier === null || view.effective.tier !== before.tier;
  await em.transactional(async (tx) => {
    await tx.execute('update enterprise set computed_tier = ?, tier_override = ? where id = ?', [
      view.score.tier,
      enterprise.tierOverride ? JSON.stringify(enterprise.tierOverride) : null,
      enterprise.id,
    ]);
    await tx.execute(
      `insert into enterprise_event (enterprise_id, idempotency_key, type, actor_id, occurred_at, data)
       values (?, ?, 'risk_assessed', ?, now(), ?)`,
      [
        enterprise.id,
        `${enterprise.id}/risk/${randomUUID()}`,
        actor.id,
        JSON.stringify({
          reason,
          score: view.score,
          effective: view.effective,
          previous: before.tier,
        }),
      ],
    );
  });
  enterprise.computedTier = view.score.tier;
  if (changed) {
    const expiry =
      view.effective.source === 'override' && enterprise.tierOverride
        ? { until: enterprise.tierOverride.expiresAt, fallback: view.score.tier }
        : {};
    await pushTier(deps, enterprise, { tier: view.effective.tier, reason, actor, ...expiry });
  }
  return view;
}

async function pushTier(deps: ApiDeps, enterprise: Enterprise, change: TierChange) {
  if (!deps.policy.inspection) return;
  const handle = deps.temporal.workflow.getHandle(inspectionCycleWorkflowId(enterprise.id));
  try {
    await handle.executeUpdate(changeTierUpdate, { args: [change] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      return ensureInspectionCycle(deps, enterprise, change.tier);
    // the cycle already runs at this tier
    if ((error as { cause?: { type?: string } }).cause?.type === 'TransitionRefused') return;
    throw error;
  }
}
