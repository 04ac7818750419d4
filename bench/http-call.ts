// One request to the service, as the benchmark clients send it: Node's fetch (undici, keep-alive
// connections by default). Apart from bench/bench-service.ts so that the client process of
// `npm run bench:http` (bench/http-client.ts) does not load the service's modules.

/** A request to the service with a bearer token (a body is JSON unless `type` says otherwise); the parsed answer, or an error with the status. */
export async function callService(base: string, token: string, method: string, url: string, body?: unknown, type = 'application/json'): Promise<unknown> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': type }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
