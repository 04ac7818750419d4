// The REST client: bearer token from the browser session, problem+json errors as ApiError.
import type { List, Problem as ProblemAnswer } from '@contract';

/** An error answer as far as it goes: one that is not problem+json gives only status and title. */
export type Problem = Partial<ProblemAnswer>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly path: string,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

const TOKEN_KEY = 'procflow.token';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  onUnauthenticated: (): void => undefined,
};

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  token?: string;
}

export function url(path: string, query?: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function request(path: string, options: RequestOptions = {}, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  const token = options.token ?? session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(url(path, options.query), { method: options.method ?? 'GET', headers, body });
  if (!res.ok) {
    let problem: Problem;
    try {
      problem = (await res.json()) as Problem;
    } catch {
      problem = { status: res.status, title: res.statusText };
    }
    const err = new ApiError(res.status, problem, path);
    if (res.status === 401 && !options.token) session.onUnauthenticated();
    throw err;
  }
  return res;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Lists come as {items, total}; a bare array is accepted too. */
export async function list<T>(path: string, query?: RequestOptions['query']): Promise<List<T>> {
  const body = await api<List<T> | T[]>(path, { query });
  return Array.isArray(body) ? { items: body, total: body.length } : body;
}

/** The route itself does not exist on this service (yet): 404 with the generic NOT_FOUND code. */
export function isMissingEndpoint(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && (err.code === undefined || err.code === 'NOT_FOUND');
}

export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403;
}
