// What the HTTP layer is handed by the composition root (src/main.ts): the application layer,
// the business areas' running modules (for their routes), and its own configuration and metrics.
import type { Logger } from 'winston';
import type { Application } from '../app/application';
import type { Config } from '../config';
import type { HttpMetrics } from './metrics';

/** An area's HTTP part as the edge sees it (src/areas/area.ts has the whole module). */
export interface AreaRoutes {
  name: string;
  http: {
    api?: (ctx: HttpContext) => import('express').Router;
    root?: (ctx: HttpContext) => import('express').Router;
    openapi: import('./openapi').OpenApiPaths;
  };
}

export interface HttpContext {
  config: Config;
  app: Application;
  areas: AreaRoutes[];
  logger: Logger;
  metrics: HttpMetrics;
}
