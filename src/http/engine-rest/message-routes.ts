// Camunda 7's message and signal resources (https://docs.camunda.org/manual/7.21/reference/rest/message/post-message/,
// https://docs.camunda.org/manual/7.21/reference/rest/signal/post-signal/) over the same use
// cases as /api/messages and /api/signals: who a message may reach is decided there (access.ts).
import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { fromCamundaVariables, toCamundaVariables, typedVariablesSchema } from './camunda-variables';
import { processInstanceView } from './process-routes';

const messageBody = z
  .object({
    messageName: z.string().min(1).max(255),
    businessKey: z.string().min(1).max(255).nullish(),
    processInstanceId: z.string().min(1).nullish(),
    correlationKeys: typedVariablesSchema.nullish(),
    localCorrelationKeys: typedVariablesSchema.nullish(),
    processVariables: typedVariablesSchema.nullish(),
    processVariablesLocal: typedVariablesSchema.nullish(),
    all: z.boolean().nullish(),
    resultEnabled: z.boolean().nullish(),
    variablesInResultEnabled: z.boolean().nullish(),
  })
  .loose();

const signalBody = z.object({ name: z.string().min(1).max(255), variables: typedVariablesSchema.nullish(), executionId: z.string().nullish() }).loose();

export function messageRoutes(ctx: HttpContext): Router {
  const r = Router();
  const { messages, instances } = ctx.app;

  r.post('/message', async (req, res) => {
    const body = parseWith(messageBody, req.body ?? {});
    const correlationKeys = body.correlationKeys ? fromCamundaVariables(body.correlationKeys) : undefined;
    const variables = { ...fromCamundaVariables(body.processVariables), ...fromCamundaVariables(body.processVariablesLocal) };
    const actor = currentUser(res);
    const outcome: { started?: boolean } = {};
    const ids = await messages.correlate(
      actor,
      {
        messageName: body.messageName,
        ...(body.processInstanceId ? { processInstanceId: body.processInstanceId } : {}),
        ...(body.businessKey ? { businessKey: body.businessKey } : {}),
        ...(correlationKeys ? { correlationKeys } : {}),
        variables,
      },
      undefined,
      outcome,
    );
    if (!body.resultEnabled) return res.status(204).end();
    // MessageCorrelationResultWithVariables, one per instance reached.
    const results = [];
    for (const id of ids) {
      const { instance } = await instances.get(actor, id);
      const view = processInstanceView(instance);
      results.push({
        resultType: outcome.started ? 'ProcessDefinition' : 'Execution',
        processInstance: outcome.started ? view : null,
        execution: outcome.started ? null : { id: instance.id, processInstanceId: instance.id, ended: view.ended, tenantId: null },
        ...(body.variablesInResultEnabled ? { variables: toCamundaVariables(instance.variables) } : {}),
      });
    }
    sendCamundaJson(res, 200, results);
  });

  r.post('/signal', async (req, res) => {
    const body = parseWith(signalBody, req.body ?? {});
    await messages.signal(currentUser(res), body.name, fromCamundaVariables(body.variables));
    res.status(204).end();
  });

  return r;
}
