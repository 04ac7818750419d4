// Errors under /engine-rest as Camunda 7 answers them: `{"type": "<exception class>", "message"}`
// with Camunda's status codes (https://docs.camunda.org/manual/7.18/reference/rest/overview/#error-handling),
// not problem+json. What each operation answers is on its reference page, e.g. 404 for a task that
// does not exist and 400 for a task locked by another worker
// (https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-complete/,
// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-extend-lock/).
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import { isDatabaseUnavailable } from '../../app/records';
import { AppError } from '../../errors/app-error';
import type { ErrorCode } from '../../errors/codes';
import { serializeError } from '../../log/logger';

export interface CamundaError {
  status: number;
  type: string;
  message: string;
}

/** Camunda's answers are `application/json` exactly: camunda-external-task-client-js parses no other type. */
export function sendCamundaJson(res: Response, status: number, body: unknown): void {
  // Set on the Node response: Express's res.set/res.send would append `; charset=utf-8`.
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

const BY_CODE: Partial<Record<ErrorCode, { status: number; type: string }>> = {
  UNAUTHENTICATED: { status: 401, type: 'AuthenticationException' },
  FORBIDDEN: { status: 403, type: 'AuthorizationException' },
  NOT_A_CANDIDATE: { status: 403, type: 'AuthorizationException' },
  VALIDATION_FAILED: { status: 400, type: 'InvalidRequestException' },
  INPUT_TOO_DEEP: { status: 400, type: 'InvalidRequestException' },
  INPUT_NUL_CHARACTER: { status: 400, type: 'InvalidRequestException' },
  UNSUPPORTED_MEDIA_TYPE: { status: 400, type: 'InvalidRequestException' },
  PAYLOAD_TOO_LARGE: { status: 400, type: 'InvalidRequestException' },
  BPMN_INVALID: { status: 400, type: 'ParseException' },
  BPMN_TOO_LARGE: { status: 400, type: 'ParseException' },
  TIMER_TOO_FREQUENT: { status: 400, type: 'ParseException' },
  LOOP_TOO_LARGE: { status: 400, type: 'ParseException' },
  EXTERNAL_TASK_NOT_LOCKED_BY_WORKER: { status: 400, type: 'InvalidRequestException' },
  // A task completed, failed or left by a boundary event meanwhile: to Camunda it no longer exists.
  EXTERNAL_TASK_NOT_FOUND: { status: 404, type: 'InvalidRequestException' },
  EXTERNAL_TASK_DONE: { status: 404, type: 'InvalidRequestException' },
  NOT_FOUND: { status: 404, type: 'NotFoundException' },
  DEFINITION_NOT_FOUND: { status: 404, type: 'InvalidRequestException' },
  INSTANCE_NOT_FOUND: { status: 404, type: 'InvalidRequestException' },
  TASK_NOT_FOUND: { status: 404, type: 'InvalidRequestException' },
  // A completed task no longer exists to Camunda's runtime.
  TASK_NOT_OPEN: { status: 404, type: 'InvalidRequestException' },
  TASK_ALREADY_CLAIMED: { status: 500, type: 'TaskAlreadyClaimedException' },
  USER_NOT_FOUND: { status: 400, type: 'InvalidRequestException' },
  FORM_INVALID: { status: 400, type: 'InvalidRequestException' },
  // "No process definition or execution matches the parameters"
  MESSAGE_NOT_CORRELATED: { status: 400, type: 'InvalidRequestException' },
  DEFINITION_NOT_EXECUTABLE: { status: 400, type: 'InvalidRequestException' },
  // "the corresponding process instance could not be resumed successfully"
  INSTANCE_CONFLICT: { status: 500, type: 'OptimisticLockingException' },
  INSTANCE_ENDED: { status: 500, type: 'ProcessEngineException' },
};

/** The start of Camunda's message for a BPMN file it could not deploy (ENGINE-09005). */
export const CAMUNDA_PARSE_ERROR = 'ENGINE-09005 Could not parse BPMN process.';

export function camundaError(err: unknown): CamundaError {
  if (err instanceof AppError) {
    const known = BY_CODE[err.code];
    // Camunda Modeler recognises a diagram the engine could not parse by this prefix.
    if (err.code === 'BPMN_INVALID') return { status: 400, type: 'ParseException', message: `${CAMUNDA_PARSE_ERROR} Errors: ${err.detail}` };
    if (known) return { ...known, message: err.detail };
    return { status: err.status >= 500 ? 500 : err.status, type: err.status >= 500 ? 'ProcessEngineException' : 'RestException', message: err.detail };
  }
  return { status: 500, type: 'ProcessEngineException', message: 'an internal error occurred; it has been logged' };
}

interface BodyParserError {
  type?: string;
  status?: number;
}

export function camundaNotFound(): RequestHandler {
  return (req, res) => sendCamundaJson(res, 404, { type: 'NotFoundException', message: `no resource for ${req.method} ${req.originalUrl}` });
}

export function camundaErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as BodyParserError;
    let answer: CamundaError;
    if (err instanceof AppError) answer = camundaError(err);
    else if (e?.type === 'entity.parse.failed') answer = { status: 400, type: 'InvalidRequestException', message: 'the request body is not valid JSON' };
    else if (e?.status && e.status >= 400 && e.status < 500)
      answer = { status: 400, type: 'InvalidRequestException', message: `the request could not be read (${e.type ?? 'bad request'})` };
    else {
      const level = isDatabaseUnavailable(err) ? 'warn' : 'error';
      logger.log(level, 'engine-rest error', { method: req.method, path: req.path, error: serializeError(err) });
      answer = camundaError(err);
    }
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="procflow"');
    sendCamundaJson(res, answer.status, { type: answer.type, message: answer.message });
  };
}
