import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Router } from 'express';
import {
  assessmentConcludedUpdate,
  assessmentWorkflowId,
  hazardWorkflowId,
  signOffUpdate,
} from '../../contracts/hazard';
import {
  AssessmentBodySchema,
  AssessmentRow,
  AssessmentSchema,
  EvidenceSchema,
  HazardCaseSchema,
} from '../../db/entities';
import { canView } from '../../domain/access';
import { requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { problems } from '../problem';
import { assessmentBodyInput, assessmentIdParam, signOffInput } from '../schemas';
import { jsonBody, parse } from '../validate';
import { hazardView } from '../views';

function assessmentView(row: AssessmentRow) {
  return {
    id: row.id,
    caseNo: row.caseNo,
    bodyId: row.bodyId,
    round: row.round,
    status: row.status,
    assignedAt: row.assignedAt.toISOString(),
    deadline: row.deadline.toISOString(),
    concludedAt: row.concludedAt?.toISOString() ?? null,
    findings: row.findings,
    reportEvidenceId: row.reportEvidenceId,
    signedBy: row.signedBy,
  };
}

/** Assessment bodies (第三方技术机构) and their sign-offs. */
export function assessmentRoutes(deps: ApiDeps): Router {
  const router = Router();
  const em = () => (RequestContext.getEntityManager() ?? deps.orm.em.fork()) as EntityManager;

  router.get('/assessment-bodies', async (_req, res) => {
    requireRole(res.locals.actor, [
      'inspector',
      'department',
      'committee_office',
      'committee',
      'admin',
      'assessor',
    ]);
    const rows = await em().find(AssessmentBodySchema, {}, { orderBy: { id: 'asc' } });
    res.json({
      items: rows.map(({ createdAt, ...rest }) => ({
        ...rest,
        createdAt: createdAt.toISOString(),
      })),
    });
  });

  router.post('/assessment-bodies', async (req, res) => {
    requireRole(res.locals.actor, ['admin', 'committee_office']);
    const input = jsonBody(req, assessmentBodyInput);
    const manager = em();
    if (await manager.findOne(AssessmentBodySchema, { id: input.id })) {
      throw problems.conflict(`第三方技术机构 ${input.id} 已存在`);
    }
    if (await manager.findOne(AssessmentBodySchema, { accreditationNo: input.accreditationNo })) {
      throw problems.conflict(`资质证书编号 ${input.accreditationNo} 已登记`);
    }
    const body = manager.create(AssessmentBodySchema, { ...input, createdAt: new Date() });
    await manager.flush();
    res
      .status(201)
      .location(`/api/v1/assessment-bodies/${body.id}`)
      .json({ ...input, createdAt: body.createdAt.toISOString() });
  });

  const loadAssessment = async (manager: EntityManager, id: string) => {
    const row = await manager.findOne(AssessmentSchema, { id });
    if (!row) throw problems.notFound(`评估委托 ${id} 不存在`);
    return row;
  };

  router.get('/assessments/:id', async (req, res) => {
    const { id } = parse(assessmentIdParam, req.params);
    const manager = em();
    const row = await loadAssessment(manager, id);
    const hazard = await manager.findOneOrFail(HazardCaseSchema, { caseNo: row.caseNo });
    const actor = res.locals.actor;
    const own = actor.role === 'assessor' && actor.assessorId === row.bodyId;
    if (!own && !canView(actor, hazard)) throw problems.forbidden('无权查看此评估委托');
    res.json(assessmentView(row));
  });

  router.post('/assessments/:id/sign-off', async (req, res) => {
    const { id } = parse(assessmentIdParam, req.params);
    const actor = res.locals.actor;
    const manager = em();
    const row = await loadAssessment(manager, id);
    if (actor.role !== 'assessor' || actor.assessorId !== row.bodyId) {
      throw problems.forbidden('只有受委托的第三方技术机构可以签署评估意见');
    }
    const input = jsonBody(req, signOffInput);
    if (row.status !== 'assigned')
      throw problems.conflict(`评估委托已${row.status === 'withdrawn' ? '撤回' : '签署'}`);
    const report = await manager.findOne(EvidenceSchema, {
      id: input.reportEvidenceId,
      caseNo: row.caseNo,
    });
    if (report?.kind !== 'assessment_report') {
      throw problems.unprocessable('reportEvidenceId 须为本案已上传的评估报告', 'reportEvidenceId');
    }

    const key = req.get('Idempotency-Key');
    await deps.temporal.workflow.getHandle(assessmentWorkflowId(id)).executeUpdate(signOffUpdate, {
      args: [{ ...input, actor }],
      ...(key ? { updateId: `${actor.id}/${key}` } : {}),
    });
    await deps.temporal.workflow
      .getHandle(hazardWorkflowId(row.caseNo))
      .executeUpdate(assessmentConcludedUpdate, { args: [id] });
    deps.logger.info(
      { assessmentId: id, passed: input.passed, reqId: req.id },
      'Assessment signed off',
    );

    const hazard = await manager.findOneOrFail(
      HazardCaseSchema,
      { caseNo: row.caseNo },
      { refresh: true },
    );
    res.json(hazardView(hazard));
  });

  return router;
}
