// Limits every request meets at the HTTP edge, before any route runs: no NUL character in the
// path or the query string (Postgres text cannot hold one), and JSON bodies no deeper than the
// configured depth with no NUL in a string or a key (a deep body overflows the stack of every
// recursive JSON.stringify after it). Checked here, once, so that no route can forget them.
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

const NUL = '\u0000';

/** RFC 6901: `~` and `/` in a key are escaped. */
function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function nulError(pointer: string, where: string): AppError {
  return new AppError('INPUT_NUL_CHARACTER', `the request ${where} holds a NUL character (\\u0000) at <${pointer}>; text values cannot contain one`, {
    errors: [{ pointer, message: 'NUL character' }],
  });
}

/** %00 (or a raw NUL) in the path or the query string, before Express decodes either. */
export function urlLimits(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (/%00/i.test(path) || path.includes(NUL)) return next(nulError('/path', 'path'));
    if (q !== -1) {
      const query = url.slice(q + 1);
      if (/%00/i.test(query) || query.includes(NUL)) {
        const name = query.split('&').find((p) => /%00/i.test(p) || p.includes(NUL));
        const key = name?.split('=')[0] ?? '';
        return next(nulError(`/query/${pointerPart(safeDecode(key).replace(/\0/g, ''))}`, 'query string'));
      }
    }
    next();
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Walks a parsed JSON value without recursion (a recursive walk would overflow on the very
 * input it guards against) and returns the first problem: too deep, or a NUL in a string or key.
 */
export function jsonProblem(value: unknown, maxDepth: number): AppError | undefined {
  const stack: Array<{ value: unknown; depth: number; pointer: string }> = [{ value, depth: 0, pointer: '' }];
  while (stack.length) {
    const item = stack.pop() as { value: unknown; depth: number; pointer: string };
    const v = item.value;
    if (typeof v === 'string') {
      if (v.includes(NUL)) return nulError(item.pointer || '/', 'body');
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) {
      return new AppError(
        'INPUT_TOO_DEEP',
        `the request body nests objects and arrays ${maxDepth + 1} or more levels deep at <${item.pointer}>; at most ${maxDepth} are allowed`,
        {
          errors: [{ pointer: item.pointer || '/', message: `nested deeper than ${maxDepth} levels` }],
        },
      );
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, pointer: `${item.pointer}/${i}` });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const pointer = `${item.pointer}/${pointerPart(key)}`;
      if (key.includes(NUL)) return nulError(pointer.replace(/\0/g, ''), 'body');
      stack.push({ value: (v as Record<string, unknown>)[key], depth, pointer });
    }
  }
  return undefined;
}

/** Checks a JSON body once a body parser has read it (a Buffer of XML or a multipart upload is not JSON). */
export function jsonBodyLimits(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return next();
    const problem = jsonProblem(body, maxDepth);
    next(problem);
  };
}

/** The years a time given in a request may have: what every database and `Date` represent alike. */
export const TIME_YEARS = { min: 1970, max: 9999 } as const;

/** Why an ISO 8601 time of a request is refused, or undefined when it is a time in range. */
export function timeProblem(text: string): string | undefined {
  const ms = new Date(text).getTime();
  if (Number.isNaN(ms)) return 'expected an ISO 8601 time';
  const year = new Date(ms).getUTCFullYear();
  if (year < TIME_YEARS.min || year > TIME_YEARS.max) return `expected a time in the years ${TIME_YEARS.min} to ${TIME_YEARS.max}, found the year ${year}`;
  return undefined;
}
