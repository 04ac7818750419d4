// The product catalogue's API: `GET <base>/api/data` → `{"produits": [...]}`, validated whole.
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ConnectorError, createHttpClient, describeIssues, getJson, parseRecords, text } from './http-json';

/** A number, or a string holding one (some exports quote decimals). */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);
const key = z.union([z.string().trim().min(1).max(255), z.number().int()]).transform(String);

const productSchema = z.object({
  id: key,
  codeProduit: text(255).pipe(z.string().trim().min(1)),
  descriptionProduit: text(10000),
  familleProduit: text(255),
  // The catalogue's documentation shows a number here ("packaging": 2); other exports a string.
  packaging: text(255),
  prix: numeric.pipe(z.number().finite().nonnegative()),
  quantiteMin: numeric.pipe(z.number().int().nonnegative()),
});

const answerSchema = z.object({ produits: z.array(z.unknown()) });

export interface CatalogueProduct {
  code: string;
  sourceId: string;
  description: string;
  family: string;
  packaging: string;
  price: number;
  minQuantity: number;
}

export interface CatalogueSource {
  /** The products, or a ConnectorError: unreachable, not JSON, or not the expected shape. */
  fetchProducts(): Promise<{ url: string; products: CatalogueProduct[] }>;
}

export class CatalogueClient implements CatalogueSource {
  constructor(
    private readonly baseUrl: () => string | undefined,
    private readonly timeoutMs: number,
    private readonly http: AxiosInstance = createHttpClient(),
  ) {}

  async fetchProducts(): Promise<{ url: string; products: CatalogueProduct[] }> {
    const base = this.baseUrl();
    if (!base) throw new ConnectorError('the catalogue is not configured: set PROCFLOW_CATALOGUE_URL');
    const url = `${base.replace(/\/+$/, '')}/api/data`;
    const body = await getJson(this.http, url, this.timeoutMs, 'the catalogue');
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) throw new ConnectorError(`the catalogue <${url}> answered an unexpected shape: ${describeIssues(parsed.error.issues)}`);
    const result = parseRecords(parsed.data.produits, productSchema, { path: 'produits', key: 'codeProduit' });
    if (!result.ok) throw new ConnectorError(`the catalogue <${url}> answered an unexpected shape: ${result.message}`);
    const produits = result.records;
    const seen = new Set<string>();
    for (const p of produits) {
      if (seen.has(p.codeProduit)) throw new ConnectorError(`the catalogue <${url}> lists product code <${p.codeProduit}> twice`);
      seen.add(p.codeProduit);
    }
    return {
      url,
      products: produits.map((p) => ({
        code: p.codeProduit,
        sourceId: p.id,
        description: p.descriptionProduit,
        family: p.familleProduit,
        packaging: p.packaging,
        price: p.prix,
        minQuantity: p.quantiteMin,
      })),
    };
  }
}
