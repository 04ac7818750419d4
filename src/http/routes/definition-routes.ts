// Deployments and process definitions: deploy BPMN, list and read definitions, start instances.
import express, { Router } from 'express';
import multer from 'multer';
import { AppError } from '../../errors/app-error';
import { currentUser, requireAdmin, route } from '../auth';
import type { HttpContext } from '../context';
import { z } from 'zod';
import { startBody } from '../schemas';
import { parseWith } from '../validation';
import { definitionView, instanceView } from '../views';

const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml', 'application/octet-stream', 'text/plain'];

export function definitionRoutes(ctx: HttpContext): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ctx.config.maxBodyBytes, files: 20 } });
  const rawXml = express.raw({ type: XML_TYPES, limit: ctx.config.maxBodyBytes });

  r.post(
    '/deployments',
    (req, res, next) => (req.is('multipart/form-data') ? upload.any()(req, res, next) : rawXml(req, res, next)),
    route(async (req, res) => {
      requireAdmin(res);
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      const docs: Array<{ name: string; content: Buffer }> = files.length
        ? files.map((f) => ({ name: f.originalname || f.fieldname, content: f.buffer }))
        : Buffer.isBuffer(req.body) && req.body.length
          ? [{ name: String(req.query.name ?? req.headers['x-deployment-name'] ?? 'deployment.bpmn'), content: req.body }]
          : [];
      if (!docs.length) {
        if (!req.is([...XML_TYPES, 'multipart/form-data'])) {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            `send BPMN XML as application/xml or multipart/form-data, not <${req.headers['content-type'] ?? 'none'}>`,
          );
        }
        throw new AppError('BPMN_INVALID', 'the request holds no BPMN document', { errors: [{ message: 'empty body' }] });
      }
      const results = [];
      for (const doc of docs) results.push(await ctx.deployer.deploy(doc.content, doc.name));
      const created = results.some((x) => x.created);
      const views = results.map((x) => ({
        id: x.deployment.id,
        name: x.deployment.name,
        deployedAt: x.deployment.deployedAt,
        definitions: x.definitions.map(definitionView),
      }));
      res.status(created ? 201 : 200).json(views.length === 1 ? views[0] : { deployments: views });
    }),
  );

  r.get(
    '/process-definitions',
    route(async (req, res) => {
      const all = req.query.allVersions === 'true';
      const defs = await ctx.store.definitions.list(all);
      res.json({ items: defs.map(definitionView), total: defs.length });
    }),
  );

  const latest = async (key: string) => {
    const def = await ctx.store.definitions.getLatest(key);
    if (!def) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the key <${key}>`);
    return def;
  };

  r.get(
    '/process-definitions/:key',
    route(async (req, res) => {
      res.json(definitionView(await latest(String(req.params.key))));
    }),
  );

  r.get(
    '/process-definitions/:key/xml',
    route(async (req, res) => {
      const { version } = parseWith(z.object({ version: z.coerce.number().int().positive().optional() }), req.query, 'query');
      const key = String(req.params.key);
      const def = version ? await ctx.store.definitions.getVersion(key, version) : await latest(key);
      if (!def) throw new AppError('DEFINITION_NOT_FOUND', `no version ${version} of process definition <${String(req.params.key)}>`);
      const xml = await ctx.store.definitions.getXml(def.id);
      res.type('application/xml').send(xml);
    }),
  );

  r.post(
    '/process-definitions/:key/start',
    route(async (req, res) => {
      const user = currentUser(res);
      const body = parseWith(startBody, req.body ?? {});
      const instance = await ctx.runtime.start(String(req.params.key), body, user);
      const incidents = await ctx.store.instances.openIncidentCounts([instance.id]);
      res.status(201).json(instanceView(instance, incidents.get(instance.id) ?? 0));
    }),
  );

  return r;
}
