import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isValidCreditCode } from '../domain/credit-code';
import { isDuration } from '../domain/duration';
import { hazardSources, hazardStatuses } from '../domain/hazard';
import { stepKinds } from '../domain/policy';
import { accidentSeverities, enterpriseSizes, tiers } from '../domain/risk';

extendZodWithOpenApi(z);

const text = (max: number) => z.string().trim().min(1).max(max);
const email = z.email().max(200);
const instant = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-03T09:30:00+08:00' });

export const departmentKinds = [
  'supervising',
  'committee_office',
  'committee',
  'inspection_office',
] as const;

export const departmentInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes, 2 to 40')
      .openapi({ example: 'yjj' }),
    name: text(100).openapi({ example: '县应急管理局' }),
    kind: z.enum(departmentKinds),
    escalationEmail: email.openapi({ example: 'duban@yjj.example.cn' }),
  })
  .strict()
  .openapi('DepartmentInput');

const person = z.object({ name: text(50), email }).strict();

export const enterpriseInput = z
  .object({
    name: text(200).openapi({ example: '某某化工有限公司' }),
    creditCode: z
      .string()
      .refine(isValidCreditCode, 'is not a valid unified social credit code (18 characters)')
      .openapi({ example: '91330100MA27XL0Q8K' }),
    industry: text(50).openapi({ example: '危险化学品' }),
    township: text(50).openapi({ example: '城关镇' }),
    departmentId: z.string().min(1),
    responsible: person,
    safetyManager: person,
    industryId: z.string().min(1).optional().openapi({ description: 'One of GET /industries' }),
    size: z.enum(enterpriseSizes).default('small'),
  })
  .strict()
  .openapi('EnterpriseInput');

export const accidentInput = z
  .object({
    occurredOn: z.iso.date(),
    severity: z.enum(accidentSeverities),
    description: text(2000),
  })
  .strict()
  .openapi('AccidentInput');

export const tierOverrideInput = z
  .object({ tier: z.enum(tiers), reason: text(2000), expiresAt: instant })
  .strict()
  .openapi('TierOverrideInput');

export const enterpriseStatusInput = z
  .object({ status: z.enum(['active', 'suspended', 'closed']), reason: text(2000) })
  .strict()
  .openapi('EnterpriseStatusInput');

export const inspectionInput = z
  .object({
    inspectedAt: instant,
    results: z
      .array(
        z
          .object({
            itemId: z.string().min(1),
            passed: z.boolean(),
            note: z.string().max(2000).default(''),
            openHazard: z
              .object({ title: text(200), description: text(4000), location: text(200) })
              .strict()
              .optional()
              .openapi({ description: 'For a failed item: open a general hazard case from it' }),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .openapi('InspectionInput');

export const forecastQuery = z
  .object({
    months: z.coerce.number().int().min(1).max(24).default(12),
    departmentId: z.string().min(1).optional(),
  })
  .strict();

export const gradingInput = z
  .object({
    standard: text(200).openapi({ example: '工贸企业重大事故隐患判定标准' }),
    edition: text(50).openapi({ example: '2023' }),
    item: text(100).openapi({ example: '第四条第（一）项' }),
  })
  .strict()
  .openapi('Grading', { description: 'The standard, edition and item a major grading follows.' });

export const openHazardInput = z
  .object({
    enterpriseId: z.string().min(1),
    level: z.enum(['general', 'major']),
    grading: gradingInput.optional().openapi({ description: 'Required for a major hazard.' }),
    source: z.enum(hazardSources),
    title: text(200).openapi({ example: '储罐区可燃气体报警器失效' }),
    description: text(4000),
    location: text(200).openapi({ example: '二号储罐区' }),
    foundAt: instant,
  })
  .strict()
  .refine((input) => input.level === 'general' || input.grading !== undefined, {
    path: ['grading'],
    message: 'a major hazard names the standard, edition and item it was judged against',
  })
  .refine((input) => input.level === 'major' || input.grading === undefined, {
    path: ['grading'],
    message: 'only a major hazard carries a grading',
  })
  .openapi('OpenHazardInput');

export const confirmInput = z
  .object({
    signatory: text(50).openapi({ example: '张伟' }),
    signature: text(200_000).openapi({
      description: 'The signature: a typed name or an image data URL.',
    }),
  })
  .strict()
  .openapi('ConfirmInput');

export const extensionRequestInput = z
  .object({ reason: text(2000), requestedDeadline: instant })
  .strict()
  .openapi('ExtensionRequestInput');

export const extensionDecisionInput = z
  .object({ approved: z.boolean(), comment: text(2000) })
  .strict()
  .openapi('ExtensionDecisionInput');

export const rectificationReportInput = z
  .object({ summary: text(4000), evidenceIds: z.array(z.uuid()).min(1).max(50) })
  .strict()
  .openapi('RectificationReportInput');

export const reinspectionInput = z
  .object({
    passed: z.boolean(),
    findings: text(4000),
    rectificationLimit: z
      .string()
      .refine(isDuration, 'must be an ISO 8601 duration such as P3D')
      .optional()
      .openapi({ description: 'New limit after a failure; the policy default otherwise.' }),
  })
  .strict()
  .openapi('ReinspectionInput');

export const hazardListQuery = z
  .object({
    state: z.enum(hazardStatuses).optional(),
    level: z.enum(['general', 'major']).optional(),
    enterpriseId: z.string().min(1).optional(),
    departmentId: z.string().min(1).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const evidenceKinds = [
  'photo_before',
  'photo_after',
  'test_report',
  'plan',
  'assessment_report',
  'other',
] as const;

export const planInput = z
  .object({
    goalAndTasks: text(4000).openapi({ description: '治理的目标和任务' }),
    methodsAndMeasures: text(4000).openapi({ description: '采取的方法和措施' }),
    fundingAndMaterials: text(4000).openapi({ description: '经费和物资的落实' }),
    responsibleBodyAndPeople: text(2000).openapi({ description: '负责治理的机构和人员' }),
    timeLimit: z
      .object({ deadline: instant, requirements: text(2000) })
      .strict()
      .openapi({
        description: '治理的时限和要求; the deadline becomes the rectification deadline',
      }),
    safetyMeasuresAndEmergencyPlan: text(4000).openapi({
      description: '安全措施和应急预案',
    }),
  })
  .strict()
  .openapi('GovernancePlan');

export const planReviewInput = z
  .object({ accepted: z.boolean(), reasons: text(4000) })
  .strict()
  .openapi('PlanReviewInput');

export const stopOrderInput = z
  .object({
    scope: z.enum(['whole', 'partial']),
    description: text(2000).openapi({ example: '二号储罐区及相关装置停产' }),
  })
  .strict()
  .openapi('StopOrderInput');

export const stopOrderLiftInput = z
  .object({ reason: text(2000) })
  .strict()
  .openapi('StopOrderLiftInput');

export const assignAssessorInput = z
  .object({ bodyId: z.string().min(1) })
  .strict()
  .openapi('AssignAssessorInput');

export const closureInput = z
  .object({ comment: text(2000) })
  .strict()
  .openapi('ClosureInput');

export const regradingInput = z
  .object({
    level: z.enum(['general', 'major']),
    reason: text(2000),
    grading: gradingInput.optional(),
  })
  .strict()
  .refine((input) => input.level === 'general' || input.grading !== undefined, {
    path: ['grading'],
    message: 'regrading to major names the standard, edition and item',
  })
  .openapi('RegradingInput');

export const signOffInput = z
  .object({ passed: z.boolean(), findings: text(4000), reportEvidenceId: z.uuid() })
  .strict()
  .openapi('SignOffInput');

export const assessmentBodyInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes, 2 to 40'),
    name: text(200).openapi({ example: '某某安全技术服务有限公司' }),
    accreditationNo: text(100).openapi({ example: 'APJ-（浙）-001' }),
    email: email,
  })
  .strict()
  .openapi('AssessmentBodyInput');

export const assessmentIdParam = z.object({
  id: z.string().regex(/^YH-\d{4}-\d{6}-A\d+$/, 'an assessment id looks like YH-2026-000001-A1'),
});
export const evidenceUploadFields = z.object({ kind: z.enum(evidenceKinds) }).strict();

export const caseNoParam = z.object({
  caseNo: z.string().regex(/^YH-\d{4}-\d{6}$/, 'a case number looks like YH-2026-000001'),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const step = z.object({
  kind: z.enum(stepKinds),
  round: z.number().int(),
  deadline: z.string(),
});

export const hazardView = z
  .object({
    caseNo: z.string(),
    level: z.string(),
    status: z.enum(hazardStatuses),
    title: z.string(),
    description: z.string(),
    location: z.string(),
    source: z.string(),
    enterpriseId: z.string(),
    departmentId: z.string(),
    policyVersion: z.string(),
    foundAt: z.string(),
    registeredAt: z.string(),
    lateRegistration: z.boolean(),
    confirmedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    round: z.number().int(),
    step: step.nullable(),
    overdue: z.boolean(),
    rung: z.number().int().nullable(),
    extension: z
      .object({ reason: z.string(), requestedDeadline: z.string(), requestedAt: z.string() })
      .nullable()
      .optional(),
    grading: gradingInput.nullable(),
    plan: z.record(z.string(), z.unknown()).nullable(),
    stopOrder: z
      .object({
        scope: z.enum(['whole', 'partial']),
        description: z.string(),
        issuedAt: z.string(),
        issuedBy: z.string(),
      })
      .nullable(),
    assessment: z.object({ id: z.string(), bodyId: z.string() }).nullable(),
    inspectionId: z.string().nullable(),
  })
  .openapi('Hazard');

export const eventView = z
  .object({
    id: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    actor: z.object({ id: z.string(), role: z.string(), name: z.string() }).nullable(),
    stepKey: z.string().nullable(),
    rung: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('CaseEvent');

export const evidenceView = z
  .object({
    id: z.string(),
    kind: z.enum(evidenceKinds),
    sha256: z.string(),
    mediaType: z.string(),
    sizeBytes: z.number().int(),
    originalName: z.string(),
    uploadedBy: z.string(),
    uploadedAt: z.string(),
  })
  .openapi('Evidence');

export const hazardDetail = hazardView
  .extend({ timeline: z.array(eventView), evidence: z.array(evidenceView) })
  .openapi('HazardDetail');

export const hazardPage = z
  .object({ items: z.array(hazardView), nextCursor: z.string().nullable() })
  .openapi('HazardPage');

export { z };
