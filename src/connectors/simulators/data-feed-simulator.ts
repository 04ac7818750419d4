// A simulated data feed on loopback: `GET /api/data` answers the current items in the outside
// system's wire shape; `override` replaces the answer (a string is sent raw: a malformed answer).
import { LoopbackHttpServer, type HttpAnswer } from './loopback-http-server';

export class DataFeedSimulator<T> {
  /** When set, answers this instead (a string is sent raw: use it for malformed answers). */
  override: HttpAnswer | null = null;

  protected constructor(
    private readonly http: LoopbackHttpServer,
    protected items: T[],
    private readonly shape: (items: T[]) => unknown,
  ) {}

  protected static async listen<S extends { answer(method: string, path: string): HttpAnswer }>(create: (http: LoopbackHttpServer) => S): Promise<S> {
    const box: { sim?: S } = {};
    const http = await LoopbackHttpServer.start((method, path) => box.sim?.answer(method, path) ?? { status: 503, body: 'starting' });
    box.sim = create(http);
    return box.sim;
  }

  answer(method: string, path: string): HttpAnswer {
    if (method !== 'GET' || path !== '/api/data') return { status: 404, body: { error: `no route ${method} ${path}` } };
    return this.override ?? { status: 200, body: this.shape(this.items) };
  }

  get url(): string {
    return this.http.url;
  }

  get requests(): number {
    return this.http.hitCount('/api/data');
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
