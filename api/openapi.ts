import { OpenAPIRegistry, OpenApiGeneratorV31, RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  accidentInput,
  assessmentBodyInput,
  enterpriseStatusInput,
  forecastQuery,
  inspectionInput,
  tierOverrideInput,
  assessmentIdParam,
  assignAssessorInput,
  caseNoParam,
  closureInput,
  planInput,
  planReviewInput,
  regradingInput,
  signOffInput,
  stopOrderInput,
  stopOrderLiftInput,
  confirmInput,
  departmentInput,
  enterpriseInput,
  evidenceKinds,
  evidenceView,
  extensionDecisionInput,
  extensionRequestInput,
  hazardDetail,
  hazardListQuery,
  hazardPage,
  hazardView,
  openHazardInput,
  problemSchema,
  rectificationReportInput,
  reinspectionInput,
  z,
} from './schemas';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});
const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const commonErrors = {
  400: problem('Malformed input'),
  401: problem('No valid bearer token'),
  403: problem('Not allowed for this role or identity'),
};

const commands: [string, z.ZodType, string][] = [
  ['confirmation', confirmInput, 'The enterprise confirms the case by signature'],
  ['extension-requests', extensionRequestInput, 'The enterprise requests an extension'],
  ['extension-decision', extensionDecisionInput, 'The department approves or refuses it'],
  ['rectification-report', rectificationReportInput, 'The enterprise reports rectification'],
  ['reinspection', reinspectionInput, 'The inspector passes or fails the rectification'],
  ['plan', planInput, 'The enterprise submits the governance plan of a major hazard'],
  ['plan-review', planReviewInput, 'The department accepts the plan or returns it with reasons'],
  ['stop-order', stopOrderInput, 'The department orders production stopped, wholly or partly'],
  ['stop-order/lift', stopOrderLiftInput, 'The department lifts the order by an explicit decision'],
  ['assessor', assignAssessorInput, 'The department assigns (or reassigns) an assessment body'],
  ['closure', closureInput, 'The committee office confirms the closure (销号)'],
  ['regrading', regradingInput, 'The department regrades the case, general or major'],
];

/** The OpenAPI 3.1 document, generated from the schemas that validate requests. */
export function buildOpenApiDocument(): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const route = (config: RouteConfig) =>
    registry.registerPath({ security: [{ bearer: [] }], ...config });
  const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

  route({
    method: 'post',
    path: '/api/v1/departments',
    summary: 'Register a department or county body',
    tags: ['reference'],
    request: { body: body(departmentInput) },
    responses: { 201: json(departmentInput, 'Created'), 409: problem('Exists'), ...commonErrors },
  });
  route({
    method: 'get',
    path: '/api/v1/departments',
    summary: 'List departments and county bodies',
    tags: ['reference'],
    responses: { 200: json(z.object({ items: z.array(departmentInput) }), 'Departments') },
  });
  route({
    method: 'post',
    path: '/api/v1/enterprises',
    summary: 'Register an enterprise',
    tags: ['reference'],
    request: { body: body(enterpriseInput) },
    responses: { 201: json(enterpriseInput, 'Created'), 409: problem('Exists'), ...commonErrors },
  });
  route({
    method: 'get',
    path: '/api/v1/enterprises',
    summary: 'List enterprises',
    tags: ['reference'],
    request: {
      query: z.object({ departmentId: z.string().optional(), township: z.string().optional() }),
    },
    responses: { 200: json(z.object({ items: z.array(enterpriseInput) }), 'Enterprises') },
  });
  route({
    method: 'get',
    path: '/api/v1/enterprises/{id}',
    summary: 'One enterprise (an enterprise user may read only its own)',
    tags: ['reference'],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: json(enterpriseInput, 'The enterprise'),
      404: problem('No such enterprise'),
      ...commonErrors,
    },
  });
  route({
    method: 'post',
    path: '/api/v1/hazards',
    summary: 'Open a general hazard case (inspector)',
    tags: ['hazards'],
    request: {
      body: body(openHazardInput),
      headers: z.object({ 'Idempotency-Key': z.string().optional() }),
    },
    responses: {
      201: json(hazardView, 'Opened'),
      422: problem('Unknown enterprise'),
      ...commonErrors,
    },
  });
  route({
    method: 'get',
    path: '/api/v1/hazards',
    summary: 'List hazard cases, newest first, with cursor pagination',
    tags: ['hazards'],
    request: { query: hazardListQuery },
    responses: { 200: json(hazardPage, 'A page of cases'), ...commonErrors },
  });
  route({
    method: 'get',
    path: '/api/v1/hazards/{caseNo}',
    summary: 'A case with its timeline and evidence',
    tags: ['hazards'],
    request: { params: caseNoParam },
    responses: {
      200: json(hazardDetail, 'The case'),
      404: problem('No such case'),
      ...commonErrors,
    },
  });
  for (const [path, schema, summary] of commands) {
    route({
      method: 'post',
      path: `/api/v1/hazards/{caseNo}/${path}`,
      summary,
      tags: ['hazard commands'],
      request: {
        params: caseNoParam,
        body: body(schema),
        headers: z.object({ 'Idempotency-Key': z.string().optional() }),
      },
      responses: {
        200: json(hazardView, 'The case after the command'),
        404: problem('No such case'),
        409: problem('Not possible in the case’s current state'),
        422: problem('Refused by a rule'),
        ...commonErrors,
      },
    });
  }
  route({
    method: 'post',
    path: '/api/v1/hazards/{caseNo}/evidence',
    summary: 'Upload an evidence file (JPEG, PNG, WebP or PDF)',
    tags: ['evidence'],
    request: {
      params: caseNoParam,
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              kind: z.enum(evidenceKinds),
              file: z.string().openapi({ format: 'binary' }),
            }),
          },
        },
      },
    },
    responses: {
      201: json(evidenceView, 'Stored'),
      200: json(evidenceView, 'The same file was already on the case'),
      413: problem('Too large'),
      415: problem('Not an accepted file type'),
      ...commonErrors,
    },
  });
  route({
    method: 'get',
    path: '/api/v1/hazards/{caseNo}/evidence/{id}',
    summary: 'Download an evidence file',
    tags: ['evidence'],
    request: { params: caseNoParam.extend({ id: z.uuid() }) },
    responses: { 200: { description: 'The file' }, 404: problem('No such file'), ...commonErrors },
  });

  route({
    method: 'get',
    path: '/api/v1/assessment-bodies',
    summary: 'List accredited assessment bodies',
    tags: ['reference'],
    responses: {
      200: json(z.object({ items: z.array(assessmentBodyInput) }), 'Bodies'),
      ...commonErrors,
    },
  });
  route({
    method: 'post',
    path: '/api/v1/assessment-bodies',
    summary: 'Register an accredited assessment body',
    tags: ['reference'],
    request: { body: body(assessmentBodyInput) },
    responses: {
      201: json(assessmentBodyInput, 'Created'),
      409: problem('Exists'),
      ...commonErrors,
    },
  });
  route({
    method: 'get',
    path: '/api/v1/assessments/{id}',
    summary: 'One third-party assessment and its outcome',
    tags: ['assessments'],
    request: { params: assessmentIdParam },
    responses: {
      200: { description: 'The assessment' },
      404: problem('No such assessment'),
      ...commonErrors,
    },
  });
  route({
    method: 'post',
    path: '/api/v1/assessments/{id}/sign-off',
    summary: 'The assigned body signs off pass or fail, citing its uploaded report',
    tags: ['assessments'],
    request: { params: assessmentIdParam, body: body(signOffInput) },
    responses: {
      200: json(hazardView, 'The case after the sign-off'),
      404: problem('No such assessment'),
      409: problem('Already signed off or withdrawn'),
      422: problem('The report is not an assessment report of this case'),
      ...commonErrors,
    },
  });

  const enterpriseId = z.object({ id: z.string() });
  route({
    method: 'get',
    path: '/api/v1/industries',
    summary: 'The key industries with their base risk and inspection checklist',
    tags: ['risk'],
    responses: { 200: { description: 'Industries' }, ...commonErrors },
  });
  route({
    method: 'get',
    path: '/api/v1/enterprises/{id}/risk',
    summary: 'An enterprise’s risk score, explained part by part, and the tier in force',
    tags: ['risk'],
    request: { params: enterpriseId },
    responses: {
      200: { description: 'The risk profile' },
      404: problem('No such enterprise'),
      ...commonErrors,
    },
  });
  route({
    method: 'post',
    path: '/api/v1/enterprises/{id}/accidents',
    summary: 'Record an accident; the score and tier follow',
    tags: ['risk'],
    request: { params: enterpriseId, body: body(accidentInput) },
    responses: { 201: { description: 'The new risk profile' }, ...commonErrors },
  });
  route({
    method: 'post',
    path: '/api/v1/enterprises/{id}/tier-override',
    summary: 'An inspector sets the tier, with a reason and an expiry',
    tags: ['risk'],
    request: { params: enterpriseId, body: body(tierOverrideInput) },
    responses: {
      200: { description: 'The new risk profile' },
      422: problem('Expiry in the past'),
      ...commonErrors,
    },
  });
  route({
    method: 'post',
    path: '/api/v1/enterprises/{id}/status',
    summary: 'Suspend, close or reopen an enterprise, pausing or resuming its inspection cycle',
    tags: ['inspections'],
    request: { params: enterpriseId, body: body(enterpriseStatusInput) },
    responses: {
      200: { description: 'The new status' },
      409: problem('Already so'),
      ...commonErrors,
    },
  });
  route({
    method: 'get',
    path: '/api/v1/enterprises/{id}/inspection-cycle',
    summary: 'The live state of the enterprise’s inspection cycle: tier, window, rung',
    tags: ['inspections'],
    request: { params: enterpriseId },
    responses: { 200: { description: 'The cycle' }, ...commonErrors },
  });
  route({
    method: 'post',
    path: '/api/v1/enterprises/{id}/inspections',
    summary: 'Record an inspection against the industry checklist; failed items may open cases',
    tags: ['inspections'],
    request: { params: enterpriseId, body: body(inspectionInput) },
    responses: {
      201: { description: 'The inspection, with the cases opened' },
      422: problem('Item not on the checklist'),
      ...commonErrors,
    },
  });
  route({
    method: 'get',
    path: '/api/v1/enterprises/{id}/inspections',
    summary: 'An enterprise’s inspections, newest first',
    tags: ['inspections'],
    request: { params: enterpriseId },
    responses: { 200: { description: 'Inspections' }, ...commonErrors },
  });
  route({
    method: 'get',
    path: '/api/v1/inspections/forecast',
    summary: 'Inspections falling due per department and month, from the tiers in force',
    tags: ['inspections'],
    request: { query: forecastQuery },
    responses: { 200: { description: 'The forecast' }, ...commonErrors },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '安全生产监督检查 案件系统 API',
      version: '1.0.0',
      description: 'Hazard cases (隐患) as durable processes, with escalation by email.',
    },
  });
}
