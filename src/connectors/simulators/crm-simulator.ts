// A simulated CRM: `GET /api/data` answers an array of customers as the real one does.
import { LoopbackHttpServer, type HttpAnswer } from './loopback-http-server';

export interface CrmCustomer {
  firstName: string;
  lastName: string;
  fidelityPoint: number;
  payment: string;
  account: string;
}

export const DEMO_CUSTOMERS: CrmCustomer[] = [
  { firstName: 'Camille', lastName: 'Durand', fidelityPoint: 120, payment: 'carte', account: 'ACC-1001' },
  { firstName: 'Hugo', lastName: 'Martin', fidelityPoint: 45, payment: 'virement', account: 'ACC-1002' },
  { firstName: 'Léa', lastName: 'Bernard', fidelityPoint: 300, payment: 'carte', account: 'ACC-1003' },
  { firstName: 'Nathan', lastName: 'Petit', fidelityPoint: 0, payment: 'paypal', account: 'ACC-1004' },
];

export class CrmSimulator {
  customers: CrmCustomer[];
  /** When set, answers this instead (a string is sent raw: use it for malformed answers). */
  override: HttpAnswer | null = null;

  private constructor(
    private readonly http: LoopbackHttpServer,
    customers: CrmCustomer[],
  ) {
    this.customers = customers;
  }

  static async start(customers: CrmCustomer[] = DEMO_CUSTOMERS): Promise<CrmSimulator> {
    const box: { sim?: CrmSimulator } = {};
    const http = await LoopbackHttpServer.start((method, path) => box.sim?.answer(method, path) ?? { status: 503, body: 'starting' });
    box.sim = new CrmSimulator(
      http,
      customers.map((c) => ({ ...c })),
    );
    return box.sim;
  }

  private answer(method: string, path: string): HttpAnswer {
    if (method !== 'GET' || path !== '/api/data') return { status: 404, body: { error: `no route ${method} ${path}` } };
    return this.override ?? { status: 200, body: this.customers };
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
