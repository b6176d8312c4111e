import { countyDate, CountyDate } from './county-time';

export const tiers = ['red', 'orange', 'yellow', 'blue'] as const;
export type Tier = (typeof tiers)[number];
export const tierNames: Record<Tier, string> = {
  red: '红',
  orange: '橙',
  yellow: '黄',
  blue: '蓝',
};

export const enterpriseSizes = ['large', 'medium', 'small', 'micro'] as const;
export type EnterpriseSize = (typeof enterpriseSizes)[number];
const sizeNames: Record<EnterpriseSize, string> = {
  large: '大型',
  medium: '中型',
  small: '小型',
  micro: '微型',
};

export const accidentSeverities = ['fatal', 'serious', 'minor'] as const;
export type AccidentSeverity = (typeof accidentSeverities)[number];
const severityNames: Record<AccidentSeverity, string> = {
  fatal: '死亡',
  serious: '重伤',
  minor: '轻伤',
};

/** The "risk" section of a policy file. */
export interface RiskPolicy {
  /** Per accident in the lookback. */
  accidentPoints: Record<AccidentSeverity, number>;
  lookbackYears: number;
  sizePoints: Record<EnterpriseSize, number>;
  /** Per case. */
  hazardPoints: { open: number; overdue: number; major: number };
  /** The lowest score of each tier; below yellow is blue. */
  thresholds: { red: number; orange: number; yellow: number };
}

export const defaultRiskPolicy: RiskPolicy = {
  accidentPoints: { fatal: 30, serious: 15, minor: 5 },
  lookbackYears: 3,
  sizePoints: { large: 10, medium: 6, small: 3, micro: 1 },
  hazardPoints: { open: 2, overdue: 5, major: 10 },
  thresholds: { red: 60, orange: 40, yellow: 20 },
};

export interface RiskInputs {
  industry: { id: string; name: string; baseRisk: number };
  size: EnterpriseSize;
  accidents: { date: CountyDate; severity: AccidentSeverity }[];
  hazards: { open: number; overdue: number; major: number };
  asOf: number;
}

export interface RiskPart {
  factor: 'industry' | 'accidents' | 'size' | 'hazards';
  label: string;
  points: number;
  detail: string;
}

export interface RiskScore {
  score: number;
  tier: Tier;
  parts: RiskPart[];
  explanation: string;
}

const factorNames: Record<RiskPart['factor'], string> = {
  industry: '行业',
  accidents: '事故',
  size: '规模',
  hazards: '隐患',
};

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The first county date inside the lookback: the same day `years` earlier. 29 February has no
 * such day in a common year; as the civil code counts periods, the month's last day stands in.
 */
function lookbackStart(asOf: number, years: number): CountyDate {
  const today = countyDate(asOf);
  const year = Number(today.slice(0, 4)) - years;
  const monthDay = today.slice(5);
  if (monthDay === '02-29' && !isLeapYear(year)) return `${year}-02-28`;
  return `${year}-${monthDay}`;
}

function accidentPart(inputs: RiskInputs, policy: RiskPolicy): RiskPart {
  const from = lookbackStart(inputs.asOf, policy.lookbackYears);
  const today = countyDate(inputs.asOf);
  // a score as of a past day leaves out the accidents that came after it
  const counted = inputs.accidents.filter((a) => a.date >= from && a.date <= today);
  const terms = accidentSeverities.map((severity) => {
    const count = counted.filter((a) => a.severity === severity).length;
    const each = policy.accidentPoints[severity];
    const text = `${severityNames[severity]}${count}起`;
    return { points: count * each, text: count > 0 ? `${text}×${each}` : text };
  });
  return {
    factor: 'accidents',
    label: `近${policy.lookbackYears}年事故`,
    points: terms.reduce((sum, t) => sum + t.points, 0),
    detail: `近${policy.lookbackYears}年事故：${terms.map((t) => t.text).join('，')}`,
  };
}

function hazardPart({ hazards }: RiskInputs, policy: RiskPolicy): RiskPart {
  const names = { open: '未整改', overdue: '逾期', major: '重大' } as const;
  const kinds = ['open', 'overdue', 'major'] as const;
  const texts = kinds.map((kind) => {
    const text = `${names[kind]}${hazards[kind]}项`;
    return hazards[kind] > 0 ? `${text}×${policy.hazardPoints[kind]}` : text;
  });
  return {
    factor: 'hazards',
    label: '隐患记录',
    points: kinds.reduce((sum, kind) => sum + hazards[kind] * policy.hazardPoints[kind], 0),
    detail: `隐患：${texts.join('，')}`,
  };
}

function tierOf(score: number, thresholds: RiskPolicy['thresholds']): Tier {
  if (score >= thresholds.red) return 'red';
  if (score >= thresholds.orange) return 'orange';
  if (score >= thresholds.yellow) return 'yellow';
  return 'blue';
}

function rule(tier: Tier, thresholds: RiskPolicy['thresholds']): string {
  const bound = tier === 'blue' ? `<${thresholds.yellow}` : `≥${thresholds[tier]}`;
  return `${bound} 为${tierNames[tier]}色`;
}

/**
 * The tier and the parts it was computed from. Accidents count when their county date falls
 * within lookbackYears before asOf: one exactly lookbackYears ago still counts, one a day earlier
 * does not.
 */
export function scoreRisk(inputs: RiskInputs, policy: RiskPolicy = defaultRiskPolicy): RiskScore {
  const { industry, size } = inputs;
  const sizePoints = policy.sizePoints[size];
  const parts: RiskPart[] = [
    {
      factor: 'industry',
      label: `行业基础风险：${industry.name}`,
      points: industry.baseRisk,
      detail: `${industry.name}行业基础分 ${industry.baseRisk}`,
    },
    accidentPart(inputs, policy),
    {
      factor: 'size',
      label: `企业规模：${sizeNames[size]}`,
      points: sizePoints,
      detail: `${sizeNames[size]}企业 ${sizePoints} 分`,
    },
    hazardPart(inputs, policy),
  ];

  const score = parts.reduce((sum, part) => sum + part.points, 0);
  const tier = tierOf(score, policy.thresholds);
  const sum = parts.map((part) => `${factorNames[part.factor]} ${part.points}`).join(' + ');
  return {
    score,
    tier,
    parts,
    explanation: `得分 ${score}：${sum}，${rule(tier, policy.thresholds)}`,
  };
}

/** An inspector's tier, set with a reason, in force until `expiresAt`. */
export interface TierOverride {
  tier: Tier;
  reason: string;
  expiresAt: number;
  by: string;
}

/** The tier in force: an unexpired override wins over the computed one. */
export function effectiveTier(
  computed: Tier,
  override: TierOverride | null,
  now: number,
): { tier: Tier; source: 'score' | 'override' } {
  if (override && override.expiresAt > now) return { tier: override.tier, source: 'override' };
  return { tier: computed, source: 'score' };
}

export interface ChecklistPoint {
  id: string;
  text: string;
}

export interface KeyIndustry {
  id: string;
  name: string;
  baseRisk: number;
  checklist: ChecklistPoint[];
}

const points = (prefix: string, texts: string[]): ChecklistPoint[] =>
  texts.map((text, i) => ({ id: `${prefix}-${i + 1}`, text }));

/**
 * The county's twelve key industries, as default reference data. Checklist ids are stable: an
 * inspection's results and the hazard cases they open refer to them.
 */
export const keyIndustries: KeyIndustry[] = [
  {
    id: 'chemicals',
    name: '危险化学品',
    baseRisk: 30,
    checklist: points('hc', [
      '储罐及其附件泄漏，围堰、防火堤破损',
      '反应釜超温超压，安全阀、联锁装置失效',
      '工艺管道腐蚀减薄，未按期检测',
      '可燃、有毒气体检测报警装置缺失或失效',
      '动火、受限空间等特殊作业未履行审批',
    ]),
  },
  {
    id: 'construction',
    name: '建筑施工',
    baseRisk: 22,
    checklist: points('cn', [
      '高处作业临边、洞口防护缺失，未系安全带',
      '深基坑支护不到位，边坡坍塌',
      '起重机械违规安装、超载或无证操作',
      '脚手架、模板支撑体系搭设不符合方案',
      '施工临时用电未做到三级配电两级保护',
    ]),
  },
  {
    id: 'trade',
    name: '工贸',
    baseRisk: 15,
    checklist: points('it', [
      '车间电气线路老化、私拉乱接',
      '有限空间作业未检测通风，缺氧窒息',
      '机械加工设备旋转部位防护罩缺失',
      '印染车间蒸汽管道、定型机高温烫伤防护不足',
      '粉尘涉爆场所除尘系统不符合要求',
    ]),
  },
  {
    id: 'fire',
    name: '消防重点单位',
    baseRisk: 20,
    checklist: points('fs', [
      '电气线路故障、电动车违规充电引发火灾',
      '安全出口、疏散通道堵塞或锁闭',
      '自动喷水灭火、火灾报警等消防设施失效',
      '老旧小区消防车通道被占用',
      '商住混合、“三合一”场所违规住人',
    ]),
  },
  {
    id: 'gas',
    name: '城镇燃气',
    baseRisk: 24,
    checklist: points('gs', [
      '餐饮场所未安装燃气泄漏报警和切断装置',
      '燃气管道老化腐蚀，被占压',
      '液化石油气钢瓶超期未检、违规充装',
      '使用不合格的橡胶软管和调压器',
    ]),
  },
  {
    id: 'road',
    name: '道路交通运输',
    baseRisk: 18,
    checklist: points('rt', [
      '客货运车辆动态监控装置不在线',
      '驾驶员疲劳驾驶、超速行驶',
      '危险货物运输车辆无资质或超载',
      '车辆未按期检验和维护',
      '临水临崖路段防护设施缺失',
    ]),
  },
  {
    id: 'mining',
    name: '非煤矿山',
    baseRisk: 28,
    checklist: points('mn', [
      '露天采场边坡超高超陡，有滑坡危险',
      '爆破作业未按规程设置警戒',
      '尾矿库坝体渗漏、排洪设施堵塞',
      '井下通风不良，安全出口不足两个',
    ]),
  },
  {
    id: 'special-equipment',
    name: '特种设备',
    baseRisk: 18,
    checklist: points('se', [
      '锅炉、压力容器超期未检验',
      '电梯困人、维保记录缺失',
      '起重机械限位、制动装置失灵',
      '作业人员无证上岗',
    ]),
  },
  {
    id: 'fireworks',
    name: '烟花爆竹',
    baseRisk: 26,
    checklist: points('fw', [
      '批发仓库超量储存',
      '零售网点与居民住宅未有效隔离',
      '仓库防雷、防静电设施失效',
      '非法生产、储存、运输',
    ]),
  },
  {
    id: 'waterway',
    name: '水上交通',
    baseRisk: 16,
    checklist: points('ww', [
      '渡船、客船超载，乘客未穿救生衣',
      '船员无证驾驶',
      '恶劣天气条件下冒险航行',
      '救生、消防设备缺失或过期',
    ]),
  },
  {
    id: 'farm-machinery',
    name: '农业机械',
    baseRisk: 8,
    checklist: points('fm', [
      '拖拉机、收割机未登记挂牌或未年检',
      '驾驶人无证操作',
      '变型拖拉机违规载人',
      '农机传动部位防护装置缺失',
    ]),
  },
  {
    id: 'tourism',
    name: '旅游',
    baseRisk: 10,
    checklist: points('tr', [
      '游乐设施未经检验投入运行',
      '景区游客超过最大承载量',
      '山区景区地质灾害隐患点未设警示',
      '旅游包车无资质或驾驶员不符合要求',
      '漂流、玻璃栈道等高风险项目无应急预案',
    ]),
  },
];
