// Camunda 7's version resource (https://docs.camunda.org/manual/7.17/reference/rest/version/):
// Camunda Modeler asks it when it checks a connection, and picks what it offers by the answer.
import { Router } from 'express';
import type { HttpContext } from '../context';
import { sendCamundaJson } from './camunda-errors';

/** The Camunda 7 REST API version whose subset /engine-rest speaks (docs/camunda-compatibility.md). */
export const CAMUNDA_REST_VERSION = '7.21.0';

export function versionRoutes(_ctx: HttpContext): Router {
  const r = Router();
  r.get('/version', (_req, res) => sendCamundaJson(res, 200, { version: CAMUNDA_REST_VERSION }));
  return r;
}
