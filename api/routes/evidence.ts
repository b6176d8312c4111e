import { randomUUID } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Router } from 'express';
import multer from 'multer';
import { EvidenceSchema } from '../../db/entities';
import type { ApiDeps } from '../deps';
import { EvidenceStore } from '../evidence-store';
import { problems } from '../problem';
import { evidenceUploadFields, z } from '../schemas';
import { acceptedMediaTypes, sniffMediaType } from '../sniff';
import { parse } from '../validate';
import { evidenceView } from '../views';
import { loadVisibleCase } from './hazards';

/** Percent-encodes a file name for filename*= (RFC 8187 leaves no room for '()*). */
const rfc8187 = (name: string) =>
  encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Evidence files of a case: photos and reports, checked by content and stored by hash. */
export function evidenceRoutes(deps: ApiDeps): Router {
  const router = Router();
  const store = new EvidenceStore(deps.config.evidence.dir);
  const em = () => (RequestContext.getEntityManager() ?? deps.orm.em.fork()) as EntityManager;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.evidence.maxBytes, files: 1, fields: 5, fieldSize: 1024 },
  }).single('file');

  router.post('/hazards/:caseNo/evidence', async (req, res) => {
    const actor = res.locals.actor;
    const manager = em();
    const hazard = await loadVisibleCase(manager, req, actor);
    const assessor = actor.role === 'assessor' && actor.assessorId === hazard.assessorBodyId;
    const mayUpload =
      assessor ||
      (actor.role === 'enterprise' && actor.enterpriseId === hazard.enterpriseId) ||
      ((actor.role === 'inspector' || actor.role === 'department') &&
        actor.departmentId === hazard.departmentId);
    if (!mayUpload)
      throw problems.forbidden('只有本案企业、监管部门或受委托的评估机构可以上传证据');
    if (hazard.status === 'closed') throw problems.conflict('隐患已销号，不能再上传证据');
    if (!req.is('multipart/form-data')) {
      throw problems.unsupportedMedia('请以 multipart/form-data 上传，文件字段名为 file');
    }

    await new Promise<void>((resolve, reject) => {
      upload(req, res, (error: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('upload failed'));
        else resolve();
      });
    });
    const fields = parse(evidenceUploadFields, req.body);
    if (assessor && fields.kind !== 'assessment_report') {
      throw problems.forbidden('评估机构只能上传评估报告（assessment_report）');
    }
    const file = req.file;
    if (!file) throw problems.badRequest('缺少文件字段 file');
    const mediaType = sniffMediaType(file.buffer);
    if (!mediaType) {
      throw problems.unsupportedMedia(`文件内容不是 ${acceptedMediaTypes.join('、')} 之一`);
    }

    const sha256 = await store.put(file.buffer);
    const existing = await manager.findOne(EvidenceSchema, { caseNo: hazard.caseNo, sha256 });
    if (existing) {
      res.status(200).json(evidenceView(existing));
      return;
    }
    const evidence = {
      id: randomUUID(),
      caseNo: hazard.caseNo,
      kind: fields.kind,
      sha256,
      mediaType,
      sizeBytes: file.size,
      originalName: Buffer.from(file.originalname, 'latin1').toString('utf8').slice(0, 200),
      uploadedBy: actor.id,
      uploadedAt: new Date(),
    };
    await manager.transactional(async (tx) => {
      tx.create(EvidenceSchema, evidence);
      await tx.flush();
      await tx.execute(
        `insert into case_event (case_no, idempotency_key, type, actor_id, actor_role, actor_name,
           occurred_at, data) values (?, ?, 'evidence_added', ?, ?, ?, ?, ?)`,
        [
          hazard.caseNo,
          `${hazard.caseNo}/evidence/${evidence.id}`,
          actor.id,
          actor.role,
          actor.name,
          evidence.uploadedAt,
          JSON.stringify({ evidenceId: evidence.id, kind: evidence.kind, sha256, mediaType }),
        ],
      );
    });
    res
      .status(201)
      .location(`/api/v1/hazards/${hazard.caseNo}/evidence/${evidence.id}`)
      .json(evidenceView(evidence));
  });

  router.get('/hazards/:caseNo/evidence/:id', async (req, res) => {
    const manager = em();
    const hazard = await loadVisibleCase(manager, req, res.locals.actor);
    const { id } = parse(z.object({ id: z.uuid() }), { id: req.params.id });
    const evidence = await manager.findOne(EvidenceSchema, { id, caseNo: hazard.caseNo });
    if (!evidence) throw problems.notFound(`证据 ${id} 不存在`);
    res.setHeader('Content-Type', evidence.mediaType);
    // an upload is served only to those who may see the case: no shared cache, no sniffing
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Disposition',
      `inline; filename*=UTF-8''${rfc8187(evidence.originalName)}`,
    );
    // the path is built from a hash, so dot-folders in it (an EVIDENCE_DIR under ~/.local) are safe
    res.sendFile(store.pathOf(evidence.sha256), { dotfiles: 'allow' });
  });

  return router;
}
