// GET a JSON document from an outside system with axios: a total deadline (not just an idle
// timeout), and errors that say which system, which URL and what went wrong.
import { z } from 'zod';
import axios, { type AxiosInstance } from 'axios';

/** An outside system failed or answered something unusable. A plain Error: in a process, an incident. */
export class ConnectorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

const MAX_ANSWER_BYTES = 50 * 1024 * 1024;

export function createHttpClient(): AxiosInstance {
  return axios.create({
    headers: { Accept: 'application/json', 'User-Agent': 'procflow/0.1 (+https://github.com/procflow)' },
    maxContentLength: MAX_ANSWER_BYTES,
    maxRedirects: 3,
    // The body is parsed here, so that a malformed answer gets a clear error.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });
}

export async function getJson(http: AxiosInstance, url: string, timeoutMs: number, what: string): Promise<unknown> {
  let res;
  try {
    res = await http.get<string>(url, { timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ConnectorError(`${what} <${url}> ${describeTransportError(err, timeoutMs)}`, { cause: err });
  }
  if (res.status < 200 || res.status > 299) {
    throw new ConnectorError(`${what} <${url}> answered HTTP ${res.status}${snippet(res.data)}`);
  }
  try {
    return JSON.parse(String(res.data)) as unknown;
  } catch (err) {
    throw new ConnectorError(`${what} <${url}> answered something that is not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

function describeTransportError(err: unknown, timeoutMs: number): string {
  const code = (err as { code?: string }).code;
  const name = (err as { name?: string }).name;
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    name === 'CanceledError' ||
    name === 'AbortError' ||
    name === 'TimeoutError'
  ) {
    return `did not answer within ${timeoutMs} ms`;
  }
  if (code === 'ECONNREFUSED') return 'refused the connection';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'has a host name that does not resolve';
  if (code === 'ECONNRESET') return 'closed the connection before answering';
  if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') return `answered more than ${MAX_ANSWER_BYTES} bytes`;
  return `could not be reached: ${err instanceof Error ? err.message : String(err)}`;
}

function snippet(body: unknown): string {
  const text = typeof body === 'string' ? body.trim() : '';
  return text ? `: ${text.slice(0, 200)}` : '';
}

/** zod issues as `/path: message` lines, the first few. */
export function describeIssues(issues: Array<{ path: PropertyKey[]; message: string }>, max = 5): string {
  const lines = issues.slice(0, max).map((i) => `/${i.path.map(String).join('/')}: ${i.message}`);
  return lines.join('; ') + (issues.length > max ? ` (and ${issues.length - max} more)` : '');
}

/**
 * Text where a string is expected: a number or a boolean there is a harmless variation of the
 * same value (an export that did not quote it) and is kept as its text; anything else is refused.
 */
export function text(max: number) {
  return z.union([z.string(), z.number().finite(), z.boolean()]).transform(String).pipe(z.string().max(max));
}

/**
 * Parses a list of records one by one, so that a violation names the record it is in (by the key
 * the source gives it) as well as the field: `/produits/3/prix: expected number (codeProduit "X1-3")`.
 */
export function parseRecords<S extends z.ZodType>(
  items: unknown[],
  schema: S,
  where: { path: string; key: string },
): { ok: true; records: Array<z.output<S>> } | { ok: false; message: string } {
  const records: Array<z.output<S>> = [];
  const problems: string[] = [];
  items.forEach((raw, i) => {
    const r = schema.safeParse(raw);
    if (r.success) records.push(r.data);
    else {
      const issues = r.error.issues.map((issue) => ({ ...issue, path: [...(where.path ? [where.path] : []), i, ...issue.path] }));
      problems.push(`${describeIssues(issues, 3)} (${recordKey(raw, where.key)})`);
    }
  });
  if (!problems.length) return { ok: true, records };
  const shown = problems.slice(0, 5).join('; ');
  return { ok: false, message: shown + (problems.length > 5 ? ` (and ${problems.length - 5} more records)` : '') };
}

/** The value of `field` in a raw record, for naming it in a message. */
export function recordKey(raw: unknown, field: string): string {
  const v = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? `${field} ${JSON.stringify(v)}` : `no ${field}`;
}
