// The Express application: open operational routes, then the authenticated /api.
import express, { type Express } from 'express';
import { authenticate } from './auth';
import type { HttpContext } from './context';
import { engineRestRouter } from './engine-rest';
import { jsonBodyLimits, urlLimits } from './input-limits';
import { errorHandler, notFoundHandler } from './problem';
import { definitionRoutes } from './routes/definition-routes';
import { externalTaskRoutes } from './routes/external-task-routes';
import { incidentRoutes } from './routes/incident-routes';
import { instanceRoutes } from './routes/instance-routes';
import { jobRoutes } from './routes/job-routes';
import { messageRoutes } from './routes/message-routes';
import { opsRoutes } from './routes/ops-routes';
import { scheduleRoutes } from './routes/schedule-routes';
import { statsRoutes } from './routes/stats-routes';
import { taskRoutes } from './routes/task-routes';
import { userRoutes } from './routes/user-routes';
import { securityHeaders } from './security-headers';
import { webUi } from './web-ui';

export function createApp(ctx: HttpContext, version = '0.1.0'): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders());
  app.use(ctx.metrics.middleware());
  // Input limits (src/http/input-limits.ts) apply to every route, in /api and outside it.
  app.use(urlLimits());
  app.use(opsRoutes(ctx, version));

  const jsonBody = express.json({ limit: ctx.config.maxBodyBytes, type: ['application/json', 'application/*+json'] });
  const bodyLimits = jsonBodyLimits(ctx.config.maxJsonDepth);
  const api = express.Router();
  api.use(ctx.metrics.routeBase());
  // Who the caller is before anything of the body is read: an unknown caller's body is never parsed.
  api.use(authenticate(ctx.app.users));
  api.use(jsonBody, bodyLimits);
  api.use(definitionRoutes(ctx));
  api.use(instanceRoutes(ctx));
  api.use(taskRoutes(ctx));
  api.use(externalTaskRoutes(ctx));
  api.use(messageRoutes(ctx));
  api.use(incidentRoutes(ctx));
  api.use(jobRoutes(ctx));
  api.use(userRoutes(ctx));
  api.use(scheduleRoutes(ctx));
  api.use(statsRoutes(ctx));
  for (const area of ctx.areas) if (area.http.api) api.use(area.http.api(ctx));
  app.use('/api', api);
  // Camunda 7's REST subset, with Camunda's error answers (docs/camunda-compatibility.md).
  app.use('/engine-rest', engineRestRouter(ctx));
  // Routes of an area outside /api (the order prototype's /place_order, /check_…, as it had them).
  // Their JSON is read here, so that it meets the same limits (a route's own parser then skips it).
  app.use(jsonBody, bodyLimits);
  for (const area of ctx.areas) if (area.http.root) app.use(area.http.root(ctx));

  app.use(webUi());
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.logger));
  return app;
}
