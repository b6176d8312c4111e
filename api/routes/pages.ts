import { Router } from 'express';
import { CaseEventSchema, HazardCaseSchema } from '../../db/entities';
import { formatCountyTime } from '../../domain/county-time';
import { stepNames } from '../../domain/escalation-mail';
import type { ApiDeps } from '../deps';

const statusNames: Record<string, string> = {
  registered: '待企业确认',
  planning: '待提交治理方案',
  plan_review: '治理方案审查中',
  rectifying: '整改中',
  under_review: '待复查',
  awaiting_assessment: '待委托第三方评估',
  assessing: '第三方评估中',
  awaiting_closure: '待安委办销号',
  closed: '已销号',
};

const eventNames: Record<string, string> = {
  registered: '登记',
  confirmed: '企业签字确认',
  extension_requested: '申请延期',
  extension_approved: '延期获批',
  extension_refused: '延期未获批准',
  rectification_reported: '报告整改完成',
  reinspection_passed: '复查合格',
  reinspection_failed: '复查不合格，重新整改',
  closed: '销号',
  escalated: '督办',
  evidence_added: '上传证据',
  plan_submitted: '提交治理方案',
  plan_accepted: '治理方案通过',
  plan_returned: '治理方案退回修改',
  stop_order_issued: '责令停产停业',
  stop_order_lifted: '解除停产停业',
  assessor_assigned: '委托第三方评估',
  assessment_passed: '第三方评估合格',
  assessment_failed: '第三方评估不合格，重新整改',
  closure_confirmed: '县安委办确认销号',
  regraded: '调整隐患等级',
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The plain page a case link opens: its progress, without personal data. */
export function pageRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/cases/:caseNo', async (req, res) => {
    const em = deps.orm.em.fork();
    const hazard = await em.findOne(HazardCaseSchema, { caseNo: req.params.caseNo });
    if (!hazard) {
      res.status(404).type('html').send('<!doctype html><meta charset="utf-8"><p>案件不存在</p>');
      return;
    }
    const events = await em.find(
      CaseEventSchema,
      { caseNo: hazard.caseNo },
      { orderBy: { id: 'asc' } },
    );
    const step = hazard.stepKind as keyof typeof stepNames | null;
    const rows = events
      .map((event) => {
        const name = eventNames[event.type] ?? event.type;
        const label = event.type === 'escalated' ? `${name}（第${event.rung}级）` : name;
        return `<tr><td>${formatCountyTime(event.occurredAt.getTime())}</td><td>${escape(label)}</td></tr>`;
      })
      .join('');
    res.type('html').send(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>隐患 ${escape(hazard.caseNo)}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}
td{padding:.2em 1em .2em 0}</style></head><body>
<h1>隐患 ${escape(hazard.caseNo)}</h1>
<p>${hazard.level === 'major' ? '【重大隐患】' : ''}${escape(hazard.title)}</p>
${hazard.stopOrder ? `<p><strong>责令停产停业中</strong>（${hazard.stopOrder.scope === 'whole' ? '全部' : '部分'}）</p>` : ''}
<p>状态：<strong>${statusNames[hazard.status] ?? escape(hazard.status)}</strong></p>
${step && hazard.stepDeadline ? `<p>当前事项：${stepNames[step]}，期限 ${formatCountyTime(hazard.stepDeadline.getTime())}</p>` : ''}
<table>${rows}</table></body></html>`);
  });
  return router;
}
