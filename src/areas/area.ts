// What a business area is to the rest of the service: one folder that brings its migrations, its
// store, the service-task handlers its processes call, its use cases, its routes with their
// OpenAPI paths, its recurring schedules and its simulators. The composition root creates the
// areas of src/areas/index.ts in order and every shared part iterates that one list.
import type { Router } from 'express';
import type { Logger } from 'winston';
import type { ProcessStarts } from '../app/process-starts';
import type { ScheduleInput } from '../app/scheduler';
import type { Config } from '../config';
import type { Clock } from '../engine/clock';
import type { ServiceRegistry } from '../engine/service-registry';
import type { HttpContext } from '../http/context';
import type { OpenApiPaths } from '../http/openapi';
import type { Database, Migrations } from '../store/database';
import type { Store } from '../store/store';

export interface AreaDeps {
  config: Config;
  /** The database the area's own store works on. */
  db: Database;
  /** The core's repositories (users, instances) the area reads. */
  store: Store;
  /** How the area starts its processes (with the same checks as any start). */
  starts: ProcessStarts;
  /** Where the area registers the handlers of its service-task topics. */
  services: ServiceRegistry;
  clock: Clock;
  logger: Logger;
}

export interface AreaHttp {
  /** Routes under /api. */
  api?: (ctx: HttpContext) => Router;
  /** Routes outside /api (the order prototype's). */
  root?: (ctx: HttpContext) => Router;
  openapi: OpenApiPaths;
}

export interface RunningArea {
  name: string;
  http: AreaHttp;
  /** Starts the area's built-in stand-ins for its outside systems (npm start with none configured). */
  startSimulators?(): Promise<void>;
  close?(): Promise<void>;
}

export interface AreaModule<A extends RunningArea = RunningArea> {
  name: string;
  migrations: Migrations;
  /** Definition keys whose ended instances history retention keeps (the area reads them later). */
  retains?: string[];
  /** The area's recurring process starts, with their cycles from the configuration. */
  schedules(config: Config): Array<ScheduleInput & { name: string; recurrence: string }>;
  create(deps: AreaDeps): A;
}
