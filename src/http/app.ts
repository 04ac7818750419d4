// The Express application: open operational routes, then the authenticated /api.
import express, { type Express } from 'express';
import { authenticate } from './auth';
import type { HttpContext } from './context';
import { errorHandler, notFoundHandler } from './problem';
import { catalogueRoutes } from './routes/catalogue-routes';
import { definitionRoutes } from './routes/definition-routes';
import { externalTaskRoutes } from './routes/external-task-routes';
import { gameServerRoutes } from './routes/game-server-routes';
import { incidentRoutes } from './routes/incident-routes';
import { instanceRoutes } from './routes/instance-routes';
import { legacyOrderRoutes } from './routes/legacy-order-routes';
import { messageRoutes } from './routes/message-routes';
import { opsRoutes } from './routes/ops-routes';
import { orderRoutes } from './routes/order-routes';
import { scheduleRoutes } from './routes/schedule-routes';
import { statsRoutes } from './routes/stats-routes';
import { taskRoutes } from './routes/task-routes';
import { userRoutes } from './routes/user-routes';
import { webUi } from './web-ui';

export function createApp(ctx: HttpContext, version = '0.1.0'): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(ctx.metrics.middleware());
  app.use(opsRoutes(ctx, version));

  const api = express.Router();
  api.use(express.json({ limit: ctx.config.maxBodyBytes, type: ['application/json', 'application/*+json'] }));
  api.use(authenticate(ctx.users));
  api.use(definitionRoutes(ctx));
  api.use(instanceRoutes(ctx));
  api.use(taskRoutes(ctx));
  api.use(externalTaskRoutes(ctx));
  api.use(messageRoutes(ctx));
  api.use(incidentRoutes(ctx));
  api.use(userRoutes(ctx));
  api.use(orderRoutes(ctx));
  api.use(scheduleRoutes(ctx));
  api.use(statsRoutes(ctx));
  api.use(gameServerRoutes(ctx));
  api.use(catalogueRoutes(ctx));
  app.use('/api', api);
  // The order prototype's routes (/place_order, /check_…), outside /api as it had them.
  app.use(legacyOrderRoutes(ctx));

  app.use(webUi());
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.logger));
  return app;
}
