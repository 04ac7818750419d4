// A small HTTP server on 127.0.0.1 and a free port, for the simulators of outside HTTP APIs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpAnswer {
  status: number;
  /** An object is sent as JSON; a string is sent as it is (to simulate broken answers). */
  body: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type HttpHandler = (method: string, path: string, body: string) => Promise<HttpAnswer> | HttpAnswer;

export class LoopbackHttpServer {
  /** How many requests it answered, by path. */
  readonly hits = new Map<string, number>();
  /** Request bodies received, oldest first (for receivers such as a webhook). */
  readonly bodies: Array<{ path: string; body: string }> = [];
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(handler: HttpHandler) {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      new Promise<string>((resolve) => req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))))
        .then((body) => {
          if (body) this.bodies.push({ path, body });
          return handler(req.method ?? 'GET', path, body);
        })
        .then((answer) => {
          const send = () => {
            const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
            res.end(text);
          };
          if (answer.delayMs) {
            const t = setTimeout(() => {
              this.timers.delete(t);
              send();
            }, answer.delayMs);
            this.timers.add(t);
          } else send();
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
        });
    });
    this.server.keepAliveTimeout = 1000;
  }

  static async start(handler: HttpHandler, port = 0): Promise<LoopbackHttpServer> {
    const s = new LoopbackHttpServer(handler);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(port, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hitCount(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
