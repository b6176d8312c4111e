import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { Router, Request, Response } from 'express';
import {
  ApiCommandType,
  commandUpdates,
  hazardWorkflowId,
  OpenHazardInput,
  openedUpdate,
} from '../../contracts/hazard';
import {
  CASE_NO,
  DEPARTMENT_ID,
  ENTERPRISE_ID,
  HAZARD_LEVEL,
  HAZARD_STATE,
} from '../../contracts/search-attributes';
import {
  AssessmentBodySchema,
  CaseEventSchema,
  EnterpriseSchema,
  EvidenceSchema,
  HazardCaseRow,
  HazardCaseSchema,
} from '../../db/entities';
import { canView, listScope } from '../../domain/access';
import { countyDate } from '../../domain/county-time';
import { Actor, decide, HazardCase, HazardCommand } from '../../domain/hazard';
import { requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { refusalProblem } from '../errors';
import { problems } from '../problem';
import {
  assignAssessorInput,
  caseNoParam,
  closureInput,
  confirmInput,
  extensionDecisionInput,
  extensionRequestInput,
  hazardListQuery,
  openHazardInput,
  planInput,
  planReviewInput,
  regradingInput,
  stopOrderInput,
  stopOrderLiftInput,
  rectificationReportInput,
  reinspectionInput,
  z,
} from '../schemas';
import { jsonBody, parse } from '../validate';
import { eventView, evidenceView, hazardView } from '../views';

type Schema = z.ZodType;
type HazardWorkflow = (input: OpenHazardInput) => Promise<HazardCase>;

/** Loads a case the actor may see: 404 when it does not exist, 403 when it is not theirs. */
export async function loadVisibleCase(em: EntityManager, req: Request, actor: Actor) {
  const { caseNo } = parse(caseNoParam, req.params);
  const row = await em.findOne(HazardCaseSchema, { caseNo });
  if (!row) throw problems.notFound(`隐患 ${caseNo} 不存在`);
  if (!canView(actor, row)) throw problems.forbidden('无权查看此隐患');
  return row;
}

async function nextCaseNo(em: EntityManager, now: number): Promise<string> {
  const [row] = await em.execute<{ n: string }[]>("select nextval('hazard_case_no_seq') as n");
  return `YH-${countyDate(now).slice(0, 4)}-${String(row!.n).padStart(6, '0')}`;
}

function encodeCursor(row: HazardCaseRow): string {
  return Buffer.from(JSON.stringify([row.registeredAt.toISOString(), row.caseNo])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, caseNo] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof at !== 'string' || typeof caseNo !== 'string' || Number.isNaN(Date.parse(at))) {
      throw new Error('shape');
    }
    return [new Date(at), caseNo];
  } catch {
    throw problems.badRequest('cursor 无效，请使用上一页返回的 nextCursor');
  }
}

/** Commands: the route's path, its body schema and how the body becomes a command. */
interface CommandRoute {
  path: string;
  schema: Schema;
  toCommand: (body: never) => ApiCommand;
}

type ApiCommand = Extract<HazardCommand, { type: ApiCommandType }>;

const commandRoutes: CommandRoute[] = [
  {
    path: 'confirmation',
    schema: confirmInput,
    toCommand: (body: z.infer<typeof confirmInput>) => ({ type: 'confirm', ...body }),
  },
  {
    path: 'extension-requests',
    schema: extensionRequestInput,
    toCommand: (body: z.infer<typeof extensionRequestInput>) => ({
      type: 'request_extension',
      reason: body.reason,
      requestedDeadline: Date.parse(body.requestedDeadline),
    }),
  },
  {
    path: 'extension-decision',
    schema: extensionDecisionInput,
    toCommand: (body: z.infer<typeof extensionDecisionInput>) => ({
      type: 'decide_extension',
      ...body,
    }),
  },
  {
    path: 'rectification-report',
    schema: rectificationReportInput,
    toCommand: (body: z.infer<typeof rectificationReportInput>) => ({
      type: 'report_rectification',
      ...body,
    }),
  },
  {
    path: 'reinspection',
    schema: reinspectionInput,
    toCommand: (body: z.infer<typeof reinspectionInput>) => ({ type: 'reinspect', ...body }),
  },
  {
    path: 'plan',
    schema: planInput,
    toCommand: (body: z.infer<typeof planInput>) => ({
      type: 'submit_plan',
      plan: {
        ...body,
        timeLimit: { ...body.timeLimit, deadline: Date.parse(body.timeLimit.deadline) },
      },
    }),
  },
  {
    path: 'plan-review',
    schema: planReviewInput,
    toCommand: (body: z.infer<typeof planReviewInput>) => ({ type: 'review_plan', ...body }),
  },
  {
    path: 'stop-order',
    schema: stopOrderInput,
    toCommand: (body: z.infer<typeof stopOrderInput>) => ({ type: 'issue_stop_order', ...body }),
  },
  {
    path: 'stop-order/lift',
    schema: stopOrderLiftInput,
    toCommand: (body: z.infer<typeof stopOrderLiftInput>) => ({ type: 'lift_stop_order', ...body }),
  },
  {
    path: 'assessor',
    schema: assignAssessorInput,
    toCommand: (body: z.infer<typeof assignAssessorInput>) => ({
      type: 'assign_assessor',
      ...body,
    }),
  },
  {
    path: 'closure',
    schema: closureInput,
    toCommand: (body: z.infer<typeof closureInput>) => ({ type: 'confirm_closure', ...body }),
  },
  {
    path: 'regrading',
    schema: regradingInput,
    toCommand: (body: z.infer<typeof regradingInput>) => ({ type: 'regrade', ...body }),
  },
];

export const commandPaths = commandRoutes.map((route) => route.path);

/**
 * Opens a case for an inspector: checks the enterprise is theirs, numbers the case and starts
 * its workflow, answering once the case is on the record. An inspection's failed item passes
 * the inspection, so the case is linked to it.
 */
export async function openHazardCase(
  deps: ApiDeps,
  manager: EntityManager,
  actor: Actor,
  input: z.infer<typeof openHazardInput>,
  inspectionId: string | null = null,
): Promise<HazardCaseRow> {
  const now = Date.now();
  const foundAt = Date.parse(input.foundAt);
  if (foundAt > now + 60_000) {
    throw problems.unprocessable('发现时间不能晚于当前时间', 'foundAt');
  }
  const enterprise = await manager.findOne(EnterpriseSchema, { id: input.enterpriseId });
  if (!enterprise) {
    throw problems.unprocessable(`企业 ${input.enterpriseId} 不存在`, 'enterpriseId');
  }
  if (enterprise.departmentId !== actor.departmentId) {
    throw problems.forbidden('只能为本部门监管的企业登记隐患');
  }
  if (input.level === 'major' && !deps.policy.major) {
    throw problems.unprocessable(`策略 ${deps.policy.version} 未规定重大隐患的期限`, 'level');
  }

  const caseNo = await nextCaseNo(manager, now);
  const workflowInput: OpenHazardInput = {
    caseNo,
    level: input.level,
    grading: input.grading ?? null,
    enterpriseId: enterprise.id,
    departmentId: enterprise.departmentId,
    title: input.title,
    description: input.description,
    location: input.location,
    source: input.source,
    foundAt,
    registeredAt: now,
    openedBy: actor,
    inspectionId,
    policy: deps.policy,
  };
  const startWorkflowOperation = new WithStartWorkflowOperation('hazardCase', {
    workflowId: hazardWorkflowId(caseNo),
    taskQueue: deps.config.temporal.taskQueue,
    args: [workflowInput],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: [
      { key: CASE_NO, value: caseNo },
      { key: HAZARD_LEVEL, value: input.level },
      { key: HAZARD_STATE, value: 'registered' },
      { key: ENTERPRISE_ID, value: enterprise.id },
      { key: DEPARTMENT_ID, value: enterprise.departmentId },
    ],
  });
  await deps.temporal.workflow.executeUpdateWithStart(openedUpdate, { startWorkflowOperation });
  return manager.findOneOrFail(HazardCaseSchema, { caseNo }, { refresh: true });
}

export function hazardRoutes(deps: ApiDeps): Router {
  const router = Router();
  const em = () => (RequestContext.getEntityManager() ?? deps.orm.em.fork()) as EntityManager;

  router.post('/hazards', async (req, res) => {
    const actor = res.locals.actor;
    requireRole(actor, ['inspector']);
    const input = jsonBody(req, openHazardInput);
    const row = await openHazardCase(deps, em(), actor, input);
    deps.logger.info({ caseNo: row.caseNo, reqId: req.id }, 'Hazard case opened');
    res.status(201).location(`/api/v1/hazards/${row.caseNo}`).json(hazardView(row));
  });

  router.get('/hazards', async (req, res) => {
    const actor = res.locals.actor;
    const query = parse(hazardListQuery, req.query);
    const scope = listScope(actor);
    if (!scope) throw problems.forbidden('无权查看隐患列表');
    for (const key of ['enterpriseId', 'departmentId'] as const) {
      if (scope[key] && query[key] && query[key] !== scope[key]) {
        throw problems.forbidden(`只能查看本单位的隐患（${key}）`);
      }
    }

    const now = new Date();
    const conditions: object[] = [];
    if (query.state) conditions.push({ status: query.state });
    if (query.level) conditions.push({ level: query.level });
    const enterpriseId = scope.enterpriseId ?? query.enterpriseId;
    const departmentId = scope.departmentId ?? query.departmentId;
    if (enterpriseId) conditions.push({ enterpriseId });
    if (scope.assessorBodyId) conditions.push({ assessorBodyId: scope.assessorBodyId });
    if (departmentId) conditions.push({ departmentId });
    if (query.overdue === 'true') conditions.push({ stepDeadline: { $lt: now } });
    if (query.overdue === 'false') {
      conditions.push({ $or: [{ stepDeadline: null }, { stepDeadline: { $gte: now } }] });
    }
    if (query.cursor) {
      const [at, caseNo] = decodeCursor(query.cursor);
      conditions.push({
        $or: [{ registeredAt: { $lt: at } }, { registeredAt: at, caseNo: { $lt: caseNo } }],
      });
    }

    const rows = await em().find(
      HazardCaseSchema,
      { $and: conditions },
      { orderBy: { registeredAt: 'desc', caseNo: 'desc' }, limit: query.limit + 1 },
    );
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    res.json({
      items: page.map((row) => hazardView(row, now.getTime())),
      nextCursor: more ? encodeCursor(page[page.length - 1]!) : null,
    });
  });

  router.get('/hazards/:caseNo', async (req, res) => {
    const manager = em();
    const row = await loadVisibleCase(manager, req, res.locals.actor);
    const [events, evidence] = await Promise.all([
      manager.find(CaseEventSchema, { caseNo: row.caseNo }, { orderBy: { id: 'asc' } }),
      manager.find(EvidenceSchema, { caseNo: row.caseNo }, { orderBy: { uploadedAt: 'asc' } }),
    ]);
    res.json({
      ...hazardView(row),
      timeline: events.map(eventView),
      evidence: evidence.map(evidenceView),
    });
  });

  for (const route of commandRoutes) {
    router.post(`/hazards/:caseNo/${route.path}`, async (req: Request, res: Response) => {
      const actor = res.locals.actor;
      const manager = em();
      const row = await loadVisibleCase(manager, req, actor);
      const body = jsonBody(req, route.schema) as never;
      const command = route.toCommand(body);
      if (command.type === 'report_rectification') {
        const found = await manager.count(EvidenceSchema, {
          caseNo: row.caseNo,
          id: { $in: command.evidenceIds },
        });
        if (found !== new Set(command.evidenceIds).size) {
          throw problems.unprocessable('evidenceIds 中有不属于本案的证据', 'evidenceIds');
        }
      }
      if (command.type === 'assign_assessor') {
        const body = await manager.findOne(AssessmentBodySchema, { id: command.bodyId });
        if (!body)
          throw problems.unprocessable(`第三方技术机构 ${command.bodyId} 不存在`, 'bodyId');
      }

      const key = req.get('Idempotency-Key');
      const handle = deps.temporal.workflow.getHandle<HazardWorkflow>(row.workflowId);
      await handle
        .executeUpdate(commandUpdates[command.type], {
          args: [{ command, actor }],
          ...(key ? { updateId: `${actor.id}/${key}` } : {}),
        })
        .catch(async (error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          // a closed case's workflow has completed; its final state refuses by the same rules
          const final = await handle.result();
          const decision = decide(final, command, actor, Date.now(), deps.policy);
          throw decision.ok ? error : refusalProblem(decision.reason, decision.message);
        });
      deps.logger.info(
        { caseNo: row.caseNo, command: command.type, reqId: req.id },
        'Command applied',
      );

      const updated = await manager.findOneOrFail(
        HazardCaseSchema,
        { caseNo: row.caseNo },
        { refresh: true },
      );
      res.json(hazardView(updated));
    });
  }

  return router;
}
