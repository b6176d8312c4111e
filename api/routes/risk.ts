import { randomUUID } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Router, Request } from 'express';
import {
  cycleStateQuery,
  inspectionCycleWorkflowId,
  inspectionRecordedUpdate,
  setPausedUpdate,
} from '../../contracts/inspection';
import {
  AccidentSchema,
  DepartmentSchema,
  Enterprise,
  EnterpriseEventSchema,
  EnterpriseSchema,
  IndustrySchema,
  InspectionSchema,
} from '../../db/entities';
import { enterpriseScope } from '../../domain/access';
import type { Actor } from '../../domain/hazard';
import {
  countWindowsEnding,
  countyMonth,
  nextPeriod,
  periodContaining,
} from '../../domain/inspection-period';
import { effectiveTier, tiers } from '../../domain/risk';
import { requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { problems } from '../problem';
import { applyRisk, assessRisk } from '../risk-service';
import {
  accidentInput,
  enterpriseStatusInput,
  forecastQuery,
  inspectionInput,
  tierOverrideInput,
} from '../schemas';
import { jsonBody, parse } from '../validate';
import { openHazardCase } from './hazards';

const isStaffOf = (actor: Actor, enterprise: Enterprise) =>
  (actor.role === 'inspector' || actor.role === 'department') &&
  actor.departmentId === enterprise.departmentId;

/** Risk tiers, accidents, the inspection cycle and the inspections themselves. */
export function riskRoutes(deps: ApiDeps): Router {
  const router = Router();
  const em = () => (RequestContext.getEntityManager() ?? deps.orm.em.fork()) as EntityManager;

  async function visibleEnterprise(manager: EntityManager, req: Request, actor: Actor) {
    const scope = enterpriseScope(actor);
    if (!scope) throw problems.forbidden('无权查看企业档案');
    const enterprise = await manager.findOne(EnterpriseSchema, { id: String(req.params.id) });
    if (!enterprise) throw problems.notFound(`企业 ${String(req.params.id)} 不存在`);
    if (scope.enterpriseId && scope.enterpriseId !== enterprise.id) {
      throw problems.forbidden('企业只能查看本单位信息');
    }
    return enterprise;
  }

  async function staffEnterprise(manager: EntityManager, req: Request, actor: Actor) {
    const enterprise = await visibleEnterprise(manager, req, actor);
    if (!isStaffOf(actor, enterprise))
      throw problems.forbidden('只有本企业监管部门的人员可以执行此操作');
    return enterprise;
  }

  router.get('/industries', async (_req, res) => {
    const rows = await em().find(IndustrySchema, {}, { orderBy: { baseRisk: 'desc' } });
    res.json({ items: rows });
  });

  router.get('/enterprises/:id/risk', async (req, res) => {
    const manager = em();
    const enterprise = await visibleEnterprise(manager, req, res.locals.actor);
    const view = await assessRisk(manager, deps, enterprise);
    const history = await manager.find(
      EnterpriseEventSchema,
      { enterpriseId: enterprise.id, type: { $in: ['risk_assessed', 'tier_changed'] } },
      { orderBy: { id: 'asc' } },
    );
    res.json({
      ...view,
      history: history.map((e) => ({ type: e.type, at: e.occurredAt.toISOString(), data: e.data })),
    });
  });

  router.post('/enterprises/:id/accidents', async (req, res) => {
    const actor = res.locals.actor;
    const manager = em();
    const enterprise = await staffEnterprise(manager, req, actor);
    const input = jsonBody(req, accidentInput);
    manager.create(AccidentSchema, {
      id: randomUUID(),
      enterpriseId: enterprise.id,
      occurredOn: input.occurredOn,
      severity: input.severity,
      description: input.description,
      recordedBy: actor.id,
      recordedAt: new Date(),
    });
    await manager.flush();
    const view = await applyRisk(
      manager,
      deps,
      enterprise,
      actor,
      `登记事故：${input.description}`,
    );
    res.status(201).json(view);
  });

  router.post('/enterprises/:id/tier-override', async (req, res) => {
    const actor = res.locals.actor;
    requireRole(actor, ['inspector']);
    const manager = em();
    const enterprise = await staffEnterprise(manager, req, actor);
    const input = jsonBody(req, tierOverrideInput);
    const expiresAt = Date.parse(input.expiresAt);
    if (expiresAt <= Date.now())
      throw problems.unprocessable('到期时间须晚于当前时间', 'expiresAt');
    const previous = enterprise.tierOverride;
    enterprise.tierOverride = { tier: input.tier, reason: input.reason, expiresAt, by: actor.id };
    const reason = `人工调整：${input.reason}`;
    const view = await applyRisk(manager, deps, enterprise, actor, reason, previous);
    res.json(view);
  });

  router.post('/enterprises/:id/status', async (req, res) => {
    const actor = res.locals.actor;
    const manager = em();
    const enterprise = await staffEnterprise(manager, req, actor);
    const input = jsonBody(req, enterpriseStatusInput);
    if (input.status === enterprise.status) throw problems.conflict(`企业状态已是 ${input.status}`);
    const paused = input.status !== 'active';
    const wasPaused = enterprise.status !== 'active';
    await manager.execute('update enterprise set status = ? where id = ?', [
      input.status,
      enterprise.id,
    ]);
    if (deps.policy.inspection && paused !== wasPaused) {
      await deps.temporal.workflow
        .getHandle(inspectionCycleWorkflowId(enterprise.id))
        .executeUpdate(setPausedUpdate, { args: [{ paused, reason: input.reason, actor }] });
    }
    res.json({ id: enterprise.id, status: input.status });
  });

  router.post('/enterprises/:id/inspections', async (req, res) => {
    const actor = res.locals.actor;
    requireRole(actor, ['inspector']);
    const manager = em();
    const enterprise = await staffEnterprise(manager, req, actor);
    const input = jsonBody(req, inspectionInput);
    const inspectedAt = Date.parse(input.inspectedAt);
    if (inspectedAt > Date.now() + 60_000)
      throw problems.unprocessable('检查时间不能晚于当前时间', 'inspectedAt');
    if (enterprise.status !== 'active') throw problems.conflict('企业已停业或关闭，检查周期暂停');

    // every item must be on the industry's checklist, and only failed items open cases
    const industry = enterprise.industryId
      ? await manager.findOne(IndustrySchema, { id: enterprise.industryId })
      : null;
    const checklist = new Map((industry?.checklist ?? []).map((point) => [point.id, point.text]));
    for (const [i, result] of input.results.entries()) {
      if (!checklist.has(result.itemId)) {
        throw problems.unprocessable(
          `第 ${i + 1} 项 ${result.itemId} 不在${industry?.name ?? '该企业'}的检查表中`,
          `results.${i}.itemId`,
        );
      }
      if (result.passed && result.openHazard) {
        throw problems.unprocessable('合格的检查项不能登记隐患', `results.${i}.openHazard`);
      }
    }

    const id = randomUUID();
    const results = input.results.map((r) => ({
      itemId: r.itemId,
      text: checklist.get(r.itemId)!,
      passed: r.passed,
      note: r.note,
      caseNo: null as string | null,
    }));
    manager.create(InspectionSchema, {
      id,
      enterpriseId: enterprise.id,
      departmentId: enterprise.departmentId,
      inspectorId: actor.id,
      inspectedAt: new Date(inspectedAt),
      results,
      failed: results.filter((r) => !r.passed).length,
      recordedAt: new Date(),
    });
    await manager.flush();

    for (const [i, result] of input.results.entries()) {
      if (!result.openHazard) continue;
      const hazard = await openHazardCase(
        deps,
        manager,
        actor,
        {
          enterpriseId: enterprise.id,
          level: 'general',
          source: 'inspection',
          foundAt: input.inspectedAt,
          ...result.openHazard,
        },
        id,
      );
      results[i]!.caseNo = hazard.caseNo;
    }
    await manager.execute('update inspection set results = ? where id = ?', [
      JSON.stringify(results),
      id,
    ]);

    if (deps.policy.inspection) {
      await deps.temporal.workflow
        .getHandle(inspectionCycleWorkflowId(enterprise.id))
        .executeUpdate(inspectionRecordedUpdate, {
          args: [{ inspectionId: id, inspectedAt, actor }],
        });
    }
    res
      .status(201)
      .location(`/api/v1/enterprises/${enterprise.id}/inspections/${id}`)
      .json({
        id,
        enterpriseId: enterprise.id,
        inspectedAt: new Date(inspectedAt).toISOString(),
        results,
      });
  });

  router.get('/enterprises/:id/inspection-cycle', async (req, res) => {
    const enterprise = await visibleEnterprise(em(), req, res.locals.actor);
    const state = await deps.temporal.workflow
      .getHandle(inspectionCycleWorkflowId(enterprise.id))
      .query(cycleStateQuery);
    res.json({
      ...state,
      lastInspectionAt:
        state.lastInspectionAt === null ? null : new Date(state.lastInspectionAt).toISOString(),
      window: state.window
        ? {
            start: new Date(state.window.start).toISOString(),
            end: new Date(state.window.end).toISOString(),
          }
        : null,
    });
  });

  router.get('/enterprises/:id/inspections', async (req, res) => {
    const manager = em();
    const enterprise = await visibleEnterprise(manager, req, res.locals.actor);
    const rows = await manager.find(
      InspectionSchema,
      { enterpriseId: enterprise.id },
      { orderBy: { inspectedAt: 'desc' } },
    );
    res.json({
      items: rows.map((row) => ({
        ...row,
        inspectedAt: row.inspectedAt.toISOString(),
        recordedAt: row.recordedAt.toISOString(),
      })),
    });
  });

  /** Inspections falling due per department and county month, from the tiers in force now. */
  router.get('/inspections/forecast', async (req, res) => {
    const actor = res.locals.actor;
    requireRole(actor, ['inspector', 'department', 'committee_office', 'committee', 'admin']);
    const query = parse(forecastQuery, req.query);
    const frequencies = deps.policy.inspection?.frequencies;
    if (!frequencies) throw problems.unprocessable(`策略 ${deps.policy.version} 未规定检查频次`);
    const manager = em();
    const departmentId =
      actor.role === 'inspector' || actor.role === 'department'
        ? actor.departmentId
        : query.departmentId;
    const enterprises = await manager.find(EnterpriseSchema, {
      status: 'active',
      ...(departmentId ? { departmentId } : {}),
    });
    const departments = await manager.find(DepartmentSchema, { kind: 'supervising' });

    const now = Date.now();
    const months: string[] = [];
    let month = periodContaining(now, 'month');
    for (let i = 0; i < query.months; i += 1) {
      months.push(countyMonth(month.start));
      month = nextPeriod(month, 'month');
    }
    const counts = new Map<string, Map<string, number>>();
    const byTier = Object.fromEntries(tiers.map((t) => [t, 0]));
    for (const enterprise of enterprises) {
      const tier = effectiveTier(
        enterprise.computedTier ?? 'blue',
        enterprise.tierOverride,
        now,
      ).tier;
      byTier[tier] = (byTier[tier] ?? 0) + 1;
      const row = counts.get(enterprise.departmentId) ?? new Map<string, number>();
      counts.set(enterprise.departmentId, row);
      let start = periodContaining(now, 'month');
      for (const label of months) {
        const from = Math.max(now, start.start);
        const due = countWindowsEnding(from, start.end, frequencies[tier], now);
        row.set(label, (row.get(label) ?? 0) + due);
        start = nextPeriod(start, 'month');
      }
    }
    res.json({
      from: new Date(now).toISOString(),
      months,
      enterprisesByTier: byTier,
      departments: departments
        .filter((d) => !departmentId || d.id === departmentId)
        .map((d) => {
          const row = counts.get(d.id) ?? new Map<string, number>();
          const perMonth = Object.fromEntries(months.map((m) => [m, row.get(m) ?? 0]));
          return {
            departmentId: d.id,
            name: d.name,
            perMonth,
            total: Object.values(perMonth).reduce((a, b) => a + b, 0),
          };
        }),
    });
  });

  return router;
}
