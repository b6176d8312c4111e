import type { EntityManager } from '@mikro-orm/postgresql';
import { creditCodeCheckChar } from '../domain/credit-code';
import { keyIndustries } from '../domain/risk';
import {
  AssessmentBodySchema,
  DepartmentSchema,
  EnterpriseSchema,
  IndustrySchema,
} from './entities';

const departments = [
  {
    id: 'yjj',
    name: '县应急管理局',
    kind: 'supervising',
    escalationEmail: 'duban@yjj.county.example',
  },
  {
    id: 'zjj',
    name: '县住房和城乡建设局',
    kind: 'supervising',
    escalationEmail: 'duban@zjj.county.example',
  },
  {
    id: 'xfjy',
    name: '县消防救援大队',
    kind: 'supervising',
    escalationEmail: 'duban@xfjy.county.example',
  },
  {
    id: 'scjg',
    name: '县市场监督管理局',
    kind: 'supervising',
    escalationEmail: 'duban@scjg.county.example',
  },
  {
    id: 'awb',
    name: '县安委会办公室',
    kind: 'committee_office',
    escalationEmail: 'awb@county.example',
  },
  { id: 'awh', name: '县安全生产委员会', kind: 'committee', escalationEmail: 'awh@county.example' },
  {
    id: 'dcs',
    name: '县政府督查室',
    kind: 'inspection_office',
    escalationEmail: 'dcs@county.example',
  },
] as const;

const code = (body: string) => body + creditCodeCheckChar(body);

const enterprises = [
  {
    name: '东岭化工有限公司',
    industryId: 'chemicals',
    size: 'medium' as const,
    creditCode: code('91330100MA2DL0001'),
    industry: '危险化学品',
    township: '城关镇',
    departmentId: 'yjj',
    responsible: ['王建国', 'wangjg@dongling-chem.example'] as const,
    manager: ['李安全', 'lian@dongling-chem.example'] as const,
  },
  {
    name: '青禾纺织印染厂',
    industryId: 'trade',
    size: 'small' as const,
    creditCode: code('91330100MA2QH0002'),
    industry: '工贸',
    township: '青禾乡',
    departmentId: 'yjj',
    responsible: ['赵明', 'zhaom@qinghe-textile.example'] as const,
    manager: ['孙平', 'sunp@qinghe-textile.example'] as const,
  },
  {
    name: '城南安居小区三期工程项目部',
    industryId: 'construction',
    size: 'large' as const,
    creditCode: code('91330100MA2CN0003'),
    industry: '建筑施工',
    township: '城南街道',
    departmentId: 'zjj',
    responsible: ['周海', 'zhouh@chengnan-build.example'] as const,
    manager: ['吴刚', 'wug@chengnan-build.example'] as const,
  },
  {
    name: '惠民综合商场',
    industryId: 'fire',
    size: 'medium' as const,
    creditCode: code('91330100MA2HM0004'),
    industry: '消防',
    township: '城关镇',
    departmentId: 'xfjy',
    responsible: ['郑丽', 'zhengl@huimin-mall.example'] as const,
    manager: ['钱勇', 'qiany@huimin-mall.example'] as const,
  },
];

const assessmentBodies = [
  {
    id: 'anke',
    name: '安科安全技术咨询有限公司',
    accreditationNo: 'APJ-（县）-2026-001',
    email: 'pinggu@anke-safety.example',
  },
  {
    id: 'huaan',
    name: '华安安全评价中心',
    accreditationNo: 'APJ-（县）-2026-002',
    email: 'report@huaan-eval.example',
  },
];

/** Loads demonstration reference data into the tables that are empty; returns whether it did. */
export async function seedDemoData(em: EntityManager): Promise<boolean> {
  let loaded = false;
  if ((await em.count(IndustrySchema, {})) === 0) {
    for (const industry of keyIndustries) em.create(IndustrySchema, { ...industry });
    await em.flush();
    loaded = true;
  }
  if ((await em.count(AssessmentBodySchema, {})) === 0) {
    const createdAt = new Date();
    for (const body of assessmentBodies) em.create(AssessmentBodySchema, { ...body, createdAt });
    await em.flush();
    loaded = true;
  }
  if ((await em.count(DepartmentSchema, {})) > 0) return loaded;
  await em.transactional(async (tx) => {
    const createdAt = new Date();
    for (const department of departments) tx.create(DepartmentSchema, { ...department, createdAt });
    // enterprises refer to departments, which must be written first
    await tx.flush();
    for (const e of enterprises) {
      tx.create(EnterpriseSchema, {
        id: e.creditCode,
        name: e.name,
        creditCode: e.creditCode,
        industry: e.industry,
        township: e.township,
        departmentId: e.departmentId,
        industryId: e.industryId,
        size: e.size,
        status: 'active',
        computedTier: null,
        tierOverride: null,
        responsibleName: e.responsible[0],
        responsibleEmail: e.responsible[1],
        safetyManagerName: e.manager[0],
        safetyManagerEmail: e.manager[1],
        createdAt,
      });
    }
  });
  return true;
}

export const demoEnterprises = enterprises;
export const demoAssessmentBodies = assessmentBodies;
