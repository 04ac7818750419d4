// Deployments and process definitions: deploy BPMN, list and read definitions, start instances.
import { Transform, type Writable } from 'node:stream';
import express, { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { requireCapability } from '../../app/access';
import { AppError } from '../../errors/app-error';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { startBody } from '../schemas';
import { parseWith } from '../validation';
import { definitionView, deployWarningView, instanceView } from '../views';

const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml', 'application/octet-stream', 'text/plain'];

function tooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `the request body exceeds the configured limit of ${limit} bytes (all files together)`);
}

/**
 * Multipart uploads within the body limit for all files together, not per file: a declared
 * Content-Length over it is refused before anything is read, and the bytes are counted as they
 * stream into the parser (chunked uploads), which is stopped at the limit.
 */
function multipartUpload(limit: number): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, files: 20, fields: 50, parts: 70 },
    streamHandler: (req: NodeJS.ReadableStream, busboy: Writable) => {
      let total = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          total += chunk.length;
          if (total <= limit) return done(null, chunk);
          req.unpipe(counter);
          busboy.destroy(tooLarge(limit));
          done();
        },
      });
      req.pipe(counter).pipe(busboy);
    },
  } as multer.Options).any();
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return next(tooLarge(limit));
    upload(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        return next(
          err.code === 'LIMIT_FILE_SIZE'
            ? tooLarge(limit)
            : new AppError('VALIDATION_FAILED', `the multipart upload could not be read: ${err.message}`, { errors: [{ message: err.code }] }),
        );
      }
      next(err);
    });
  };
}

export function definitionRoutes(ctx: HttpContext): Router {
  const r = Router();
  const definitions = ctx.app.definitions;
  const upload = multipartUpload(ctx.config.maxBodyBytes);
  const rawXml = express.raw({ type: XML_TYPES, limit: ctx.config.maxBodyBytes });

  r.post(
    '/deployments',
    // Who may deploy is decided before the body is read: a non-admin's upload is never parsed.
    (_req, res, next) => {
      requireCapability(currentUser(res), 'deploy');
      next();
    },
    (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : rawXml(req, res, next)),
    async (req, res) => {
      const user = currentUser(res);
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
      const results = await definitions.deploy(user, docs);
      const created = results.some((x) => x.created);
      const views = results.map((x) => ({
        id: x.deployment.id,
        name: x.deployment.name,
        deployedAt: x.deployment.deployedAt,
        definitions: x.definitions.map(definitionView),
        // Problems that do not stop the process from running (a 201 only: a repeat is not compiled again).
        ...(x.created ? { warnings: x.warnings.map(deployWarningView) } : {}),
      }));
      res.status(created ? 201 : 200).json(views.length === 1 ? views[0] : { deployments: views });
    },
  );

  r.get('/process-definitions', async (req, res) => {
    const defs = await definitions.list(req.query.allVersions === 'true');
    res.json({ items: defs.map(definitionView), total: defs.length });
  });

  r.get('/process-definitions/:key', async (req, res) => {
    res.json(definitionView(await definitions.latest(String(req.params.key))));
  });

  r.get('/process-definitions/:key/xml', async (req, res) => {
    const { version } = parseWith(z.object({ version: z.coerce.number().int().positive().optional() }), req.query, 'query');
    res.type('application/xml').send(await definitions.xml(String(req.params.key), version));
  });

  r.post('/process-definitions/:key/start', async (req, res) => {
    const body = parseWith(startBody, req.body ?? {});
    res.status(201).json(instanceView(await definitions.start(currentUser(res), String(req.params.key), body, req.get('Idempotency-Key'))));
  });

  return r;
}
