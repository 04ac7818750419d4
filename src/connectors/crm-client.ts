// The CRM's API: `GET <base>/api/data` → an array of customers, validated whole.
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ConnectorError, createHttpClient, describeIssues, getJson, parseRecords, text } from './http-json';

const customerSchema = z.object({
  firstName: text(255),
  lastName: text(255),
  fidelityPoint: z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, 'expected an integer')
        .transform(Number),
    ])
    .pipe(z.number().int().min(0)),
  payment: text(255),
  account: z.union([z.string().trim().min(1).max(255), z.number().int()]).transform(String),
});

const answerSchema = z.array(z.unknown());

export interface CrmCustomer {
  account: string;
  firstName: string;
  lastName: string;
  fidelityPoints: number;
  payment: string;
}

export interface CustomerSource {
  /** The customers, or a ConnectorError: unreachable, not JSON, or not the expected shape. */
  fetchCustomers(): Promise<{ url: string; customers: CrmCustomer[] }>;
}

export class CrmClient implements CustomerSource {
  constructor(
    private readonly baseUrl: () => string | undefined,
    private readonly timeoutMs: number,
    private readonly http: AxiosInstance = createHttpClient(),
  ) {}

  async fetchCustomers(): Promise<{ url: string; customers: CrmCustomer[] }> {
    const base = this.baseUrl();
    if (!base) throw new ConnectorError('the CRM is not configured: set PROCFLOW_CRM_URL');
    const url = `${base.replace(/\/+$/, '')}/api/data`;
    const body = await getJson(this.http, url, this.timeoutMs, 'the CRM');
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) throw new ConnectorError(`the CRM <${url}> answered an unexpected shape: ${describeIssues(parsed.error.issues)}`);
    const result = parseRecords(parsed.data, customerSchema, { path: '', key: 'account' });
    if (!result.ok) throw new ConnectorError(`the CRM <${url}> answered an unexpected shape: ${result.message}`);
    const customers = result.records;
    const seen = new Set<string>();
    for (const c of customers) {
      if (seen.has(c.account)) throw new ConnectorError(`the CRM <${url}> lists customer account <${c.account}> twice`);
      seen.add(c.account);
    }
    return {
      url,
      customers: customers.map((c) => ({
        account: c.account,
        firstName: c.firstName,
        lastName: c.lastName,
        fidelityPoints: c.fidelityPoint,
        payment: c.payment,
      })),
    };
  }
}
