// Turns every error into RFC 9457 application/problem+json. An AppError keeps its code and
// detail; a database that cannot be reached is 503 DATABASE_UNAVAILABLE with Retry-After;
// anything else is a bare 500 to the client and a full log line (stack and causes).
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'winston';
import { isDatabaseUnavailable } from '../app/records';
import { AppError } from '../errors/app-error';
import { ERROR_CODES, type ErrorCode } from '../errors/codes';
import { serializeError } from '../log/logger';

export function problemBody(code: ErrorCode, detail: string, req: Request, errors?: unknown[]) {
  const spec = ERROR_CODES[code];
  return {
    type: `https://procflow.dev/errors/${code.toLowerCase().replace(/_/g, '-')}`,
    title: spec.title,
    status: spec.status,
    detail,
    instance: req.originalUrl,
    code,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(res: Parameters<RequestHandler>[1], req: Request, err: AppError): void {
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(err.code, err.detail, req, err.errors)));
}

export function notFoundHandler(): RequestHandler {
  return (req, res) => sendProblem(res, req, new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
}

/** Seconds a client is asked to wait before sending again a request the database could not take. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

interface BodyParserError {
  type?: string;
  status?: number;
  code?: string;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) return sendProblem(res, req, err);
    const e = err as BodyParserError;
    if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') {
      return sendProblem(res, req, new AppError('PAYLOAD_TOO_LARGE', 'the request body exceeds the configured limit'));
    }
    if (e?.type === 'entity.parse.failed') return sendProblem(res, req, new AppError('VALIDATION_FAILED', 'the request body is not valid JSON'));
    if (e?.status && e.status >= 400 && e.status < 500) {
      return sendProblem(res, req, new AppError('VALIDATION_FAILED', `the request could not be read (${e.type ?? e.code ?? 'bad request'})`));
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn('database unavailable', { method: req.method, path: req.path, error: serializeError(err) });
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendProblem(res, req, new AppError('DATABASE_UNAVAILABLE', 'the database cannot be reached right now; try again shortly'));
    }
    logger.error('unhandled error', { method: req.method, path: req.path, error: serializeError(err) });
    return sendProblem(res, req, new AppError('INTERNAL', 'an internal error occurred; it has been logged'));
  };
}
