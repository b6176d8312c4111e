import { formatCountyTime } from './county-time';
import type { StepKind } from './hazard';

export const stepNames: Record<StepKind, string> = {
  confirmation: '企业确认隐患',
  plan: '制定治理方案',
  plan_review: '审查治理方案',
  rectification: '隐患整改',
  reinspection: '整改复查',
  assignment: '委托第三方评估',
  assessment: '第三方评估',
  closure: '销号确认',
  inspection: '定期检查',
};

/** What each rung means, in the words of the county plan. */
export const rungMeanings: Record<number, string> = {
  0: '到期提醒',
  1: '逾期督促：请监管部门督促整改',
  2: '县安委办督查',
  3: '县安委会督办函',
  4: '通报批评，纳入年度安全生产考核',
};

export interface EscalationFacts {
  caseNo: string;
  title: string;
  location: string;
  enterpriseName: string;
  responsibleName: string;
  responsibleEmail: string;
  departmentName: string;
  step: StepKind;
  round: number;
  deadline: number;
  rung: number;
  now: number;
  caseUrl: string;
}

function overdueFor(deadline: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - deadline) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}天${hours}小时`;
  if (hours > 0) return `${hours}小时${minutes % 60}分钟`;
  return `${minutes}分钟`;
}

/** Subject and body of one rung's email; complete on its own for a reader in a mailbox. */
export function composeEscalation(facts: EscalationFacts): { subject: string; text: string } {
  const step = stepNames[facts.step];
  const deadline = formatCountyTime(facts.deadline);
  const meaning = rungMeanings[facts.rung] ?? `第${facts.rung}级督办`;
  const owner =
    facts.step === 'reinspection'
      ? `${facts.departmentName}（监管部门）`
      : `${facts.enterpriseName}，主要负责人 ${facts.responsibleName} <${facts.responsibleEmail}>`;

  if (facts.rung === 0) {
    return {
      subject: `【到期提醒】隐患 ${facts.caseNo}「${step}」将于 ${deadline} 到期`,
      text: [
        `隐患编号：${facts.caseNo}`,
        `隐患内容：${facts.title}`,
        `地点：${facts.location}`,
        `待办事项：${step}（第${facts.round}轮）`,
        `期限：${deadline}（北京时间）`,
        `责任方：${owner}`,
        '',
        '请在期限前完成。逾期将依次报监管部门、县安委办、县安委会督办。',
        `查看案件：${facts.caseUrl}`,
      ].join('\n'),
    };
  }

  return {
    subject: `【督办·第${facts.rung}级】隐患 ${facts.caseNo}「${step}」逾期 — ${facts.enterpriseName}`,
    text: [
      `督办级别：第${facts.rung}级，${meaning}`,
      `隐患编号：${facts.caseNo}`,
      `隐患内容：${facts.title}`,
      `地点：${facts.location}`,
      `逾期事项：${step}（第${facts.round}轮）`,
      `期限：${deadline}（北京时间），已逾期 ${overdueFor(facts.deadline, facts.now)}`,
      `责任方：${owner}`,
      `监管部门：${facts.departmentName}`,
      '',
      `查看案件：${facts.caseUrl}`,
      '',
      '本邮件由县安全生产监督检查系统自动发送，同一级督办只发送一次，并已记入案件档案。',
    ].join('\n'),
  };
}

export interface AssignmentFacts {
  caseNo: string;
  assessmentId: string;
  title: string;
  enterpriseName: string;
  departmentName: string;
  bodyName: string;
  deadline: number;
  signOffUrl: string;
  caseUrl: string;
}

/** The letter that commissions an assessment body (第三方评估委托). */
export function composeAssignment(facts: AssignmentFacts): { subject: string; text: string } {
  const deadline = formatCountyTime(facts.deadline);
  return {
    subject: `【第三方评估委托】重大隐患 ${facts.caseNo} 整改评估，请于 ${deadline} 前签署意见`,
    text: [
      `${facts.bodyName}：`,
      '',
      `${facts.departmentName}委托贵机构对以下重大隐患的整改结果进行评估：`,
      `隐患编号：${facts.caseNo}`,
      `隐患内容：${facts.title}`,
      `生产经营单位：${facts.enterpriseName}`,
      `评估编号：${facts.assessmentId}`,
      `签署期限：${deadline}（北京时间）`,
      '',
      `查看案件与证据：${facts.caseUrl}`,
      `签署评估意见（合格或不合格，并附评估报告）：${facts.signOffUrl}`,
      '',
      '逾期未签署的，将依次报监管部门和县安委办督办。',
    ].join('\n'),
  };
}

export interface InspectionFacts {
  enterpriseName: string;
  creditCode: string;
  industry: string;
  township: string;
  departmentName: string;
  tier: string;
  windowStart: number;
  windowEnd: number;
  rung: number | null;
  now: number;
}

const tierLabels: Record<string, string> = {
  red: '红色',
  orange: '橙色',
  yellow: '黄色',
  blue: '蓝色',
};

/** The notice that an inspection falls due, or a rung of its ladder when it is missed. */
export function composeInspectionMail(facts: InspectionFacts): { subject: string; text: string } {
  const due = formatCountyTime(facts.windowEnd);
  const lines = [
    `生产经营单位：${facts.enterpriseName}（${facts.creditCode}）`,
    `行业：${facts.industry}；乡镇：${facts.township}`,
    `风险等级：${tierLabels[facts.tier] ?? facts.tier}`,
    `检查窗口：${formatCountyTime(facts.windowStart)} 至 ${due}（北京时间）`,
    `监管部门：${facts.departmentName}`,
  ];
  if (facts.rung === null) {
    return {
      subject: `【检查到期】${facts.enterpriseName} 应于 ${due} 前完成定期安全检查`,
      text: [...lines, '', '请在窗口内完成检查并录入检查结果。'].join('\n'),
    };
  }
  if (facts.rung === 0) {
    return {
      subject: `【到期提醒】${facts.enterpriseName} 的定期检查将于 ${due} 到期`,
      text: [...lines, '', '尚未录入本窗口的检查结果，请按期完成。'].join('\n'),
    };
  }
  return {
    subject: `【督办·第${facts.rung}级】${facts.enterpriseName} 的「定期检查」逾期`,
    text: [
      `督办级别：第${facts.rung}级，${rungMeanings[facts.rung] ?? ''}`,
      ...lines,
      `已逾期 ${overdueFor(facts.windowEnd, facts.now)}`,
      '',
      '本邮件由县安全生产监督检查系统自动发送，同一级督办只发送一次，并已记入企业档案。',
    ].join('\n'),
  };
}
