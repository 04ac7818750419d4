// Camunda 7's process-definition and process-instance resources
// (https://docs.camunda.org/manual/7.21/reference/rest/process-definition/,
// https://docs.camunda.org/manual/7.21/reference/rest/process-instance/): list and read
// definitions, start one by key (the latest version) or by id (what Camunda Modeler's
// "Start instance" posts after a deploy), list, read, read the variables of and delete
// (cancel) instances — over the same use cases and access rules as /api.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DefinitionRecord, InstanceRecord, InstanceWithIncidents } from '../../app/records';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { flag, idList, pageOf, paging } from './camunda-query';
import { fromCamundaVariables, toCamundaVariables, typedVariablesSchema } from './camunda-variables';
import { processDefinitionView } from './deployment-routes';

// https://docs.camunda.org/manual/7.21/reference/rest/process-definition/post-start-process-instance/
const startBody = z
  .object({
    businessKey: z.string().min(1).max(255).nullish(),
    variables: typedVariablesSchema.nullish(),
    withVariablesInReturn: z.boolean().nullish(),
  })
  .loose();

// https://docs.camunda.org/manual/7.21/reference/rest/process-definition/get-query/
const definitionQuery = z
  .object({
    processDefinitionId: z.string().optional(),
    processDefinitionIdIn: idList,
    key: z.string().optional(),
    keysIn: idList,
    name: z.string().optional(),
    version: z.coerce.number().int().optional(),
    deploymentId: z.string().optional(),
    latestVersion: flag,
    startableInTasklist: flag,
    ...paging,
  })
  .loose();

// https://docs.camunda.org/manual/7.21/reference/rest/process-instance/get-query/
const instanceQuery = z
  .object({
    processInstanceIds: idList,
    businessKey: z.string().optional(),
    businessKeyLike: z.string().optional(),
    processDefinitionKey: z.string().optional(),
    processDefinitionId: z.string().optional(),
    /** The instances a call activity of this instance started. */
    superProcessInstance: z.string().optional(),
    ...paging,
  })
  .loose();

const variablesQuery = z.object({ variableNames: idList, deserializeValues: flag }).loose();

function selfLink(req: Request, path: string) {
  return [{ method: 'GET', href: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${path}`, rel: 'self' }];
}

/** Camunda's ProcessInstance (https://docs.camunda.org/manual/7.21/reference/rest/process-instance/get/). */
export function processInstanceView(i: InstanceRecord, links: unknown[] = []) {
  return {
    links,
    id: i.id,
    definitionId: i.definitionId,
    definitionKey: i.definitionKey,
    businessKey: i.businessKey,
    caseInstanceId: null,
    ended: i.state !== 'running',
    suspended: false,
    tenantId: null,
  };
}

function definitionsMatching(all: DefinitionRecord[], q: z.infer<typeof definitionQuery>): DefinitionRecord[] {
  const latest = new Map<string, number>();
  for (const d of all) latest.set(d.key, Math.max(latest.get(d.key) ?? 0, d.version));
  return all
    .filter(
      (d) =>
        (!q.processDefinitionId || d.id === q.processDefinitionId) &&
        (!q.processDefinitionIdIn || q.processDefinitionIdIn.includes(d.id)) &&
        (!q.key || d.key === q.key) &&
        (!q.keysIn || q.keysIn.includes(d.key)) &&
        (!q.name || d.name === q.name) &&
        (q.version === undefined || d.version === q.version) &&
        (!q.deploymentId || d.deploymentId === q.deploymentId) &&
        (!q.latestVersion || latest.get(d.key) === d.version) &&
        (q.startableInTasklist === undefined || d.startable === q.startableInTasklist),
    )
    .sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
}

export function processRoutes(ctx: HttpContext): Router {
  const r = Router();
  const { definitions, instances } = ctx.app;

  // ----- process definitions -----

  r.get('/process-definition', async (req, res) => {
    const q = parseWith(definitionQuery, req.query, 'query');
    const page = pageOf(definitionsMatching(await definitions.list(true), q), q);
    sendCamundaJson(
      res,
      200,
      page.map((d) => processDefinitionView(d, null)),
    );
  });

  r.get('/process-definition/count', async (req, res) => {
    const q = parseWith(definitionQuery, req.query, 'query');
    sendCamundaJson(res, 200, { count: definitionsMatching(await definitions.list(true), q).length });
  });

  r.get('/process-definition/key/:key', async (req, res) => {
    sendCamundaJson(res, 200, processDefinitionView(await definitions.latest(String(req.params.key)), null));
  });

  r.get('/process-definition/key/:key/xml', async (req, res) => {
    const def = await definitions.latest(String(req.params.key));
    sendCamundaJson(res, 200, { id: def.id, bpmn20Xml: await definitions.xml(def.key, def.version) });
  });

  const started = (req: Request, done: InstanceWithIncidents, withVariables: boolean) => ({
    ...processInstanceView(done.instance, selfLink(req, `/process-instance/${done.instance.id}`)),
    ...(withVariables ? { variables: toCamundaVariables(done.instance.variables) } : {}),
  });

  r.post('/process-definition/key/:key/start', async (req, res) => {
    const body = parseWith(startBody, req.body ?? {});
    const input = { variables: fromCamundaVariables(body.variables), businessKey: body.businessKey ?? null };
    const done = await definitions.start(currentUser(res), String(req.params.key), input);
    sendCamundaJson(res, 200, started(req, done, body.withVariablesInReturn === true));
  });

  r.get('/process-definition/:id', async (req, res) => {
    sendCamundaJson(res, 200, processDefinitionView(await definitions.byId(String(req.params.id)), null));
  });

  r.get('/process-definition/:id/xml', async (req, res) => {
    const def = await definitions.byId(String(req.params.id));
    sendCamundaJson(res, 200, { id: def.id, bpmn20Xml: await definitions.xml(def.key, def.version) });
  });

  r.post('/process-definition/:id/start', async (req, res) => {
    const body = parseWith(startBody, req.body ?? {});
    const input = { variables: fromCamundaVariables(body.variables), businessKey: body.businessKey ?? null };
    const done = await definitions.startById(currentUser(res), String(req.params.id), input);
    sendCamundaJson(res, 200, started(req, done, body.withVariablesInReturn === true));
  });

  // ----- process instances (the runtime: running ones) -----

  const listInstances = async (actor: ReturnType<typeof currentUser>, q: z.infer<typeof instanceQuery>) => {
    const page = await instances.list(
      actor,
      {
        state: 'running',
        ...(q.businessKey ? { businessKey: q.businessKey } : {}),
        ...(q.businessKeyLike ? { businessKeyLike: q.businessKeyLike.replace(/%/g, '') } : {}),
        ...(q.processDefinitionKey ? { definitionKey: q.processDefinitionKey } : {}),
        ...(q.superProcessInstance ? { parentInstanceId: q.superProcessInstance } : {}),
      },
      { limit: 500, offset: 0 },
    );
    // Ids and definition ids are few in a request: filtered on the page read.
    const filtered = !q.processInstanceIds && !q.processDefinitionId;
    const items = page.items
      .map((x) => x.instance)
      .filter((i) => (!q.processInstanceIds || q.processInstanceIds.includes(i.id)) && (!q.processDefinitionId || i.definitionId === q.processDefinitionId));
    return { items, total: filtered ? page.total : items.length };
  };

  r.get('/process-instance', async (req, res) => {
    const q = parseWith(instanceQuery, req.query, 'query');
    const actor = currentUser(res);
    const filtered = q.processInstanceIds || q.processDefinitionId;
    if (filtered) {
      const { items } = await listInstances(actor, q);
      return sendCamundaJson(
        res,
        200,
        pageOf(items, q).map((i) => processInstanceView(i)),
      );
    }
    const page = await instances.list(
      actor,
      {
        state: 'running',
        ...(q.businessKey ? { businessKey: q.businessKey } : {}),
        ...(q.businessKeyLike ? { businessKeyLike: q.businessKeyLike.replace(/%/g, '') } : {}),
        ...(q.processDefinitionKey ? { definitionKey: q.processDefinitionKey } : {}),
        ...(q.superProcessInstance ? { parentInstanceId: q.superProcessInstance } : {}),
      },
      { limit: Math.max(q.maxResults, 1), offset: q.firstResult },
    );
    sendCamundaJson(
      res,
      200,
      page.items.slice(0, q.maxResults).map((x) => processInstanceView(x.instance)),
    );
  });

  r.get('/process-instance/count', async (req, res) => {
    const q = parseWith(instanceQuery, req.query, 'query');
    sendCamundaJson(res, 200, { count: (await listInstances(currentUser(res), q)).total });
  });

  r.get('/process-instance/:id', async (req, res) => {
    const { instance } = await instances.get(currentUser(res), String(req.params.id));
    // Camunda's runtime knows running instances only.
    if (instance.state !== 'running') return sendCamundaJson(res, 404, notRunning(instance.id));
    sendCamundaJson(res, 200, processInstanceView(instance));
  });

  r.get('/process-instance/:id/variables', async (req, res) => {
    const q = parseWith(variablesQuery, req.query, 'query');
    const { instance } = await instances.get(currentUser(res), String(req.params.id));
    if (instance.state !== 'running') return sendCamundaJson(res, 404, notRunning(instance.id));
    const names = q.variableNames;
    const vars = names ? Object.fromEntries(Object.entries(instance.variables).filter(([k]) => names.includes(k))) : instance.variables;
    sendCamundaJson(res, 200, toCamundaVariables(vars));
  });

  r.delete('/process-instance/:id', async (req, res) => {
    await instances.cancel(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  return r;
}

function notRunning(id: string) {
  return { type: 'InvalidRequestException', message: `process instance with id ${id} does not exist` };
}
