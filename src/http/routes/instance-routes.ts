// Process instances: list, read, history, cancel (who may see or cancel which: src/app/access.ts).
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { triggerBody, variableBody } from '../repair-schemas';
import { instanceQuery } from '../schemas';
import { parseWith } from '../validation';
import { historyView, instanceView } from '../views';

export function instanceRoutes(ctx: HttpContext): Router {
  const r = Router();
  const instances = ctx.app.instances;

  r.get('/process-instances', async (req, res) => {
    const { limit, offset, variableName, variableValue, ...filter } = parseWith(instanceQuery, req.query, 'query');
    const variable = variableFilter(variableName, variableValue);
    const page = await instances.list(currentUser(res), { ...filter, ...(variable ? { variable } : {}) }, { limit, offset });
    res.json({ items: page.items.map(instanceView), total: page.total });
  });

  r.get('/process-instances/:id', async (req, res) => {
    res.json(instanceView(await instances.get(currentUser(res), String(req.params.id))));
  });

  r.get('/process-instances/:id/history', async (req, res) => {
    res.json((await instances.history(currentUser(res), String(req.params.id))).map(historyView));
  });

  // An operator's repairs (src/app/instance-variables.ts): each one event, answered with the instance as it ran on.
  const repair = ctx.app.instanceVariables;
  r.put('/process-instances/:id/variables/:name', async (req, res) => {
    const body = parseWith(variableBody, req.body ?? {});
    res.json(instanceView(await repair.set(currentUser(res), String(req.params.id), String(req.params.name), body.value)));
  });

  r.delete('/process-instances/:id/variables/:name', async (req, res) => {
    res.json(instanceView(await repair.delete(currentUser(res), String(req.params.id), String(req.params.name))));
  });

  r.post('/process-instances/:id/activities/:activityId/trigger', async (req, res) => {
    const body = parseWith(triggerBody, req.body ?? {});
    res.json(instanceView(await repair.trigger(currentUser(res), String(req.params.id), String(req.params.activityId), body.variables ?? {})));
  });

  r.delete('/process-instances/:id', async (req, res) => {
    await instances.cancel(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  return r;
}

/** `variableName` and `variableValue` go together; the value is JSON (`250`, `true`), else a string. */
function variableFilter(name: string | undefined, text: string | undefined): { name: string; value: string | number | boolean | null } | undefined {
  if (name === undefined && text === undefined) return undefined;
  if (name === undefined || text === undefined) {
    const missing = name === undefined ? 'variableName' : 'variableValue';
    throw new AppError(
      'VALIDATION_FAILED',
      `the request query is not valid: /${missing} is required with /${missing === 'variableName' ? 'variableValue' : 'variableName'}`,
      {
        errors: [{ pointer: `/${missing}`, message: 'required together with the other' }],
      },
    );
  }
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the text itself, a string.
  }
  if (value !== null && typeof value === 'object') {
    throw new AppError('VALIDATION_FAILED', 'the request query is not valid: /variableValue must be a string, number, boolean or null', {
      errors: [{ pointer: '/variableValue', message: 'objects and lists cannot be searched for' }],
    });
  }
  return { name, value: value as string | number | boolean | null };
}
