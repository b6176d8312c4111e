import { endOfCountyDay } from '../../domain/county-time';
import { composeEscalation, EscalationFacts } from '../../domain/escalation-mail';

const facts: EscalationFacts = {
  caseNo: 'YH-2026-000007',
  title: '储罐区可燃气体报警器失效',
  location: '二号储罐区',
  enterpriseName: '东岭化工有限公司',
  responsibleName: '王建国',
  responsibleEmail: 'wangjg@example.cn',
  departmentName: '县应急管理局',
  step: 'rectification',
  round: 1,
  deadline: endOfCountyDay('2026-12-06'),
  rung: 2,
  now: endOfCountyDay('2026-12-07') + 90 * 60_000,
  caseUrl: 'http://localhost:3000/cases/YH-2026-000007',
};

describe('escalation emails', () => {
  it('say what is overdue, since when, who owes it and where the case is', () => {
    const { subject, text } = composeEscalation(facts);
    expect(subject).toBe('【督办·第2级】隐患 YH-2026-000007「隐患整改」逾期 — 东岭化工有限公司');
    expect(text).toContain('期限：2026-12-07 00:00（北京时间），已逾期 1天1小时');
    expect(text).toContain('主要负责人 王建国 <wangjg@example.cn>');
    expect(text).toContain('县安委办督查');
    expect(text).toContain(facts.caseUrl);
  });

  it('name the department as the party owing a re-inspection', () => {
    const { text } = composeEscalation({ ...facts, step: 'reinspection' });
    expect(text).toContain('责任方：县应急管理局（监管部门）');
  });

  it('word rung 0 as a reminder before the deadline', () => {
    const { subject } = composeEscalation({ ...facts, rung: 0 });
    expect(subject).toBe('【到期提醒】隐患 YH-2026-000007「隐患整改」将于 2026-12-07 00:00 到期');
  });
});
