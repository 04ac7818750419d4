// /engine-rest: a Camunda 7.x–compatible subset (docs/camunda-compatibility.md) for Camunda Modeler and
// Camunda's external-task clients, over the same application layer as /api. It authenticates
// with procflow's bearer tokens or HTTP Basic (user name, token) and answers errors as Camunda
// does, `{type, message}`; it is Camunda's API, documented by Camunda, so not in /openapi.json.
import express, { Router } from 'express';
import { authenticate } from '../auth';
import type { HttpContext } from '../context';
import { jsonBodyLimits } from '../input-limits';
import { camundaErrorHandler, camundaNotFound } from './camunda-errors';
import { deploymentRoutes } from './deployment-routes';
import { externalTaskRoutes } from './external-task-routes';
import { historyRoutes } from './history-routes';
import { messageRoutes } from './message-routes';
import { processRoutes } from './process-routes';
import { taskRoutes } from './task-routes';
import { versionRoutes } from './version-routes';

export function engineRestRouter(ctx: HttpContext): Router {
  const r = Router();
  r.use(ctx.metrics.routeBase());
  // Who the caller is before anything of the body is read.
  r.use(authenticate(ctx.app.users, { basic: true }));
  r.use(express.json({ limit: ctx.config.maxBodyBytes, type: ['application/json', 'application/*+json'] }), jsonBodyLimits(ctx.config.maxJsonDepth));
  r.use(versionRoutes(ctx));
  r.use(externalTaskRoutes(ctx));
  r.use(deploymentRoutes(ctx));
  r.use(processRoutes(ctx));
  r.use(taskRoutes(ctx));
  r.use(messageRoutes(ctx));
  r.use(historyRoutes(ctx));
  r.use(camundaNotFound());
  r.use(camundaErrorHandler(ctx.logger));
  return r;
}
