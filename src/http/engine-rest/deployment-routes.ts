// Camunda 7's deployment resource, as far as Camunda Modeler uses it: the connection check
// (`GET /deployment?maxResults=0`), the list and count, and Deploy (`POST /deployment/create`,
// https://docs.camunda.org/manual/7.18/reference/rest/deployment/post-deployment/) — through
// the application layer's deploy use case, so that the same content is the same deployment.
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { requireCapability } from '../../app/access';
import type { DefinitionRecord } from '../../app/records';
import { AppError } from '../../errors/app-error';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { camundaDate } from './camunda-variables';

const BPMN_FILE = /\.(bpmn|bpmn2|bpmn20\.xml|xml)$/i;

/** Multipart parts within the body limit (all files together), read into memory. */
function upload(limit: number): RequestHandler {
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: limit, files: 20, fields: 20, parts: 40 } }).any();
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return next(new AppError('PAYLOAD_TOO_LARGE', `the deployment exceeds ${limit} bytes`));
    parse(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) return next(new AppError('VALIDATION_FAILED', `the multipart deployment could not be read: ${err.message}`));
      next(err);
    });
  };
}

const listQuery = z
  .object({
    id: z.string().optional(),
    firstResult: z.coerce.number().int().min(0).default(0),
    maxResults: z.coerce.number().int().min(0).optional(),
  })
  .loose();

/** Camunda's Deployment (https://docs.camunda.org/manual/7.18/reference/rest/deployment/get-query/). */
function deploymentView(d: { id: string; name: string | null; deployedAt: string }, source: string | null) {
  return { links: [], id: d.id, name: d.name, source, deploymentTime: camundaDate(d.deployedAt), tenantId: null };
}

/** Camunda's ProcessDefinition (https://docs.camunda.org/manual/7.18/reference/rest/process-definition/get/). */
export function processDefinitionView(d: DefinitionRecord, resource: string | null) {
  return {
    id: d.id,
    key: d.key,
    category: null,
    description: null,
    name: d.name,
    version: d.version,
    resource,
    deploymentId: d.deploymentId,
    diagram: null,
    suspended: false,
    tenantId: null,
    versionTag: null,
    historyTimeToLive: null,
    startableInTasklist: d.startable,
  };
}

/** The deployments that hold definitions, newest first (procflow keeps no other kind). */
function deploymentsOf(definitions: DefinitionRecord[]) {
  const byId = new Map<string, { id: string; name: null; deployedAt: string }>();
  for (const d of definitions) if (!byId.has(d.deploymentId)) byId.set(d.deploymentId, { id: d.deploymentId, name: null, deployedAt: d.deployedAt });
  return [...byId.values()].sort((a, b) => b.deployedAt.localeCompare(a.deployedAt) || a.id.localeCompare(b.id));
}

export function deploymentRoutes(ctx: HttpContext): Router {
  const r = Router();
  const definitions = ctx.app.definitions;
  const multipart = upload(ctx.config.maxBodyBytes);

  r.get('/deployment', async (req, res) => {
    const q = parseWith(listQuery, req.query, 'query');
    const all = deploymentsOf(await definitions.list(true)).filter((d) => !q.id || d.id === q.id);
    const page = all.slice(q.firstResult, q.maxResults === undefined ? undefined : q.firstResult + q.maxResults);
    sendCamundaJson(
      res,
      200,
      page.map((d) => deploymentView(d, null)),
    );
  });

  r.get('/deployment/count', async (_req, res) => {
    sendCamundaJson(res, 200, { count: deploymentsOf(await definitions.list(true)).length });
  });

  r.post(
    '/deployment/create',
    // Who may deploy is decided before the body is read: a non-admin's upload is never parsed.
    (_req, res, next) => {
      requireCapability(currentUser(res), 'deploy');
      next();
    },
    (req, _res, next) => (req.is('multipart/form-data') ? next() : next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the deployment as multipart/form-data'))),
    multipart,
    async (req, res) => {
      const fields = (req.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof fields[name] === 'string' ? fields[name] : undefined);
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      if (!files.length) throw new AppError('BPMN_INVALID', 'the deployment holds no resource', { errors: [{ message: 'no file part' }] });
      const other = files.find((f) => !BPMN_FILE.test(f.originalname || f.fieldname));
      if (other) {
        throw new AppError('BPMN_INVALID', `resource <${other.originalname || other.fieldname}> is not BPMN: procflow deploys BPMN 2.0 files only`, {
          errors: [{ message: 'not a .bpmn file' }],
        });
      }
      const name = field('deployment-name');
      const results = await definitions.deploy(
        currentUser(res),
        files.map((f) => ({ name: name ?? (f.originalname || f.fieldname), content: f.buffer })),
      );
      const first = results[0];
      if (!first) throw new AppError('BPMN_INVALID', 'the deployment holds no resource');
      // Same content again is the deployment it was (procflow always filters duplicates):
      // Camunda then lists no newly deployed definitions.
      const deployed = results.filter((x) => x.created).flatMap((x, i) => x.definitions.map((d) => [d, files[i]?.originalname ?? null] as const));
      sendCamundaJson(res, 200, {
        ...deploymentView(
          { id: first.deployment.id, name: first.deployment.name, deployedAt: first.deployment.deployedAt },
          field('deployment-source') ?? null,
        ),
        deployedProcessDefinitions: deployed.length ? Object.fromEntries(deployed.map(([d, file]) => [d.id, processDefinitionView(d, file)])) : null,
        deployedCaseDefinitions: null,
        deployedDecisionDefinitions: null,
        deployedDecisionRequirementsDefinitions: null,
      });
    },
  );

  return r;
}
