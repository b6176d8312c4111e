import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Router } from 'express';
import {
  DepartmentSchema,
  Enterprise,
  EnterpriseSchema,
  HazardCaseSchema,
  IndustrySchema,
} from '../../db/entities';
import type { ApiDeps } from '../deps';
import { applyRisk } from '../risk-service';
import { enterpriseScope } from '../../domain/access';
import { requireRole } from '../auth';
import { problems } from '../problem';
import { departmentInput, enterpriseInput, z } from '../schemas';
import { jsonBody, parse } from '../validate';

function enterpriseView(enterprise: Enterprise) {
  return {
    id: enterprise.id,
    name: enterprise.name,
    creditCode: enterprise.creditCode,
    industry: enterprise.industry,
    township: enterprise.township,
    departmentId: enterprise.departmentId,
    responsible: { name: enterprise.responsibleName, email: enterprise.responsibleEmail },
    safetyManager: { name: enterprise.safetyManagerName, email: enterprise.safetyManagerEmail },
    createdAt: enterprise.createdAt.toISOString(),
  };
}

const enterpriseListQuery = z
  .object({ departmentId: z.string().min(1).optional(), township: z.string().min(1).optional() })
  .strict();

/** Departments, county bodies and enterprises. */
export function referenceRoutes(deps: ApiDeps): Router {
  const orm = deps.orm;
  const router = Router();
  const em = () => (RequestContext.getEntityManager() ?? orm.em.fork()) as EntityManager;

  router.get('/departments', async (_req, res) => {
    const rows = await em().find(DepartmentSchema, {}, { orderBy: { kind: 'asc', id: 'asc' } });
    res.json({
      items: rows.map(({ createdAt, ...rest }) => ({
        ...rest,
        createdAt: createdAt.toISOString(),
      })),
    });
  });

  router.post('/departments', async (req, res) => {
    requireRole(res.locals.actor, ['admin', 'committee_office']);
    const input = jsonBody(req, departmentInput);
    const manager = em();
    if (await manager.findOne(DepartmentSchema, { id: input.id })) {
      throw problems.conflict(`部门 ${input.id} 已存在`);
    }
    const department = manager.create(DepartmentSchema, { ...input, createdAt: new Date() });
    await manager.flush();
    res
      .status(201)
      .location(`/api/v1/departments/${department.id}`)
      .json({
        ...input,
        createdAt: department.createdAt.toISOString(),
      });
  });

  router.get('/enterprises', async (req, res) => {
    const scope = enterpriseScope(res.locals.actor);
    if (!scope) throw problems.forbidden('无权查看企业名录');
    const query = parse(enterpriseListQuery, req.query);
    const where: Partial<Enterprise> = { ...query };
    if (scope.enterpriseId) where.id = scope.enterpriseId;
    const rows = await em().find(EnterpriseSchema, where, { orderBy: { name: 'asc' } });
    res.json({ items: rows.map(enterpriseView) });
  });

  router.get('/enterprises/:id', async (req, res) => {
    const scope = enterpriseScope(res.locals.actor);
    if (!scope) throw problems.forbidden('无权查看企业名录');
    const enterprise = await em().findOne(EnterpriseSchema, { id: req.params.id });
    if (!enterprise) throw problems.notFound(`企业 ${req.params.id} 不存在`);
    if (scope.enterpriseId && scope.enterpriseId !== enterprise.id) {
      throw problems.forbidden('企业只能查看本单位信息');
    }
    const ordered = await em().find(
      HazardCaseSchema,
      { enterpriseId: enterprise.id, stopOrder: { $ne: null } },
      { orderBy: { registeredAt: 'asc' } },
    );
    res.json({
      ...enterpriseView(enterprise),
      stopOrders: ordered.map((hazard) => ({
        caseNo: hazard.caseNo,
        scope: hazard.stopOrder!.scope,
        description: hazard.stopOrder!.description,
        issuedAt: new Date(hazard.stopOrder!.issuedAt).toISOString(),
      })),
    });
  });

  router.post('/enterprises', async (req, res) => {
    const actor = res.locals.actor;
    requireRole(actor, ['admin', 'committee_office', 'inspector', 'department']);
    const input = jsonBody(req, enterpriseInput);
    const staff = actor.role === 'inspector' || actor.role === 'department';
    if (staff && input.departmentId !== actor.departmentId) {
      throw problems.forbidden('只能登记本部门监管的企业');
    }
    const manager = em();
    const department = await manager.findOne(DepartmentSchema, { id: input.departmentId });
    if (department?.kind !== 'supervising') {
      throw problems.unprocessable(`监管部门 ${input.departmentId} 不存在`);
    }
    if (await manager.findOne(EnterpriseSchema, { creditCode: input.creditCode })) {
      throw problems.conflict(`统一社会信用代码 ${input.creditCode} 已登记`);
    }
    const industry = input.industryId
      ? await manager.findOne(IndustrySchema, { id: input.industryId })
      : null;
    if (input.industryId && !industry) {
      throw problems.unprocessable(`行业 ${input.industryId} 不在重点行业名录中`, 'industryId');
    }
    const enterprise = manager.create(EnterpriseSchema, {
      id: input.creditCode,
      name: input.name,
      creditCode: input.creditCode,
      industry: industry?.name ?? input.industry,
      industryId: industry?.id ?? null,
      size: input.size,
      status: 'active',
      computedTier: null,
      tierOverride: null,
      township: input.township,
      departmentId: input.departmentId,
      responsibleName: input.responsible.name,
      responsibleEmail: input.responsible.email,
      safetyManagerName: input.safetyManager.name,
      safetyManagerEmail: input.safetyManager.email,
      createdAt: new Date(),
    });
    await manager.flush();
    // its first tier, which starts its inspection cycle
    const risk = await applyRisk(manager, deps, enterprise, actor, '登记企业');
    res
      .status(201)
      .location(`/api/v1/enterprises/${enterprise.id}`)
      .json({ ...enterpriseView(enterprise), tier: risk.effective.tier });
  });

  return router;
}
